//! The matrix form of batch simulation, for simulation-based inference: θ (N × P, given or
//! sampled from a seeded box-uniform prior), a seed per row, features computed natively,
//! streamed to disk chunk by chunk:
//!
//! ```text
//! OUT/theta.npy    float64 [N, P]  parameter values (after the prior's transforms)
//! OUT/seeds.npy    int64   [N]     event_seed of every drive of the row (-1: unchanged)
//! OUT/x.npy        float64 [N, F]  features (NaN rows for failed simulations)
//! OUT/status.npy   int8    [N]     0 not run yet, 1 done, -1 failed
//! OUT/failures.jsonl               one {"row", "message"} per failed row
//! OUT/batch.json                   names, prior, seed policy, features, settings, version
//! ```
//!
//! `theta`, `seeds` and `batch.json` are written first; each chunk's `x` rows and then its
//! `status` rows are written when the chunk is done, so a run that stops loses at most the
//! chunk under way, and running it again (same settings) skips every finished chunk. Rows
//! are built on the caller's thread, simulated in parallel; row order and values do not
//! depend on the number of threads. Only one chunk of networks lives at a time.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Runner;
use super::features::FeatureSpec;
use super::npy::{Dtype, NpyFile};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::rng::random_state::RandomState;
use crate::sim::network::SimConfig;

/// How a unit-cube sample maps to a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    /// `lo + u (hi - lo)`
    Linear,
    /// `10^(lo + u (hi - lo))`
    Log10,
}

/// A box-uniform prior over P parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prior {
    /// Lower bounds (of the exponent for `Log10`).
    pub low: Vec<f64>,
    /// Upper bounds.
    pub high: Vec<f64>,
    /// One transform per parameter.
    pub transform: Vec<Transform>,
    /// Seed of the sampler (numpy's legacy `RandomState(seed).random_sample`, row-major).
    pub seed: u32,
}

impl Prior {
    /// Draw `n` rows (row-major, so the first rows do not depend on `n`).
    pub fn sample(&self, n: usize) -> Result<Vec<f64>> {
        let p = self.low.len();
        if p == 0 || self.high.len() != p || self.transform.len() != p {
            return Err(Error::invalid(
                "prior",
                format!(
                    "{} low, {} high, {} transforms",
                    p,
                    self.high.len(),
                    self.transform.len()
                ),
                "as many bounds and transforms as parameters (at least one)",
            ));
        }
        for k in 0..p {
            if !(self.low[k].is_finite() && self.high[k].is_finite() && self.high[k] >= self.low[k])
            {
                return Err(Error::invalid(
                    format!("prior bounds of parameter {k}"),
                    format!("[{}, {}]", self.low[k], self.high[k]),
                    "finite with low <= high",
                ));
            }
        }
        let mut rng = RandomState::new(self.seed);
        let mut out = Vec::with_capacity(n * p);
        for _ in 0..n {
            for k in 0..p {
                let u = rng.random_sample();
                let v = self.low[k] + u * (self.high[k] - self.low[k]);
                out.push(match self.transform[k] {
                    Transform::Linear => v,
                    Transform::Log10 => 10f64.powf(v),
                });
            }
        }
        Ok(out)
    }
}

/// The seed of each row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedPolicy {
    /// Leave the network's seeds alone (common random numbers).
    Fixed,
    /// Every drive's `event_seed` = base + row.
    BasePlusRow(i64),
    /// Every drive's `event_seed` = the value of θ's column k.
    Column(usize),
}

/// One matrix run.
#[derive(Debug, Clone)]
pub struct MatrixRun {
    /// Parameter names (θ's columns).
    pub names: Vec<String>,
    /// θ row-major, N × P.
    pub theta: Vec<f64>,
    /// Where θ came from (stored in the sidecar): the prior, or `None` for a given θ.
    pub prior: Option<Prior>,
    /// Seeds.
    pub seeds: SeedPolicy,
    /// Features.
    pub features: FeatureSpec,
    /// Output folder.
    pub out: PathBuf,
    /// Rows per chunk.
    pub chunk: usize,
    /// Simulation settings.
    pub sim: SimConfig,
    /// Threads (`None`: one per core).
    pub n_jobs: Option<usize>,
    /// Replace a folder that holds a different run.
    pub overwrite: bool,
    /// Anything else to keep in the sidecar (e.g. the model's name).
    pub extra: Value,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatrixSummary {
    /// Rows.
    pub n: usize,
    /// Rows simulated now.
    pub n_run: usize,
    /// Rows found done and skipped.
    pub n_skipped: usize,
    /// Rows that failed now.
    pub failures: Vec<(usize, String)>,
    /// Feature names (x's columns).
    pub feature_names: Vec<String>,
}

fn settings_json(run: &MatrixRun, n: usize, feature_names: &[String]) -> Value {
    json!({
        "n": n,
        "param_names": run.names,
        "prior": run.prior,
        "seeds": run.seeds,
        "features": run.features,
        "feature_names": feature_names,
        "tstop": run.sim.run.tstop,
        "dt": run.sim.run.dt,
        "n_trials": run.sim.run.n_trials,
        "chunk": run.chunk,
        "extra": run.extra,
    })
}

fn seed_of(run: &MatrixRun, row: usize, theta: &[f64]) -> Result<i64> {
    Ok(match run.seeds {
        SeedPolicy::Fixed => -1,
        SeedPolicy::BasePlusRow(b) => b + row as i64,
        SeedPolicy::Column(k) => {
            let v = theta[k];
            if !(v.is_finite() && (0.0..4294967296.0).contains(&v) && v.fract() == 0.0) {
                return Err(Error::invalid(
                    format!("seed column '{}' at row {row}", run.names[k]),
                    v,
                    "an integer from 0 to 2^32 - 1",
                ));
            }
            v as i64
        }
    })
}

/// Run (or resume) a matrix run. `build(row, params)` makes row `row`'s network from its
/// parameter values (on this thread); an `Err` marks the row failed with that message.
pub fn run_matrix(
    run: &MatrixRun,
    mut build: impl FnMut(usize, &[f64]) -> std::result::Result<Network, String>,
    probe: &Network,
) -> Result<MatrixSummary> {
    super::check_settings(&run.sim)?;
    let p = run.names.len();
    if p == 0 {
        return Err(Error::invalid(
            "param_names",
            "[]",
            "at least one parameter name",
        ));
    }
    if !run.theta.len().is_multiple_of(p) {
        return Err(Error::invalid(
            "theta",
            format!("{} values", run.theta.len()),
            format!("whole rows of {p} values (one per parameter name)"),
        ));
    }
    let n = run.theta.len() / p;
    if run.chunk == 0 {
        return Err(Error::invalid("chunk", 0, "at least 1"));
    }
    if let SeedPolicy::Column(k) = run.seeds
        && k >= p
    {
        return Err(Error::invalid("seeds.column", k, format!("below {p}")));
    }
    let n_samples = crate::sim::n_steps(run.sim.run.tstop, run.sim.run.dt) + 1;
    run.features.check(run.sim.run.dt, n_samples)?;
    let feature_names = run
        .features
        .names(run.sim.run.dt, n_samples, &probe.cell_type_names());
    let f = feature_names.len();
    let seeds: Vec<i64> = (0..n)
        .map(|r| seed_of(run, r, &run.theta[r * p..(r + 1) * p]))
        .collect::<Result<_>>()?;
    let settings = settings_json(run, n, &feature_names);
    let paths = |name: &str| run.out.join(name);
    // rank 0 looks at the folder, starts or resumes the run there, and tells every rank
    // which rows are done (under MPI; with one process this is a plain call)
    let status: Vec<f64> =
        crate::cluster::root_decides(|| prepare_folder(run, n, p, f, &seeds, &settings))?;
    let runner = Runner::new(run.n_jobs)?;
    let mut summary = MatrixSummary {
        n,
        feature_names,
        ..Default::default()
    };
    for (start, end) in super::grid::batches(n, run.chunk)? {
        if status[start..end].iter().all(|&s| s != 0.0) {
            summary.n_skipped += end - start;
            continue;
        }
        // build serially, on this thread
        let nets: Vec<std::result::Result<Network, String>> = (start..end)
            .map(|r| {
                let mut net = build(r, &run.theta[r * p..(r + 1) * p])?;
                if seeds[r] >= 0 {
                    for d in &mut net.external_drives {
                        d.event_seed = seeds[r];
                    }
                }
                Ok(net)
            })
            .collect();
        // simulations and features shared over ranks (threads within each)
        let feats: Vec<std::result::Result<Vec<f64>, String>> =
            runner.simulate_with(&nets, &run.sim, |net, o| {
                run.features
                    .compute(net, &o, run.sim.run.tstop)
                    .map_err(|e| e.to_string())
            })?;
        drop(nets);
        let mut x = Vec::with_capacity((end - start) * f);
        let mut st = Vec::with_capacity(end - start);
        let mut failed = Vec::new();
        for (k, r) in feats.into_iter().enumerate() {
            match r {
                Ok(v) if v.len() == f => {
                    x.extend(v);
                    st.push(1.0);
                }
                other => {
                    let msg = match other {
                        Err(m) => m,
                        Ok(v) => format!("{} features, expected {f}", v.len()),
                    };
                    x.extend(std::iter::repeat_n(f64::NAN, f));
                    st.push(-1.0);
                    failed.push((start + k, msg));
                }
            }
        }
        // x, then status, then the failures of the chunk: a chunk marked done is complete
        crate::cluster::root_writes(
            || -> Result<()> {
                let mut xf = NpyFile::open(&paths("x.npy"), Dtype::F64, &[n, f])?;
                xf.write_f64(start, &x)?;
                xf.sync()?;
                let mut sf = NpyFile::open(&paths("status.npy"), Dtype::I8, &[n])?;
                sf.write_f64(start, &st)?;
                sf.sync()?;
                if !failed.is_empty() {
                    let fp = paths("failures.jsonl");
                    let mut fails = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&fp)
                        .map_err(|e| Error::file(&fp, e))?;
                    for (row, msg) in &failed {
                        writeln!(fails, "{}", json!({"row": row, "message": msg}))
                            .map_err(|e| Error::file(&fp, e))?;
                    }
                }
                Ok(())
            },
            |message| Error::OnRank { rank: 0, message },
        )?;
        summary.failures.extend(failed);
        summary.n_run += end - start;
    }
    Ok(summary)
}

/// Start the run in its folder, or find it there to resume: the files written first
/// (θ, seeds, the sidecar, empty x and status) and the status of every row.
fn prepare_folder(
    run: &MatrixRun,
    n: usize,
    p: usize,
    f: usize,
    seeds: &[i64],
    settings: &Value,
) -> Result<Vec<f64>> {
    std::fs::create_dir_all(&run.out).map_err(|e| Error::file(&run.out, e))?;
    let side = run.out.join("batch.json");
    let paths = |name: &str| run.out.join(name);
    let resume = match std::fs::read_to_string(&side) {
        Ok(text) => {
            let old: Value = serde_json::from_str(&text)
                .map_err(|e| Error::file(&side, format!("not JSON ({e})")))?;
            let same = old.get("settings") == Some(settings)
                && same_theta(&paths("theta.npy"), n, p, &run.theta);
            if same {
                true
            } else if run.overwrite {
                false
            } else {
                return Err(Error::file(
                    &run.out,
                    "holds a different run (other settings or θ); choose another folder or pass overwrite: true",
                ));
            }
        }
        Err(_) => false,
    };
    let mut sf = if resume {
        NpyFile::open(&paths("x.npy"), Dtype::F64, &[n, f])?;
        NpyFile::open(&paths("status.npy"), Dtype::I8, &[n])?
    } else {
        let mut tf = NpyFile::create(&paths("theta.npy"), Dtype::F64, &[n, p])?;
        tf.write_f64(0, &run.theta)?;
        tf.sync()?;
        let mut kf = NpyFile::create(&paths("seeds.npy"), Dtype::I64, &[n])?;
        kf.write_f64(0, &seeds.iter().map(|&s| s as f64).collect::<Vec<_>>())?;
        kf.sync()?;
        std::fs::write(paths("failures.jsonl"), "")
            .map_err(|e| Error::file(&paths("failures.jsonl"), e))?;
        NpyFile::create(&paths("x.npy"), Dtype::F64, &[n, f])?;
        let sf = NpyFile::create(&paths("status.npy"), Dtype::I8, &[n])?;
        let doc = json!({
            "format": "hnn-rs simulate_batch",
            "format_version": 1,
            "hnn_version": env!("CARGO_PKG_VERSION"),
            "git_hash": option_env!("HNN_GIT_HASH").unwrap_or("unknown"),
            "settings": settings.clone(),
            "files": {
                "theta.npy": "float64 [n, P]", "seeds.npy": "int64 [n] (-1: seeds unchanged)",
                "x.npy": "float64 [n, F] (NaN rows: failed)",
                "status.npy": "int8 [n]: 0 not run, 1 done, -1 failed",
                "failures.jsonl": "{row, message} per failed row",
            },
        });
        std::fs::write(
            &side,
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
        .map_err(|e| Error::file(&side, e))?;
        sf
    };
    sf.read_f64(0, n)
}

fn same_theta(path: &Path, n: usize, p: usize, theta: &[f64]) -> bool {
    match NpyFile::open(path, Dtype::F64, &[n, p]).and_then(|mut t| t.read_f64(0, n * p)) {
        Ok(v) => v.iter().zip(theta).all(|(a, b)| a.to_bits() == b.to_bits()),
        Err(_) => false,
    }
}
