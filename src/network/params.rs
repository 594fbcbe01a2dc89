//! A flat parameter set as hnn-core's legacy parameter files hold it (HNN GUI `.param`, flat
//! `.json`): key → number or string. Values missing from a set take hnn-core's defaults
//! (`params_default.py`), as its `Params` class does; keys it does not know are kept but, as
//! in hnn-core, never used. hnn-core's default set is [`Params::hnn_core_default`]
//! ([`super::default_params`]). Reading and writing the files lives in `io::params`.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// One parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A number (ints are stored as floats, as every use is numeric).
    Num(f64),
    /// A string.
    Str(String),
}

/// A flat parameter set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    /// Key → value.
    pub values: BTreeMap<String, ParamValue>,
    /// Where it came from (for messages).
    pub source: String,
}

impl Params {
    /// The keys matching hnn-core's wildcard pattern (`*` any run of characters, `?` one
    /// character, as fnmatch), in sorted order.
    pub fn matching(&self, pattern: &str) -> Params {
        Params {
            values: self
                .values
                .iter()
                .filter(|(k, _)| wildcard(pattern, k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            source: format!("{}[{pattern}]", self.source),
        }
    }
}

/// fnmatch without character classes.
fn wildcard(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < s.len() {
        if i < p.len() && (p[i] == '?' || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

/// hnn-core's defaults of the keys hnn reads (`get_params_default`).
fn default_value(key: &str) -> Option<f64> {
    let fixed = [
        ("tstop", 250.0),
        ("threshold", 0.0),
        ("celsius", 37.0),
        ("t0_input_prox", 1000.0),
        ("tstop_input_prox", 250.0),
        ("f_input_prox", 10.0),
        ("f_stdev_prox", 20.0),
        ("events_per_cycle_prox", 2.0),
        ("repeats_prox", 10.0),
        ("t0_input_stdev_prox", 0.0),
        ("t0_input_dist", 1000.0),
        ("tstop_input_dist", 250.0),
        ("f_input_dist", 10.0),
        ("f_stdev_dist", 20.0),
        ("events_per_cycle_dist", 2.0),
        ("repeats_dist", 10.0),
        ("t0_input_stdev_dist", 0.0),
        ("input_prox_A_delay_L2", 0.1),
        ("input_prox_A_delay_L5", 1.0),
        ("input_dist_A_delay_L2", 5.0),
        ("input_dist_A_delay_L5", 5.0),
        ("sync_evinput", 1.0),
        ("L2Basket_Gauss_mu", 2000.0),
        ("L2Basket_Gauss_sigma", 3.6),
        ("L2Pyr_Gauss_mu", 2000.0),
        ("L2Pyr_Gauss_sigma", 3.6),
        ("L5Pyr_Gauss_mu", 2000.0),
        ("L5Pyr_Gauss_sigma", 4.8),
        ("L5Basket_Gauss_mu", 2000.0),
        ("L5Basket_Gauss_sigma", 2.0),
        ("t0_pois", 0.0),
        ("T_pois", -1.0),
    ];
    if let Some((_, v)) = fixed.iter().find(|(k, _)| *k == key) {
        return Some(*v);
    }
    if key.starts_with("numspikes_ev") {
        return Some(1.0);
    }
    // weights, seeds, evoked times and everything else numeric default to 0
    if key.starts_with("gbar_")
        || key.starts_with("input_")
        || key.starts_with("prng_seedcore_")
        || key.starts_with("t_ev")
        || key.starts_with("sigma_t_ev")
        || key.contains("_Pois_")
        || key.contains("_Gauss_A_weight")
    {
        return Some(0.0);
    }
    None
}

impl Params {
    /// A numeric parameter, with hnn-core's default when absent.
    pub fn num(&self, key: &str) -> Result<f64> {
        match self.values.get(key) {
            Some(ParamValue::Num(x)) => Ok(*x),
            Some(ParamValue::Str(s)) => Err(Error::invalid(
                format!("{}: '{key}'", self.source),
                s,
                "a number",
            )),
            None => default_value(key).ok_or_else(|| {
                Error::invalid(format!("{}: '{key}'", self.source), "missing", "a value")
            }),
        }
    }

    /// Whether the file itself has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Number of evoked proximal and distal inputs (`t_evprox_*`, `t_evdist_*` keys).
    pub fn count_evoked(&self) -> (usize, usize) {
        let mut n = (0, 0);
        for k in self.values.keys().filter(|k| k.starts_with("t_")) {
            if k.contains("evprox") {
                n.0 += 1;
            } else if k.contains("evdist") {
                n.1 += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_fnmatch() {
        assert!(wildcard("gbar_L*", "gbar_L2Pyr_L2Basket"));
        assert!(!wildcard("gbar_L*", "xgbar_L2"));
        assert!(wildcard("*_ampa", "t_evprox_1_ampa"));
        assert!(wildcard("a?c", "abc"));
    }

    #[test]
    fn missing_keys_take_hnn_core_defaults() {
        let p = Params::default();
        assert_eq!(p.num("tstop").unwrap(), 250.0);
        assert_eq!(p.num("numspikes_evprox_1").unwrap(), 1.0);
        assert_eq!(p.num("gbar_L2Pyr_L2Pyr_ampa").unwrap(), 0.0);
        assert!(p.num("no_such_key").is_err());
    }
}
