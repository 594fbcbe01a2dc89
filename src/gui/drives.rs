//! The External drives tab: one form per drive (evoked, Poisson, rhythmic, tonic) with every
//! field of hnn-core's GUI, read from a network's `external_drives` and written back as the
//! `add_*_drive` calls of the tutorials.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::actions::{CELL_TYPES, Errors, Rule, lit, quote};

/// One drive as the page edits it; numbers are kept as typed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct DriveForm {
    /// evoked, poisson, bursty or tonic.
    pub kind: String,
    /// The drive's name (letters, digits, `_`).
    pub name: String,
    /// proximal or distal (ignored for tonic).
    #[serde(default)]
    pub location: String,
    /// One drive cell per target cell.
    #[serde(default)]
    pub cell_specific: bool,
    /// Whether the drive is added (a switched-off drive keeps its values).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Timing and other scalar fields, as typed.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Per-target-cell rows (weights_ampa, weights_nmda, synaptic_delays, probability,
    /// rate_constant, amplitude): cell type → value as typed; empty means "not given".
    #[serde(default)]
    pub targets: BTreeMap<String, BTreeMap<String, String>>,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Copy)]
enum Kind {
    Float(Rule),
    Int(Rule),
}

use Kind::{Float, Int};
use Rule::{Any, NonNegative, Positive};

/// The scalar fields of each drive type, in the order the page shows them.
fn fields(kind: &str) -> &'static [(&'static str, Kind)] {
    match kind {
        "evoked" => &[
            ("mu", Float(NonNegative)),
            ("sigma", Float(NonNegative)),
            ("numspikes", Int(Positive)),
            ("n_drive_cells", Int(Positive)),
            ("event_seed", Int(NonNegative)),
            ("conn_seed", Int(NonNegative)),
            ("space_constant", Float(Positive)),
        ],
        "poisson" => &[
            ("tstart", Float(NonNegative)),
            ("tstop", Float(NonNegative)),
            ("n_drive_cells", Int(Positive)),
            ("event_seed", Int(NonNegative)),
            ("conn_seed", Int(NonNegative)),
            ("space_constant", Float(Positive)),
        ],
        "bursty" => &[
            ("tstart", Float(NonNegative)),
            ("tstart_std", Float(NonNegative)),
            ("tstop", Float(NonNegative)),
            ("burst_rate", Float(Positive)),
            ("burst_std", Float(NonNegative)),
            ("numspikes", Int(Positive)),
            ("spike_isi", Float(NonNegative)),
            ("n_drive_cells", Int(Positive)),
            ("event_seed", Int(NonNegative)),
            ("conn_seed", Int(NonNegative)),
            ("space_constant", Float(Positive)),
        ],
        "tonic" => &[("t0", Float(NonNegative)), ("tstop", Float(NonNegative))],
        _ => &[],
    }
}

/// The per-target rows of each drive type.
fn rows(kind: &str) -> &'static [(&'static str, Rule)] {
    match kind {
        "tonic" => &[("amplitude", Any)],
        "poisson" => &[
            ("rate_constant", Positive),
            ("weights_ampa", NonNegative),
            ("weights_nmda", NonNegative),
            ("synaptic_delays", NonNegative),
            ("probability", Rule::Between(0.0, 1.0)),
        ],
        "evoked" | "bursty" => &[
            ("weights_ampa", NonNegative),
            ("weights_nmda", NonNegative),
            ("synaptic_delays", NonNegative),
            ("probability", Rule::Between(0.0, 1.0)),
        ],
        _ => &[],
    }
}

fn num_text(v: &Value) -> String {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(x)) => format!("{x}"),
            _ => String::new(),
        },
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

impl DriveForm {
    /// A new drive with hnn-core's GUI defaults (reference §1.3), named `<Type><index>`.
    pub fn template(kind: &str, location: &str, index: usize, tstop: &str) -> Option<DriveForm> {
        let (title, scalars): (&str, &[(&str, &str)]) = match kind {
            "evoked" => (
                "evoked",
                &[
                    ("mu", "0"),
                    ("sigma", "1"),
                    ("numspikes", "1"),
                    ("n_drive_cells", "1"),
                    ("event_seed", "14"),
                    ("conn_seed", "3"),
                    ("space_constant", "3"),
                ],
            ),
            "poisson" => (
                "poisson",
                &[
                    ("tstart", "0"),
                    ("tstop", tstop),
                    ("n_drive_cells", "1"),
                    ("event_seed", "14"),
                    ("conn_seed", "3"),
                    ("space_constant", "100"),
                ],
            ),
            "bursty" => (
                "bursty",
                &[
                    ("tstart", "0"),
                    ("tstart_std", "0"),
                    ("tstop", tstop),
                    ("burst_rate", "7.5"),
                    ("burst_std", "0"),
                    ("numspikes", "1"),
                    ("spike_isi", "10"),
                    ("n_drive_cells", "1"),
                    ("event_seed", "14"),
                    ("conn_seed", "3"),
                    ("space_constant", "100"),
                ],
            ),
            "tonic" => ("tonic", &[("t0", "0"), ("tstop", tstop)]),
            _ => return None,
        };
        let location = if location == "distal" {
            "distal"
        } else {
            "proximal"
        };
        let cells: Vec<&str> = CELL_TYPES
            .iter()
            .copied()
            .filter(|c| !(location == "distal" && *c == "L5_basket" && kind != "tonic"))
            .collect();
        let mut targets = BTreeMap::new();
        for (row, _) in rows(kind) {
            let v = match *row {
                "synaptic_delays" => "0.1",
                "probability" => "1",
                "rate_constant" => "40",
                _ => "0",
            };
            let m: BTreeMap<String, String> = cells
                .iter()
                .map(|c| {
                    let v = if *row == "rate_constant" && *c == "L2_pyramidal" {
                        "140"
                    } else {
                        v
                    };
                    (c.to_string(), v.to_string())
                })
                .collect();
            targets.insert(row.to_string(), m);
        }
        Some(DriveForm {
            kind: kind.into(),
            name: format!("{title}{index}"),
            location: location.into(),
            cell_specific: kind != "bursty",
            enabled: true,
            fields: scalars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            targets,
        })
    }

    /// The form of a drive as `net.external_drives[name]` describes it (JSON).
    pub fn from_description(name: &str, d: &Value) -> Option<DriveForm> {
        let kind = d.get("type")?.as_str()?.to_string();
        if fields(&kind).is_empty() {
            return None;
        }
        let dynamics = d.get("dynamics").cloned().unwrap_or(Value::Null);
        let mut f = BTreeMap::new();
        for (key, _) in fields(&kind) {
            let v = dynamics.get(*key).or_else(|| d.get(*key));
            if let Some(v) = v {
                f.insert(key.to_string(), num_text(v));
            }
        }
        let targets_of = |row: &str| -> BTreeMap<String, String> {
            let mut m = BTreeMap::new();
            let src = if row == "rate_constant" {
                dynamics.get(row)
            } else {
                d.get(row)
            };
            match src {
                Some(Value::Object(o)) => {
                    for (k, v) in o {
                        m.insert(k.clone(), num_text(v));
                    }
                }
                Some(v @ Value::Number(_)) => {
                    for t in d
                        .get("target_types")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(t) = t.as_str() {
                            m.insert(t.to_string(), num_text(v));
                        }
                    }
                }
                _ => {}
            }
            m
        };
        let targets = rows(&kind)
            .iter()
            .map(|(row, _)| (row.to_string(), targets_of(row)))
            .collect();
        let weighted = ["weights_ampa", "weights_nmda", "amplitude"]
            .iter()
            .any(|row| {
                targets_of(row)
                    .values()
                    .any(|v| v.parse::<f64>().is_ok_and(|x| x != 0.0))
            });
        Some(DriveForm {
            kind,
            name: name.into(),
            location: d
                .get("location")
                .and_then(Value::as_str)
                .unwrap_or("proximal")
                .into(),
            cell_specific: d
                .get("cell_specific")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            // a drive without any weight (a nulled drive of a parameter file) starts off
            enabled: weighted,
            fields: f,
            targets,
        })
    }

    /// The tonic form of a bias as `net.external_biases[name]` describes it (JSON: cell
    /// type → `{ amplitude, t0, tstop }`; a `tstop` of null is the simulation's).
    pub fn from_bias(name: &str, b: &Value) -> Option<DriveForm> {
        let Value::Object(by_type) = b else {
            return None;
        };
        let first = by_type.values().next()?;
        let mut fields = BTreeMap::new();
        fields.insert("t0".to_string(), num_text(first.get("t0")?));
        fields.insert(
            "tstop".to_string(),
            first.get("tstop").map(num_text).unwrap_or_default(),
        );
        let mut amplitude: BTreeMap<String, String> = by_type
            .iter()
            .filter_map(|(cell, spec)| Some((cell.clone(), num_text(spec.get("amplitude")?))))
            .collect();
        // the other cell types shown empty (not given), to be filled in
        for c in CELL_TYPES {
            amplitude.entry(c.to_string()).or_default();
        }
        let weighted = amplitude
            .values()
            .any(|v| v.parse::<f64>().is_ok_and(|x| x != 0.0));
        Some(DriveForm {
            kind: "tonic".into(),
            name: name.into(),
            location: String::new(),
            cell_specific: false,
            enabled: weighted,
            fields,
            targets: [("amplitude".to_string(), amplitude)].into(),
        })
    }

    /// The statement adding this drive to `net`; messages under `drive.<i>.<field>`.
    pub fn code(&self, net: &str, i: usize, e: &mut Errors) -> String {
        self.code_with(net, i, e, &|_| None)
    }

    /// [`DriveForm::code`] with some values written as expressions: `subst` gets a field
    /// (`mu`, `weights_ampa.L5_pyramidal`) and may give the expression to write instead of
    /// its number (an optimiser's parameter).
    pub fn code_with(
        &self,
        net: &str,
        i: usize,
        e: &mut Errors,
        subst: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        let key = |f: &str| format!("drive.{i}.{f}");
        let spec = fields(&self.kind);
        if spec.is_empty() {
            e.add(&key("kind"), format!("unknown drive type '{}'", self.kind));
            return String::new();
        }
        if !(self.name.len() <= 64
            && !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            e.add(&key("name"), "letters, digits and _ only");
        }
        let tonic = self.kind == "tonic";
        // proximal or distal from the page; a loaded file may name soma or a section
        let section_name = !self.location.is_empty()
            && self.location.len() <= 64
            && self
                .location
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !tonic && !section_name {
            e.add(&key("location"), "proximal, distal or a section's name");
        }
        let mut parts: Vec<String> = Vec::new();
        let mut values = BTreeMap::new();
        for (f, kind) in spec {
            if *f == "n_drive_cells" && self.cell_specific {
                continue;
            }
            let raw = self.fields.get(*f).map_or("", String::as_str);
            if tonic && *f == "tstop" && raw.trim().is_empty() {
                // a tonic bias without a stop lasts the whole simulation
                continue;
            }
            let text = match kind {
                Float(r) => {
                    let x = e.float(&key(f), raw, *r);
                    values.insert(*f, x);
                    subst(f).unwrap_or_else(|| lit(x))
                }
                Int(r) => e.int(&key(f), raw, *r).to_string(),
            };
            if tonic {
                continue;
            }
            parts.push(format!("{f}: {text}"));
            if *f == "numspikes" && self.kind == "evoked" || *f == "tstop" && self.kind != "evoked"
            {
                parts.push(format!("location: {}", quote(&self.location)));
            }
        }
        if let (Some(a), Some(b)) = (values.get("tstart"), values.get("tstop"))
            && a.is_finite()
            && b.is_finite()
            && b < a
        {
            e.add(&key("tstop"), "must not be before the start time");
        }
        if !tonic {
            parts.push(format!("cell_specific: {}", self.cell_specific));
        }
        let mut any_target = false;
        for (row, rule) in rows(&self.kind) {
            let Some(cells) = self.targets.get(*row) else {
                continue;
            };
            let mut kv = Vec::new();
            for (cell, raw) in cells {
                let k = key(&format!("{row}.{cell}"));
                if !CELL_TYPES.contains(&cell.as_str()) {
                    e.add(&k, format!("unknown cell type '{cell}'"));
                    continue;
                }
                if raw.trim().is_empty() {
                    continue;
                }
                let x = e.float(&k, raw, *rule);
                kv.push((cell.clone(), x, subst(&format!("{row}.{cell}"))));
            }
            if *row == "probability" && kv.iter().all(|(_, x, s)| *x == 1.0 && s.is_none()) {
                continue;
            }
            if kv.is_empty() {
                continue;
            }
            if row.starts_with("weights") || *row == "amplitude" {
                any_target |= kv.iter().any(|(_, x, _)| *x != 0.0);
            }
            let map: Vec<String> = kv
                .iter()
                .map(|(c, x, s)| format!("{c}: {}", s.clone().unwrap_or_else(|| lit(*x))))
                .collect();
            parts.push(format!("{row}: #{{ {} }}", map.join(", ")));
        }
        if !any_target {
            let row = if tonic { "amplitude" } else { "weights_ampa" };
            e.add(
                &key(row),
                "give at least one target cell a value other than 0",
            );
        }
        if tonic {
            let t0 = values.get("t0").copied().unwrap_or(f64::NAN);
            let tstop = match values.get("tstop") {
                Some(x) => format!(", tstop: {}", lit(*x)),
                None => String::new(),
            };
            let amp = parts.pop().unwrap_or_default();
            return format!(
                "{net}.add_tonic_bias(#{{ {amp}, t0: {}{tstop} }});\n",
                lit(t0)
            );
        }
        let call = match self.kind.as_str() {
            "evoked" => "add_evoked_drive",
            "poisson" => "add_poisson_drive",
            _ => "add_bursty_drive",
        };
        format!(
            "{net}.{call}({}, #{{\n    {} }});\n",
            quote(&self.name),
            parts.join(", ")
        )
    }
}

/// The drive forms of a network described by `{ drives: external_drives, starts: first gid
/// of each drive }` (JSON), in the order the drives were added.
pub fn forms_from_network(v: &Value) -> Vec<DriveForm> {
    let mut named: Vec<(i64, DriveForm)> = Vec::new();
    if let Some(Value::Object(drives)) = v.get("drives") {
        for (name, d) in drives {
            let start = v
                .get("starts")
                .and_then(|s| s.get(name))
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            if let Some(f) = DriveForm::from_description(name, d) {
                named.push((start, f));
            }
        }
    }
    named.sort_by_key(|(s, _)| *s);
    let mut forms: Vec<DriveForm> = named.into_iter().map(|(_, f)| f).collect();
    if let Some(Value::Object(biases)) = v.get("biases") {
        forms.extend(
            biases
                .iter()
                .filter_map(|(n, b)| DriveForm::from_bias(n, b)),
        );
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_drive_comes_back_as_its_call() {
        let d: Value = serde_json::json!({"cell_specific": true, "conn_seed": 3,
            "dynamics": {"mu": 63.53, "numspikes": 1, "sigma": 3.85}, "event_seed": 274,
            "location": "distal", "n_drive_cells": 235,
            "probability": {"L2_basket": 1.0}, "space_constant": 3.0,
            "synaptic_delays": {"L2_basket": 0.1}, "target_types": ["L2_basket"],
            "type": "evoked", "weights_ampa": {"L2_basket": 0.006562}, "weights_nmda": {}});
        let f = DriveForm::from_description("evdist1", &d).unwrap();
        let mut e = Errors::default();
        let code = f.code("net_1", 0, &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            code,
            "net_1.add_evoked_drive(\"evdist1\", #{\n    mu: 63.53, sigma: 3.85, numspikes: 1, location: \"distal\", event_seed: 274, conn_seed: 3, space_constant: 3.0, cell_specific: true, weights_ampa: #{ L2_basket: 0.006562 }, synaptic_delays: #{ L2_basket: 0.1 } });\n"
        );
    }

    #[test]
    fn a_tonic_bias_of_a_file_becomes_a_tonic_drive() {
        let v = serde_json::json!({ "drives": {}, "starts": {}, "biases": { "tonic": {
            "L2_pyramidal": { "amplitude": 4.0, "t0": 0.0, "tstop": null, "section": "soma" },
            "L5_pyramidal": { "amplitude": 6.0, "t0": 0.0, "tstop": null, "section": "soma" } } } });
        let forms = forms_from_network(&v);
        assert_eq!(forms.len(), 1);
        let f = &forms[0];
        assert!(f.enabled && f.kind == "tonic");
        let mut e = Errors::default();
        let code = f.code("net_1", 0, &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            code,
            "net_1.add_tonic_bias(#{ amplitude: #{ L2_pyramidal: 4.0, L5_pyramidal: 6.0 }, t0: 0.0 });\n"
        );
    }

    #[test]
    fn templates_check_and_bad_fields_are_named() {
        for kind in ["evoked", "poisson", "bursty", "tonic"] {
            let mut f = DriveForm::template(kind, "distal", 1, "170").unwrap();
            let mut e = Errors::default();
            f.code("net", 0, &mut e);
            // all-zero weights are refused before anything runs
            let row = if kind == "tonic" {
                "amplitude"
            } else {
                "weights_ampa"
            };
            assert!(e.0.contains_key(&format!("drive.0.{row}")), "{kind}: {e:?}");
            f.targets
                .get_mut(row)
                .unwrap()
                .insert("L2_basket".into(), "0.5".into());
            let first = fields(kind)[0].0;
            f.fields.insert(first.into(), "x".into());
            let mut e = Errors::default();
            f.code("net", 2, &mut e);
            assert_eq!(e.0.len(), 1, "{kind}: {e:?}");
            assert!(e.0[&format!("drive.2.{first}")].contains("not a number"));
        }
        assert!(DriveForm::template("nope", "distal", 1, "170").is_none());
    }
}
