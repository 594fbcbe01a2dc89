//! hnn-core's legacy `optimize_evoked`: the evoked drives are fitted in chunks of drives
//! that overlap in time, each chunk by COBYLA against an RMSE weighted toward the chunk's
//! time window, then (with more than one chunk) all parameters together against the plain
//! RMSE. The schedule (ranges, weights, windows, chunks) is hnn-core's exactly; the default
//! fixes three 0.6.1 bugs that [`Compat::HnnCore061`] keeps (see docs/optimization.md).

use std::time::Instant;

use super::cobyla::{CobylaSettings, cobyla};
use super::normal::norm_cdf;
use super::optimizer::Compat;
use crate::analysis::objective::rmse;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::network::drives::{DriveDynamics, DriveOptions};
use crate::results::Dipole;
use crate::results::dipole::average_dipoles;
use crate::sim::network::{SimConfig, simulate_dipole};

/// `optimize_evoked`'s keyword arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct EvokedSettings {
    /// COBYLA evaluations per step (at least 12; 0 skips every step).
    pub maxiter: usize,
    /// mu may move ± this × sigma.
    pub timing_range_multiplier: f64,
    /// sigma may move ± this percent.
    pub sigma_range_multiplier: f64,
    /// weights may move ± this percent (floored at 0).
    pub synweight_range_multiplier: f64,
    /// How fast a drive's weight decays under later drives.
    pub decay_multiplier: f64,
    /// Applied to every trial.
    pub scale_factor: f64,
    /// Applied to every trial after scaling [ms].
    pub smooth_window_len: Option<f64>,
    /// Time step [ms].
    pub dt: f64,
    /// Drives to fit (None: every evoked drive, in network order; a list is sorted).
    pub which_drives: Option<Vec<String>>,
    /// 0.6.1's behaviour or the intended one.
    pub compat: Compat,
}

impl Default for EvokedSettings {
    fn default() -> Self {
        EvokedSettings {
            maxiter: 50,
            timing_range_multiplier: 3.0,
            sigma_range_multiplier: 50.0,
            synweight_range_multiplier: 500.0,
            decay_multiplier: 1.6,
            scale_factor: 1.0,
            smooth_window_len: None,
            dt: 0.025,
            which_drives: None,
            compat: Compat::Intended,
        }
    }
}

/// One parameter of a step with its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// `<drive>_sigma`, `<drive>_mu` or `<drive>_gbar_<receptor>_<target>`.
    pub name: String,
    /// Start value.
    pub initial: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// One optimisation step: its drives, parameters, RMSE window and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Drive names.
    pub inputs: Vec<String>,
    /// Parameters, in COBYLA's order.
    pub ranges: Vec<Range>,
    /// Earliest start of the chunk's drives (mu − 3σ) [ms].
    pub start: f64,
    /// End of the last merged drive (mu + 3σ) [ms].
    pub end: f64,
    /// RMSE window start [ms].
    pub opt_start: f64,
    /// RMSE window end [ms].
    pub opt_end: f64,
    /// Per-sample RMSE weights on the grid linspace(0, tstop, ceil(tstop/dt) + 1).
    pub weights: Vec<f64>,
}

/// An evoked drive's fitted values and what stays fixed when it is re-added.
#[derive(Debug, Clone)]
struct DriveParams {
    name: String,
    mu: f64,
    sigma: f64,
    /// ("ampa_L2_basket", weight), … in connection order.
    weights: Vec<(String, f64)>,
    numspikes: usize,
    options: DriveOptions,
}

fn get_range(name: String, v: f64, percent: f64) -> Range {
    Range {
        name,
        initial: v,
        lo: (v - v * percent / 100.0).max(0.0),
        hi: v + v * percent / 100.0,
    }
}

fn drive_params(net: &Network, names: &[String]) -> Result<Vec<DriveParams>> {
    let mut out = Vec::new();
    for name in names {
        let d = net
            .external_drives
            .iter()
            .find(|d| &d.name == name)
            .ok_or_else(|| Error::invalid("drive", name, "an evoked drive of the network"))?;
        let DriveDynamics::Evoked {
            mu,
            sigma,
            numspikes,
        } = d.dynamics
        else {
            return Err(Error::invalid(
                format!("drive '{name}'"),
                "not evoked",
                "an evoked drive",
            ));
        };
        let mut weights = Vec::new();
        let mut delays = Vec::new();
        let mut probs = Vec::new();
        let mut space = d.space_constant;
        for c in net.connectivity.iter().filter(|c| &c.src_type == name) {
            if d.location == "distal" && c.target_type == "L5_basket" {
                continue;
            }
            weights.push((
                format!("{}_{}", c.receptor.name(), c.target_type),
                c.a_weight,
            ));
            let set = |v: &mut Vec<(Option<String>, f64)>, x: f64| match v
                .iter_mut()
                .find(|(k, _)| k.as_deref() == Some(&c.target_type))
            {
                Some(e) => e.1 = x,
                None => v.push((Some(c.target_type.clone()), x)),
            };
            set(&mut delays, c.a_delay);
            set(&mut probs, c.probability);
            space = c.lamtha;
        }
        let options = DriveOptions {
            location: d.location.clone(),
            n_drive_cells: (!d.cell_specific).then_some(d.n_drive_cells),
            cell_specific: d.cell_specific,
            weights_ampa: vec![],
            weights_nmda: vec![],
            synaptic_delays: delays,
            probability: probs,
            space_constant: space,
            event_seed: d.event_seed,
            conn_seed: d.conn_seed,
        };
        out.push(DriveParams {
            name: name.clone(),
            mu,
            sigma,
            weights,
            numspikes,
            options,
        });
    }
    Ok(out)
}

/// A drive as the schedule sees it: name, mu, sigma and its weights (`ampa_<target>`, …).
pub type DriveSpec = (String, f64, f64, Vec<(String, f64)>);

/// hnn-core's schedule: per-drive ranges and weights, merged into chunks, plus a final
/// chunk over everything when there is more than one.
pub fn schedule(drives: &[DriveSpec], tstop: f64, s: &EvokedSettings) -> Vec<Chunk> {
    struct Ev {
        name: String,
        mean: f64,
        sigma: f64,
        start: f64,
        end: f64,
        ranges: Vec<Range>,
        weights: Vec<f64>,
        opt_start: f64,
        opt_end: f64,
    }
    let mut evs: Vec<Ev> = drives
        .iter()
        .map(|(name, mu, sigma, weights)| {
            let sigma = if *sigma == 0.0 { 0.01 } else { *sigma };
            let bound = sigma * s.timing_range_multiplier;
            let start = (mu - bound).max(0.0);
            let end = tstop.min(mu + bound);
            let mut ranges = vec![get_range(
                format!("{name}_sigma"),
                sigma,
                s.sigma_range_multiplier,
            )];
            ranges.push(Range {
                name: format!("{name}_mu"),
                initial: *mu,
                lo: start,
                hi: end,
            });
            for (key, w) in weights {
                let mut r = get_range(
                    format!("{name}_gbar_{key}"),
                    *w,
                    s.synweight_range_multiplier,
                );
                if *w == 0.0 {
                    r.lo = 0.0;
                    r.hi = 1.0;
                }
                ranges.push(r);
            }
            Ev {
                name: name.clone(),
                mean: *mu,
                sigma,
                start,
                end,
                ranges,
                weights: vec![],
                opt_start: 0.0,
                opt_end: 0.0,
            }
        })
        .collect();
    evs.sort_by(|a, b| a.start.total_cmp(&b.start));
    // weights on numpy's linspace(0, tstop, ceil(tstop/dt) + 1)
    let num = (tstop / s.dt).ceil() as usize + 1;
    let step = tstop / (num - 1) as f64;
    let times: Vec<f64> = (0..num)
        .map(|i| if i == num - 1 { tstop } else { i as f64 * step })
        .collect();
    let cdfs: Vec<Vec<f64>> = evs
        .iter()
        .map(|e| {
            times
                .iter()
                .map(|t| norm_cdf((t - e.start) / e.sigma))
                .collect()
        })
        .collect();
    for i in 0..evs.len() {
        let mut w = cdfs[i].clone();
        for j in 0..evs.len() {
            if evs[j].mean < evs[i].mean || i == j {
                continue;
            }
            let decay = s.decay_multiplier * (evs[j].mean - evs[i].mean) / tstop;
            for (wk, ck) in w.iter_mut().zip(&cdfs[j]) {
                *wk -= ck * decay;
            }
        }
        for wk in w.iter_mut() {
            *wk = wk.max(0.0);
        }
        let above: Vec<usize> = (0..num).filter(|&k| w[k] > 0.01).collect();
        let (first, last) = match (above.first(), above.last()) {
            (Some(&a), Some(&b)) => (times[a], times[b]),
            _ => (evs[i].start, evs[i].end),
        };
        let e = &mut evs[i];
        e.opt_start = (e.start.min(first) / s.dt).floor() * s.dt;
        e.opt_end = (e.end.max(last) / s.dt).ceil() * s.dt;
        e.weights = w;
    }
    let mut chunks: Vec<Chunk> = Vec::new();
    for e in evs {
        if let Some(c) = chunks.last_mut()
            && e.start <= c.end
        {
            c.inputs.push(e.name);
            c.end = e.end;
            c.ranges.extend(e.ranges);
            c.opt_end = c.opt_end.max(e.opt_end);
            for (a, b) in c.weights.iter_mut().zip(&e.weights) {
                *a = (*a + b) / 2.0;
            }
            continue;
        }
        chunks.push(Chunk {
            inputs: vec![e.name],
            ranges: e.ranges,
            start: e.start,
            end: e.end,
            opt_start: e.opt_start,
            opt_end: e.opt_end,
            weights: e.weights,
        });
    }
    if chunks.len() > 1 {
        let last = Chunk {
            inputs: chunks.iter().flat_map(|c| c.inputs.clone()).collect(),
            ranges: chunks.iter().flat_map(|c| c.ranges.clone()).collect(),
            start: 0.0,
            end: 0.0,
            opt_start: 0.0,
            opt_end: chunks.iter().map(|c| c.opt_end).fold(0.0, f64::max),
            weights: vec![1.0; chunks[chunks.len() - 1].weights.len()],
        };
        chunks.push(last);
    }
    chunks
}

/// One evaluation of `optimize_evoked`.
#[derive(Debug, Clone, PartialEq)]
pub struct EvokedEvaluation {
    /// Step (0-based).
    pub step: usize,
    /// The parameters simulated.
    pub params: Vec<(String, f64)>,
    /// The weighted RMSE COBYLA minimised.
    pub obj: f64,
    /// Unweighted RMSE from the step's window start to tstop (hnn-core's `iter_avg_rmse`).
    pub rmse: f64,
    /// Wall time [s].
    pub seconds: f64,
}

/// What `optimize_evoked` returns.
#[derive(Debug, Clone)]
pub struct EvokedOutcome {
    /// The fitted network.
    pub net: Network,
    /// RMSE of `initial_dpl` over [0, tstop].
    pub initial_rmse: f64,
    /// RMSE of the accepted fit over [0, tstop].
    pub final_rmse: f64,
}

/// One evaluation of a step, kept to choose the step's result.
struct StepEval {
    /// Weighted RMSE (what COBYLA minimised).
    obj: f64,
    /// RMSE over [0, tstop].
    full: f64,
    net: Network,
    values: Vec<(String, f64)>,
}

/// The network with the given drives re-added with new values (the others kept).
fn rebuild(
    net: &Network,
    drives: &[DriveParams],
    values: &[(String, f64)],
    chunk: &[String],
    compat: bool,
) -> Result<Network> {
    let get = |k: &str| values.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    let mut out = net.clone();
    let kept: Vec<_> = net.external_drives.clone();
    out.clear_drives();
    // 0.6.1 deletes the chunk's drives and appends them again; intended keeps the order
    let mut order: Vec<&crate::network::drives::Drive> = kept.iter().collect();
    if compat {
        order.sort_by_key(|d| chunk.contains(&d.name));
    }
    for d in order {
        let Some(p) = drives
            .iter()
            .find(|p| p.name == d.name && chunk.contains(&p.name))
        else {
            out.add_drive(&d.name, d.dynamics.clone(), &d.options())?;
            continue;
        };
        let mut o = p.options.clone();
        for (key, w) in &p.weights {
            let v = get(&format!("{}_gbar_{key}", p.name)).unwrap_or(*w);
            let (receptor, target) = key.split_once('_').unwrap_or((key.as_str(), ""));
            let slot = if receptor == "ampa" {
                &mut o.weights_ampa
            } else {
                &mut o.weights_nmda
            };
            slot.push((target.to_string(), v));
        }
        let dynamics = DriveDynamics::Evoked {
            mu: get(&format!("{}_mu", p.name)).unwrap_or(p.mu),
            sigma: get(&format!("{}_sigma", p.name)).unwrap_or(p.sigma),
            numspikes: p.numspikes,
        };
        out.add_drive(&p.name, dynamics, &o)?;
    }
    Ok(out)
}

/// Fit the evoked drives of `net` to `target` (hnn-core's `optimize_evoked`).
/// `initial_dpl` is the caller's processed simulation of `net` (its RMSE is the bar to
/// beat); `progress(done, planned, best_rmse)` is called after every evaluation.
#[allow(clippy::too_many_arguments)]
pub fn optimize_evoked(
    net: &Network,
    tstop: f64,
    n_trials: usize,
    target: &Dipole,
    initial_dpl: &Dipole,
    s: &EvokedSettings,
    progress: &mut dyn FnMut(usize, usize, f64),
    history: &mut Vec<EvokedEvaluation>,
) -> Result<EvokedOutcome> {
    if !(tstop.is_finite() && tstop > 0.0) {
        return Err(Error::invalid("tstop", tstop, "a finite number > 0 [ms]"));
    }
    if n_trials < 1 {
        return Err(Error::invalid("n_trials", n_trials, "at least 1"));
    }
    if !(s.dt.is_finite() && s.dt > 0.0) {
        return Err(Error::invalid("dt", s.dt, "a finite number > 0 [ms]"));
    }
    // the RMSE weights hold one value per time step: refuse before allocating them
    crate::limits::check_count(
        &format!("time steps per trial (tstop {tstop} ms / dt {} ms)", s.dt),
        tstop / s.dt,
        crate::limits::defaults().0,
        "hnn::limits::set_defaults",
    )?;
    let compat = s.compat == Compat::HnnCore061;
    let evoked: Vec<String> = net
        .external_drives
        .iter()
        .filter(|d| matches!(d.dynamics, DriveDynamics::Evoked { .. }))
        .map(|d| d.name.clone())
        .collect();
    if evoked.is_empty() {
        return Err(Error::invalid(
            "net",
            "a network without evoked drives",
            "evoked drives to optimise (net.add_evoked_drive)",
        ));
    }
    let names: Vec<String> = match &s.which_drives {
        None => evoked.clone(),
        Some(list) => {
            let mut l: Vec<String> = list
                .iter()
                .filter(|n| evoked.contains(n))
                .cloned()
                .collect();
            l.sort();
            l.dedup();
            l
        }
    };
    if names.is_empty() {
        return Err(Error::invalid(
            "which_drives",
            format!("{:?}", s.which_drives.clone().unwrap_or_default()),
            format!("names of evoked drives ({})", evoked.join(", ")),
        ));
    }
    let drives = drive_params(net, &names)?;
    let spec: Vec<_> = drives
        .iter()
        .map(|d| (d.name.clone(), d.mu, d.sigma, d.weights.clone()))
        .collect();
    let chunks = schedule(&spec, tstop, s);
    if let Some(r) = chunks
        .iter()
        .flat_map(|c| &c.ranges)
        .find(|r| !(r.lo <= r.hi))
    {
        return Err(Error::invalid(
            "tstop",
            tstop,
            format!(
                "a run long enough for {}'s range [{}, {}] (choose drives within tstop with which_drives)",
                r.name, r.lo, r.hi
            ),
        ));
    }
    let initial_rmse = rmse(initial_dpl, target, 0.0, tstop, None)?;
    let mut best_rmse = initial_rmse;
    let mut net = net.clone();
    // current value of every parameter (updated when a step is accepted)
    let mut current: Vec<(String, f64)> = chunks
        .iter()
        .flat_map(|c| c.ranges.iter().map(|r| (r.name.clone(), r.initial)))
        .collect();
    let maxiter = if s.maxiter == 0 { 0 } else { s.maxiter.max(12) };
    let planned: usize = chunks.iter().map(|c| maxiter.max(c.ranges.len() + 2)).sum();
    let mut best_seen = f64::INFINITY;
    let mut cfg = SimConfig::new(tstop);
    cfg.run.dt = s.dt;
    cfg.run.n_trials = n_trials;
    for (step, chunk) in chunks.iter().enumerate() {
        if maxiter == 0 {
            continue;
        }
        let last_step = step > 0 && step == chunks.len() - 1;
        let x0: Vec<f64> = chunk
            .ranges
            .iter()
            .map(|r| {
                if last_step && !compat {
                    current
                        .iter()
                        .find(|(n, _)| n == &r.name)
                        .map_or(r.initial, |(_, v)| *v)
                } else {
                    r.initial
                }
            })
            .collect();
        let nr = chunk.ranges.len();
        let mut step_evals: Vec<StepEval> = Vec::new();
        let mut calcfc = |x: &[f64]| -> Result<(f64, Vec<f64>)> {
            let mut c = Vec::with_capacity(2 * nr);
            for i in 0..nr {
                let r = if compat {
                    &chunk.ranges[nr - 1]
                } else {
                    &chunk.ranges[i]
                };
                c.push(0.0 - (r.hi - x[i]));
                c.push(0.0 - (x[i] - r.lo));
            }
            let values: Vec<(String, f64)> = chunk
                .ranges
                .iter()
                .zip(x)
                .map(|(r, v)| {
                    let v = if compat {
                        v.max(0.0)
                    } else {
                        v.clamp(r.lo, r.hi)
                    };
                    (r.name.clone(), v)
                })
                .collect();
            crate::interrupt::check()?;
            let t0 = Instant::now();
            let trial_net = rebuild(&net, &drives, &values, &chunk.inputs, compat)?;
            let mut dpls = simulate_dipole(&trial_net, &cfg)?.dipoles;
            for d in dpls.iter_mut() {
                d.scale(s.scale_factor)?;
                if let Some(w) = s.smooth_window_len {
                    d.smooth(w)?;
                }
            }
            let avg = average_dipoles(&dpls)?;
            let obj = rmse(
                &avg,
                target,
                chunk.opt_start,
                chunk.opt_end,
                Some(&chunk.weights),
            )?;
            let unweighted = rmse(&avg, target, chunk.opt_start, tstop, None)?;
            history.push(EvokedEvaluation {
                step,
                params: values.clone(),
                obj,
                rmse: unweighted,
                seconds: t0.elapsed().as_secs_f64(),
            });
            let full = rmse(&avg, target, 0.0, tstop, None)?;
            best_seen = best_seen.min(full);
            progress(history.len(), planned, best_seen);
            step_evals.push(StepEval {
                obj,
                full,
                net: trial_net,
                values,
            });
            Ok((obj, c))
        };
        let cs = CobylaSettings {
            rhobeg: 0.1,
            rhoend: 1e-4,
            maxfun: maxiter,
            ctol: 0.0,
        };
        cobyla(&mut calcfc, &x0, &cs)?;
        // 0.6.1 judges and keeps the last evaluation; intended, the step's best one
        let pick = if compat {
            step_evals.len() - 1
        } else {
            let mut b = 0;
            for (i, e) in step_evals.iter().enumerate() {
                if e.obj < step_evals[b].obj {
                    b = i;
                }
            }
            b
        };
        let chosen = step_evals.swap_remove(pick);
        if chosen.full <= best_rmse {
            best_rmse = chosen.full;
            net = chosen.net;
            for (n, v) in chosen.values {
                if let Some(e) = current.iter_mut().find(|(k, _)| *k == n) {
                    e.1 = v;
                }
            }
        }
    }
    Ok(EvokedOutcome {
        net,
        initial_rmse,
        final_rmse: best_rmse,
    })
}
