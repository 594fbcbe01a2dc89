//! `sim_run_<start>-<end>.npz`: one batch of `BatchSimulate`, as plain arrays NumPy reads
//! without pickle (layout in docs/files.md). hnn-core pickles Dipole objects instead; the
//! numbers here are the same.

use std::fs::File;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, Array4};
use ndarray_npy::{NpzReader, NpzWriter};
use serde_json::{Value, json};

use super::RowResult;
use crate::error::{Error, Result};
use crate::results::cell_response::Traces;

/// What a batch file holds besides the dipoles and parameters (hnn-core's `save_*` flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveFlags {
    /// Dipoles (`save_dpl`).
    pub dpl: bool,
    /// Spike times, gids (`save_spiking`).
    pub spiking: bool,
    /// Electrode array potentials (`save_lfp`).
    pub lfp: bool,
    /// Recorded voltages (`save_voltages`).
    pub voltages: bool,
    /// Recorded synaptic currents (`save_currents`).
    pub currents: bool,
    /// Recorded calcium (`save_calcium`).
    pub calcium: bool,
}

/// The settings stored with every batch (hnn-core's `metadata`).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchMeta {
    /// `batch_size` of the run.
    pub batch_size: usize,
    /// Trials per simulation.
    pub n_trials: usize,
    /// \[ms\]
    pub tstop: f64,
    /// \[ms\]
    pub dt: f64,
    /// Parameter names, the columns of `param_values`.
    pub param_names: Vec<String>,
    /// Cell type or drive name → gid range `[start, end)`, to name spike gids.
    pub gid_ranges: Vec<(String, usize, usize)>,
}

/// The file name of the batch `[start, end)` (end exclusive, as hnn-core's).
pub fn batch_file(folder: &Path, start: usize, end: usize) -> PathBuf {
    folder.join(format!("sim_run_{start}-{end}.npz"))
}

/// Potentials `[sim, trial, contact, time]` and the arrays' (name, number of contacts).
pub type Lfp = (Array4<f64>, Vec<(String, usize)>);

/// One kind of recorded trace ("vsec", "isec", "ca"): keys `(sim, trial, gid, name)` and
/// the traces `[key, time]`.
pub type TraceSet = (String, Vec<(usize, usize, usize, String)>, Array2<f64>);

/// A batch as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedBatch {
    /// First simulation of the batch.
    pub start: usize,
    /// One past the last.
    pub end: usize,
    /// Settings.
    pub meta: BatchMeta,
    /// Parameter values as numbers `[sim, param]` (NaN where a value is not a number).
    pub param_values: Array2<f64>,
    /// The parameter values as JSON (strings and lists kept), one object per simulation.
    pub param_json: Vec<Value>,
    /// 1 for a simulated row, -1 for a failed one.
    pub status: Vec<i8>,
    /// Why a row failed ("" for the others).
    pub messages: Vec<String>,
    /// Sample times \[ms\].
    pub times: Vec<f64>,
    /// Dipole trace names (the third axis of `dpl`).
    pub layers: Vec<String>,
    /// `[sim, trial, layer, time]` \[nAm\]; NaN for failed rows.
    pub dpl: Option<Array4<f64>>,
    /// Spikes of every (sim, trial): times, gids, offsets (`sim * n_trials + trial`).
    pub spikes: Option<(Vec<f64>, Vec<i64>, Vec<i64>)>,
    /// Potentials `[sim, trial, contact, time]` \[µV\] and the arrays' names and sizes.
    pub lfp: Option<Lfp>,
    /// Recorded traces per kind ("vsec", "isec", "ca"): keys `(sim, trial, gid, name)` and
    /// the traces.
    pub traces: Vec<TraceSet>,
}

fn npz_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::file(path, e)
}

/// Write one batch. `params` holds the numeric matrix and the JSON values of each row.
pub fn write_batch(
    path: &Path,
    start: usize,
    meta: &BatchMeta,
    params: (&Array2<f64>, &[Value]),
    rows: &[RowResult],
    save: SaveFlags,
) -> Result<()> {
    let n = rows.len();
    let nt = meta.n_trials;
    let first = rows.iter().find_map(|r| r.as_ref().ok());
    let times: Vec<f64> = first
        .and_then(|o| o.dipoles.first())
        .map(|d| d.times.clone())
        .unwrap_or_else(|| {
            // no row simulated: the time axis the simulations would have had
            let n = crate::sim::n_steps(meta.tstop, meta.dt);
            let mut t = 0.0;
            let mut v = vec![0.0];
            for _ in 0..n {
                t += 0.5 * meta.dt;
                t += 0.5 * meta.dt;
                v.push(t);
            }
            v
        });
    let layers: Vec<String> = first
        .and_then(|o| o.dipoles.first())
        .map(|d| d.data.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_else(|| vec!["agg".into(), "L2".into(), "L5".into()]);
    let file = File::create(path).map_err(|e| npz_err(path, e))?;
    let mut w = NpzWriter::new(file);
    let add = |name: &str, r: std::result::Result<(), ndarray_npy::WriteNpzError>| {
        r.map_err(|e| npz_err(path, format!("array '{name}': {e}")))
    };
    let status: Array1<i8> = rows
        .iter()
        .map(|r| if r.is_ok() { 1 } else { -1 })
        .collect();
    add("status", w.add_array("status", &status))?;
    add("param_values", w.add_array("param_values", params.0))?;
    add("times", w.add_array("times", &Array1::from(times.clone())))?;
    if save.dpl {
        let nl = layers.len();
        let mut d = Array4::<f64>::from_elem((n, nt, nl, times.len()), f64::NAN);
        for (s, r) in rows.iter().enumerate() {
            let Ok(o) = r else { continue };
            for (t, dp) in o.dipoles.iter().enumerate().take(nt) {
                for (l, key) in layers.iter().enumerate() {
                    if let Some(x) = dp.get(key) {
                        for (k, v) in x.iter().enumerate().take(times.len()) {
                            d[[s, t, l, k]] = *v;
                        }
                    }
                }
            }
        }
        add("dpl", w.add_array("dpl", &d))?;
    }
    if save.spiking {
        let (mut st, mut sg, mut off) = (Vec::new(), Vec::new(), vec![0i64]);
        for r in rows {
            for t in 0..nt {
                if let Ok(o) = r
                    && let (Some(ts), Some(gs)) = (
                        o.cell_response.spike_times.get(t),
                        o.cell_response.spike_gids.get(t),
                    )
                {
                    st.extend_from_slice(ts);
                    sg.extend(gs.iter().map(|&g| g as i64));
                }
                off.push(st.len() as i64);
            }
        }
        add("spike_times", w.add_array("spike_times", &Array1::from(st)))?;
        add("spike_gids", w.add_array("spike_gids", &Array1::from(sg)))?;
        add(
            "spike_offsets",
            w.add_array("spike_offsets", &Array1::from(off)),
        )?;
    }
    let mut arrays: Vec<(String, usize)> = Vec::new();
    if save.lfp {
        if let Some(o) = first {
            arrays = o
                .rec_arrays
                .iter()
                .map(|a| (a.name.clone(), a.positions.len()))
                .collect();
        }
        let nc: usize = arrays.iter().map(|a| a.1).sum();
        let mut d = Array4::<f64>::from_elem((n, nt, nc, times.len()), f64::NAN);
        for (s, r) in rows.iter().enumerate() {
            let Ok(o) = r else { continue };
            let mut c0 = 0;
            for a in &o.rec_arrays {
                for (t, trial) in a.voltages.iter().enumerate().take(nt) {
                    for (c, x) in trial.iter().enumerate() {
                        if c0 + c >= nc {
                            break; // a row with more contacts than the first: not stored
                        }
                        for (k, v) in x.iter().enumerate().take(times.len()) {
                            d[[s, t, c0 + c, k]] = *v;
                        }
                    }
                }
                c0 += a.positions.len();
            }
        }
        add("lfp", w.add_array("lfp", &d))?;
    }
    let mut trace_keys = serde_json::Map::new();
    for (kind, on) in [
        ("vsec", save.voltages),
        ("isec", save.currents),
        ("ca", save.calcium),
    ] {
        if !on {
            continue;
        }
        let mut keys = Vec::new();
        let mut data: Vec<f64> = Vec::new();
        for (s, r) in rows.iter().enumerate() {
            let Ok(o) = r else { continue };
            let per_trial: &Vec<Traces> = match kind {
                "vsec" => &o.cell_response.vsec,
                "isec" => &o.cell_response.isec,
                _ => &o.cell_response.ca,
            };
            for (t, tr) in per_trial.iter().enumerate() {
                for (gid, secs) in tr {
                    for (name, x) in secs {
                        keys.push(json!([s, t, gid, name]));
                        let mut x = x.clone();
                        x.resize(times.len(), f64::NAN);
                        data.extend_from_slice(&x);
                    }
                }
            }
        }
        let a = Array2::from_shape_vec((keys.len(), times.len()), data)
            .map_err(|e| npz_err(path, e))?;
        add(kind, w.add_array(kind, &a))?;
        trace_keys.insert(kind.into(), Value::Array(keys));
    }
    let meta_json = json!({
        "format": "hnn-rs batch",
        "format_version": 1,
        "hnn_version": env!("CARGO_PKG_VERSION"),
        "start": start,
        "end": start + n,
        "batch_size": meta.batch_size,
        "n_trials": nt,
        "tstop": meta.tstop,
        "dt": meta.dt,
        "param_names": meta.param_names,
        "param_values": params.1,
        "layers": layers,
        "messages": rows.iter().map(|r| r.as_ref().err().cloned().unwrap_or_default()).collect::<Vec<_>>(),
        "gid_ranges": meta.gid_ranges.iter().map(|(k, a, b)| json!([k, a, b])).collect::<Vec<_>>(),
        "rec_arrays": arrays.iter().map(|(k, c)| json!([k, c])).collect::<Vec<_>>(),
        "traces": trace_keys,
        "saved": {
            "dpl": save.dpl, "spiking": save.spiking, "lfp": save.lfp,
            "voltages": save.voltages, "currents": save.currents, "calcium": save.calcium,
        },
    });
    let bytes: Array1<u8> = Array1::from(meta_json.to_string().into_bytes());
    add("metadata", w.add_array("metadata", &bytes))?;
    w.finish().map_err(|e| npz_err(path, e))?;
    Ok(())
}

fn field<'a>(m: &'a Value, key: &str, path: &Path) -> Result<&'a Value> {
    m.get(key)
        .ok_or_else(|| npz_err(path, format!("metadata has no '{key}'")))
}

fn as_usize(v: &Value, what: &str, path: &Path) -> Result<usize> {
    v.as_u64()
        .map(|x| x as usize)
        .ok_or_else(|| npz_err(path, format!("metadata '{what}' = {v} is not a count")))
}

/// Read a batch file written by [`write_batch`]; a missing array or a wrong shape is an
/// error naming the file and the array.
pub fn read_batch(path: &Path) -> Result<LoadedBatch> {
    let f = File::open(path).map_err(|e| npz_err(path, e))?;
    let mut r = NpzReader::new(f).map_err(|e| npz_err(path, format!("not an .npz file ({e})")))?;
    let names = r.names().map_err(|e| npz_err(path, e))?;
    let has = |k: &str| names.iter().any(|n| n == k || n == &format!("{k}.npy"));
    let bytes: Array1<u8> = r
        .by_name("metadata")
        .map_err(|e| npz_err(path, format!("array 'metadata': {e}")))?;
    let m: Value = serde_json::from_slice(bytes.as_slice().unwrap_or(&[]))
        .map_err(|e| npz_err(path, format!("metadata is not JSON ({e})")))?;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let meta = BatchMeta {
        batch_size: as_usize(field(&m, "batch_size", path)?, "batch_size", path)?,
        n_trials: as_usize(field(&m, "n_trials", path)?, "n_trials", path)?,
        tstop: field(&m, "tstop", path)?.as_f64().unwrap_or(f64::NAN),
        dt: field(&m, "dt", path)?.as_f64().unwrap_or(f64::NAN),
        param_names: strings(field(&m, "param_names", path)?),
        gid_ranges: m["gid_ranges"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        (
                            x[0].as_str().unwrap_or_default().to_string(),
                            x[1].as_u64().unwrap_or(0) as usize,
                            x[2].as_u64().unwrap_or(0) as usize,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let start = as_usize(field(&m, "start", path)?, "start", path)?;
    let end = as_usize(field(&m, "end", path)?, "end", path)?;
    let n = end
        .checked_sub(start)
        .ok_or_else(|| npz_err(path, format!("metadata start {start} is after end {end}")))?;
    let status: Array1<i8> = r
        .by_name("status")
        .map_err(|e| npz_err(path, format!("array 'status': {e}")))?;
    let param_values: Array2<f64> = r
        .by_name("param_values")
        .map_err(|e| npz_err(path, format!("array 'param_values': {e}")))?;
    let times: Array1<f64> = r
        .by_name("times")
        .map_err(|e| npz_err(path, format!("array 'times': {e}")))?;
    if status.len() != n
        || param_values.nrows() != n
        || param_values.ncols() != meta.param_names.len()
    {
        return Err(npz_err(
            path,
            format!(
                "{} status rows and {:?} parameter values, expected {n} rows of {} (start {start}, end {end})",
                status.len(),
                param_values.shape(),
                meta.param_names.len()
            ),
        ));
    }
    let layers = strings(&m["layers"]);
    let dpl = if has("dpl") {
        let d: Array4<f64> = r
            .by_name("dpl")
            .map_err(|e| npz_err(path, format!("array 'dpl': {e}")))?;
        if d.shape() != [n, meta.n_trials, layers.len(), times.len()] {
            return Err(npz_err(
                path,
                format!(
                    "array 'dpl' has shape {:?}, expected [{n}, {}, {}, {}]",
                    d.shape(),
                    meta.n_trials,
                    layers.len(),
                    times.len()
                ),
            ));
        }
        Some(d)
    } else {
        None
    };
    let spikes = if has("spike_times") {
        let t: Array1<f64> = r
            .by_name("spike_times")
            .map_err(|e| npz_err(path, format!("array 'spike_times': {e}")))?;
        let g: Array1<i64> = r
            .by_name("spike_gids")
            .map_err(|e| npz_err(path, format!("array 'spike_gids': {e}")))?;
        let o: Array1<i64> = r
            .by_name("spike_offsets")
            .map_err(|e| npz_err(path, format!("array 'spike_offsets': {e}")))?;
        let ok = t.len() == g.len()
            && o.len() == n * meta.n_trials + 1
            && o.iter().all(|&x| x >= 0 && x as usize <= t.len())
            && o.windows(2).into_iter().all(|w| w[0] <= w[1]);
        if !ok {
            return Err(npz_err(
                path,
                "arrays 'spike_times', 'spike_gids', 'spike_offsets' do not fit together",
            ));
        }
        Some((t.to_vec(), g.to_vec(), o.to_vec()))
    } else {
        None
    };
    let lfp = if has("lfp") {
        let d: Array4<f64> = r
            .by_name("lfp")
            .map_err(|e| npz_err(path, format!("array 'lfp': {e}")))?;
        let arrays = m["rec_arrays"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        (
                            x[0].as_str().unwrap_or_default().to_string(),
                            x[1].as_u64().unwrap_or(0) as usize,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some((d, arrays))
    } else {
        None
    };
    let mut traces = Vec::new();
    for kind in ["vsec", "isec", "ca"] {
        if !has(kind) {
            continue;
        }
        let d: Array2<f64> = r
            .by_name(kind)
            .map_err(|e| npz_err(path, format!("array '{kind}': {e}")))?;
        let keys: Vec<(usize, usize, usize, String)> = m["traces"][kind]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        (
                            x[0].as_u64().unwrap_or(0) as usize,
                            x[1].as_u64().unwrap_or(0) as usize,
                            x[2].as_u64().unwrap_or(0) as usize,
                            x[3].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if keys.len() != d.nrows() {
            return Err(npz_err(
                path,
                format!(
                    "array '{kind}' has {} rows, metadata {} keys",
                    d.nrows(),
                    keys.len()
                ),
            ));
        }
        traces.push((kind.to_string(), keys, d));
    }
    let param_json = m["param_values"].as_array().cloned().unwrap_or_default();
    let messages = strings(&m["messages"]);
    Ok(LoadedBatch {
        start,
        end,
        meta,
        param_values,
        param_json,
        status: status.to_vec(),
        messages,
        times: times.to_vec(),
        layers,
        dpl,
        spikes,
        lfp,
        traces,
    })
}

/// The batch files of a folder (`sim_run_<start>-<end>.npz`), sorted by start.
pub fn batch_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let rd = std::fs::read_dir(folder).map_err(|e| Error::file(folder, e))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(se) = name
            .strip_prefix("sim_run_")
            .and_then(|s| s.strip_suffix(".npz"))
            && let Some((a, b)) = se.split_once('-')
            && let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>())
        {
            out.push((a, b, e.path()));
        }
    }
    out.sort_by_key(|x| (x.0, x.1));
    Ok(out.into_iter().map(|x| x.2).collect())
}
