//! hnn-core's flat parameter files: legacy HNN GUI `.param` ("key: value" lines) and flat
//! `.json` (hnn-core's `read_params`), parsed into [`Params`]. The parameter set itself, its
//! defaults and look-ups live in [`crate::network::params`]; this module reads, parses and
//! writes the files (and the sets built into hnn).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
pub use crate::network::params::{ParamValue, Params};

/// hnn-core 0.6.1's `param/default.json` (BSD-3-Clause, © the HNN-core developers), the
/// built-in `default.json`. [`Params::hnn_core_default`] (in `network/`) holds its values.
pub const HNN_CORE_DEFAULT_JSON: &str = include_str!("../../data/param/default.json");

/// The parameter files shipped with hnn (`data/param/`, see its README for their licences):
/// hnn-core's `param/*.json` and HNN's `.param` sets, readable by file name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("Alpha.param", include_str!("../../data/param/Alpha.param")),
    (
        "AlphaAndBeta.param",
        include_str!("../../data/param/AlphaAndBeta.param"),
    ),
    (
        "AlphaAndBeta2.param",
        include_str!("../../data/param/AlphaAndBeta2.param"),
    ),
    (
        "AlphaAndBetaJitter0.param",
        include_str!("../../data/param/AlphaAndBetaJitter0.param"),
    ),
    (
        "AlphaAndBetaSpike.param",
        include_str!("../../data/param/AlphaAndBetaSpike.param"),
    ),
    (
        "AlphaAndMoreBeta.param",
        include_str!("../../data/param/AlphaAndMoreBeta.param"),
    ),
    (
        "ERPNo100Trials.param",
        include_str!("../../data/param/ERPNo100Trials.param"),
    ),
    (
        "ERPYes100Trials.param",
        include_str!("../../data/param/ERPYes100Trials.param"),
    ),
    (
        "ERPYesSupraT.param",
        include_str!("../../data/param/ERPYesSupraT.param"),
    ),
    ("N20.json", include_str!("../../data/param/N20.json")),
    (
        "OnlyRhythmicDist.param",
        include_str!("../../data/param/OnlyRhythmicDist.param"),
    ),
    (
        "OnlyRhythmicProx.param",
        include_str!("../../data/param/OnlyRhythmicProx.param"),
    ),
    (
        "SRJ_2007_Fig5A_Super.param",
        include_str!("../../data/param/SRJ_2007_Fig5A_Super.param"),
    ),
    (
        "SRJ_2007_Fig5A_ThreshNonP.param",
        include_str!("../../data/param/SRJ_2007_Fig5A_ThreshNonP.param"),
    ),
    (
        "SRJ_2007_Fig6_ThreshP.param",
        include_str!("../../data/param/SRJ_2007_Fig6_ThreshP.param"),
    ),
    ("default.json", HNN_CORE_DEFAULT_JSON),
    (
        "default.param",
        include_str!("../../data/param/default.param"),
    ),
    (
        "gamma_L5ping_L2ping.param",
        include_str!("../../data/param/gamma_L5ping_L2ping.param"),
    ),
    (
        "gamma_L5weak_L2weak.json",
        include_str!("../../data/param/gamma_L5weak_L2weak.json"),
    ),
    (
        "gamma_L5weak_L2weak.param",
        include_str!("../../data/param/gamma_L5weak_L2weak.param"),
    ),
    (
        "gamma_L5weak_L2weak_bursty.param",
        include_str!("../../data/param/gamma_L5weak_L2weak_bursty.param"),
    ),
    (
        "gamma_rhythmic_drive.param",
        include_str!("../../data/param/gamma_rhythmic_drive.param"),
    ),
    (
        "gamma_rhythmic_drive_more_noise.param",
        include_str!("../../data/param/gamma_rhythmic_drive_more_noise.param"),
    ),
];

impl Params {
    /// Read a `.param` or flat `.json` file (hnn-core's `read_params`).
    pub fn read(path: &Path) -> Result<Params> {
        let name = path.display().to_string();
        if !path.exists()
            && let Some((n, text)) = BUILT_IN.iter().find(|(n, _)| *n == name)
        {
            let source = format!("{n} (built in)");
            return if n.ends_with(".json") {
                Params::from_json(text, &source)
            } else {
                Params::from_param(text, &source)
            };
        }
        let bytes = std::fs::read(path).map_err(|e| {
            let known: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            Error::invalid(
                format!("file '{name}'"),
                e.to_string(),
                format!(
                    "a readable file, or one of the built-in sets: {}",
                    known.join(", ")
                ),
            )
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::invalid(format!("file '{name}'"), "not UTF-8", "a text file"))?;
        let p = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Params::from_json(&text, &name)?,
            Some("param") => Params::from_param(&text, &name)?,
            other => {
                return Err(Error::invalid(
                    format!("file '{name}'"),
                    format!("extension {:?}", other.unwrap_or("")),
                    "a .param or .json parameter file",
                ));
            }
        };
        if p.values.is_empty() {
            return Err(Error::invalid(
                format!("file '{name}'"),
                "no parameters",
                "a parameter file",
            ));
        }
        Ok(p)
    }

    /// hnn-core's `read_params(params_fname, file_contents)`: parse `contents` as the file
    /// named `name` (its extension, .json or .param, says how); the file is not read.
    pub fn from_contents(name: &str, contents: &str) -> Result<Params> {
        let p = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("json") => Params::from_json(contents, name)?,
            Some("param") => Params::from_param(contents, name)?,
            other => {
                return Err(Error::invalid(
                    format!("file name '{name}'"),
                    format!("extension {:?}", other.unwrap_or("")),
                    "a .param or .json parameter file name",
                ));
            }
        };
        if p.values.is_empty() {
            return Err(Error::invalid(
                format!("contents of '{name}'"),
                "no parameters",
                "parameter file contents",
            ));
        }
        Ok(p)
    }

    /// hnn-core's `Params.write(fname)`: the parameters as one flat JSON object (integral
    /// numbers as integers, as hnn-core's files hold them), readable by `read_params`.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.values {
            let j = match v {
                ParamValue::Str(s) => Value::String(s.clone()),
                ParamValue::Num(x) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => {
                    Value::from(*x as i64)
                }
                ParamValue::Num(x) => serde_json::Number::from_f64(*x)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::invalid(format!("parameter '{k}'"), x, "a finite number")
                    })?,
            };
            map.insert(k.clone(), j);
        }
        let text = serde_json::to_string_pretty(&Value::Object(map))
            .map_err(|e| Error::invalid("parameters", e.to_string(), "JSON"))?;
        crate::cluster::root_writes(|| std::fs::write(path, text), std::io::Error::other).map_err(
            |e| {
                Error::invalid(
                    format!("file '{}'", path.display()),
                    e.to_string(),
                    "a writable path",
                )
            },
        )
    }

    /// Parse HNN GUI "key: value" lines.
    pub fn from_param(text: &str, source: &str) -> Result<Params> {
        let mut values = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let parts: Vec<&str> = line.trim_start().split(':').collect();
            if parts.len() != 2 {
                return Err(Error::invalid(
                    format!("{source} line {}", i + 1),
                    line.trim(),
                    "'key: value'",
                ));
            }
            let (k, v) = (parts[0].trim(), parts[1].trim());
            if k.is_empty() {
                return Err(Error::invalid(
                    format!("{source} line {}", i + 1),
                    line.trim(),
                    "a key before ':'",
                ));
            }
            let value = match v.parse::<f64>() {
                Ok(x) if x.is_finite() => ParamValue::Num(x),
                Ok(_) => {
                    return Err(Error::invalid(
                        format!("{source} line {} ({k})", i + 1),
                        v,
                        "a finite number",
                    ));
                }
                Err(_) => ParamValue::Str(v.to_string()),
            };
            values.insert(k.to_string(), value);
        }
        Ok(Params {
            values,
            source: source.into(),
        })
    }

    /// Parse a flat JSON object.
    pub fn from_json(text: &str, source: &str) -> Result<Params> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid(format!("file '{source}'"), e.to_string(), "valid JSON"))?;
        let Value::Object(map) = v else {
            return Err(Error::invalid(
                format!("file '{source}'"),
                "not an object",
                "a flat JSON object of parameters",
            ));
        };
        let mut values = BTreeMap::new();
        for (k, v) in map {
            let value = match v {
                Value::Number(n) => ParamValue::Num(n.as_f64().unwrap_or(f64::NAN)),
                Value::Bool(b) => ParamValue::Num(if b { 1.0 } else { 0.0 }),
                Value::String(s) => ParamValue::Str(s),
                other => {
                    let text = other.to_string();
                    let shown = if text.chars().count() > 60 {
                        format!(
                            "{}... (a network file? read it with read_network_configuration)",
                            text.chars().take(60).collect::<String>()
                        )
                    } else {
                        text
                    };
                    return Err(Error::invalid(
                        format!("{source}: key '{k}'"),
                        shown,
                        "a number, bool or string",
                    ));
                }
            };
            values.insert(k, value);
        }
        Ok(Params {
            values,
            source: source.into(),
        })
    }
}

#[cfg(test)]
mod wildcard_tests {
    #[test]
    fn wildcards_select_keys_of_a_built_in_set() {
        let p = super::Params::read(std::path::Path::new("default.param")).unwrap();
        assert!(p.matching("gbar_L*").values.len() >= 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_param_lines_and_reports_bad_ones() {
        let p = Params::from_param("tstop: 710.\nsim_prefix: default\nN_trials: 1\n", "x.param")
            .unwrap();
        assert_eq!(p.num("tstop").unwrap(), 710.0);
        assert_eq!(p.num("N_trials").unwrap(), 1.0);
        assert!(p.num("sim_prefix").is_err());
        assert_eq!(
            p.num("gbar_L2Pyr_L2Pyr_ampa").unwrap(),
            0.0,
            "hnn-core's default for a missing weight"
        );
        let e = Params::from_param("tstop: 1\nno colon here\n", "bad.param")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.param line 2"), "{e}");
        let e = Params::from_param("a: 1: 2\n", "bad.param")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1"), "{e}");
        let e = Params::from_json("[1, 2]", "bad.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.json"), "{e}");
        let e = Params::from_json("{\"a\": [1]}", "bad.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("'a'"), "{e}");
    }

    #[test]
    fn network_default_set_is_the_parsed_default_json() {
        let parsed = Params::from_json(
            HNN_CORE_DEFAULT_JSON,
            crate::network::default_params::SOURCE,
        )
        .unwrap();
        let built_in = Params::hnn_core_default();
        assert_eq!(parsed.source, built_in.source);
        assert_eq!(parsed.values.len(), built_in.values.len());
        for (k, v) in &parsed.values {
            let (ParamValue::Num(a), Some(ParamValue::Num(b))) = (v, built_in.values.get(k)) else {
                panic!("{k}: {v:?} against {:?}", built_in.values.get(k));
            };
            assert_eq!(a.to_bits(), b.to_bits(), "{k}: {a} against {b}");
        }
    }
}
