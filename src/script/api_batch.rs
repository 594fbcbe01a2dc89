//! `BatchSimulate`, `simulate_batch` and `.npz`/`.npy` reading in scripts: thin adapters
//! over [`crate::batch`]. `set_params` and `summary_func` are script functions, so they run
//! here, on the script's thread; only the simulations run in parallel.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, FnPtr, Map, NativeCallContext};
use serde_json::Value;

use super::handles::{DipoleHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::batch::grid::{Combine, batches, expand};
use crate::batch::npz::{
    BatchMeta, LoadedBatch, SaveFlags, batch_file, batch_files, read_batch, write_batch,
};
use crate::batch::{Runner, check_settings};
use crate::network::Network;
use crate::results::Dipole;
use crate::sim::network::SimConfig;

/// Most simulations one `run` or `simulate_batch` accepts (θ and the grid's index rows are
/// kept in memory: 10^7 rows of 4 parameters are 320 MB).
pub(super) const MAX_SIMS: usize = 10_000_000;

/// `BatchSimulate` in scripts.
#[derive(Debug, Clone)]
pub struct BatchHandle(pub Rc<BatchState>);

/// The constructor's settings.
#[derive(Debug)]
pub struct BatchState {
    set_params: FnPtr,
    net: Network,
    cfg: SimConfig,
    save_folder: PathBuf,
    batch_size: usize,
    overwrite: bool,
    save_outputs: bool,
    save: SaveFlags,
    clear_cache: bool,
    summary_func: Option<FnPtr>,
}

pub(super) fn fn_ptr(v: &Dynamic, what: &str) -> RhaiResult<FnPtr> {
    if let Some(f) = v.clone().try_cast::<FnPtr>() {
        return Ok(f);
    }
    if let Ok(s) = v.clone().into_string() {
        return FnPtr::new(s).map_err(|e| format!("{what}: {e}").into());
    }
    err(format!(
        "{what}: expected a function (Fn(\"name\") or a closure |net, params| ...), got {}",
        v.type_name()
    ))
}

fn batch_simulate(map: Map) -> RhaiResult<BatchHandle> {
    let kw = Kw::new(
        "BatchSimulate",
        map,
        &[
            "set_params",
            "net",
            "tstop",
            "dt",
            "n_trials",
            "save_folder",
            "batch_size",
            "overwrite",
            "save_outputs",
            "save_dpl",
            "save_spiking",
            "save_lfp",
            "save_voltages",
            "save_currents",
            "save_calcium",
            "record_vsec",
            "record_isec",
            "postproc",
            "clear_cache",
            "summary_func",
        ],
    )?;
    let set_params = fn_ptr(kw.req("set_params")?, "BatchSimulate: set_params")?;
    let net = match kw.get("net") {
        Some(v) => match v.clone().try_cast::<NetHandle>() {
            Some(h) => h.0.borrow().net.clone(),
            None => {
                return err(format!(
                    "BatchSimulate: net: expected a Network, got {}",
                    v.type_name()
                ));
            }
        },
        None => lib(crate::network::models::jones_2009_model((10, 10)))?,
    };
    let mut cfg = SimConfig::new(kw.num_or("tstop", 170.0)?);
    cfg.run.dt = kw.num_or("dt", 0.025)?;
    if let Some(v) = kw.get("n_trials") {
        cfg.run.n_trials = uint(v, "BatchSimulate: n_trials")?;
    }
    cfg.run.record_vsec =
        super::api_results::record(kw.get("record_vsec"), "BatchSimulate: record_vsec")?;
    cfg.run.record_isec =
        super::api_results::record(kw.get("record_isec"), "BatchSimulate: record_isec")?;
    if kw.flag_or("postproc", false)? {
        return err(
            "BatchSimulate: postproc is deprecated in hnn-core and not supported; smooth and scale in summary_func",
        );
    }
    lib(check_settings(&cfg))?;
    let batch_size = match kw.get("batch_size") {
        Some(v) => uint(v, "BatchSimulate: batch_size")?,
        None => 100,
    };
    if batch_size == 0 {
        return err("BatchSimulate: batch_size = 0 is invalid (at least 1)");
    }
    let summary_func = kw
        .get("summary_func")
        .map(|v| fn_ptr(v, "BatchSimulate: summary_func"))
        .transpose()?;
    Ok(BatchHandle(Rc::new(BatchState {
        set_params,
        net,
        save_folder: PathBuf::from(
            kw.string("save_folder")?
                .unwrap_or_else(|| "./sim_results".into()),
        ),
        batch_size,
        overwrite: kw.flag_or("overwrite", true)?,
        save_outputs: kw.flag_or("save_outputs", false)?,
        save: SaveFlags {
            dpl: kw.flag_or("save_dpl", true)?,
            spiking: kw.flag_or("save_spiking", false)?,
            lfp: kw.flag_or("save_lfp", false)?,
            voltages: kw.flag_or("save_voltages", false)?,
            currents: kw.flag_or("save_currents", false)?,
            calcium: kw.flag_or("save_calcium", false)?,
        },
        clear_cache: kw.flag_or("clear_cache", false)?,
        summary_func,
        cfg,
    })))
}

/// A script value as JSON (numbers, strings, booleans, arrays, maps; others as text).
fn to_json(v: &Dynamic) -> Value {
    if let Ok(f) = v.as_float() {
        return serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    if let Ok(i) = v.as_int() {
        return Value::from(i);
    }
    if let Ok(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if let Some(a) = v.read_lock::<Array>() {
        return Value::Array(a.iter().map(to_json).collect());
    }
    if let Some(m) = v.read_lock::<Map>() {
        return Value::Object(m.iter().map(|(k, x)| (k.to_string(), to_json(x))).collect());
    }
    Value::String(v.to_string())
}

fn from_json(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => n
            .as_i64()
            .map(Dynamic::from)
            .unwrap_or_else(|| n.as_f64().unwrap_or(f64::NAN).into()),
        Value::String(s) => s.clone().into(),
        Value::Array(a) => Dynamic::from_array(a.iter().map(from_json).collect()),
        Value::Object(o) => {
            Dynamic::from_map(o.iter().map(|(k, x)| (k.into(), from_json(x))).collect())
        }
    }
}

/// The grid as (name, values) in the order given: a map (Rhai sorts its keys) or an array
/// of `[name, values]` pairs.
fn grid_keys(grid: &Dynamic) -> RhaiResult<Vec<(String, Array)>> {
    let values = |name: &str, v: &Dynamic| -> RhaiResult<Array> {
        v.read_lock::<Array>().map(|a| a.clone()).ok_or_else(|| {
            format!(
                "param_grid.{name}: expected an array of values, got {}",
                v.type_name()
            )
            .into()
        })
    };
    if let Some(m) = grid.read_lock::<Map>() {
        return m
            .iter()
            .map(|(k, v)| Ok((k.to_string(), values(k, v)?)))
            .collect();
    }
    if let Some(a) = grid.read_lock::<Array>() {
        return a
            .iter()
            .map(|p| {
                let pair = p
                    .read_lock::<Array>()
                    .map(|x| x.clone())
                    .unwrap_or_default();
                if pair.len() != 2 {
                    return err("param_grid: an array entry must be [name, values]");
                }
                let name = string(&pair[0], "param_grid name")?;
                let v = values(&name, &pair[1])?;
                Ok((name, v))
            })
            .collect();
    }
    err(format!(
        "param_grid: expected a map of name -> array of values (or an array of [name, values]), got {}",
        grid.type_name()
    ))
}

fn dipoles(ds: Vec<Dipole>) -> Dynamic {
    Dynamic::from_array(
        ds.into_iter()
            .map(|d| Dynamic::from(DipoleHandle(Rc::new(RefCell::new(d)))))
            .collect(),
    )
}

fn run(
    ctx: NativeCallContext,
    b: &mut BatchHandle,
    grid: Dynamic,
    opts: Map,
) -> RhaiResult<Dynamic> {
    let kw = Kw::new(
        "batch.run",
        opts,
        &[
            "return_output",
            "combinations",
            "n_jobs",
            "backend",
            "verbose",
        ],
    )?;
    let st = b.0.clone();
    let return_output = kw.flag_or("return_output", true)?;
    let how = if kw.flag_or("combinations", true)? {
        Combine::Product
    } else {
        Combine::Zip
    };
    let n_jobs = match kw.get("n_jobs") {
        Some(v) => Some(uint(v, "batch.run: n_jobs")?),
        None => Some(1),
    };
    let keys = grid_keys(&grid)?;
    let rows = lib(expand(
        &keys
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect::<Vec<_>>(),
        how,
        MAX_SIMS,
    ))?;
    let spans = lib(batches(rows.len(), st.batch_size))?;
    let runner = lib(Runner::new(n_jobs))?;
    if st.save_outputs {
        for &(s, e) in &spans {
            let p = batch_file(&st.save_folder, s, e);
            if p.exists() && !st.overwrite {
                return err(format!(
                    "batch.run: file '{}' exists and overwrite is false (remove it, choose another save_folder or pass overwrite: true)",
                    p.display()
                ));
            }
        }
        crate::cluster::root_writes(
            || std::fs::create_dir_all(&st.save_folder),
            std::io::Error::other,
        )
        .map_err(|e| format!("batch.run: save_folder '{}': {e}", st.save_folder.display()))?;
    }
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let meta = BatchMeta {
        batch_size: st.batch_size,
        n_trials: st.cfg.run.n_trials,
        tstop: st.cfg.run.tstop,
        dt: st.cfg.run.dt,
        param_names: names.clone(),
        gid_ranges: st
            .net
            .gid_ranges
            .iter()
            .map(|(k, r)| (k.clone(), r.start, r.end))
            .collect(),
    };
    let mut summaries = Array::new();
    let mut data = Array::new();
    for (start, end) in spans {
        // set_params on this thread, one fresh copy of the network per row
        let mut handles = Vec::with_capacity(end - start);
        let mut nets = Vec::with_capacity(end - start);
        let mut params = Vec::with_capacity(end - start);
        for row in &rows[start..end] {
            let mut pm = Map::new();
            for ((k, vals), &i) in keys.iter().zip(row) {
                pm.insert(k.into(), vals[i].clone());
            }
            let h = NetHandle::new(st.net.clone());
            let r = st.set_params.call_within_context::<Dynamic>(
                &ctx,
                (Dynamic::from(h.clone()), Dynamic::from_map(pm.clone())),
            );
            nets.push(match r {
                Ok(_) => Ok(h.0.borrow().net.clone()),
                Err(e) => Err(format!("set_params failed: {e}")),
            });
            handles.push(h);
            params.push(pm);
        }
        let outs = lib(runner.simulate(&nets, &st.cfg))?;
        drop(nets);
        if st.save_outputs {
            let matrix = ndarray::Array2::from_shape_fn((params.len(), names.len()), |(r, c)| {
                let v = &params[r][names[c].as_str()];
                num(v, "").unwrap_or(f64::NAN)
            });
            let js: Vec<Value> = params
                .iter()
                .map(|m| to_json(&Dynamic::from_map(m.clone())))
                .collect();
            // rank 0 writes (under MPI every rank holds every row)
            lib(crate::cluster::root_writes(
                || {
                    write_batch(
                        &batch_file(&st.save_folder, start, end),
                        start,
                        &meta,
                        (&matrix, &js),
                        &outs,
                        st.save,
                    )
                },
                |message| crate::Error::OnRank { rank: 0, message },
            ))?;
        }
        let want_results = st.summary_func.is_some() || (return_output && !st.clear_cache);
        if !want_results {
            continue;
        }
        let mut results = Array::new();
        for ((h, pm), o) in handles.into_iter().zip(params).zip(outs) {
            let mut m = Map::new();
            m.insert("param_values".into(), Dynamic::from_map(pm));
            match o {
                Ok(o) => {
                    if st.save.spiking {
                        let mut sp = Map::new();
                        let cr = &o.cell_response;
                        let arr = |v: Vec<Dynamic>| Dynamic::from_array(v);
                        sp.insert(
                            "spike_times".into(),
                            arr(cr
                                .spike_times
                                .iter()
                                .map(|t| arr(t.iter().map(|&x| x.into()).collect()))
                                .collect()),
                        );
                        sp.insert(
                            "spike_gids".into(),
                            arr(cr
                                .spike_gids
                                .iter()
                                .map(|t| arr(t.iter().map(|&x| (x as i64).into()).collect()))
                                .collect()),
                        );
                        sp.insert(
                            "spike_types".into(),
                            arr(cr
                                .spike_types
                                .iter()
                                .map(|t| arr(t.iter().map(|x| x.clone().into()).collect()))
                                .collect()),
                        );
                        m.insert("spiking".into(), Dynamic::from_map(sp));
                    }
                    {
                        let mut s = h.0.borrow_mut();
                        s.cell_response = Some(o.cell_response);
                    }
                    m.insert("dpl".into(), dipoles(o.dipoles));
                    m.insert("net".into(), Dynamic::from(h));
                }
                Err(msg) => {
                    m.insert("error".into(), msg.into());
                    m.insert("net".into(), Dynamic::from(h));
                }
            }
            results.push(Dynamic::from_map(m));
        }
        if let Some(f) = &st.summary_func {
            let s =
                f.call_within_context::<Dynamic>(&ctx, (Dynamic::from_array(results.clone()),))?;
            summaries.push(s);
        }
        if !st.clear_cache && return_output {
            data.push(Dynamic::from_array(results));
        }
    }
    if !return_output {
        return Ok(Dynamic::UNIT);
    }
    let mut out = Map::new();
    out.insert("summary_statistics".into(), Dynamic::from_array(summaries));
    if !st.clear_cache {
        out.insert("simulated_data".into(), Dynamic::from_array(data));
    }
    Ok(Dynamic::from_map(out))
}

fn loaded_to_map(b: LoadedBatch) -> Map {
    let n = b.end - b.start;
    let nt = b.meta.n_trials;
    let mut m = Map::new();
    let pv: Array = (0..n)
        .map(|s| match b.param_json.get(s) {
            Some(v) => from_json(v),
            None => Dynamic::from_map(
                b.meta
                    .param_names
                    .iter()
                    .enumerate()
                    .map(|(c, k)| (k.into(), b.param_values[[s, c]].into()))
                    .collect(),
            ),
        })
        .collect();
    m.insert("param_values".into(), Dynamic::from_array(pv));
    m.insert(
        "status".into(),
        Dynamic::from_array(b.status.iter().map(|&s| (s as i64).into()).collect()),
    );
    m.insert(
        "messages".into(),
        Dynamic::from_array(b.messages.iter().map(|s| s.clone().into()).collect()),
    );
    if let Some(d) = &b.dpl {
        let sims: Array = (0..n)
            .map(|s| {
                dipoles(
                    (0..nt)
                        .map(|t| Dipole {
                            times: b.times.clone(),
                            data: b
                                .layers
                                .iter()
                                .enumerate()
                                .map(|(l, k)| {
                                    (k.clone(), d.slice(ndarray::s![s, t, l, ..]).to_vec())
                                })
                                .collect(),
                            nave: 1,
                            scale_applied: 1.0,
                        })
                        .collect(),
                )
            })
            .collect();
        m.insert("dpl".into(), Dynamic::from_array(sims));
    }
    if let Some((times, gids, off)) = &b.spikes {
        let type_of = |g: i64| -> String {
            b.meta
                .gid_ranges
                .iter()
                .find(|(_, a, e)| (*a as i64) <= g && g < *e as i64)
                .map(|x| x.0.clone())
                .unwrap_or_default()
        };
        let sims: Array = (0..n)
            .map(|s| {
                let mut sp = Map::new();
                let (mut st, mut sg, mut sty) = (Array::new(), Array::new(), Array::new());
                for t in 0..nt {
                    let (a, e) = (off[s * nt + t] as usize, off[s * nt + t + 1] as usize);
                    st.push(Dynamic::from_array(
                        times[a..e].iter().map(|&x| x.into()).collect(),
                    ));
                    sg.push(Dynamic::from_array(
                        gids[a..e].iter().map(|&x| x.into()).collect(),
                    ));
                    sty.push(Dynamic::from_array(
                        gids[a..e].iter().map(|&x| type_of(x).into()).collect(),
                    ));
                }
                sp.insert("spike_times".into(), Dynamic::from_array(st));
                sp.insert("spike_gids".into(), Dynamic::from_array(sg));
                sp.insert("spike_types".into(), Dynamic::from_array(sty));
                Dynamic::from_map(sp)
            })
            .collect();
        m.insert("spiking".into(), Dynamic::from_array(sims));
    }
    m
}

fn load_results(_b: &mut BatchHandle, path: &str) -> RhaiResult<Map> {
    Ok(loaded_to_map(lib(read_batch(Path::new(path)))?))
}

fn load_all_results(b: &mut BatchHandle) -> RhaiResult<Array> {
    let files = lib(batch_files(&b.0.save_folder))?;
    files
        .iter()
        .map(|p| Ok(Dynamic::from_map(loaded_to_map(lib(read_batch(p))?))))
        .collect()
}

/// Register the batch API.
pub fn register(engine: &mut Engine) {
    super::api_sbi::register(engine);
    engine.register_type_with_name::<BatchHandle>("BatchSimulate");
    engine.register_fn("BatchSimulate", batch_simulate);
    engine.register_fn("run", run);
    engine.register_fn(
        "run",
        |ctx: NativeCallContext, b: &mut BatchHandle, grid: Dynamic| run(ctx, b, grid, Map::new()),
    );
    engine.register_fn("load_results", load_results);
    engine.register_fn("load_all_results", load_all_results);
    engine.register_fn("to_string", |b: &mut BatchHandle| {
        format!(
            "<BatchSimulate | tstop {}, dt {}, n_trials {}, batch_size {}>",
            b.0.cfg.run.tstop, b.0.cfg.run.dt, b.0.cfg.run.n_trials, b.0.batch_size
        )
    });
}
