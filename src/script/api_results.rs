//! `simulate_dipole`, `Dipole` and `CellResponse` in scripts.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::{CellResponseHandle, DipoleHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::io::hdf5::{self, Results, RunSettings};
use crate::io::{self as files, text};
use crate::results::dipole::average_dipoles;
use crate::sim::RecordSections;
use crate::sim::network::{SimConfig, simulate_dipole};

pub(super) fn record(v: Option<&Dynamic>, what: &str) -> RhaiResult<RecordSections> {
    match v {
        None => Ok(RecordSections::None),
        Some(v) if v.as_bool() == Ok(false) => Ok(RecordSections::None),
        Some(v) => match string(v, what)?.as_str() {
            "soma" => Ok(RecordSections::Soma),
            "all" => Ok(RecordSections::All),
            other => err(format!(
                "{what}: expected false, \"soma\" or \"all\", got \"{other}\""
            )),
        },
    }
}

fn simulate(net: &mut NetHandle, map: Map) -> RhaiResult<Array> {
    let kw = Kw::new(
        "simulate_dipole",
        map,
        &[
            "tstop",
            "dt",
            "n_trials",
            "record_vsec",
            "record_isec",
            "record_ca",
            "postproc",
            "verbose",
            "max_steps",
            "max_events",
        ],
    )?;
    let mut cfg = SimConfig::new(num(kw.req("tstop")?, "tstop")?);
    cfg.run.dt = kw.num_or("dt", 0.025)?;
    if let Some(v) = kw.get("n_trials") {
        cfg.run.n_trials = uint(v, "n_trials")?;
    }
    cfg.run.record_vsec = record(kw.get("record_vsec"), "record_vsec")?;
    cfg.run.record_isec = record(kw.get("record_isec"), "record_isec")?;
    cfg.run.record_ca = record(kw.get("record_ca"), "record_ca")?;
    for (key, slot) in [
        ("max_steps", &mut cfg.max_steps),
        ("max_events", &mut cfg.max_events),
    ] {
        if let Some(x) = kw.num(key)? {
            if !(x >= 1.0) {
                return err(format!("simulate_dipole: {key} = {x} must be at least 1"));
            }
            *slot = Some(x.min(u64::MAX as f64) as u64);
        }
    }
    if kw.get("postproc").is_some_and(|v| v.as_bool() == Ok(true)) {
        return err(
            "simulate_dipole: postproc is deprecated in hnn-core and not supported; call dpl.smooth(...) and dpl.scale(...)",
        );
    }
    cfg.threads = super::threads();
    let bar = super::progress::Bar::new(cfg.run.tstop);
    cfg.progress = bar.callback();
    let out = {
        let state = net.0.borrow();
        let r = simulate_dipole(&state.net, &cfg);
        bar.finish();
        lib(r)?
    };
    {
        let mut state = net.0.borrow_mut();
        state.cell_response = Some(out.cell_response);
        state.rec_data = out
            .rec_arrays
            .into_iter()
            .map(|a| super::handles::ExtracellularHandle(Rc::new(RefCell::new(a))))
            .collect();
        state.run = Some(RunSettings::from_config(&cfg));
    }
    Ok(out
        .dipoles
        .into_iter()
        .map(|d| Dynamic::from(DipoleHandle(Rc::new(RefCell::new(d)))))
        .collect())
}

/// hnn-core's `<Dipole | n_times : ..., tmin : ..., tmax : ...>`.
pub fn dipole_summary(d: &crate::results::Dipole) -> String {
    format!(
        "<Dipole | n_times : {}, tmin : {:.3}, tmax : {:.3}>",
        d.times.len(),
        d.times.first().copied().unwrap_or(0.0),
        d.times.last().copied().unwrap_or(0.0)
    )
}

fn floats(v: &[f64]) -> Array {
    v.iter().map(|x| Dynamic::from(*x)).collect()
}

fn path_of(p: &str) -> PathBuf {
    PathBuf::from(p)
}

fn dipoles_of(a: &Array, what: &str) -> RhaiResult<Vec<crate::results::Dipole>> {
    a.iter()
        .map(|x| {
            x.clone()
                .try_cast::<DipoleHandle>()
                .map(|h| h.0.borrow().clone())
                .ok_or_else(|| format!("{what}: expected an array of Dipoles").into())
        })
        .collect()
}

fn record_value(r: crate::sim::RecordSections) -> Dynamic {
    match r {
        crate::sim::RecordSections::None => false.into(),
        crate::sim::RecordSections::Soma => "soma".into(),
        crate::sim::RecordSections::All => "all".into(),
    }
}

/// `write_results(path, net, dpls)`: the bundle of the network, its last run and results.
fn write_results(p: &str, net: NetHandle, dpls: Array) -> RhaiResult<()> {
    let dipoles = dipoles_of(&dpls, "write_results")?;
    let mut state = net.0.borrow_mut();
    // the cell response (possibly large recordings) is lent to the writer, not copied
    let res = Results {
        network: state.net.clone(),
        run: state.run,
        dipoles,
        cell_response: state.cell_response.take(),
        rec_arrays: state
            .rec_data
            .iter()
            .map(|h| h.0.borrow().clone())
            .collect(),
        hnn_version: String::new(),
    };
    let written = hdf5::write_results(&res, &path_of(p));
    state.cell_response = res.cell_response;
    lib(written)
}

/// `read_results(path)`: `#{ net, dpls, settings, hnn_version }`.
fn read_results(p: &str) -> RhaiResult<Map> {
    let res = lib(hdf5::read_results(&path_of(p)))?;
    let mut m = Map::new();
    let settings: Dynamic = match &res.run {
        Some(r) => {
            let mut s = Map::new();
            s.insert("tstop".into(), r.tstop.into());
            s.insert("dt".into(), r.dt.into());
            s.insert("n_trials".into(), (r.n_trials as i64).into());
            s.insert("record_vsec".into(), record_value(r.record_vsec));
            s.insert("record_isec".into(), record_value(r.record_isec));
            s.insert("record_ca".into(), record_value(r.record_ca));
            s.into()
        }
        None => Dynamic::UNIT,
    };
    let dpls: Array = res
        .dipoles
        .into_iter()
        .map(|d| Dynamic::from(DipoleHandle(Rc::new(RefCell::new(d)))))
        .collect();
    let net = NetHandle::new(res.network);
    {
        let mut state = net.0.borrow_mut();
        state.cell_response = res.cell_response;
        state.run = res.run;
        state.rec_data = res
            .rec_arrays
            .into_iter()
            .map(|a| super::handles::ExtracellularHandle(Rc::new(RefCell::new(a))))
            .collect();
    }
    m.insert("net".into(), Dynamic::from(net));
    m.insert("dpls".into(), dpls.into());
    m.insert("settings".into(), settings);
    m.insert("hnn_version".into(), res.hnn_version.into());
    Ok(m)
}

/// Register the results API.
pub fn register(engine: &mut Engine) {
    engine.register_fn("write_results", write_results);
    engine.register_fn("read_results", read_results);
    engine.register_type_with_name::<DipoleHandle>("Dipole");
    engine.register_type_with_name::<CellResponseHandle>("CellResponse");
    engine.register_fn("simulate_dipole", simulate);
    engine.register_fn("simulate_dipole", |net: &mut NetHandle, tstop: f64| {
        let mut m = Map::new();
        m.insert("tstop".into(), tstop.into());
        simulate(net, m)
    });
    engine.register_fn("simulate_dipole", |net: &mut NetHandle, tstop: i64| {
        let mut m = Map::new();
        m.insert("tstop".into(), (tstop as f64).into());
        simulate(net, m)
    });
    engine.register_get("cell_response", |net: &mut NetHandle| -> Dynamic {
        net.0
            .borrow()
            .cell_response
            .clone()
            .map_or(Dynamic::UNIT, |c| {
                Dynamic::from(CellResponseHandle(Rc::new(c)))
            })
    });

    engine.register_get("times", |d: &mut DipoleHandle| floats(&d.0.borrow().times));
    // a copy: read-only, so that `dpl.data["agg"][0] = x` is an error, not a silent no-op
    engine.register_get("data", |d: &mut DipoleHandle| -> Dynamic {
        let m: Map =
            d.0.borrow()
                .data
                .iter()
                .map(|(k, v)| (k.as_str().into(), floats(v).into()))
                .collect();
        super::api_paths::frozen(m.into())
    });
    engine.register_get("sfreq", |d: &mut DipoleHandle| d.0.borrow().sfreq());
    engine.register_get("nave", |d: &mut DipoleHandle| d.0.borrow().nave as i64);
    engine.register_get("scale_applied", |d: &mut DipoleHandle| {
        d.0.borrow().scale_applied
    });
    engine.register_fn("copy", |d: &mut DipoleHandle| {
        DipoleHandle(Rc::new(RefCell::new(d.0.borrow().clone())))
    });
    engine.register_fn(
        "scale",
        |d: &mut DipoleHandle, f: Dynamic| -> RhaiResult<DipoleHandle> {
            lib(d.0.borrow_mut().scale(num(&f, "scale factor")?).map(|_| ()))?;
            Ok(d.clone())
        },
    );
    engine.register_fn(
        "smooth",
        |d: &mut DipoleHandle, w: Dynamic| -> RhaiResult<DipoleHandle> {
            lib(d.0.borrow_mut().smooth(num(&w, "window_len")?).map(|_| ()))?;
            Ok(d.clone())
        },
    );
    engine.register_fn(
        "savgol_filter",
        |d: &mut DipoleHandle, h: Dynamic| -> RhaiResult<DipoleHandle> {
            lib(d
                .0
                .borrow_mut()
                .savgol_filter(num(&h, "h_freq")?)
                .map(|_| ()))?;
            Ok(d.clone())
        },
    );
    engine.register_fn("write", |d: &mut DipoleHandle, p: &str| -> RhaiResult<()> {
        lib(files::write_dipole(&d.0.borrow(), &path_of(p)))
    });
    engine.register_fn("to_string", |d: &mut DipoleHandle| {
        dipole_summary(&d.0.borrow())
    });
    engine.register_fn("to_debug", |d: &mut DipoleHandle| {
        format!("<Dipole | n_times : {}>", d.0.borrow().times.len())
    });
    engine.register_fn("average_dipoles", |a: Array| -> RhaiResult<DipoleHandle> {
        let ds = a
            .iter()
            .map(|x| {
                x.clone()
                    .try_cast::<DipoleHandle>()
                    .map(|h| h.0.borrow().clone())
                    .ok_or_else(|| "average_dipoles: expected an array of Dipoles".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DipoleHandle(Rc::new(RefCell::new(lib(average_dipoles(
            &ds,
        ))?))))
    });
    engine.register_fn(
        "mean_rates",
        |c: &mut CellResponseHandle, m: Map| -> RhaiResult<Map> {
            let kw = Kw::new(
                "mean_rates",
                m,
                &["tstart", "tstop", "gid_ranges", "mean_type"],
            )?;
            let gr = kw
                .req("gid_ranges")?
                .read_lock::<Map>()
                .map(|m| m.clone())
                .ok_or_else(|| "mean_rates: gid_ranges must be net.gid_ranges".to_string())?;
            let ranges: Vec<(String, std::ops::Range<usize>)> = gr
                .iter()
                .filter_map(|(k, v)| {
                    v.read_lock::<std::ops::Range<i64>>().map(|r| {
                        (
                            k.to_string(),
                            r.start.max(0) as usize..r.end.max(0) as usize,
                        )
                    })
                })
                .collect();
            let mt = kw.string("mean_type")?.unwrap_or_else(|| "all".into());
            let rates = lib(c.0.mean_rates(
                num(kw.req("tstart")?, "tstart")?,
                num(kw.req("tstop")?, "tstop")?,
                &ranges,
                &mt,
            ))?;
            Ok(rates
                .into_iter()
                .map(|(k, r)| {
                    let v: Dynamic = match r {
                        crate::results::cell_response::MeanRates::All(x) => x.into(),
                        crate::results::cell_response::MeanRates::Trial(v) => floats(&v).into(),
                        crate::results::cell_response::MeanRates::Cell(v) => v
                            .iter()
                            .map(|t| Dynamic::from(floats(t)))
                            .collect::<Array>()
                            .into(),
                    };
                    (k.into(), v)
                })
                .collect())
        },
    );
    engine.register_fn("read_spikes", |p: &str| -> RhaiResult<CellResponseHandle> {
        Ok(CellResponseHandle(Rc::new(lib(text::read_spikes(p))?)))
    });
    engine.register_fn("write_text", |p: &str, text: &str| -> RhaiResult<()> {
        crate::cluster::root_writes(|| std::fs::write(p, text), std::io::Error::other)
            .map_err(|e| format!("write_text: cannot write '{p}': {e}").into())
    });
    for (fname, f) in [
        ("rmse", crate::analysis::objective::rmse as ObjectiveFn),
        ("anticorr", crate::analysis::objective::anticorr),
    ] {
        // hnn-core's keywords are all optional: `rmse(dpl, exp_dpl)` works too
        engine.register_fn(
            fname,
            move |a: DipoleHandle, b: DipoleHandle| -> RhaiResult<f64> {
                objective_call(fname, f, a, b, Map::new())
            },
        );
        engine.register_fn(
            fname,
            move |a: DipoleHandle, b: DipoleHandle, m: Map| -> RhaiResult<f64> {
                objective_call(fname, f, a, b, m)
            },
        );
    }
    engine.register_fn("read_dipole", |p: &str| -> RhaiResult<DipoleHandle> {
        Ok(DipoleHandle(Rc::new(RefCell::new(lib(
            files::read_dipole(&path_of(p)),
        )?))))
    });

    engine.register_get("spike_times", |c: &mut CellResponseHandle| -> Array {
        c.0.spike_times
            .iter()
            .map(|t| Dynamic::from(floats(t)))
            .collect()
    });
    engine.register_get("spike_gids", |c: &mut CellResponseHandle| -> Array {
        c.0.spike_gids
            .iter()
            .map(|g| {
                Dynamic::from(
                    g.iter()
                        .map(|x| Dynamic::from(*x as i64))
                        .collect::<Array>(),
                )
            })
            .collect()
    });
    engine.register_get("spike_types", |c: &mut CellResponseHandle| -> Array {
        c.0.spike_types
            .iter()
            .map(|g| {
                Dynamic::from(
                    g.iter()
                        .map(|x| Dynamic::from(x.clone()))
                        .collect::<Array>(),
                )
            })
            .collect()
    });
    engine.register_get("times", |c: &mut CellResponseHandle| floats(&c.0.times));
    for (name, pick) in [
        (
            "vsec",
            (|c: &crate::results::CellResponse| &c.vsec)
                as fn(&crate::results::CellResponse) -> &Vec<crate::results::cell_response::Traces>,
        ),
        ("isec", |c| &c.isec),
        ("ca", |c| &c.ca),
    ] {
        // per trial: gid -> section (or section_receptor) -> samples, as hnn-core's dicts
        engine.register_get(name, move |c: &mut CellResponseHandle| -> Array {
            pick(&c.0)
                .iter()
                .map(|trial| {
                    let m = super::api_paths::GidMap(
                        trial
                            .iter()
                            .map(|(gid, secs)| {
                                let inner: Map = secs
                                    .iter()
                                    .map(|(s, v)| (s.as_str().into(), floats(v).into()))
                                    .collect();
                                // shared: indexing `vsec[gid]` hands out a reference, not a copy of the traces
                                (
                                    *gid as i64,
                                    super::api_paths::frozen(inner.into()).into_shared(),
                                )
                            })
                            .collect(),
                    );
                    Dynamic::from(m)
                })
                .collect()
        });
    }
    engine.register_fn(
        "write",
        |c: &mut CellResponseHandle, p: &str| -> RhaiResult<Array> {
            Ok(lib(text::write_spikes(&c.0, p))?
                .into_iter()
                .map(Dynamic::from)
                .collect())
        },
    );
    engine.register_fn("to_string", |c: &mut CellResponseHandle| {
        format!(
            "<CellResponse | {} simulation trials>",
            c.0.spike_times.len()
        )
    });
    engine.register_fn("to_debug", |c: &mut CellResponseHandle| {
        format!("<CellResponse | {} trials>", c.0.spike_times.len())
    });
}

/// The signature of hnn-core's dipole objectives (`_rmse`, the correlation).
type ObjectiveFn = fn(
    &crate::results::Dipole,
    &crate::results::Dipole,
    f64,
    f64,
    Option<&[f64]>,
) -> crate::Result<f64>;

/// `rmse` / `anticorr` from a script: keywords `tstart`, `tstop` (default: the end of
/// `a`) and `weights`.
fn objective_call(
    fname: &str,
    f: ObjectiveFn,
    a: DipoleHandle,
    b: DipoleHandle,
    m: Map,
) -> RhaiResult<f64> {
    let kw = Kw::new(fname, m, &["tstart", "tstop", "weights"])?;
    let w: Option<Vec<f64>> = kw
        .get("weights")
        .map(|v| {
            v.read_lock::<Array>()
                .map(|a| {
                    a.iter()
                        .map(|x| num(x, "weights"))
                        .collect::<RhaiResult<Vec<_>>>()
                })
                .unwrap_or_else(|| err("weights: expected an array"))
        })
        .transpose()?;
    let (a, b) = (a.0.borrow(), b.0.borrow());
    let tstop = kw
        .num("tstop")?
        .unwrap_or_else(|| *a.times.last().unwrap_or(&0.0));
    lib(f(&a, &b, kw.num_or("tstart", 0.0)?, tstop, w.as_deref()))
}
