//! hnn-core's object paths, read and written through to the network as in Python:
//! `cell.sections["apical_1"].L = 700`, `cell.sections["soma"].mechs["hh2"]["gkbar_hh2"]`,
//! `cell.synapses["gabab"]["tau1"] = 45.0`, `net.cell_types[name]["cell_object"]`,
//! `vsec[gid]` with integer gids, `gid_ranges[name][i]`, `params["gbar_L*"]`.
//!
//! A value that is a copy (a drive's parameters, `dpl.data`, `cell_metadata`) is handed out
//! read-only: assigning into it is an error instead of a silent change to a copy.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Engine, Map};

use super::api_cell::CellHandle;
use super::handles::NetHandle;
use super::kwargs::{RhaiResult, err, num};
use crate::model::{ParamValue, Receptor, SynapseKinetics};
use crate::network::drives::{DriveDynamics, RateConstant};
use crate::network::params::{ParamValue as FileValue, Params};

/// A value and everything inside it made read-only (assigning into it is an error): Rhai
/// sets the access mode of a map's or an array's contents along with the container's.
pub fn frozen(v: Dynamic) -> Dynamic {
    v.into_read_only()
}

/// One section of a cell type's template (`cell.sections["apical_1"]`).
#[derive(Debug, Clone)]
pub struct SectionHandle {
    cell: CellHandle,
    name: String,
}

/// One mechanism painted on a section (`sec.mechs["hh2"]`).
#[derive(Debug, Clone)]
pub struct MechHandle {
    sec: SectionHandle,
    mech: String,
}

/// One receptor's kinetics of a cell type (`cell.synapses["gabab"]`).
#[derive(Debug, Clone)]
pub struct SynapseHandle {
    cell: CellHandle,
    receptor: Receptor,
}

/// hnn-core's per-trial `{gid: {section: trace}}` dicts, indexed by integer gids.
#[derive(Debug, Clone, Default)]
pub struct GidMap(pub BTreeMap<i64, Dynamic>);

impl IntoIterator for GidMap {
    type Item = i64;
    type IntoIter = std::vec::IntoIter<i64>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_keys().collect::<Vec<_>>().into_iter()
    }
}

fn param_value(v: &ParamValue) -> Dynamic {
    match v {
        ParamValue::Const(x) => (*x).into(),
        ParamValue::Profile(p) => format!("{p:?}").into(),
        ParamValue::Segments(v) => v
            .iter()
            .map(|x| Dynamic::from(*x))
            .collect::<Array>()
            .into(),
    }
}

impl SectionHandle {
    fn get(&self, what: &str) -> RhaiResult<Dynamic> {
        let name = self.name.clone();
        let what = what.to_string();
        self.cell.with(move |t| -> RhaiResult<Dynamic> {
            let s = &t
                .sections
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| format!("cell '{}' has no section '{name}'", t.name))?
                .1;
            Ok(match what.as_str() {
                "L" => s.L.into(),
                "diam" => s.diam.into(),
                "Ra" => s.Ra.into(),
                "cm" => s.cm.into(),
                "v0" => s.v0.into(),
                "nseg" => (s.nseg as i64).into(),
                "syns" => frozen(
                    s.syns
                        .iter()
                        .map(|r| Dynamic::from(r.name().to_string()))
                        .collect::<Array>()
                        .into(),
                ),
                "end_pts" => frozen(
                    s.end_pts
                        .iter()
                        .map(|p| {
                            Dynamic::from(p.iter().map(|x| Dynamic::from(*x)).collect::<Array>())
                        })
                        .collect::<Array>()
                        .into(),
                ),
                other => return err(format!("a section has no attribute '{other}'")),
            })
        })?
    }

    fn set(&self, what: &str, v: &Dynamic) -> RhaiResult<()> {
        // Rhai writes a chain's intermediate value back (`sec.mechs[m][p] = x` ends with
        // `sec["mechs"] = <the mechs map>`): the handles inside already wrote through
        if what == "mechs"
            && v.read_lock::<Map>()
                .is_some_and(|m| m.values().all(|x| x.is::<MechHandle>()))
        {
            return Ok(());
        }
        let x = num(v, &format!("sections[\"{}\"].{what}", self.name))?;
        let some = |k: &str| (k == what).then_some(x);
        if !["L", "diam", "Ra", "cm", "v0"].contains(&what) {
            return err(format!(
                "sections[\"{}\"].{what} cannot be set (settable: L, diam, Ra, cm, v0; \
                 mechanisms through .mechs[name][param])",
                self.name
            ));
        }
        self.cell.with_mut(|t| {
            t.modify_section(
                &self.name,
                some("L"),
                some("diam"),
                some("cm"),
                some("Ra"),
                some("v0"),
            )
        })
    }

    fn mechs(&self) -> RhaiResult<Map> {
        let name = self.name.clone();
        let names: Vec<String> = self.cell.with(|t| {
            t.sections
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s.mechs.keys().cloned().collect())
                .unwrap_or_default()
        })?;
        Ok(names
            .into_iter()
            .map(|m| {
                (
                    m.as_str().into(),
                    Dynamic::from(MechHandle {
                        sec: self.clone(),
                        mech: m,
                    }),
                )
            })
            .collect())
    }
}

impl MechHandle {
    fn get(&self, param: &str) -> RhaiResult<Dynamic> {
        let (sec, mech) = (self.sec.name.clone(), self.mech.clone());
        self.sec
            .cell
            .with(|t| {
                t.sections
                    .iter()
                    .find(|(n, _)| *n == sec)
                    .and_then(|(_, s)| s.mechs.get(&mech))
                    .and_then(|ps| ps.get(param))
                    .map(param_value)
                    .ok_or_else(|| {
                        format!("mechanism '{mech}' on '{sec}' has no parameter '{param}'")
                    })
            })?
            .map_err(Into::into)
    }

    fn keys(&self) -> RhaiResult<Array> {
        let (sec, mech) = (self.sec.name.clone(), self.mech.clone());
        self.sec.cell.with(|t| {
            t.sections
                .iter()
                .find(|(n, _)| *n == sec)
                .and_then(|(_, s)| s.mechs.get(&mech))
                .map(|ps| ps.keys().map(|k| Dynamic::from(k.clone())).collect())
                .unwrap_or_default()
        })
    }
}

impl SynapseHandle {
    fn kinetics(&self) -> RhaiResult<SynapseKinetics> {
        let r = self.receptor;
        self.cell
            .with(|t| t.synapses.get(&r).copied())?
            .ok_or_else(|| format!("no synapse '{}'", r.name()).into())
    }

    fn get(&self, key: &str) -> RhaiResult<Dynamic> {
        let k = self.kinetics()?;
        Ok(match key {
            "e" => k.e.into(),
            "tau1" => k.tau1.into(),
            "tau2" => k.tau2.into(),
            other => {
                return err(format!(
                    "synapse '{}' has no '{other}' (keys: e, tau1, tau2)",
                    self.receptor.name()
                ));
            }
        })
    }

    fn set(&self, key: &str, v: &Dynamic) -> RhaiResult<()> {
        let mut k = self.kinetics()?;
        let x = num(
            v,
            &format!("synapses[\"{}\"][\"{key}\"]", self.receptor.name()),
        )?;
        match key {
            "e" => k.e = x,
            "tau1" => k.tau1 = x,
            "tau2" => k.tau2 = x,
            other => {
                return err(format!(
                    "synapse '{}' has no '{other}' (keys: e, tau1, tau2)",
                    self.receptor.name()
                ));
            }
        }
        let r = self.receptor;
        self.cell.with_mut(|t| t.set_synapse(r, k))
    }
}

fn params_get(p: &mut Params, key: &str) -> RhaiResult<Dynamic> {
    if key.contains(['*', '?']) {
        return Ok(Dynamic::from(p.matching(key)));
    }
    match p.values.get(key) {
        Some(FileValue::Num(x)) => Ok((*x).into()),
        Some(FileValue::Str(s)) => Ok(s.clone().into()),
        None => err(format!(
            "params has no key '{key}' ({} keys; params.keys() lists them, \"prefix*\" selects)",
            p.values.len()
        )),
    }
}

fn gid_index(m: &mut GidMap, gid: i64) -> RhaiResult<Dynamic> {
    m.0.get(&gid).cloned().ok_or_else(|| {
        let keys: Vec<String> = m.0.keys().take(10).map(|k| k.to_string()).collect();
        format!(
            "no gid {gid} recorded (recorded: {}{})",
            keys.join(", "),
            if m.0.len() > 10 { ", ..." } else { "" }
        )
        .into()
    })
}

/// `net.external_drives`: hnn-core's dict per drive (type, location, n_drive_cells,
/// cell_specific, seeds, dynamics, weights, delays, probability, target types), read-only.
pub(super) fn external_drives(net: &mut NetHandle) -> Dynamic {
    let by_type = |v: &[(String, f64)]| -> Dynamic {
        v.iter()
            .map(|(k, x)| (k.as_str().into(), Dynamic::from(*x)))
            .collect::<Map>()
            .into()
    };
    let opt = |x: Option<f64>| x.map_or(Dynamic::UNIT, Dynamic::from);
    let mut out = Map::new();
    for d in &net.0.borrow().net.external_drives {
        let mut m = Map::new();
        let mut dy = Map::new();
        let kind = match &d.dynamics {
            DriveDynamics::Evoked {
                mu,
                sigma,
                numspikes,
            } => {
                dy.insert("mu".into(), (*mu).into());
                dy.insert("sigma".into(), (*sigma).into());
                dy.insert("numspikes".into(), (*numspikes as i64).into());
                "evoked"
            }
            DriveDynamics::Poisson {
                tstart,
                tstop,
                rate_constant,
            } => {
                dy.insert("tstart".into(), (*tstart).into());
                dy.insert("tstop".into(), opt(*tstop));
                dy.insert(
                    "rate_constant".into(),
                    match rate_constant {
                        RateConstant::Uniform(r) => (*r).into(),
                        RateConstant::PerType(v) => by_type(v),
                    },
                );
                "poisson"
            }
            DriveDynamics::Bursty {
                tstart,
                tstart_std,
                tstop,
                burst_rate,
                burst_std,
                numspikes,
                spike_isi,
            } => {
                for (k, x) in [
                    ("tstart", *tstart),
                    ("tstart_std", *tstart_std),
                    ("burst_rate", *burst_rate),
                    ("burst_std", *burst_std),
                    ("spike_isi", *spike_isi),
                ] {
                    dy.insert(k.into(), x.into());
                }
                dy.insert("tstop".into(), opt(*tstop));
                dy.insert("n_drive_cells".into(), (d.n_drive_cells as i64).into());
                dy.insert("numspikes".into(), (*numspikes as i64).into());
                "bursty"
            }
            DriveDynamics::SpikeTrain { times, gids } => {
                dy.insert(
                    "spike_times".into(),
                    times
                        .iter()
                        .map(|t| Dynamic::from(*t))
                        .collect::<Array>()
                        .into(),
                );
                dy.insert(
                    "spike_gids".into(),
                    gids.iter()
                        .map(|g| Dynamic::from(*g as i64))
                        .collect::<Array>()
                        .into(),
                );
                "spike_train"
            }
        };
        m.insert("type".into(), kind.into());
        m.insert("dynamics".into(), dy.into());
        m.insert("location".into(), d.location.clone().into());
        m.insert("n_drive_cells".into(), (d.n_drive_cells as i64).into());
        m.insert("cell_specific".into(), d.cell_specific.into());
        m.insert("event_seed".into(), d.event_seed.into());
        m.insert(
            "conn_seed".into(),
            d.conn_seed
                .map_or(Dynamic::UNIT, |s| Dynamic::from(s as i64)),
        );
        m.insert("weights_ampa".into(), by_type(&d.weights_ampa));
        m.insert("weights_nmda".into(), by_type(&d.weights_nmda));
        m.insert("synaptic_delays".into(), by_type(&d.synaptic_delays));
        m.insert("probability".into(), by_type(&d.probability));
        m.insert("space_constant".into(), d.space_constant.into());
        m.insert(
            "target_types".into(),
            d.target_types
                .iter()
                .map(|s| Dynamic::from(s.clone()))
                .collect::<Array>()
                .into(),
        );
        out.insert(d.name.as_str().into(), m.into());
    }
    frozen(out.into())
}

/// Register the object paths.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<SectionHandle>("Section");
    engine.register_type_with_name::<MechHandle>("Mechanism");
    engine.register_type_with_name::<SynapseHandle>("Synapse");
    engine.register_type_with_name::<GidMap>("GidDict");
    for key in ["L", "diam", "Ra", "cm", "v0"] {
        engine.register_get(key, move |s: &mut SectionHandle| s.get(key));
        engine.register_set(key, move |s: &mut SectionHandle, v: Dynamic| s.set(key, &v));
    }
    for key in ["nseg", "syns", "end_pts"] {
        engine.register_get(key, move |s: &mut SectionHandle| s.get(key));
    }
    engine.register_get("name", |s: &mut SectionHandle| s.name.clone());
    engine.register_get("mechs", |s: &mut SectionHandle| s.mechs());
    engine.register_indexer_get(|s: &mut SectionHandle, k: &str| s.get(k));
    engine.register_indexer_set(|s: &mut SectionHandle, k: &str, v: Dynamic| s.set(k, &v));
    engine.register_fn("to_string", |s: &mut SectionHandle| {
        format!("<Section | {} of {}>", s.name, s.cell.name())
    });
    engine.register_indexer_get(|m: &mut MechHandle, k: &str| m.get(k));
    engine.register_indexer_set(
        |m: &mut MechHandle, k: &str, v: Dynamic| -> RhaiResult<()> {
            let x = num(&v, k)?;
            let (sec, mech) = (m.sec.name.clone(), m.mech.clone());
            m.sec
                .cell
                .with_mut(|t| t.set_mech_param(&sec, &mech, k, ParamValue::Const(x)))
        },
    );
    engine.register_fn("keys", |m: &mut MechHandle| m.keys());
    engine.register_fn("to_string", |m: &mut MechHandle| {
        format!("<Mechanism | {} on {}>", m.mech, m.sec.name)
    });
    for key in ["e", "tau1", "tau2"] {
        engine.register_get(key, move |s: &mut SynapseHandle| s.get(key));
        engine.register_set(key, move |s: &mut SynapseHandle, v: Dynamic| s.set(key, &v));
    }
    engine.register_indexer_get(|s: &mut SynapseHandle, k: &str| s.get(k));
    engine.register_indexer_set(|s: &mut SynapseHandle, k: &str, v: Dynamic| s.set(k, &v));
    engine.register_fn("to_string", |s: &mut SynapseHandle| -> String {
        match s.kinetics() {
            Ok(k) => format!(
                "#{{\"e\": {:?}, \"tau1\": {:?}, \"tau2\": {:?}}}",
                k.e, k.tau1, k.tau2
            ),
            Err(_) => format!("<Synapse | {}>", s.receptor.name()),
        }
    });
    // cell.sections / cell.synapses hand out write-through handles
    engine.register_get("sections", |c: &mut CellHandle| -> RhaiResult<Map> {
        let names: Vec<String> = c.with(|t| t.sections.iter().map(|(n, _)| n.clone()).collect())?;
        Ok(names
            .into_iter()
            .map(|n| {
                (
                    n.as_str().into(),
                    Dynamic::from(SectionHandle {
                        cell: c.clone(),
                        name: n,
                    }),
                )
            })
            .collect())
    });
    engine.register_get("synapses", |c: &mut CellHandle| -> RhaiResult<Map> {
        let rs: Vec<Receptor> = c.with(|t| t.synapses.keys().copied().collect())?;
        Ok(rs
            .into_iter()
            .map(|r| {
                (
                    r.name().into(),
                    Dynamic::from(SynapseHandle {
                        cell: c.clone(),
                        receptor: r,
                    }),
                )
            })
            .collect())
    });
    // net.cell_types[name]["cell_object"] / ["cell_metadata"], as hnn-core's dict
    engine.register_indexer_get(|c: &mut CellHandle, k: &str| -> RhaiResult<Dynamic> {
        match k {
            "cell_object" => Ok(Dynamic::from(c.clone())),
            "cell_metadata" => Ok(frozen(c.metadata()?.into())),
            other => err(format!(
                "net.cell_types[name] has 'cell_object' and 'cell_metadata', not '{other}'"
            )),
        }
    });
    // integer gids
    engine.register_indexer_get(gid_index);
    engine.register_indexer_get(|m: &mut GidMap, gid: &str| -> RhaiResult<Dynamic> {
        match gid.parse::<i64>() {
            Ok(g) => gid_index(m, g),
            Err(_) => err(format!("gids are integers, got \"{gid}\"")),
        }
    });
    engine.register_fn("keys", |m: &mut GidMap| -> Array {
        m.0.keys().map(|k| Dynamic::from(*k)).collect()
    });
    engine.register_fn("values", |m: &mut GidMap| -> Array {
        m.0.values().cloned().collect()
    });
    engine.register_fn("len", |m: &mut GidMap| m.0.len() as i64);
    engine.register_fn("contains", |m: &mut GidMap, gid: i64| {
        m.0.contains_key(&gid)
    });
    engine.register_iterator::<GidMap>();
    engine.register_fn("to_string", |m: &mut GidMap| {
        format!(
            "<{} gids: {:?}>",
            m.0.len(),
            m.0.keys().take(8).collect::<Vec<_>>()
        )
    });
    // gid ranges behave as Python ranges
    engine.register_indexer_get(|r: &mut std::ops::Range<i64>, i: i64| -> RhaiResult<i64> {
        let n = (r.end - r.start).max(0);
        let k = if i < 0 { n + i } else { i };
        if !(0..n).contains(&k) {
            return err(format!(
                "index {i} out of range {}..{} ({n} gids)",
                r.start, r.end
            ));
        }
        Ok(r.start + k)
    });
    engine.register_fn("len", |r: &mut std::ops::Range<i64>| {
        (r.end - r.start).max(0)
    });
    // Params: wildcard keys, keys(), len, assignment
    engine.register_indexer_get(params_get);
    engine.register_indexer_set(|p: &mut Params, key: &str, v: Dynamic| -> RhaiResult<()> {
        // Rhai writes a chain's value back (`params["gbar_L*"].keys()` ends with
        // `params["gbar_L*"] = <that Params>`): a selection changes nothing
        if key.contains(['*', '?']) && v.is::<Params>() {
            return Ok(());
        }
        let val = if let Ok(s) = v.clone().into_string() {
            FileValue::Str(s)
        } else {
            FileValue::Num(num(&v, key)?)
        };
        if key.contains(['*', '?']) {
            let keys: Vec<String> = p.matching(key).values.into_keys().collect();
            if keys.is_empty() {
                return err(format!("params: no key matches '{key}'"));
            }
            for k in keys {
                p.values.insert(k, val.clone());
            }
        } else {
            p.values.insert(key.to_string(), val);
        }
        Ok(())
    });
    engine.register_fn("keys", |p: &mut Params| -> Array {
        p.values.keys().map(|k| Dynamic::from(k.clone())).collect()
    });
    engine.register_fn("len", |p: &mut Params| p.values.len() as i64);
    engine.register_fn("copy", |p: &mut Params| p.clone());
}
