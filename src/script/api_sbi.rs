//! `simulate_batch` (the matrix form for simulation-based inference), `read_npy`, and the two
//! plotting helpers the batch tutorial needs (`ax.plot`, `cmap_color`): thin adapters over
//! [`crate::batch::matrix`] and [`crate::viz`].

use std::path::{Path, PathBuf};

use rhai::{Array, Dynamic, Engine, Map, NativeCallContext};

use super::api_batch::{MAX_SIMS, fn_ptr};
use super::handles::NetHandle;
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::batch::features::FeatureSpec;
use crate::batch::matrix::{MatrixRun, Prior, SeedPolicy, Transform, run_matrix};
use crate::sim::network::SimConfig;

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
    sim.run.dt = kw.num_or("dt", 0.025)?;
    if let Some(v) = kw.get("n_trials") {
        sim.run.n_trials = uint(v, "simulate_batch: n_trials")?;
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
                "ax.plot: color: unknown colour '{c}' (use k, r, g, b, C0..C9, tab:blue…, a name or #rrggbb)"
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
        dashed: false,
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

/// Register `simulate_batch`, `read_npy`, `ax.plot` and `cmap_color`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("plot", ax_plot);
    engine.register_fn(
        "plot",
        |ax: &mut super::api_viz::AxHandle, x: Array, y: Array| ax_plot(ax, x, y, Map::new()),
    );
    engine.register_fn("cmap_color", cmap_color);
    engine.register_fn("simulate_batch", simulate_batch);
    engine.register_fn("read_npy", read_npy);
}
