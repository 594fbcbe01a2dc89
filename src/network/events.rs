//! Drive event times per trial, from numpy's legacy RandomState seeded as hnn-core seeds it.
//!
//! For trial `t` and the k-th cell of a drive: `prng = RandomState(event_seed + t·n_gids + k)`
//! and, for the bursty start jitter, `prng2 = RandomState(event_seed + t·n_gids)`; a fresh
//! pair for every (trial, drive cell). Times outside (0, tstop] are dropped and the rest
//! sorted (spike-train drives pass their times through unchanged).

use super::Network;
use super::drives::{Drive, DriveDynamics, RateConstant};
use crate::error::{Error, Result};
use crate::rng::RandomState;

/// Event times of every drive cell of every drive for one trial: `[drive][cell] -> times`.
pub fn instantiate_drives(net: &Network, tstop: f64, trial: usize) -> Result<Vec<Vec<Vec<f64>>>> {
    let n_gids = net.n_gids() as i64;
    net.external_drives
        .iter()
        .map(|drive| {
            let range = net.gid_range(&drive.name).unwrap_or(0..0);
            range
                .clone()
                .map(|gid| {
                    let k = gid - range.start;
                    let target = if drive.cell_specific {
                        target_type_of(net, drive, gid)
                    } else {
                        None
                    };
                    if drive.cell_specific && target.is_none() {
                        // pruned away entirely: no connection, no events
                        return Ok(Vec::new());
                    }
                    cell_event_times(
                        drive,
                        target.as_deref(),
                        trial as i64,
                        k,
                        drive.event_seed,
                        n_gids,
                        tstop,
                    )
                })
                .collect()
        })
        .collect()
}

/// The number of events the drives of `net` make in one trial (an upper estimate, known
/// before any is drawn): numspikes per evoked drive cell, rate × duration per Poisson drive
/// cell, bursts × numspikes per bursty drive cell, the given times of spike trains.
pub fn expected_events(net: &Network, tstop: f64) -> f64 {
    net.external_drives
        .iter()
        .map(|d| {
            let cells = net.gid_range(&d.name).map_or(0, |r| r.len()) as f64;
            let per_cell = match &d.dynamics {
                DriveDynamics::Evoked { numspikes, .. } => *numspikes as f64,
                DriveDynamics::Poisson {
                    tstart,
                    tstop: end,
                    rate_constant,
                } => {
                    let rate = match rate_constant {
                        RateConstant::Uniform(r) => *r,
                        RateConstant::PerType(v) => v.iter().map(|(_, r)| *r).fold(0.0, f64::max),
                    };
                    let dur = end.unwrap_or(tstop).min(tstop) - tstart;
                    rate * dur.max(0.0) / 1000.0
                }
                DriveDynamics::Bursty {
                    tstart,
                    tstart_std,
                    tstop: end,
                    burst_rate,
                    numspikes,
                    ..
                } => {
                    let dur = end.unwrap_or(tstop) - tstart + 6.0 * tstart_std;
                    (dur.max(0.0) * burst_rate / 1000.0 + 1.0) * *numspikes as f64
                }
                DriveDynamics::SpikeTrain { times, .. } => return times.len() as f64,
            };
            cells * per_cell
        })
        .sum()
}

fn target_type_of(net: &Network, drive: &Drive, gid: usize) -> Option<String> {
    net.connectivity
        .iter()
        .find(|c| c.src_type == drive.name && c.src_gids.binary_search(&gid).is_ok())
        .map(|c| c.target_type.clone())
}

fn seeded(seed: i64, what: &str) -> Result<RandomState> {
    u32::try_from(seed).map(RandomState::new).map_err(|_| {
        Error::invalid(
            what,
            seed,
            "a seed from 0 to 2^32 - 1 (event_seed + trial * n_gids + cell)",
        )
    })
}

/// One drive cell's event times (hnn-core's `_drive_cell_event_times`).
pub fn cell_event_times(
    drive: &Drive,
    target_type: Option<&str>,
    trial: i64,
    k: usize,
    event_seed: i64,
    n_gids: i64,
    tstop: f64,
) -> Result<Vec<f64>> {
    let base = event_seed + trial * n_gids;
    let mut times = match &drive.dynamics {
        DriveDynamics::Evoked {
            mu,
            sigma,
            numspikes,
        } => {
            let mut prng = seeded(base + k as i64, "event seed")?;
            (0..*numspikes)
                .map(|_| prng.normal(*mu, *sigma))
                .collect::<Vec<f64>>()
        }
        DriveDynamics::Poisson {
            tstart,
            tstop: end,
            rate_constant,
        } => {
            let rate = match (rate_constant, target_type) {
                (RateConstant::Uniform(r), _) => Some(*r),
                (RateConstant::PerType(v), Some(t)) => {
                    v.iter().find(|(k, _)| k == t).map(|(_, r)| *r)
                }
                (RateConstant::PerType(_), None) => None,
            };
            match rate {
                None => Vec::new(),
                Some(rate) => {
                    let mut prng = seeded(base + k as i64, "event seed")?;
                    let end = end.unwrap_or(tstop);
                    let mut out = Vec::new();
                    let mut t = *tstart;
                    while t < end {
                        t += prng.exponential(1.0 / rate) * 1000.0;
                        if t < end {
                            out.push(t);
                        }
                    }
                    out
                }
            }
        }
        DriveDynamics::Bursty {
            tstart,
            tstart_std,
            tstop: end,
            burst_rate,
            burst_std,
            numspikes,
            spike_isi,
        } => {
            let mut prng = seeded(base + k as i64, "event seed")?;
            let mut prng2 = seeded(base, "event seed")?;
            let mut t0 = *tstart;
            if *tstart_std > 0.0 {
                t0 = prng2.normal(*tstart, *tstart_std);
            }
            let period = 1000.0 / burst_rate;
            let centres = arange(t0, end.unwrap_or(tstop), period);
            let jittered: Vec<f64> = centres
                .iter()
                .map(|&c| prng.normal(c, *burst_std))
                .collect();
            if *numspikes > 1 {
                let half = (*numspikes as f64 - 1.0) / 2.0;
                (0..*numspikes)
                    .flat_map(|i| {
                        let cyc = i as f64 - half;
                        jittered.iter().map(move |&t| t + spike_isi * cyc)
                    })
                    .collect()
            } else {
                jittered
            }
        }
        DriveDynamics::SpikeTrain { times, gids } => {
            return Ok(times
                .iter()
                .zip(gids)
                .filter(|(_, g)| **g == k)
                .map(|(t, _)| *t)
                .collect());
        }
    };
    times.retain(|&t| t > 0.0 && t <= tstop);
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// numpy's `arange(start, stop, step)` for floats: `ceil((stop − start)/step)` values:
/// `start`, `start + step`, then `start + i·δ` with δ = (start + step) − start.
pub fn arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil();
    if !(len > 0.0) {
        return Vec::new();
    }
    let n = len as usize;
    let delta = (start + step) - start;
    (0..n)
        .map(|i| match i {
            0 => start,
            1 => start + step,
            _ => start + i as f64 * delta,
        })
        .collect()
}
