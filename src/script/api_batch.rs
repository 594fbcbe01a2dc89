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
use crate::batch::features::FeatureSpec;
use crate::batch::grid::{Combine, batches, expand};
use crate::batch::matrix::{MatrixRun, Prior, SeedPolicy, Transform, run_matrix};
use crate::batch::npz::{
    BatchMeta, LoadedBatch, SaveFlags, batch_file, batch_files, read_batch, write_batch,
};
use crate::batch::{Runner, check_settings};
use crate::network::Network;
use crate::results::Dipole;
use crate::sim::RecordSections;
use crate::sim::network::SimConfig;

/// Most simulations one `run` or `simulate_batch` accepts (θ and the grid's index rows are
/// kept in memory: 10^7 rows of 4 parameters are 320 MB).
const MAX_SIMS: usize = 10_000_000;

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

fn fn_ptr(v: &Dynamic, what: &str) -> RhaiResult<FnPtr> {
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

fn record(v: Option<&Dynamic>, what: &str) -> RhaiResult<RecordSections> {
    match v {
        None => Ok(RecordSections::None),
        Some(v) if v.as_bool() == Ok(false) => Ok(RecordSections::None),
        Some(v) => match string(v, what)?.as_str() {
            "soma" => Ok(RecordSections::Soma),
            "all" => Ok(RecordSections::All),
            s => err(format!(
                "{what}: '{s}' is invalid (expected 'all', 'soma' or false)"
            )),
        },
    }
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
    cfg.dt = kw.num_or("dt", 0.025)?;
    if let Some(v) = kw.get("n_trials") {
        cfg.n_trials = uint(v, "BatchSimulate: n_trials")?;
    }
    cfg.record_vsec = record(kw.get("record_vsec"), "BatchSimulate: record_vsec")?;
    cfg.record_isec = record(kw.get("record_isec"), "BatchSimulate: record_isec")?;
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
        std::fs::create_dir_all(&st.save_folder)
            .map_err(|e| format!("batch.run: save_folder '{}': {e}", st.save_folder.display()))?;
    }
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let meta = BatchMeta {
        batch_size: st.batch_size,
        n_trials: st.cfg.n_trials,
        tstop: st.cfg.tstop,
        dt: st.cfg.dt,
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
        let outs = runner.simulate(&nets, &st.cfg);
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
            lib(write_batch(
                &batch_file(&st.save_folder, start, end),
                start,
                &meta,
                (&matrix, &js),
                &outs,
                st.save,
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

fn floats(v: &Dynamic, what: &str) -> RhaiResult<Vec<f64>> {
    let a = v.read_lock::<Array>().map(|a| a.clone()).ok_or_else(|| {
        format!(
            "{what}: expected an array of numbers, got {}",
            v.type_name()
        )
    })?;
    a.iter()
        .enumerate()
        .map(|(i, x)| num(x, &format!("{what}[{i}]")))
        .collect()
}

fn feature_spec(v: Option<&Dynamic>) -> RhaiResult<FeatureSpec> {
    let mut f = FeatureSpec::default();
    let Some(v) = v else { return Ok(f) };
    let m = v.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
        format!(
            "simulate_batch: features: expected a map, got {}",
            v.type_name()
        )
    })?;
    let kw = Kw::new(
        "simulate_batch features",
        m,
        &[
            "layer",
            "scale",
            "smooth",
            "tmin",
            "tmax",
            "decim",
            "waveform",
            "bands",
            "log_power",
            "peaks",
            "rates",
        ],
    )?;
    if let Some(s) = kw.string("layer")? {
        f.layer = s;
    }
    f.scale = kw.num_or("scale", 1.0)?;
    f.smooth = kw.num("smooth")?;
    f.tmin = kw.num("tmin")?;
    f.tmax = kw.num("tmax")?;
    if let Some(d) = kw.get("decim") {
        f.decim = uint(d, "features.decim")?;
    }
    f.waveform = kw.flag_or("waveform", true)?;
    if let Some(b) = kw.get("bands") {
        let a = b
            .read_lock::<Array>()
            .map(|a| a.clone())
            .unwrap_or_default();
        f.bands = a
            .iter()
            .map(|x| {
                let v = floats(x, "features.bands[k]")?;
                if v.len() != 2 {
                    return err("features.bands: each band is [lo, hi] [Hz]");
                }
                Ok([v[0], v[1]])
            })
            .collect::<RhaiResult<_>>()?;
    }
    f.log_power = kw.flag_or("log_power", false)?;
    f.peaks = kw.flag_or("peaks", false)?;
    f.rates = kw.flag_or("rates", false)?;
    Ok(f)
}

fn simulate_batch(
    ctx: NativeCallContext,
    net: &mut NetHandle,
    theta: Dynamic,
    opts: Map,
) -> RhaiResult<Map> {
    let kw = Kw::new(
        "simulate_batch",
        opts,
        &[
            "set_params",
            "param_names",
            "seeds",
            "features",
            "out",
            "chunk",
            "tstop",
            "dt",
            "n_trials",
            "n_jobs",
            "overwrite",
            "model",
        ],
    )?;
    let set_params = fn_ptr(kw.req("set_params")?, "simulate_batch: set_params")?;
    let names: Vec<String> = match kw.get("param_names") {
        Some(v) => v
            .read_lock::<Array>()
            .map(|a| a.clone())
            .unwrap_or_default()
            .iter()
            .map(|x| string(x, "simulate_batch: param_names[k]"))
            .collect::<RhaiResult<_>>()?,
        None => return err("simulate_batch: missing required keyword 'param_names'"),
    };
    let p = names.len();
    let (theta_v, prior) = if let Some(m) = theta.read_lock::<Map>() {
        let m = m.clone();
        let pk = Kw::new(
            "simulate_batch prior",
            m,
            &["n", "low", "high", "transform", "seed"],
        )?;
        let n = uint(pk.req("n")?, "prior.n")?;
        if n > MAX_SIMS {
            return err(format!("prior.n = {n} is invalid (at most {MAX_SIMS})"));
        }
        let tr = match pk.get("transform") {
            None => vec![Transform::Linear; p],
            Some(v) => {
                let a = v.read_lock::<Array>().map(|a| a.clone());
                let list: Vec<Dynamic> = match a {
                    Some(a) => a,
                    None => vec![v.clone(); p],
                };
                list.iter()
                    .map(|x| match string(x, "prior.transform")?.as_str() {
                        "linear" => Ok(Transform::Linear),
                        "log10" => Ok(Transform::Log10),
                        s => err(format!(
                            "prior.transform: '{s}' is invalid (expected 'linear' or 'log10')"
                        )),
                    })
                    .collect::<RhaiResult<_>>()?
            }
        };
        let seed = match pk.get("seed") {
            Some(v) => {
                let s = uint(v, "prior.seed")?;
                u32::try_from(s)
                    .map_err(|_| format!("prior.seed = {s} is invalid (0 to 2^32 - 1)"))?
            }
            None => 0,
        };
        let prior = Prior {
            low: floats(pk.req("low")?, "prior.low")?,
            high: floats(pk.req("high")?, "prior.high")?,
            transform: tr,
            seed,
        };
        if prior.low.len() != p {
            return err(format!(
                "prior.low has {} bounds, expected {p} (one per param_names)",
                prior.low.len()
            ));
        }
        (lib(prior.sample(n))?, Some(prior))
    } else if let Some(a) = theta.read_lock::<Array>() {
        let mut v = Vec::with_capacity(a.len() * p);
        for (r, row) in a.iter().enumerate() {
            let row = floats(row, &format!("theta[{r}]"))?;
            if row.len() != p {
                return err(format!(
                    "theta[{r}] has {} values, expected {p} (one per param_names)",
                    row.len()
                ));
            }
            v.extend(row);
        }
        (v, None)
    } else {
        return err(format!(
            "simulate_batch: theta: expected an N x P array or a prior map #{{ n, low, high, transform, seed }}, got {}",
            theta.type_name()
        ));
    };
    let seeds = match kw.get("seeds") {
        None => SeedPolicy::Fixed,
        Some(v) if v.clone().into_string().is_ok_and(|s| s == "fixed") => SeedPolicy::Fixed,
        Some(v) => {
            let m = v.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
                format!("simulate_batch: seeds: expected \"fixed\", #{{ base: N }} or #{{ column: name }}, got {v}")
            })?;
            if let Some(b) = m.get("base") {
                SeedPolicy::BasePlusRow(uint(b, "seeds.base")? as i64)
            } else if let Some(c) = m.get("column") {
                let c = string(c, "seeds.column")?;
                let k = names.iter().position(|n| *n == c).ok_or_else(|| {
                    format!(
                        "seeds.column: '{c}' is not one of param_names ({})",
                        names.join(", ")
                    )
                })?;
                SeedPolicy::Column(k)
            } else {
                return err(
                    "simulate_batch: seeds: expected \"fixed\", #{ base: N } or #{ column: name }",
                );
            }
        }
    };
    let mut sim = SimConfig::new(kw.num_or("tstop", 170.0)?);
    sim.dt = kw.num_or("dt", 0.025)?;
    if let Some(v) = kw.get("n_trials") {
        sim.n_trials = uint(v, "simulate_batch: n_trials")?;
    }
    let run = MatrixRun {
        names: names.clone(),
        theta: theta_v,
        prior,
        seeds,
        features: feature_spec(kw.get("features"))?,
        out: PathBuf::from(
            kw.string("out")?
                .ok_or("simulate_batch: missing required keyword 'out' (a folder)")?,
        ),
        chunk: match kw.get("chunk") {
            Some(v) => uint(v, "simulate_batch: chunk")?,
            None => 256,
        },
        sim,
        n_jobs: kw
            .get("n_jobs")
            .map(|v| uint(v, "simulate_batch: n_jobs"))
            .transpose()?,
        overwrite: kw.flag_or("overwrite", false)?,
        extra: serde_json::json!({ "model": kw.string("model")?.unwrap_or_default() }),
    };
    let base = net.0.borrow().net.clone();
    let summary = lib(run_matrix(
        &run,
        |_row, values| {
            let pm: Map = names
                .iter()
                .zip(values)
                .map(|(k, &v)| (k.into(), v.into()))
                .collect();
            let h = NetHandle::new(base.clone());
            match set_params.call_within_context::<Dynamic>(
                &ctx,
                (Dynamic::from(h.clone()), Dynamic::from_map(pm)),
            ) {
                Ok(_) => Ok(h.0.borrow().net.clone()),
                Err(e) => Err(format!("set_params failed: {e}")),
            }
        },
        &base,
    ))?;
    let mut m = Map::new();
    m.insert("n".into(), (summary.n as i64).into());
    m.insert("n_run".into(), (summary.n_run as i64).into());
    m.insert("n_skipped".into(), (summary.n_skipped as i64).into());
    m.insert("n_failed".into(), (summary.failures.len() as i64).into());
    m.insert(
        "failures".into(),
        Dynamic::from_array(
            summary
                .failures
                .into_iter()
                .map(|(r, msg)| {
                    let mut f = Map::new();
                    f.insert("row".into(), (r as i64).into());
                    f.insert("message".into(), msg.into());
                    Dynamic::from_map(f)
                })
                .collect(),
        ),
    );
    m.insert(
        "feature_names".into(),
        Dynamic::from_array(summary.feature_names.into_iter().map(Into::into).collect()),
    );
    m.insert("out".into(), run.out.display().to_string().into());
    Ok(m)
}

fn read_npy(path: &str) -> RhaiResult<Array> {
    let (shape, v) = lib(crate::batch::npy::read_matrix(Path::new(path)))?;
    Ok(match shape.len() {
        1 => v.into_iter().map(Dynamic::from).collect(),
        2 => v
            .chunks(shape[1].max(1))
            .map(|r| Dynamic::from_array(r.iter().map(|&x| x.into()).collect()))
            .collect(),
        d => {
            return err(format!(
                "read_npy: '{path}' has {d} dimensions (1 or 2 are read)"
            ));
        }
    })
}

/// `ax.plot(x, y, #{ color, linewidth, label })`: a line (matplotlib's `ax.plot`), for
/// figures of batch results.
fn ax_plot(ax: &mut super::api_viz::AxHandle, x: Array, y: Array, opts: Map) -> RhaiResult<()> {
    let kw = Kw::new("ax.plot", opts, &["color", "linewidth", "label", "alpha"])?;
    let xs = floats(&Dynamic::from_array(x), "ax.plot: x")?;
    let ys = floats(&Dynamic::from_array(y), "ax.plot: y")?;
    if xs.len() != ys.len() {
        return err(format!(
            "ax.plot: x has {} values, y {} (expected as many)",
            xs.len(),
            ys.len()
        ));
    }
    let color = match kw.string("color")? {
        None => (31, 119, 180),
        Some(c) => crate::viz::parse_color(&c).ok_or_else(|| {
            format!(
                "ax.plot: color: unknown colour '{c}' (use k, r, g, b, C0..C9, a name or #rrggbb)"
            )
        })?,
    };
    let width = kw.num_or("linewidth", 1.0)?;
    if !(width.is_finite() && (0.0..=50.0).contains(&width)) {
        return err(format!("ax.plot: linewidth = {width} is invalid (0 to 50)"));
    }
    let mut fig = ax.fig.0.borrow_mut();
    let panel = fig
        .panels
        .get_mut(ax.index)
        .ok_or("ax.plot: the axes is not in its figure")?;
    panel.lines.push(crate::viz::Line {
        x: xs,
        y: ys,
        color,
        width: width.round().max(1.0) as u32,
        label: kw.string("label")?,
    });
    Ok(())
}

/// `cmap_color(name, v)`: the colour of a matplotlib colour map at v in [0, 1], as "#rrggbb".
fn cmap_color(name: &str, v: f64) -> RhaiResult<String> {
    let m = crate::viz::colormap::Colormap::parse(name).ok_or_else(|| {
        format!("cmap_color: unknown colour map '{name}' (e.g. viridis, cividis, jet)")
    })?;
    let (r, g, b) = m.at(if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    });
    Ok(format!("#{r:02x}{g:02x}{b:02x}"))
}

/// Register the batch API.
pub fn register(engine: &mut Engine) {
    engine.register_fn("plot", ax_plot);
    engine.register_fn(
        "plot",
        |ax: &mut super::api_viz::AxHandle, x: Array, y: Array| ax_plot(ax, x, y, Map::new()),
    );
    engine.register_fn("cmap_color", cmap_color);
    engine.register_type_with_name::<BatchHandle>("BatchSimulate");
    engine.register_fn("BatchSimulate", batch_simulate);
    engine.register_fn("run", run);
    engine.register_fn(
        "run",
        |ctx: NativeCallContext, b: &mut BatchHandle, grid: Dynamic| run(ctx, b, grid, Map::new()),
    );
    engine.register_fn("load_results", load_results);
    engine.register_fn("load_all_results", load_all_results);
    engine.register_fn("simulate_batch", simulate_batch);
    engine.register_fn("read_npy", read_npy);
    engine.register_fn("to_string", |b: &mut BatchHandle| {
        format!(
            "<BatchSimulate | tstop {}, dt {}, n_trials {}, batch_size {}>",
            b.0.cfg.tstop, b.0.cfg.dt, b.0.cfg.n_trials, b.0.batch_size
        )
    });
}
