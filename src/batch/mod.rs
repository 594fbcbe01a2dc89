//! Batch simulation: hnn-core's `BatchSimulate` (parameter grids, batches, `.npz` files)
//! and a matrix form for simulation-based inference ([`matrix`]).
//!
//! Networks are built by the caller, on the caller's thread (a script's `set_params` runs
//! there: the script engine is not `Send`); only the simulations of a batch run in
//! parallel, one simulation per task, with rayon. Rows come back in input order and every
//! row is bit-identical to a direct [`simulate_dipole`] of the same network, at any number
//! of threads. Nothing per simulation outlives its batch unless the caller keeps it.

pub mod features;
pub mod grid;
pub mod matrix;
pub mod npy;
pub mod npz;

use rayon::prelude::*;

use crate::cluster::wire::Wire;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::sim::network::{SimConfig, SimOutput, simulate_dipole};

/// The outcome of one row: its simulation, or why it has none (a failed `set_params` or a
/// failed simulation), as a message.
pub type RowResult = std::result::Result<SimOutput, String>;

/// Runs batches of networks in parallel on a pool of `n_jobs` threads (built once).
pub struct Runner {
    pool: Option<rayon::ThreadPool>,
}

impl Runner {
    /// A runner on `n_jobs` threads (`None`: rayon's global pool, one thread per core).
    pub fn new(n_jobs: Option<usize>) -> Result<Self> {
        let pool = match n_jobs {
            Some(0) => return Err(Error::invalid("n_jobs", 0, "at least 1")),
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| {
                        Error::invalid("n_jobs", n, format!("a thread pool could be built ({e})"))
                    })?,
            ),
            None => None,
        };
        Ok(Runner { pool })
    }

    /// Run `f` inside the runner's pool.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(p) => p.install(f),
            None => f(),
        }
    }

    /// Simulate every network (rows that failed to build stay failed), in input order.
    /// `cfg.threads` and `cfg.progress` are ignored: the pool decides the threads. Under
    /// MPI the rows are shared over the ranks and every rank receives all of them.
    pub fn simulate(
        &self,
        nets: &[std::result::Result<Network, String>],
        cfg: &SimConfig,
    ) -> Result<Vec<RowResult>> {
        self.simulate_with(nets, cfg, |_, o| Ok(o))
    }

    /// [`Runner::simulate`], each row's output reduced by `post` on the rank that ran it
    /// (features for simulation-based inference), so only the reduced rows travel.
    pub fn simulate_with<T: Wire + Send>(
        &self,
        nets: &[std::result::Result<Network, String>],
        cfg: &SimConfig,
        post: impl Fn(&Network, SimOutput) -> std::result::Result<T, String> + Sync,
    ) -> Result<Vec<std::result::Result<T, String>>> {
        let mut cfg = cfg.clone();
        cfg.threads = None;
        cfg.progress = None;
        crate::cluster::share(nets.len(), |rows| {
            self.install(|| {
                rows.par_iter()
                    .with_max_len(1)
                    .map(|&r| match &nets[r] {
                        Ok(net) => {
                            crate::cluster::fault_point("row");
                            simulate_dipole(net, &cfg)
                                .map_err(|e| e.to_string())
                                .and_then(|o| post(net, o))
                        }
                        Err(m) => Err(m.clone()),
                    })
                    .collect()
            })
        })
    }
}

/// Check the simulation settings of a batch once, before any network is built.
pub fn check_settings(cfg: &SimConfig) -> Result<()> {
    if !(cfg.run.tstop.is_finite() && cfg.run.tstop > 0.0) {
        return Err(Error::invalid(
            "tstop",
            cfg.run.tstop,
            "a finite number > 0 [ms]",
        ));
    }
    if !(cfg.run.dt.is_finite() && cfg.run.dt > 0.0) {
        return Err(Error::invalid("dt", cfg.run.dt, "a finite number > 0 [ms]"));
    }
    if cfg.run.tstop / cfg.run.dt > 1e8 {
        return Err(Error::invalid(
            "tstop / dt",
            cfg.run.tstop / cfg.run.dt,
            "at most 1e8 steps",
        ));
    }
    if cfg.run.n_trials < 1 || cfg.run.n_trials > 100_000 {
        return Err(Error::invalid(
            "n_trials",
            cfg.run.n_trials,
            "between 1 and 100000",
        ));
    }
    Ok(())
}
