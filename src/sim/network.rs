//! Network simulation: hnn-core's `simulate_dipole`.
//!
//! Cells of one type are split into groups of at most [`GROUP_SIZE`] cells (the split does
//! not depend on the number of threads). Groups advance independently for an epoch of
//! `floor(min_delay / dt)` steps; spikes are exchanged between epochs, in (time, gid) order,
//! which is safe because no cell-to-cell event can be due inside the epoch it was created
//! in. With a delay shorter than dt the groups run in lock step and exchange spikes between
//! the threshold check and the event delivery of every step, so an event due in the step
//! that made it is delivered there, as in NEURON. Drive cells' events are known before the
//! run and queued at the start (any delay ≥ 0). Trials run in parallel. The output is
//! bit-identical for any number of threads.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::balance::Balancer;
use super::gather::{self, GroupOut};
use super::{RecordSections, n_steps};
use crate::cluster::wire;
use crate::error::{Error, Result};
use crate::lower::network::{LoweredNetwork, lower_network};
use crate::mech::rates::Tables;
use crate::network::Network;
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::network::events::instantiate_drives;
use crate::results::cell_response::Traces;
use crate::results::{CellResponse, Dipole, ExtracellularArray, SourceApproximation};
use crate::solver::group::CellGroup;

pub use crate::lower::network::GROUP_SIZE;

/// The settings of a run that decide its results (hnn-core's `simulate_dipole` arguments
/// `tstop`, `dt`, `n_trials`, `record_*`): plain serialisable data, stored with the results
/// (the HDF5 bundle's `/simulation` group) to repeat the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Stop time [ms].
    pub tstop: f64,
    /// Time step [ms].
    pub dt: f64,
    /// Number of trials.
    pub n_trials: usize,
    /// Record v at sec(0.5).
    pub record_vsec: RecordSections,
    /// Record synaptic currents.
    pub record_isec: RecordSections,
    /// Record cai.
    pub record_ca: RecordSections,
}

impl RunSettings {
    /// One trial to `tstop` with dt = 0.025 ms and nothing but the dipole and spikes recorded.
    pub fn new(tstop: f64) -> Self {
        RunSettings {
            tstop,
            dt: 0.025,
            n_trials: 1,
            record_vsec: RecordSections::None,
            record_isec: RecordSections::None,
            record_ca: RecordSections::None,
        }
    }

    /// The run settings of a simulation configuration.
    pub fn from_config(c: &SimConfig) -> Self {
        c.run
    }

    /// A simulation configuration that repeats the run (runtime options unset).
    pub fn to_config(&self) -> SimConfig {
        SimConfig::from_run(*self)
    }
}

/// What to simulate and record ([`RunSettings`]) and how to run it here (threads, progress,
/// size limits: options that never change the results).
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Stop time, step, trials and recordings.
    pub run: RunSettings,
    /// Worker threads (`None`: rayon's default, the number of cores).
    pub threads: Option<usize>,
    /// Called after every epoch of every trial with the number of steps just done and the
    /// total number of steps of all trials (for progress displays).
    pub progress: Option<Progress>,
    /// Refuse runs of more time steps per trial than this (`None`: [`crate::limits::defaults`]).
    pub max_steps: Option<u64>,
    /// Refuse runs whose drives make more events per trial than this (`None`:
    /// [`crate::limits::defaults`]).
    pub max_events: Option<u64>,
}

/// A progress callback: `(steps_done_now, total_steps)`.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl PartialEq for Progress {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl SimConfig {
    /// One trial to `tstop` with dt = 0.025 ms and nothing but the dipole and spikes recorded.
    pub fn new(tstop: f64) -> Self {
        SimConfig::from_run(RunSettings::new(tstop))
    }

    /// These run settings, with the default runtime options (all cores, no progress
    /// callback, the default size limits).
    pub fn from_run(run: RunSettings) -> Self {
        SimConfig {
            run,
            threads: None,
            progress: None,
            max_steps: None,
            max_events: None,
        }
    }
}

/// Dipoles (one per trial) and the cell response of a network simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutput {
    /// One dipole per trial.
    pub dipoles: Vec<Dipole>,
    /// Spikes and recorded traces.
    pub cell_response: CellResponse,
    /// Extracellular potentials of the network's electrode arrays, in their order.
    pub rec_arrays: Vec<ExtracellularArray>,
}

/// The running state of one group in one trial.
struct GroupRun {
    /// Index of the group in the lowered network.
    index: usize,
    first_gid: usize,
    group: CellGroup,
    spikes: Vec<(usize, f64)>,
    dipole: Vec<f64>,
    rec_v: Vec<(usize, usize)>,
    /// Recorded synapses: instance number (`c * n_syn + s`, which names the trace) and the
    /// entry in the group's synapse arrays (`CellGroup::syn_entry`).
    rec_i: Vec<(usize, usize)>,
    rec_ca: Vec<(usize, usize)>,
    traces_v: Vec<Vec<f64>>,
    traces_i: Vec<Vec<f64>>,
    traces_ca: Vec<Vec<f64>>,
    /// The contribution to every contact, one row of `n_contacts` per step: this epoch's
    /// (one process), or the whole trial's (ranks: summed in group order at the end).
    lfp: Vec<f64>,
}

impl GroupRun {
    fn record(&mut self, first: bool) {
        for (k, &(c, node)) in self.rec_v.iter().enumerate() {
            self.traces_v[k].push(self.group.v[self.group.node(c, node)]);
        }
        for (k, &(_, e)) in self.rec_i.iter().enumerate() {
            self.traces_i[k].push(if first { 0.0 } else { self.group.syn.i[e] });
        }
        for (k, &(c, node)) in self.rec_ca.iter().enumerate() {
            self.traces_ca[k].push(self.group.cai[self.group.node(c, node)]);
        }
        if !first {
            self.lfp.extend_from_slice(self.group.potentials());
        }
        if !self.group.dipole.is_empty() {
            self.dipole.push(if first {
                0.0
            } else {
                self.group.dipole.iter().sum()
            });
        }
    }
}

/// Refuse, before allocating anything, a run that needs more steps, drive events or memory
/// than allowed.
fn check_size(net: &Network, cfg: &SimConfig) -> Result<()> {
    let (def_steps, def_events) = crate::limits::defaults();
    let steps = cfg.run.tstop / cfg.run.dt;
    crate::limits::check_count(
        &format!(
            "time steps per trial (tstop {} ms / dt {} ms)",
            cfg.run.tstop, cfg.run.dt
        ),
        steps,
        cfg.max_steps.unwrap_or(def_steps),
        "#{ max_steps: n }",
    )?;
    let events = crate::network::events::expected_events(net, cfg.run.tstop);
    crate::limits::check_count(
        "expected drive events per trial",
        events,
        cfg.max_events.unwrap_or(def_events),
        "#{ max_events: n }",
    )?;
    let rec = |r: RecordSections, per_cell: f64| match r {
        RecordSections::None => 0.0,
        RecordSections::Soma => 1.0,
        RecordSections::All => per_cell,
    };
    let cells = net.n_cells() as f64;
    let n_contacts: usize = net.rec_arrays.iter().map(|a| a.positions.len()).sum();
    let per_step = 4.0
        + cells
            * (rec(cfg.run.record_vsec, 10.0)
                + rec(cfg.run.record_isec, 20.0)
                + rec(cfg.run.record_ca, 10.0))
        + n_contacts as f64;
    crate::limits::check_alloc(
        "recorded samples of all trials",
        (steps + 1.0) * per_step * cfg.run.n_trials as f64 + events * 3.0,
        8,
    )
}

/// The recording of an electrode array before any data: its description copied into the
/// results' plain data (results never see the network's electrode types).
pub fn empty_recording(spec: &ElectrodeArray) -> ExtracellularArray {
    let method = match spec.method {
        Method::Psa => SourceApproximation::Psa,
        Method::Lsa => SourceApproximation::Lsa,
    };
    ExtracellularArray::empty(
        &spec.name,
        spec.positions.clone(),
        spec.conductivity,
        method,
        spec.min_distance,
    )
}

/// Run a network (hnn-core's `simulate_dipole`).
pub fn simulate_dipole(net: &Network, cfg: &SimConfig) -> Result<SimOutput> {
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
    if cfg.run.n_trials < 1 {
        return Err(Error::invalid("n_trials", cfg.run.n_trials, "at least 1"));
    }
    if let Some(0) = cfg.threads {
        return Err(Error::invalid("threads", 0, "at least 1"));
    }
    check_size(net, cfg)?;
    // under MPI the groups are shared over the ranks and the trials run one after another
    // (each one collective); with one process the trials run in parallel
    let ranks = crate::cluster::collective();
    let run = || -> Result<SimOutput> {
        let plan = lower_network(net, cfg.run.tstop, cfg.run.dt)?;
        let tables = Tables::new(net.celsius);
        let trials: Vec<Result<TrialOut>> = if ranks {
            let owner = plan.partition(crate::cluster::size());
            let mut v = Vec::with_capacity(cfg.run.n_trials);
            for trial in 0..cfg.run.n_trials {
                let t = run_trial(net, cfg, &plan, &tables, trial, Some(&owner));
                let failed = t.is_err();
                v.push(t);
                if failed {
                    break;
                }
            }
            v
        } else {
            (0..cfg.run.n_trials)
                .into_par_iter()
                .map(|trial| run_trial(net, cfg, &plan, &tables, trial, None))
                .collect()
        };
        let mut out = SimOutput {
            dipoles: Vec::new(),
            cell_response: CellResponse::default(),
            rec_arrays: net.rec_arrays.iter().map(empty_recording).collect(),
        };
        out.cell_response.cell_type_names = net.cell_type_names();
        for t in trials {
            let t = t?;
            if out.cell_response.times.is_empty() {
                out.cell_response.times = t.times.clone();
            }
            let nc = plan.n_contacts;
            let mut first = 0;
            for arr in &mut out.rec_arrays {
                let n = arr.positions.len();
                arr.times = t.times.clone();
                arr.voltages.push(
                    (first..first + n)
                        .map(|c| t.lfp.iter().skip(c).step_by(nc).copied().collect())
                        .collect(),
                );
                first += n;
            }
            out.dipoles.push(t.dipole);
            out.cell_response.spike_types.push(
                t.spikes
                    .iter()
                    .map(|(_, g)| net.gid_to_type(*g).unwrap_or_default().to_string())
                    .collect(),
            );
            out.cell_response
                .spike_times
                .push(t.spikes.iter().map(|(t, _)| *t).collect());
            out.cell_response
                .spike_gids
                .push(t.spikes.iter().map(|(_, g)| *g).collect());
            out.cell_response.vsec.push(t.vsec);
            out.cell_response.isec.push(t.isec);
            out.cell_response.ca.push(t.ca);
        }
        Ok(out)
    };
    match cfg.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| {
                Error::invalid("threads", n, format!("a thread pool could be built ({e})"))
            })?
            .install(run),
        None => run(),
    }
}

/// Collect the groups' new spikes in (time, gid) order and queue their events at the
/// targets; returns the spikes. With ranks, every rank's spikes are gathered first, together
/// with how its epoch ended (`status`: an error, or a stop request), so that every rank
/// stops with the same error when one fails; events are queued at this rank's groups only.
fn exchange(
    plan: &LoweredNetwork,
    runs: &mut [GroupRun],
    local_of: &[usize],
    ranks: bool,
    status: Option<Error>,
) -> Result<Vec<(f64, usize)>> {
    let mut new: Vec<(f64, usize)> = Vec::new();
    for r in runs.iter_mut() {
        let first = r.first_gid;
        new.extend(r.spikes.drain(..).map(|(c, t)| (t, first + c)));
    }
    if ranks {
        let parts = crate::cluster::allgather(&wire::encode(&(status, new)))?;
        new = Vec::new();
        let mut stop = None;
        for (k, p) in parts.iter().enumerate() {
            let (st, sp): (Option<Error>, Vec<(f64, usize)>) =
                wire::decode(p).map_err(|e| Error::OnRank {
                    rank: k,
                    message: e.to_string(),
                })?;
            match (&stop, st) {
                // the first error of the lowest rank wins over a stop request
                (None | Some(Error::Interrupted), Some(e)) if !matches!(e, Error::Interrupted) => {
                    stop = Some(e)
                }
                (None, Some(e)) => stop = Some(e),
                _ => {}
            }
            new.extend(sp);
        }
        if let Some(e) = stop {
            return Err(e);
        }
    } else if let Some(e) = status {
        return Err(e);
    }
    new.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for &(t, gid) in &new {
        for e in &plan.cell_edges[gid] {
            let k = local_of[e.group as usize];
            if k != usize::MAX {
                runs[k].group.events.push(t + e.delay, e.syn, e.weight);
            }
        }
    }
    Ok(new)
}

/// Steps between stop checks when the network has no cell-to-cell connections.
const INTERRUPT_CHUNK: usize = 2000;

/// The solver's cell index within its group becomes the network gid.
fn network_gid(e: Error, first_gid: usize) -> Error {
    match e {
        Error::NonFinite {
            cell,
            gid,
            section,
            t,
        } => Error::NonFinite {
            cell,
            gid: first_gid + gid,
            section,
            t,
        },
        e => e,
    }
}

struct TrialOut {
    /// Potentials of all contacts, `[sample * n_contacts + contact]` [µV].
    lfp: Vec<f64>,
    times: Vec<f64>,
    dipole: Dipole,
    spikes: Vec<(f64, usize)>,
    vsec: Traces,
    isec: Traces,
    ca: Traces,
}

fn run_trial(
    net: &Network,
    cfg: &SimConfig,
    plan: &LoweredNetwork,
    tables: &Tables,
    trial: usize,
    owner: Option<&[usize]>,
) -> Result<TrialOut> {
    let nsteps = n_steps(cfg.run.tstop, cfg.run.dt);
    let cap = nsteps + 1;
    let ranks = owner.is_some();
    // the groups this process steps: all of them, or this rank's share
    let me = crate::cluster::rank();
    let owned: Vec<usize> = (0..plan.groups.len())
        .filter(|&g| owner.is_none_or(|o| o[g] == me))
        .collect();
    let mut local_of = vec![usize::MAX; plan.groups.len()];
    for (k, &g) in owned.iter().enumerate() {
        local_of[g] = k;
    }
    let mut runs: Vec<GroupRun> = Vec::with_capacity(owned.len());
    let setup = set_up_groups(net, cfg, plan, tables, &owned, ranks, &mut runs);
    // a group that cannot be set up on one rank stops every rank
    exchange(plan, &mut runs, &local_of, ranks, setup.err())?;
    // drive events, all known in advance
    let mut drive_spikes: Vec<(f64, usize)> = Vec::new();
    let events = instantiate_drives(net, cfg.run.tstop, trial)?;
    for (drive, per_cell) in net.external_drives.iter().zip(&events) {
        let start = net.gid_range(&drive.name).map_or(0, |r| r.start);
        for (k, times) in per_cell.iter().enumerate() {
            let gid = start + k;
            if !plan.drive_exists[gid - plan.n_cells] {
                continue;
            }
            for &t in times {
                drive_spikes.push((t, gid));
                for e in &plan.drive_edges[gid - plan.n_cells] {
                    let k = local_of[e.group as usize];
                    if k != usize::MAX {
                        runs[k].group.events.push(t + e.delay, e.syn, e.weight);
                    }
                }
            }
        }
    }
    for r in &mut runs {
        r.record(true);
    }
    let mut times = Vec::with_capacity(cap);
    times.push(0.0);
    let mut spikes: Vec<(f64, usize)> = Vec::new();
    let mut lfp = vec![0.0; cap * plan.n_contacts];
    let mut done = 0;
    let lock_step = plan.epoch == 0;
    let mut balancer = Balancer::new(runs.iter().map(|r| r.group.n_mem()));
    // with ranks, how this rank's last step ended travels with the next exchange
    let mut pending: Option<Error> = None;
    while done < nsteps {
        // without cell-to-cell connections there is one epoch; check for a stop every
        // INTERRUPT_CHUNK steps anyway (no spikes to exchange, so results do not change)
        let m = if lock_step {
            1
        } else {
            plan.epoch
                .min(INTERRUPT_CHUNK.max(plan.epoch_if_connected()))
                .min(nsteps - done)
        };
        let stepped = if lock_step {
            // detection everywhere, the new events queued, then the rest of the step
            runs.par_iter_mut()
                .for_each(|r| r.group.detect_spikes(&mut r.spikes));
            let new = exchange(plan, &mut runs, &local_of, ranks, pending.take())?;
            spikes.extend(new);
            runs.par_iter_mut().try_for_each(|r| -> Result<()> {
                r.group
                    .advance(tables)
                    .map_err(|e| network_gid(e, r.first_gid))?;
                r.record(false);
                Ok(())
            })
        } else {
            // the groups dealt to the threads by their last epoch's cost (super::balance)
            let threads = rayon::current_num_threads();
            let assign = balancer.assign(threads);
            let mut share: Vec<Vec<(usize, &mut GroupRun)>> =
                (0..threads).map(|_| Vec::new()).collect();
            for ((k, r), &t) in runs.iter_mut().enumerate().zip(&assign) {
                share[t].push((k, r));
            }
            share
                .into_par_iter()
                .map(|part| -> Result<Vec<(usize, Duration)>> {
                    let mut took = Vec::with_capacity(part.len());
                    for (k, r) in part {
                        let start = Instant::now();
                        for _ in 0..m {
                            r.group
                                .step(tables, &mut r.spikes)
                                .map_err(|e| network_gid(e, r.first_gid))?;
                            r.record(false);
                        }
                        took.push((k, start.elapsed()));
                    }
                    Ok(took)
                })
                .collect::<Result<Vec<_>>>()
                .map(|took| balancer.measured(took.into_iter().flatten()))
        };
        if let Err(e) = stepped {
            if !ranks {
                return Err(e);
            }
            pending = Some(e);
        }
        // extracellular potentials: groups added in a fixed order (with ranks: at the end)
        if plan.n_contacts > 0 && !ranks {
            let nc = plan.n_contacts;
            for r in &mut runs {
                let rows = &mut lfp[(done + 1) * nc..(done + 1 + m) * nc];
                for (a, x) in rows.iter_mut().zip(&r.lfp) {
                    *a += x;
                }
                r.lfp.clear();
            }
        }
        done += m;
        if let Some(p) = &cfg.progress {
            (p.0)(m, nsteps * cfg.run.n_trials);
        }
        if (!lock_step || done % INTERRUPT_CHUNK == 0)
            && let Err(e) = crate::interrupt::check()
        {
            if !ranks {
                return Err(e);
            }
            pending = pending.or(Some(e));
        }
        if !lock_step {
            let new = exchange(plan, &mut runs, &local_of, ranks, pending.take())?;
            spikes.extend(new);
        }
    }
    if lock_step {
        // the last step's outcome
        exchange(plan, &mut runs, &local_of, ranks, pending.take())?;
    }
    // the accumulated time axis, as NEURON records it
    let t_final = runs.first().map_or(0.0, |r| r.group.t);
    {
        let mut t = 0.0;
        for _ in 0..nsteps {
            t += 0.5 * cfg.run.dt;
            t += 0.5 * cfg.run.dt;
            times.push(t);
        }
    }
    // drive cells spike when their events are delivered, i.e. up to the last time point
    spikes.extend(
        drive_spikes
            .into_iter()
            .filter(|(t, _)| *t <= t_final.max(times[nsteps])),
    );
    spikes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    // what every group recorded, in group order (with ranks: gathered from all of them)
    let mine: Vec<GroupOut> = runs.into_iter().map(GroupOut::from).collect();
    let outs = if ranks {
        gather::all_groups(mine, plan.groups.len())?
    } else {
        mine
    };
    if ranks && plan.n_contacts > 0 {
        let nc = plan.n_contacts;
        for o in &outs {
            for (a, x) in lfp[nc..].iter_mut().zip(&o.lfp) {
                *a += x;
            }
        }
    }

    // per-layer dipole sums, groups in gid order
    let n_layers = plan.dipole_layer.iter().flatten().count();
    let mut layers = vec![vec![0.0; cap]; n_layers];
    for (spec, r) in plan.groups.iter().zip(&outs) {
        if let Some(l) = plan.dipole_layer[spec.type_idx] {
            for (acc, x) in layers[l].iter_mut().zip(&r.dipole) {
                *acc += x;
            }
        }
    }
    let dipole = if n_layers == 2 {
        let l5 = layers.pop().unwrap_or_default();
        let l2 = layers.pop().unwrap_or_default();
        Dipole::from_layer_sums(times.clone(), l2, l5, net.mesh_shape.0 * net.mesh_shape.1)
    } else {
        let mut agg = vec![0.0; cap];
        for l in &layers {
            for (a, x) in agg.iter_mut().zip(l) {
                *a += x * 1e-6;
            }
        }
        Dipole {
            times: times.clone(),
            data: vec![("agg".into(), agg)],
            nave: 1,
            scale_applied: 1.0,
        }
    };

    let mut vsec = Traces::new();
    let mut isec = Traces::new();
    let mut ca = Traces::new();
    for (spec, r) in plan.groups.iter().zip(outs) {
        let lc = &plan.cells[spec.type_idx];
        let sec_of = |node: usize| lc.sections[lc.node_section[node]].name.clone();
        for (c, node, tr) in r.v {
            vsec.entry(spec.first_gid + c)
                .or_default()
                .push((sec_of(node), tr));
        }
        for (c, node, tr) in r.ca {
            ca.entry(spec.first_gid + c)
                .or_default()
                .push((sec_of(node), tr));
        }
        let nsyn = lc.synapses.len();
        for (s, tr) in r.i {
            let syn = &lc.synapses[s % nsyn];
            let name = format!("{}_{}", lc.sections[syn.section].name, syn.receptor);
            isec.entry(spec.first_gid + s / nsyn)
                .or_default()
                .push((name, tr));
        }
    }
    Ok(TrialOut {
        lfp,
        times,
        dipole,
        spikes,
        vsec,
        isec,
        ca,
    })
}

impl From<GroupRun> for GroupOut {
    fn from(r: GroupRun) -> GroupOut {
        GroupOut {
            index: r.index,
            dipole: r.dipole,
            lfp: r.lfp,
            v: r.rec_v
                .into_iter()
                .zip(r.traces_v)
                .map(|((c, n), t)| (c, n, t))
                .collect(),
            i: r.rec_i
                .into_iter()
                .map(|(s, _)| s)
                .zip(r.traces_i)
                .collect(),
            ca: r
                .rec_ca
                .into_iter()
                .zip(r.traces_ca)
                .map(|((c, n), t)| (c, n, t))
                .collect(),
        }
    }
}

/// Build the groups in `owned` (with their recordings, electrode sums and clamps) into
/// `runs`, in that order.
fn set_up_groups(
    net: &Network,
    cfg: &SimConfig,
    plan: &LoweredNetwork,
    tables: &Tables,
    owned: &[usize],
    ranks: bool,
    runs: &mut Vec<GroupRun>,
) -> Result<()> {
    let nsteps = n_steps(cfg.run.tstop, cfg.run.dt);
    let cap = nsteps + 1;
    for &gi in owned {
        let spec = &plan.groups[gi];
        let lc = &plan.cells[spec.type_idx];
        let mut group = super::build_group(plan, gi, cfg.run.dt, tables, net.threshold)?;
        let vs = cfg.run.record_vsec.sections(lc);
        let cas = cfg.run.record_ca.calcium_sections(lc);
        let is = cfg.run.record_isec.sections(lc);
        let nsyn = lc.synapses.len();
        let rec_v: Vec<(usize, usize)> = (0..spec.n_cells)
            .flat_map(|c| vs.iter().map(move |&s| (c, s)))
            .map(|(c, s)| (c, lc.sections[s].centre()))
            .collect();
        let rec_ca: Vec<(usize, usize)> = (0..spec.n_cells)
            .flat_map(|c| cas.iter().map(move |&s| (c, s)))
            .map(|(c, s)| (c, lc.sections[s].centre()))
            .collect();
        let rec_i: Vec<(usize, usize)> = (0..spec.n_cells)
            .flat_map(|c| {
                (0..nsyn)
                    .filter(|&s| is.contains(&lc.synapses[s].section))
                    .map(move |s| c * nsyn + s)
            })
            .map(|i| (i, group.syn_entry(i)))
            .collect();
        // nothing read from the cells but spikes and dipoles: until its first event the
        // group steps one cell for all (the same bits, a fraction of the work; groups with
        // electrodes or clamps refuse, CellGroup::share_while_identical)
        if rec_v.is_empty() && rec_ca.is_empty() && rec_i.is_empty() {
            group.share_while_identical(tables)?;
        }
        // one process sums the electrodes every epoch; ranks keep the whole trial
        let lfp_rows = if ranks {
            nsteps
        } else {
            plan.epoch.clamp(1, nsteps.max(1))
        };
        runs.push(GroupRun {
            index: gi,
            first_gid: spec.first_gid,
            traces_v: vec![Vec::with_capacity(cap); rec_v.len()],
            traces_i: vec![Vec::with_capacity(cap); rec_i.len()],
            traces_ca: vec![Vec::with_capacity(cap); rec_ca.len()],
            group,
            spikes: Vec::new(),
            dipole: if lc.dipole.is_empty() {
                Vec::new()
            } else {
                Vec::with_capacity(cap)
            },
            rec_v,
            rec_i,
            rec_ca,
            lfp: Vec::with_capacity(lfp_rows * plan.n_contacts),
        });
    }
    Ok(())
}
