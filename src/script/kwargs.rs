//! Keyword arguments: a Python call `f(a, key=value)` is `f(a, #{ key: value })` in Rhai.
//! Unknown keys are errors that list the valid ones; integers are accepted for floats.

use rhai::{Dynamic, EvalAltResult, Map};

/// Script error type.
pub type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// A runtime error with `msg` (Rhai adds the call position).
pub fn err<T>(msg: impl Into<String>) -> RhaiResult<T> {
    Err(msg.into().into())
}

/// Convert a library error.
pub fn lib<T>(r: crate::Result<T>) -> RhaiResult<T> {
    r.map_err(|e| e.to_string().into())
}

/// A number from an int or a float.
pub fn num(v: &Dynamic, what: &str) -> RhaiResult<f64> {
    if let Ok(f) = v.as_float() {
        return Ok(f);
    }
    if let Ok(i) = v.as_int() {
        return Ok(i as f64);
    }
    err(format!("{what}: expected a number, got {}", v.type_name()))
}

/// A non-negative integer (a float with an integral value is accepted too, so that values
/// from a parameter matrix can be passed on: `numspikes: 2.0`, `event_seed: 4.0`).
pub fn uint(v: &Dynamic, what: &str) -> RhaiResult<usize> {
    if let Ok(f) = v.as_float() {
        return if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= 9.007_199_254_740_992e15 {
            Ok(f as usize)
        } else {
            err(format!("{what}: expected an integer >= 0, got {f}"))
        };
    }
    match v.as_int() {
        Ok(i) if i >= 0 => Ok(i as usize),
        Ok(i) => err(format!("{what}: expected an integer >= 0, got {i}")),
        Err(_) => err(format!(
            "{what}: expected an integer, got {}",
            v.type_name()
        )),
    }
}

/// A string.
pub fn string(v: &Dynamic, what: &str) -> RhaiResult<String> {
    v.clone()
        .into_string()
        .or_else(|t| err(format!("{what}: expected a string, got {t}")))
}

/// A boolean.
pub fn boolean(v: &Dynamic, what: &str) -> RhaiResult<bool> {
    v.as_bool()
        .or_else(|t| err(format!("{what}: expected true or false, got {t}")))
}

/// A list of numbers: an array, a Rhai range (`20..100`, `1..=5`) or one number.
pub fn numbers(v: &Dynamic, what: &str) -> RhaiResult<Vec<f64>> {
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return a.iter().map(|x| num(x, what)).collect();
    }
    let r = if let Some(r) = v.read_lock::<std::ops::Range<i64>>() {
        Some(r.clone())
    } else {
        v.read_lock::<std::ops::RangeInclusive<i64>>()
            .map(|r| *r.start()..r.end().saturating_add(1))
    };
    if let Some(r) = r {
        let n = r.end.saturating_sub(r.start);
        if n > 10_000_000 {
            return err(format!("{what}: a range of {n} numbers is too long"));
        }
        return Ok(r.map(|x| x as f64).collect());
    }
    if v.is_int() || v.is_float() {
        return Ok(vec![num(v, what)?]);
    }
    err(format!(
        "{what}: expected an array of numbers or a range, got {}",
        v.type_name()
    ))
}

/// A map of cell type → number (`#{ L2_pyramidal: 0.01 }`).
pub fn by_type(v: &Dynamic, what: &str) -> RhaiResult<Vec<(String, f64)>> {
    let Some(m) = v.read_lock::<Map>() else {
        return err(format!(
            "{what}: expected a map of cell type to number, e.g. #{{ L2_pyramidal: 0.01 }}, got {}",
            v.type_name()
        ));
    };
    m.iter()
        .map(|(k, x)| Ok((k.to_string(), num(x, &format!("{what}.{k}"))?)))
        .collect()
}

/// A number for every target, or a map of cell type → number.
pub fn one_or_by_type(v: &Dynamic, what: &str) -> RhaiResult<Vec<(Option<String>, f64)>> {
    if v.is_map() {
        Ok(by_type(v, what)?
            .into_iter()
            .map(|(k, x)| (Some(k), x))
            .collect())
    } else {
        Ok(vec![(None, num(v, what)?)])
    }
}

/// Keyword arguments of one call, consumed key by key; leftover keys are reported.
pub struct Kw {
    func: String,
    map: Map,
    valid: Vec<&'static str>,
}

impl Kw {
    /// Wrap `map` for `func`, whose keywords are `valid`.
    pub fn new(func: &str, map: Map, valid: &[&'static str]) -> RhaiResult<Kw> {
        // every plot takes `show` (hnn-core's default true: `hnn run` writes figures that
        // are never saved)
        let mut valid = valid.to_vec();
        if func.starts_with("plot") && !valid.contains(&"show") {
            valid.push("show");
        }
        if valid.contains(&"show") {
            super::api_shapes::note_show(&map);
        }
        let valid = &valid[..];
        for k in map.keys() {
            if !valid.contains(&k.as_str()) {
                let hint = valid
                    .iter()
                    .min_by_key(|v| edit_distance(v, k))
                    .filter(|v| edit_distance(v, k) <= 2)
                    .map(|v| format!(" (did you mean '{v}'?)"))
                    .unwrap_or_default();
                return err(format!(
                    "{func}: unknown keyword '{k}'{hint}; valid keywords: {}",
                    valid.join(", ")
                ));
            }
        }
        Ok(Kw {
            func: func.into(),
            map,
            valid: valid.to_vec(),
        })
    }

    /// An optional value.
    pub fn get(&self, key: &str) -> Option<&Dynamic> {
        debug_assert!(self.valid.contains(&key), "{key} not declared");
        self.map.get(key).filter(|v| !v.is_unit())
    }

    /// A value as given, `()` included (for keywords where `()` means Python's `None` and
    /// differs from the default).
    pub fn given(&self, key: &str) -> Option<&Dynamic> {
        debug_assert!(self.valid.contains(&key), "{key} not declared");
        self.map.get(key)
    }

    /// A required value.
    pub fn req(&self, key: &str) -> RhaiResult<&Dynamic> {
        self.get(key)
            .ok_or_else(|| format!("{}: missing required keyword '{key}'", self.func).into())
    }

    /// Qualified name for messages.
    pub fn what(&self, key: &str) -> String {
        format!("{}: {key}", self.func)
    }

    /// An optional number.
    pub fn num(&self, key: &str) -> RhaiResult<Option<f64>> {
        self.get(key).map(|v| num(v, &self.what(key))).transpose()
    }

    /// A number with a default.
    pub fn num_or(&self, key: &str, default: f64) -> RhaiResult<f64> {
        Ok(self.num(key)?.unwrap_or(default))
    }

    /// A boolean with a default.
    pub fn flag_or(&self, key: &str, default: bool) -> RhaiResult<bool> {
        Ok(self
            .get(key)
            .map(|v| boolean(v, &self.what(key)))
            .transpose()?
            .unwrap_or(default))
    }

    /// An optional string.
    pub fn string(&self, key: &str) -> RhaiResult<Option<String>> {
        self.get(key)
            .map(|v| string(v, &self.what(key)))
            .transpose()
    }
}

/// Levenshtein distance (for 'did you mean' hints).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
