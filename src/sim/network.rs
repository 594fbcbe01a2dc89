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

use std::sync::Arc;

use rayon::prelude::*;

use super::{RecordSections, extracellular, n_steps};
use crate::error::{Error, Result};
use crate::lower::{LoweredCell, lower};
use crate::mech::rates::Tables;
use crate::network::Network;
use crate::network::connectivity::gaussian_weight_delay;
use crate::network::events::instantiate_drives;
use crate::results::cell_response::Traces;
use crate::results::{CellResponse, Dipole, ExtracellularArray};
use crate::solver::group::CellGroup;

/// Most cells stepped together in one group.
pub const GROUP_SIZE: usize = 16;

/// What to simulate and record (hnn-core's `simulate_dipole` arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
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
        SimConfig {
            tstop,
            dt: 0.025,
            n_trials: 1,
            record_vsec: RecordSections::None,
            record_isec: RecordSections::None,
            record_ca: RecordSections::None,
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

/// A synaptic connection as the solver uses it.
#[derive(Debug, Clone, Copy)]
struct Edge {
    group: u32,
    syn: u32,
    weight: f64,
    delay: f64,
}

/// One group of cells of one type.
#[derive(Debug, Clone)]
struct GroupSpec {
    type_idx: usize,
    first_gid: usize,
    n_cells: usize,
}

#[derive(Debug, Clone)]
struct Clamp {
    group: usize,
    cell: usize,
    node: usize,
    delay: f64,
    dur: f64,
    amp: f64,
}

/// Everything that is the same in every trial.
struct Plan {
    cells: Vec<Arc<LoweredCell>>,
    dipole_layer: Vec<Option<usize>>,
    groups: Vec<GroupSpec>,
    cell_edges: Vec<Vec<Edge>>,
    drive_edges: Vec<Vec<Edge>>,
    clamps: Vec<Clamp>,
    epoch: usize,
    n_cells: usize,
    /// Drive cells that exist: hnn-core only builds a cell-specific drive cell that kept a
    /// connection after pruning; the others never spike.
    drive_exists: Vec<bool>,
    /// Contacts of all electrode arrays.
    n_contacts: usize,
    /// Per group: transfer resistances `[slot * n_contacts + contact]` [µV/nA].
    lfp_r: Vec<Arc<[f64]>>,
}

fn build_plan(net: &Network, cfg: &SimConfig) -> Result<Plan> {
    let mut cells = Vec::new();
    let mut dipole_layer = Vec::new();
    let mut n_layers = 0;
    let mut groups = Vec::new();
    let mut gid_slot = vec![(0usize, 0usize); net.n_gids()];
    for (ti, ct) in net.cell_types.iter().enumerate() {
        let lc = Arc::new(lower(&ct.template)?);
        dipole_layer.push(if ct.metadata.measure_dipole && !lc.dipole.is_empty() {
            n_layers += 1;
            Some(n_layers - 1)
        } else {
            None
        });
        cells.push(lc);
        let range = net.gid_range(&ct.name).unwrap_or(0..0);
        let mut g = range.start;
        while g < range.end {
            let n = GROUP_SIZE.min(range.end - g);
            for c in 0..n {
                gid_slot[g + c] = (groups.len(), c);
            }
            groups.push(GroupSpec {
                type_idx: ti,
                first_gid: g,
                n_cells: n,
            });
            g += n;
        }
    }
    let n_cells = net.n_cells();
    let mut cell_edges = vec![Vec::new(); n_cells];
    let mut drive_edges = vec![Vec::new(); net.n_gids() - n_cells];
    let mut min_delay = f64::INFINITY;
    for conn in &net.connectivity {
        let ti = net
            .cell_types
            .iter()
            .position(|c| c.name == conn.target_type)
            .ok_or_else(|| {
                Error::invalid(
                    "connection target",
                    &conn.target_type,
                    "a cell type of the network",
                )
            })?;
        let tpl = &net.cell_types[ti].template;
        let lc = &cells[ti];
        let mut syns = Vec::new();
        for sec in tpl.location_sections(&conn.loc)? {
            let si = lc.section_index(&sec).unwrap_or(usize::MAX);
            let s = lc
                .synapses
                .iter()
                .position(|s| s.section == si && s.receptor == conn.receptor)
                .ok_or_else(|| Error::UnknownName {
                    what: format!("receptor on {} section {}", conn.target_type, sec),
                    name: conn.receptor.name().into(),
                    known: String::new(),
                })?;
            syns.push(s);
        }
        let is_drive = net.external_drives.iter().any(|d| d.name == conn.src_type);
        for (src, targets) in &conn.gid_pairs {
            let spos = net.gid_position(*src).unwrap_or(net.origin);
            for &tg in targets {
                let tpos = net.gid_position(tg).unwrap_or(net.origin);
                let (w, d) = gaussian_weight_delay(
                    spos,
                    tpos,
                    conn.a_weight * conn.gain,
                    conn.a_delay,
                    conn.lamtha,
                    net.inplane_distance,
                );
                if !(d >= 0.0 && d.is_finite()) {
                    return Err(Error::invalid(
                        format!(
                            "delay of {} -> {} (gid {src} -> {tg})",
                            conn.src_type, conn.target_type
                        ),
                        d,
                        "a finite number >= 0 [ms]",
                    ));
                }
                if !(w.is_finite()) {
                    return Err(Error::invalid(
                        format!(
                            "weight of {} -> {} (gid {src} -> {tg})",
                            conn.src_type, conn.target_type
                        ),
                        w,
                        "a finite number [uS]",
                    ));
                }
                let (group, cell) = gid_slot[tg];
                for &s in &syns {
                    let e = Edge {
                        group: group as u32,
                        syn: (cell * lc.synapses.len() + s) as u32,
                        weight: w,
                        delay: d,
                    };
                    if is_drive {
                        drive_edges[src - n_cells].push(e);
                    } else {
                        cell_edges[*src].push(e);
                        min_delay = min_delay.min(d);
                    }
                }
            }
        }
    }
    let mut clamps = Vec::new();
    for b in &net.external_biases {
        let ti = net
            .cell_types
            .iter()
            .position(|c| c.name == b.cell_type)
            .ok_or_else(|| {
                Error::invalid(
                    "tonic bias cell type",
                    &b.cell_type,
                    "a cell type of the network",
                )
            })?;
        let lc = &cells[ti];
        let si = lc
            .section_index(&b.section)
            .ok_or_else(|| Error::UnknownSection {
                cell: lc.name.clone(),
                section: b.section.clone(),
                known: lc
                    .sections
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let node = lc.sections[si].centre();
        let tstop = b.tstop.unwrap_or(cfg.tstop);
        if tstop < b.t0 {
            return Err(Error::invalid(
                "tonic bias duration",
                tstop - b.t0,
                "non-negative",
            ));
        }
        for gid in net.gid_range(&b.cell_type).unwrap_or(0..0) {
            let (group, cell) = gid_slot[gid];
            clamps.push(Clamp {
                group,
                cell,
                node,
                delay: b.t0,
                dur: tstop - b.t0,
                amp: b.amplitude,
            });
        }
    }
    let mut drive_exists = vec![true; net.n_gids() - n_cells];
    for d in net.external_drives.iter().filter(|d| d.cell_specific) {
        for gid in net.gid_range(&d.name).unwrap_or(0..0) {
            drive_exists[gid - n_cells] = net.connectivity.iter().any(|c| {
                c.src_type == d.name && c.gid_pairs.iter().any(|(s, t)| *s == gid && !t.is_empty())
            });
        }
    }
    let n_contacts: usize = net.rec_arrays.iter().map(|a| a.positions.len()).sum();
    let mut lfp_r = Vec::new();
    if n_contacts > 0 {
        for spec in &groups {
            let ct = &net.cell_types[spec.type_idx];
            let lc = &cells[spec.type_idx];
            let nn = lc.n_nodes();
            let slots = crate::solver::group::slot_map(lc, spec.n_cells);
            let n_mem = lc.n_compartments() * spec.n_cells;
            let mut r = vec![0.0; n_mem * n_contacts];
            for c in 0..spec.n_cells {
                let pos = net.gid_position(spec.first_gid + c).unwrap_or(net.origin);
                let per_node = extracellular::cell_transfer(&ct.template, lc, pos, &net.rec_arrays);
                for k in 0..nn {
                    let slot = slots[c * nn + k] as usize;
                    if slot < n_mem {
                        r[slot * n_contacts..(slot + 1) * n_contacts]
                            .copy_from_slice(&per_node[k * n_contacts..(k + 1) * n_contacts]);
                    }
                }
            }
            lfp_r.push(Arc::from(r));
        }
    }
    // An epoch of m steps is safe when every cell-to-cell delay is at least m·dt: a spike
    // detected at the start of an epoch's first step t_s is then due after t_{s+m-1} + dt/2.
    // A delay shorter than dt gives m = 0: the groups then run in lock step, exchanging
    // spikes between detection and delivery of every step (NEURON delivers an event made at
    // t_n that is due by t_n + dt/2 in the same step).
    let epoch = if min_delay.is_finite() {
        (min_delay / cfg.dt) as usize
    } else {
        usize::MAX
    };
    Ok(Plan {
        cells,
        dipole_layer,
        groups,
        cell_edges,
        drive_edges,
        clamps,
        epoch,
        n_cells,
        drive_exists,
        n_contacts,
        lfp_r,
    })
}

impl Plan {
    /// The epoch when cells connect to cells, else 0 (one unbounded epoch).
    fn epoch_if_connected(&self) -> usize {
        if self.epoch == usize::MAX {
            0
        } else {
            self.epoch
        }
    }
}

/// The running state of one group in one trial.
struct GroupRun {
    group: CellGroup,
    spikes: Vec<(usize, f64)>,
    dipole: Vec<f64>,
    rec_v: Vec<(usize, usize)>,
    rec_i: Vec<usize>,
    rec_ca: Vec<(usize, usize)>,
    traces_v: Vec<Vec<f64>>,
    traces_i: Vec<Vec<f64>>,
    traces_ca: Vec<Vec<f64>>,
    /// This epoch's contribution to every contact, one row of `n_contacts` per step.
    lfp: Vec<f64>,
}

impl GroupRun {
    fn record(&mut self, first: bool) {
        for (k, &(c, node)) in self.rec_v.iter().enumerate() {
            self.traces_v[k].push(self.group.v[self.group.node(c, node)]);
        }
        for (k, &s) in self.rec_i.iter().enumerate() {
            self.traces_i[k].push(if first { 0.0 } else { self.group.syn.i[s] });
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
    let steps = cfg.tstop / cfg.dt;
    crate::limits::check_count(
        &format!(
            "time steps per trial (tstop {} ms / dt {} ms)",
            cfg.tstop, cfg.dt
        ),
        steps,
        cfg.max_steps.unwrap_or(def_steps),
        "#{ max_steps: n }",
    )?;
    let events = crate::network::events::expected_events(net, cfg.tstop);
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
            * (rec(cfg.record_vsec, 10.0) + rec(cfg.record_isec, 20.0) + rec(cfg.record_ca, 10.0))
        + n_contacts as f64;
    crate::limits::check_alloc(
        "recorded samples of all trials",
        (steps + 1.0) * per_step * cfg.n_trials as f64 + events * 3.0,
        8,
    )
}

/// Run a network (hnn-core's `simulate_dipole`).
pub fn simulate_dipole(net: &Network, cfg: &SimConfig) -> Result<SimOutput> {
    if !(cfg.tstop.is_finite() && cfg.tstop > 0.0) {
        return Err(Error::invalid(
            "tstop",
            cfg.tstop,
            "a finite number > 0 [ms]",
        ));
    }
    if !(cfg.dt.is_finite() && cfg.dt > 0.0) {
        return Err(Error::invalid("dt", cfg.dt, "a finite number > 0 [ms]"));
    }
    if cfg.n_trials < 1 {
        return Err(Error::invalid("n_trials", cfg.n_trials, "at least 1"));
    }
    if let Some(0) = cfg.threads {
        return Err(Error::invalid("threads", 0, "at least 1"));
    }
    check_size(net, cfg)?;
    let run = || -> Result<SimOutput> {
        let plan = build_plan(net, cfg)?;
        let tables = Tables::new(net.celsius);
        let trials: Vec<Result<TrialOut>> = (0..cfg.n_trials)
            .into_par_iter()
            .map(|trial| run_trial(net, cfg, &plan, &tables, trial))
            .collect();
        let mut out = SimOutput {
            dipoles: Vec::new(),
            cell_response: CellResponse::default(),
            rec_arrays: net
                .rec_arrays
                .iter()
                .map(ExtracellularArray::empty)
                .collect(),
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
/// targets; returns the spikes.
fn exchange(plan: &Plan, runs: &mut [GroupRun]) -> Vec<(f64, usize)> {
    let mut new: Vec<(f64, usize)> = Vec::new();
    for (spec, r) in plan.groups.iter().zip(runs.iter_mut()) {
        new.extend(r.spikes.drain(..).map(|(c, t)| (t, spec.first_gid + c)));
    }
    new.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for &(t, gid) in &new {
        for e in &plan.cell_edges[gid] {
            runs[e.group as usize]
                .group
                .events
                .push(t + e.delay, e.syn, e.weight);
        }
    }
    new
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
    plan: &Plan,
    tables: &Tables,
    trial: usize,
) -> Result<TrialOut> {
    let nsteps = n_steps(cfg.tstop, cfg.dt);
    let cap = nsteps + 1;
    let pick = |r: RecordSections, lc: &LoweredCell| -> Vec<usize> {
        match r {
            RecordSections::None => vec![],
            RecordSections::Soma => vec![lc.soma_section],
            RecordSections::All => (0..lc.sections.len()).collect(),
        }
    };
    let mut runs: Vec<GroupRun> = Vec::with_capacity(plan.groups.len());
    for (gi, spec) in plan.groups.iter().enumerate() {
        let lc = &plan.cells[spec.type_idx];
        let mut group = CellGroup::new(lc.clone(), spec.n_cells, cfg.dt, tables, net.threshold)?;
        if plan.n_contacts > 0 {
            group.record_extracellular(Arc::clone(&plan.lfp_r[gi]), plan.n_contacts)?;
        }
        let vs = pick(cfg.record_vsec, lc);
        let cas: Vec<usize> = pick(cfg.record_ca, lc)
            .into_iter()
            .filter(|&s| {
                lc.mechs[lc.sections[s].centre()]
                    .keys()
                    .any(|m| m == "cad" || m == "ca" || m == "kca")
            })
            .collect();
        let is: Vec<usize> = pick(cfg.record_isec, lc);
        let nsyn = lc.synapses.len();
        let rec_v: Vec<(usize, usize)> = (0..spec.n_cells)
            .flat_map(|c| vs.iter().map(move |&s| (c, s)))
            .map(|(c, s)| (c, lc.sections[s].centre()))
            .collect();
        let rec_ca: Vec<(usize, usize)> = (0..spec.n_cells)
            .flat_map(|c| cas.iter().map(move |&s| (c, s)))
            .map(|(c, s)| (c, lc.sections[s].centre()))
            .collect();
        let rec_i: Vec<usize> = (0..spec.n_cells)
            .flat_map(|c| {
                (0..nsyn)
                    .filter(|&s| is.contains(&lc.synapses[s].section))
                    .map(move |s| c * nsyn + s)
            })
            .collect();
        runs.push(GroupRun {
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
            lfp: Vec::with_capacity(plan.epoch.clamp(1, nsteps.max(1)) * plan.n_contacts),
        });
    }
    for c in &plan.clamps {
        runs[c.group]
            .group
            .add_iclamp(c.cell, c.node, c.delay, c.dur, c.amp)?;
    }
    // drive events, all known in advance
    let mut drive_spikes: Vec<(f64, usize)> = Vec::new();
    let events = instantiate_drives(net, cfg.tstop, trial)?;
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
                    runs[e.group as usize]
                        .group
                        .events
                        .push(t + e.delay, e.syn, e.weight);
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
        if lock_step {
            // detection everywhere, the new events queued, then the rest of the step
            runs.par_iter_mut()
                .for_each(|r| r.group.detect_spikes(&mut r.spikes));
            let new = exchange(plan, &mut runs);
            spikes.extend(new);
            runs.par_iter_mut()
                .zip(plan.groups.par_iter())
                .try_for_each(|(r, spec)| -> Result<()> {
                    r.group
                        .advance(tables)
                        .map_err(|e| network_gid(e, spec.first_gid))?;
                    r.record(false);
                    Ok(())
                })?;
        } else {
            runs.par_iter_mut()
                .zip(plan.groups.par_iter())
                .try_for_each(|(r, spec)| -> Result<()> {
                    for _ in 0..m {
                        r.group
                            .step(tables, &mut r.spikes)
                            .map_err(|e| network_gid(e, spec.first_gid))?;
                        r.record(false);
                    }
                    Ok(())
                })?;
        }
        // extracellular potentials: groups added in a fixed order
        if plan.n_contacts > 0 {
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
            (p.0)(m, nsteps * cfg.n_trials);
        }
        if !lock_step || done % INTERRUPT_CHUNK == 0 {
            crate::interrupt::check()?;
        }
        if !lock_step {
            let new = exchange(plan, &mut runs);
            spikes.extend(new);
        }
    }
    // the accumulated time axis, as NEURON records it
    let t_final = runs.first().map_or(0.0, |r| r.group.t);
    {
        let mut t = 0.0;
        for _ in 0..nsteps {
            t += 0.5 * cfg.dt;
            t += 0.5 * cfg.dt;
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

    // per-layer dipole sums, groups in gid order
    let n_layers = plan.dipole_layer.iter().flatten().count();
    let mut layers = vec![vec![0.0; cap]; n_layers];
    for (spec, r) in plan.groups.iter().zip(&runs) {
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
    for (spec, r) in plan.groups.iter().zip(runs) {
        let lc = &plan.cells[spec.type_idx];
        let sec_of = |node: usize| lc.sections[lc.node_section[node]].name.clone();
        for (&(c, node), tr) in r.rec_v.iter().zip(r.traces_v) {
            vsec.entry(spec.first_gid + c)
                .or_default()
                .push((sec_of(node), tr));
        }
        for (&(c, node), tr) in r.rec_ca.iter().zip(r.traces_ca) {
            ca.entry(spec.first_gid + c)
                .or_default()
                .push((sec_of(node), tr));
        }
        let nsyn = lc.synapses.len();
        for (&s, tr) in r.rec_i.iter().zip(r.traces_i) {
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
