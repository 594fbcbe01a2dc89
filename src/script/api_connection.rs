//! `net.connectivity[i]`: a live view of one connection of the network, as hnn-core's
//! connection dicts are. `net.connectivity[i]["nc_dict"]["A_weight"] = w` (or
//! `.nc_dict.A_weight = w`) changes the network; keys that cannot change after the
//! connection was made (its cells, location, receptor, pruning) refuse an assignment with an
//! error instead of ignoring it.

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::NetHandle;
use super::kwargs::{RhaiResult, err, num};
use crate::network::connectivity::Connection;

/// One connection of a network (`net.connectivity[i]`).
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    net: NetHandle,
    index: usize,
}

/// The synaptic parameters of one connection (`net.connectivity[i]["nc_dict"]`).
#[derive(Debug, Clone)]
pub struct NcDictHandle(ConnectionHandle);

const FIELDS: &[&str] = &[
    "src_type",
    "target_type",
    "src_gids",
    "target_gids",
    "num_srcs",
    "num_targets",
    "gid_pairs",
    "loc",
    "receptor",
    "nc_dict",
    "probability",
    "allow_autapses",
];
const NC_KEYS: &[&str] = &["A_weight", "A_delay", "lamtha", "threshold", "gain"];

/// `net.connectivity`: one live handle per connection.
pub fn connectivity(net: &mut NetHandle) -> Array {
    let n = net.0.borrow().net.connectivity.len();
    (0..n)
        .map(|index| {
            Dynamic::from(ConnectionHandle {
                net: net.clone(),
                index,
            })
        })
        .collect()
}

impl ConnectionHandle {
    fn with<T>(&self, f: impl FnOnce(&Connection) -> T) -> RhaiResult<T> {
        let s = self.net.0.borrow();
        match s.net.connectivity.get(self.index) {
            Some(c) => Ok(f(c)),
            None => err(format!(
                "connectivity[{}] no longer exists (the network has {} connections now)",
                self.index,
                s.net.connectivity.len()
            )),
        }
    }

    fn get(&self, key: &str) -> RhaiResult<Dynamic> {
        let gids = |v: &[usize]| -> Dynamic {
            Dynamic::from_array(v.iter().map(|&g| (g as i64).into()).collect())
        };
        if key == "nc_dict" {
            self.with(|_| ())?;
            return Ok(Dynamic::from(NcDictHandle(self.clone())));
        }
        self.with(|c| -> RhaiResult<Dynamic> {
            Ok(match key {
                "src_type" => c.src_type.clone().into(),
                "target_type" => c.target_type.clone().into(),
                "src_gids" => gids(&c.src_gids),
                "target_gids" => gids(&c.target_gids),
                "num_srcs" => (c.num_srcs as i64).into(),
                "num_targets" => (c.num_targets as i64).into(),
                "gid_pairs" => Dynamic::from_map(
                    c.gid_pairs
                        .iter()
                        .map(|(s, t)| (s.to_string().into(), gids(t)))
                        .collect::<Map>(),
                ),
                "loc" => c.loc.clone().into(),
                "receptor" => c.receptor.name().into(),
                "probability" => c.probability.into(),
                "allow_autapses" => c.allow_autapses.into(),
                _ => return err(unknown(key)),
            })
        })?
    }

    fn set(&mut self, key: &str, v: Dynamic) -> RhaiResult<()> {
        if key == "nc_dict" {
            if let Some(h) = v.clone().try_cast::<NcDictHandle>() {
                // Rhai writes the view back after `c["nc_dict"]["A_weight"] = w`; a view of
                // another connection copies its values
                if std::rc::Rc::ptr_eq(&h.0.net.0, &self.net.0) && h.0.index == self.index {
                    return Ok(());
                }
                let mut nc = NcDictHandle(self.clone());
                for &k in NC_KEYS {
                    nc.set(k, h.get(k)?)?;
                }
                return Ok(());
            }
            let m = v.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
                format!(
                    "connectivity[{}][\"nc_dict\"]: expected a map of {}, got {}",
                    self.index,
                    NC_KEYS.join(", "),
                    v.type_name()
                )
            })?;
            let mut nc = NcDictHandle(self.clone());
            for (k, x) in m {
                nc.set(&k, x)?;
            }
            return Ok(());
        }
        if FIELDS.contains(&key) {
            return err(format!(
                "connectivity[{}][\"{key}\"] cannot be changed after the connection is made (only nc_dict's {} can); use net.clear_connectivity() and net.add_connection(...) instead",
                self.index,
                NC_KEYS.join(", ")
            ));
        }
        err(unknown(key))
    }
}

fn unknown(key: &str) -> String {
    format!(
        "a connection has no key '{key}' (keys: {})",
        FIELDS.join(", ")
    )
}

impl NcDictHandle {
    fn get(&self, key: &str) -> RhaiResult<Dynamic> {
        self.0.with(|c| -> RhaiResult<Dynamic> {
            Ok(match key {
                "A_weight" => c.a_weight.into(),
                "A_delay" => c.a_delay.into(),
                "lamtha" => c.lamtha.into(),
                "threshold" => c.threshold.into(),
                "gain" => c.gain.into(),
                _ => {
                    return err(format!(
                        "nc_dict has no key '{key}' (keys: {})",
                        NC_KEYS.join(", ")
                    ));
                }
            })
        })?
    }

    fn set(&mut self, key: &str, v: Dynamic) -> RhaiResult<()> {
        let i = self.0.index;
        let x = num(&v, &format!("connectivity[{i}][\"nc_dict\"][\"{key}\"]"))?;
        let bad = |allowed: &str| -> RhaiResult<()> {
            err(format!(
                "connectivity[{i}][\"nc_dict\"][\"{key}\"] = {x} is invalid ({allowed})"
            ))
        };
        match key {
            "A_weight" | "threshold" if !x.is_finite() => return bad("a finite number"),
            "A_weight" if x < 0.0 => return bad("a weight >= 0 [uS]"),
            "A_delay" if !(x.is_finite() && x >= 0.0) => return bad("a delay >= 0 [ms]"),
            "lamtha" if !(x.is_finite() && x > 0.0) => return bad("a space constant > 0"),
            "gain" if !(x.is_finite() && x >= 0.0) => return bad("a gain >= 0"),
            _ => {}
        }
        self.0.with(|_| ())?;
        let mut s = self.0.net.0.borrow_mut();
        let c = &mut s.net.connectivity[i];
        match key {
            "A_weight" => c.a_weight = x,
            "A_delay" => c.a_delay = x,
            "lamtha" => c.lamtha = x,
            "threshold" => c.threshold = x,
            "gain" => c.gain = x,
            _ => {
                return err(format!(
                    "nc_dict has no key '{key}' (keys: {})",
                    NC_KEYS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Register the connection views.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ConnectionHandle>("Connection");
    engine.register_type_with_name::<NcDictHandle>("NcDict");
    engine.register_indexer_get(|c: &mut ConnectionHandle, k: &str| c.get(k));
    engine.register_indexer_set(|c: &mut ConnectionHandle, k: &str, v: Dynamic| c.set(k, v));
    engine.register_indexer_get(|c: &mut NcDictHandle, k: &str| c.get(k));
    engine.register_indexer_set(|c: &mut NcDictHandle, k: &str, v: Dynamic| c.set(k, v));
    for &k in FIELDS {
        engine.register_get(k, move |c: &mut ConnectionHandle| c.get(k));
        engine.register_set(k, move |c: &mut ConnectionHandle, v: Dynamic| c.set(k, v));
    }
    for &k in NC_KEYS {
        engine.register_get(k, move |c: &mut NcDictHandle| c.get(k));
        engine.register_set(k, move |c: &mut NcDictHandle, v: Dynamic| c.set(k, v));
    }
    engine.register_fn("to_string", |c: &mut ConnectionHandle| {
        c.with(|c| {
            format!(
                "<Connection | {} -> {}, {} {}, A_weight {}, A_delay {}, lamtha {}, gain {}>",
                c.src_type,
                c.target_type,
                c.loc,
                c.receptor.name(),
                c.a_weight,
                c.a_delay,
                c.lamtha,
                c.gain
            )
        })
        .unwrap_or_else(|e| e.to_string())
    });
    engine.register_fn("to_debug", |c: &mut ConnectionHandle| {
        c.with(|c| format!("<Connection | {} -> {}>", c.src_type, c.target_type))
            .unwrap_or_else(|e| e.to_string())
    });
    engine.register_fn("to_string", |c: &mut NcDictHandle| {
        c.0.with(|c| {
            format!(
                "#{{\"A_weight\": {}, \"A_delay\": {}, \"lamtha\": {}, \"threshold\": {}, \"gain\": {}}}",
                c.a_weight, c.a_delay, c.lamtha, c.threshold, c.gain
            )
        })
        .unwrap_or_else(|e| e.to_string())
    });
    engine.register_fn("copy", |c: &mut ConnectionHandle| -> RhaiResult<Map> {
        let mut m = Map::new();
        for &k in FIELDS {
            let v = c.get(k)?;
            let v = if k == "nc_dict" {
                let nc = v.cast::<NcDictHandle>();
                let mut d = Map::new();
                for &n in NC_KEYS {
                    d.insert(n.into(), nc.get(n)?);
                }
                Dynamic::from_map(d)
            } else {
                v
            };
            m.insert(k.into(), v);
        }
        Ok(m)
    });
}
