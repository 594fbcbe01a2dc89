//! hnn-core's `Optimizer.fit`: a solver proposes parameter vectors, each becomes a network
//! (the caller's `set_params` on a fresh copy), the network is simulated and its processed
//! dipole scored. Networks are built one at a time on the caller's thread (a script's
//! `set_params` cannot leave it); the simulations of one CMA generation run in parallel,
//! and the trials of one simulation run in parallel inside `simulate_dipole`. Every random
//! choice is seeded, so a fit gives the same result at any thread count.

use std::time::Instant;

use rayon::prelude::*;

use super::bayes::{BayesSettings, bayes_opt};
use super::cma::{CmaSettings, cma_es};
use super::cobyla::{CobylaSettings, cobyla};
use crate::analysis::objective::{anticorr, relative_bandpower, rmse};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::results::Dipole;
use crate::results::dipole::average_dipoles;
use crate::sim::network::{SimConfig, simulate_dipole};

/// One parameter and its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name as `set_params` receives it.
    pub name: String,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// The search algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solver {
    /// hnn-core's bundled Gaussian-process loop (the default).
    Bayesian,
    /// scipy's `fmin_cobyla` (PRIMA).
    Cobyla,
    /// CMA-ES.
    Cma,
}

impl Solver {
    /// From hnn-core's names.
    pub fn from_name(s: &str) -> Result<Solver> {
        match s {
            "bayesian" => Ok(Solver::Bayesian),
            "cobyla" => Ok(Solver::Cobyla),
            "cma" => Ok(Solver::Cma),
            other => Err(Error::UnknownName {
                what: "solver".into(),
                name: other.into(),
                known: "bayesian, cobyla, cma".into(),
            }),
        }
    }

    /// hnn-core's name.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Bayesian => "bayesian",
            Solver::Cobyla => "cobyla",
            Solver::Cma => "cma",
        }
    }
}

/// Reproduce hnn-core 0.6.1's optimiser bugs, or do what was intended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// Per-parameter bounds, standard expected improvement, best evaluation returned.
    #[default]
    Intended,
    /// hnn-core 0.6.1 as released (docs/optimization.md lists the differences).
    HnnCore061,
}

/// A named objective (hnn-core's `obj_fun` strings).
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// RMSE of the trial-averaged `agg` to the target over [0, tstop].
    DipoleRmse {
        /// Recorded dipole.
        target: Dipole,
    },
    /// 1 − Pearson r of the trial-averaged `agg` and the target over [0, tstop].
    DipoleCorr {
        /// Recorded dipole.
        target: Dipole,
    },
    /// −Σ weight × relative band power of trial 0's `agg`.
    MaximizePsd {
        /// Bands [Hz], inclusive.
        f_bands: Vec<(f64, f64)>,
        /// One weight per band.
        relative_bandpower: Vec<f64>,
    },
}

impl Objective {
    /// hnn-core's name.
    pub fn name(&self) -> &'static str {
        match self {
            Objective::DipoleRmse { .. } => "dipole_rmse",
            Objective::DipoleCorr { .. } => "dipole_corr",
            Objective::MaximizePsd { .. } => "maximize_psd",
        }
    }

    /// Score processed trial dipoles (scaled, smoothed) of a run to `tstop`.
    pub fn score(&self, dpls: &[Dipole], tstop: f64) -> Result<f64> {
        match self {
            Objective::DipoleRmse { target } => {
                rmse(&average_dipoles(dpls)?, target, 0.0, tstop, None)
            }
            Objective::DipoleCorr { target } => {
                anticorr(&average_dipoles(dpls)?, target, 0.0, tstop, None)
            }
            Objective::MaximizePsd {
                f_bands,
                relative_bandpower: w,
            } => relative_bandpower(&dpls[0], f_bands, w),
        }
    }

    /// Trials an evaluation simulates (hnn-core always runs one for `maximize_psd`).
    pub fn trials(&self, n_trials: usize) -> usize {
        match self {
            Objective::MaximizePsd { .. } => 1,
            _ => n_trials,
        }
    }
}

/// `fit`'s settings (hnn-core's `fit(**kwargs)` and the constructor's `tstop`, `max_iter`).
#[derive(Debug, Clone, PartialEq)]
pub struct FitSettings {
    /// Simulation stop [ms] (also the end of the RMSE window).
    pub tstop: f64,
    /// Time step [ms].
    pub dt: f64,
    /// Trials per evaluation, averaged after processing.
    pub n_trials: usize,
    /// Applied to each trial when given.
    pub scale_factor: Option<f64>,
    /// Applied to each trial (after scaling) when given [ms].
    pub smooth_window_len: Option<f64>,
    /// Evaluations (COBYLA), acquisition steps (Bayesian) or generations (CMA).
    pub max_iter: usize,
    /// CMA population.
    pub popsize: usize,
    /// CMA initial step per parameter, as a fraction of its range.
    pub sigma0: Vec<f64>,
    /// Seed of the CMA sampler and the Bayesian candidate pool.
    pub seed: u32,
    /// CMA stop: range of recent best values below this.
    pub tolfun: f64,
    /// Bugs of 0.6.1 reproduced or not.
    pub compat: Compat,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
}

impl FitSettings {
    /// hnn-core's defaults for a run to `tstop`.
    pub fn new(tstop: f64, max_iter: usize) -> FitSettings {
        FitSettings {
            tstop,
            dt: 0.025,
            n_trials: 1,
            scale_factor: None,
            smooth_window_len: None,
            max_iter,
            popsize: 16,
            sigma0: vec![0.25],
            seed: 123,
            tolfun: 0.01,
            compat: Compat::Intended,
            threads: None,
        }
    }
}

/// One evaluation of the objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Parameters the solver proposed, in the constraints' order.
    pub params: Vec<f64>,
    /// Objective value.
    pub obj: f64,
    /// Wall time of the simulation and scoring [s] (a CMA generation's time is shared).
    pub seconds: f64,
}

/// What `fit` leaves (hnn-core's `opt_params_` and `obj_`).
#[derive(Debug, Clone, PartialEq)]
pub struct FitResult {
    /// The parameters of the returned network.
    pub opt_params: Vec<f64>,
    /// Running best, one entry per iteration (length `max_iter`).
    pub obj: Vec<f64>,
}

/// The caller's side of a fit: build a network from parameters, score its dipoles, watch.
pub trait Evaluator {
    /// The caller's error (a script error, say); simulation errors convert into it.
    type Error: From<Error>;
    /// A fresh network with these parameters (name → value, in the constraints' order).
    fn build(&mut self, params: &[(String, f64)]) -> std::result::Result<Network, Self::Error>;
    /// The objective of one evaluation from its processed trial dipoles.
    fn score(&mut self, dpls: &[Dipole]) -> std::result::Result<f64, Self::Error>;
    /// Trials an evaluation simulates.
    fn trials(&self, n_trials: usize) -> usize {
        n_trials
    }
    /// After every evaluation: how many so far, how many planned, the best objective.
    fn progress(&mut self, _done: usize, _total: usize, _best: f64) {}
}

/// Check bounds and the start point before anything runs.
pub fn check_params(params: &[Param], x0: &[f64], settings: &FitSettings) -> Result<()> {
    if params.is_empty() {
        return Err(Error::invalid(
            "constraints",
            "an empty map",
            "at least one parameter",
        ));
    }
    for p in params {
        if !(p.lo.is_finite() && p.hi.is_finite() && p.lo < p.hi) {
            return Err(Error::invalid(
                format!("constraints['{}']", p.name),
                format!("[{}, {}]", p.lo, p.hi),
                "[lo, hi] with finite lo < hi",
            ));
        }
    }
    for (p, x) in params.iter().zip(x0) {
        if !(x.is_finite() && *x >= p.lo && *x <= p.hi) {
            return Err(Error::invalid(
                format!("initial_params['{}']", p.name),
                x,
                format!("a value inside its bounds [{}, {}]", p.lo, p.hi),
            ));
        }
    }
    if settings.max_iter < 1 {
        return Err(Error::invalid("max_iter", settings.max_iter, "at least 1"));
    }
    if !(settings.tstop.is_finite() && settings.tstop > 0.0) {
        return Err(Error::invalid(
            "tstop",
            settings.tstop,
            "a finite number > 0 [ms]",
        ));
    }
    if settings.popsize < 2 {
        return Err(Error::invalid("popsize", settings.popsize, "at least 2"));
    }
    if settings.sigma0.len() != 1 && settings.sigma0.len() != params.len() {
        return Err(Error::invalid(
            "sigma0",
            format!("{} values", settings.sigma0.len()),
            format!("one number or one per parameter ({})", params.len()),
        ));
    }
    if settings.sigma0.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(Error::invalid(
            "sigma0",
            format!("{:?}", settings.sigma0),
            "numbers > 0",
        ));
    }
    if let Some(w) = settings.smooth_window_len
        && !(w.is_finite() && w >= settings.dt)
    {
        return Err(Error::invalid(
            "smooth_window_len",
            w,
            format!("at least one sample (dt = {} ms)", settings.dt),
        ));
    }
    Ok(())
}

/// Scale then smooth each trial as hnn-core's objectives do.
pub fn process(dpls: &mut [Dipole], settings: &FitSettings) -> Result<()> {
    for d in dpls {
        if let Some(s) = settings.scale_factor {
            d.scale(s)?;
        }
        if let Some(w) = settings.smooth_window_len {
            d.smooth(w)?;
        }
    }
    Ok(())
}

/// Runs evaluations for the solvers and records them.
struct Runner<'a, E: Evaluator> {
    params: &'a [Param],
    settings: &'a FitSettings,
    ev: &'a mut E,
    history: &'a mut Vec<Evaluation>,
    planned: usize,
}

impl<E: Evaluator> Runner<'_, E> {
    fn named(&self, x: &[f64]) -> Vec<(String, f64)> {
        self.params
            .iter()
            .zip(x)
            .map(|(p, v)| (p.name.clone(), *v))
            .collect()
    }

    /// Evaluate several parameter vectors: build serially, simulate in parallel, score.
    fn evaluate(&mut self, xs: &[Vec<f64>]) -> std::result::Result<Vec<f64>, E::Error> {
        // Ctrl-C stops a fit between evaluations (and simulations at their next epoch)
        crate::interrupt::check()?;
        let start = Instant::now();
        let mut nets = Vec::with_capacity(xs.len());
        for x in xs {
            nets.push(self.ev.build(&self.named(x))?);
        }
        let mut cfg = SimConfig::new(self.settings.tstop);
        cfg.run.dt = self.settings.dt;
        cfg.run.n_trials = self.ev.trials(self.settings.n_trials);
        let run = |net: &Network| simulate_dipole(net, &cfg).map(|o| o.dipoles);
        let pool = match self.settings.threads {
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| Error::invalid("threads", n, format!("a thread pool ({e})")))?,
            ),
            None => None,
        };
        // candidates shared over MPI ranks (threads within each); every rank gets all
        let outs: Vec<Result<Vec<Dipole>>> = crate::cluster::share(nets.len(), |mine| {
            let each = || mine.par_iter().map(|&k| run(&nets[k])).collect();
            match &pool {
                Some(p) => p.install(each),
                None => each(),
            }
        })?;
        let secs = start.elapsed().as_secs_f64() / xs.len() as f64;
        let mut objs = Vec::with_capacity(xs.len());
        for (x, out) in xs.iter().zip(outs) {
            let mut dpls = out?;
            process(&mut dpls, self.settings)?;
            let obj = self.ev.score(&dpls)?;
            self.history.push(Evaluation {
                params: x.clone(),
                obj,
                seconds: secs,
            });
            objs.push(obj);
            let best = self
                .history
                .iter()
                .map(|e| e.obj)
                .fold(f64::INFINITY, f64::min);
            self.ev.progress(self.history.len(), self.planned, best);
        }
        Ok(objs)
    }
}

/// hnn-core's `obj_`: the running best over the first i calls (CMA: generations), for
/// i = 1 … max_iter; the last value repeats when there were fewer.
pub fn running_best(values: &[f64], per_call: usize, max_iter: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(max_iter);
    for i in 1..=max_iter {
        let n = (i * per_call).min(values.len());
        out.push(values[..n].iter().cloned().fold(f64::INFINITY, f64::min));
    }
    out
}

/// Run a fit. Every evaluation is appended to `history` as it completes, so that it keeps
/// what was evaluated when a simulation or `set_params` fails midway.
pub fn fit<E: Evaluator>(
    params: &[Param],
    x0: &[f64],
    solver: Solver,
    settings: &FitSettings,
    ev: &mut E,
    history: &mut Vec<Evaluation>,
) -> std::result::Result<FitResult, E::Error> {
    check_params(params, x0, settings)?;
    let n = params.len();
    let planned = match solver {
        Solver::Cobyla => settings.max_iter.max(n + 2),
        Solver::Bayesian => settings.max_iter + 1,
        Solver::Cma => settings.max_iter * settings.popsize,
    };
    let mut run = Runner {
        params,
        settings,
        ev,
        history,
        planned,
    };
    let compat = settings.compat == Compat::HnnCore061;
    match solver {
        Solver::Cobyla => {
            // Two constraints per parameter, hi − x ≥ 0 and x − lo ≥ 0; 0.6.1 binds every
            // index to the last parameter's bounds.
            let bound = |i: usize| {
                let p = if compat { &params[n - 1] } else { &params[i] };
                (p.lo, p.hi)
            };
            let mut calcfc = |x: &[f64]| -> std::result::Result<(f64, Vec<f64>), E::Error> {
                let mut c = Vec::with_capacity(2 * n);
                for i in 0..n {
                    let (lo, hi) = bound(i);
                    c.push(0.0 - (hi - x[i]));
                    c.push(0.0 - (x[i] - lo));
                }
                // intended: a point outside the box is simulated at its projection
                let xe: Vec<f64> = if compat {
                    x.to_vec()
                } else {
                    x.iter()
                        .zip(params)
                        .map(|(v, p)| v.clamp(p.lo, p.hi))
                        .collect()
                };
                let f = run.evaluate(&[xe])?[0];
                Ok((f, c))
            };
            let cs = CobylaSettings {
                rhobeg: 0.1,
                rhoend: 1e-4,
                maxfun: settings.max_iter,
                ctol: 0.0,
            };
            cobyla(&mut calcfc, x0, &cs)?;
            let best = best_index(history);
            Ok(FitResult {
                opt_params: history[best].params.clone(),
                obj: running_best(&objs(history), 1, settings.max_iter),
            })
        }
        Solver::Bayesian => {
            let bs = BayesSettings {
                max_iter: settings.max_iter,
                n_candidates: 10_000,
                seed: settings.seed,
                hnn_core_acquisition: compat,
            };
            let lo: Vec<f64> = params.iter().map(|p| p.lo).collect();
            let hi: Vec<f64> = params.iter().map(|p| p.hi).collect();
            let mut f = |x: &[f64]| -> std::result::Result<f64, E::Error> {
                Ok(run.evaluate(&[x.to_vec()])?[0])
            };
            let best = bayes_opt(&mut f, x0, &lo, &hi, &bs)?;
            Ok(FitResult {
                opt_params: best,
                obj: running_best(&objs(history), 1, settings.max_iter),
            })
        }
        Solver::Cma => {
            let lo: Vec<f64> = params.iter().map(|p| p.lo).collect();
            let hi: Vec<f64> = params.iter().map(|p| p.hi).collect();
            let stds: Vec<f64> = (0..n)
                .map(|i| {
                    let s = if settings.sigma0.len() == 1 {
                        settings.sigma0[0]
                    } else {
                        settings.sigma0[i]
                    };
                    s * (hi[i] - lo[i])
                })
                .collect();
            let cs = CmaSettings {
                popsize: settings.popsize,
                max_gen: settings.max_iter,
                tolfun: settings.tolfun,
                seed: settings.seed,
            };
            let mut f = |xs: &[Vec<f64>]| run.evaluate(xs);
            let best = cma_es(&mut f, x0, &stds, &lo, &hi, &cs)?;
            Ok(FitResult {
                opt_params: best,
                obj: running_best(&objs(history), settings.popsize, settings.max_iter),
            })
        }
    }
}

fn objs(history: &[Evaluation]) -> Vec<f64> {
    history.iter().map(|e| e.obj).collect()
}

/// The first evaluation with the lowest objective.
fn best_index(history: &[Evaluation]) -> usize {
    let mut best = 0;
    for (i, e) in history.iter().enumerate() {
        if e.obj < history[best].obj {
            best = i;
        }
    }
    best
}
