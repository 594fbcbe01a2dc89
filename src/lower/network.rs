//! A network lowered for the solver: cell groups, gid → (group, cell), connection edges,
//! tonic-bias clamps, electrode transfer resistances, the epoch. Built once per
//! `simulate_dipole` call and used by every trial and, under MPI, by every rank's share of
//! the groups ([`LoweredNetwork::partition`]).
//!
//! Cells of one type are split into groups of at most [`GROUP_SIZE`] cells; the split does
//! not depend on the number of threads or ranks.
//!
//! A single-cell run (`simulate_cell`) is a network of one group of one cell
//! ([`LoweredNetwork::single_cell`]): its synaptic inputs are drives, its current clamps
//! clamps.

use std::sync::Arc;

use super::{LoweredCell, lower};
use crate::error::{Error, Result};
use crate::model::{CellTemplate, CurrentClamp, Receptor, SynapticInput};
use crate::network::Network;
use crate::network::connectivity::gaussian_weight_delay;

/// Most cells stepped together in one group.
pub const GROUP_SIZE: usize = 16;

/// Where template synapse `s` of cell `cell` sits in the synapse arrays of a group of
/// `n_cells` cells: they are stored template synapse by template synapse, so that one
/// template synapse's cells are neighbours (`solver::group::CellGroup::syn`).
#[inline(always)]
pub fn synapse_entry(n_cells: usize, cell: usize, s: usize) -> usize {
    s * n_cells + cell
}

/// A synaptic connection as the solver uses it.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// Target group.
    pub group: u32,
    /// Entry of the target synapse in its group's synapse arrays ([`synapse_entry`]).
    pub syn: u32,
    /// Weight [µS].
    pub weight: f64,
    /// Delay [ms].
    pub delay: f64,
}

/// One group of cells of one type.
#[derive(Debug, Clone)]
pub struct GroupSpec {
    /// Index of the cell type in the network.
    pub type_idx: usize,
    /// Gid of the group's first cell.
    pub first_gid: usize,
    /// Number of cells.
    pub n_cells: usize,
}

/// A current clamp on one cell (a tonic bias).
#[derive(Debug, Clone)]
pub struct Clamp {
    /// Group.
    pub group: usize,
    /// Cell within the group.
    pub cell: usize,
    /// Lowered node.
    pub node: usize,
    /// Onset [ms].
    pub delay: f64,
    /// Duration [ms].
    pub dur: f64,
    /// Amplitude [nA].
    pub amp: f64,
}

/// A network lowered for the solver: everything that is the same in every trial, every
/// batch row with the same network, and every rank's share of the groups.
#[derive(Debug, Clone)]
pub struct LoweredNetwork {
    /// One lowered template per cell type, in the network's order.
    pub cells: Vec<Arc<LoweredCell>>,
    /// Per cell type: its dipole layer (0: L2, 1: L5 in hnn-core's model), if it has one.
    pub dipole_layer: Vec<Option<usize>>,
    /// The cell groups, in gid order.
    pub groups: Vec<GroupSpec>,
    /// Per cell gid: the connections it makes.
    pub cell_edges: Vec<Vec<Edge>>,
    /// Per drive cell (gid − n_cells): the connections it makes.
    pub drive_edges: Vec<Vec<Edge>>,
    /// Tonic biases.
    pub clamps: Vec<Clamp>,
    /// Steps per epoch: floor(min cell-to-cell delay / dt); `usize::MAX` without
    /// cell-to-cell connections, 0 when a delay is below dt (lock step).
    pub epoch: usize,
    /// Number of cells (drive cells not counted).
    pub n_cells: usize,
    /// Drive cells that exist: hnn-core only builds a cell-specific drive cell that kept a
    /// connection after pruning; the others never spike.
    pub drive_exists: Vec<bool>,
    /// Contacts of all electrode arrays.
    pub n_contacts: usize,
    /// Per group: transfer resistances `[slot * n_contacts + contact]` [µV/nA].
    pub lfp_r: Vec<Arc<[f64]>>,
}

/// Lower `net` for a run to `tstop` with step `dt` [ms] (a tonic bias without an end lasts
/// to `tstop`; the epoch depends on `dt`).
pub fn lower_network(net: &Network, tstop: f64, dt: f64) -> Result<LoweredNetwork> {
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
            syns.push(synapse_at(&conn.target_type, tpl, lc, &sec, conn.receptor)?);
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
                        syn: synapse_entry(groups[group].n_cells, cell, s) as u32,
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
        let tstop = b.tstop.unwrap_or(tstop);
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
            let slots = super::slot_map(lc, spec.n_cells);
            let n_mem = lc.n_compartments() * spec.n_cells;
            let mut r = vec![0.0; n_mem * n_contacts];
            for c in 0..spec.n_cells {
                let pos = net.gid_position(spec.first_gid + c).unwrap_or(net.origin);
                let per_node =
                    super::extracellular::cell_transfer(&ct.template, lc, pos, &net.rec_arrays);
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
        (min_delay / dt) as usize
    } else {
        usize::MAX
    };
    Ok(LoweredNetwork {
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

/// The synapse of `receptor` on section `sec` of `lc` (`tpl` lowered, named `cell` in
/// messages): its index among the cell's synapses.
fn synapse_at(
    cell: &str,
    tpl: &CellTemplate,
    lc: &LoweredCell,
    sec: &str,
    receptor: Receptor,
) -> Result<usize> {
    let si = lc.section_index(sec).unwrap_or(usize::MAX);
    lc.synapses
        .iter()
        .position(|s| s.section == si && s.receptor == receptor)
        .ok_or_else(|| Error::UnknownName {
            what: format!("receptor on {cell} section {sec}"),
            name: receptor.name().into(),
            known: tpl
                .section(sec)
                .map(|s| {
                    s.syns
                        .iter()
                        .map(|r| r.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        })
}

impl LoweredNetwork {
    /// One cell of `template` as a network: one group of one cell (gid 0), no cell-to-cell
    /// connections, no electrodes. Input `k` becomes drive `k`: its edges go to the synapse
    /// of its receptor on every section of its location, each with the input's full weight
    /// and delay (its spike times stay with the input); every clamp becomes a clamp on the
    /// segment holding its position. Everything is checked here, input by input and clamp
    /// by clamp, in order.
    pub fn single_cell(
        template: &CellTemplate,
        inputs: &[SynapticInput],
        iclamps: &[CurrentClamp],
    ) -> Result<LoweredNetwork> {
        let lc = Arc::new(lower(template)?);
        let mut drive_edges = Vec::with_capacity(inputs.len());
        for inp in inputs {
            if !(inp.weight.is_finite() && inp.weight >= 0.0) {
                return Err(Error::invalid(
                    "input weight",
                    inp.weight,
                    "a finite number >= 0 [µS]",
                ));
            }
            if !(inp.delay.is_finite() && inp.delay >= 0.0) {
                return Err(Error::invalid(
                    "input delay",
                    inp.delay,
                    "a finite number >= 0 [ms]",
                ));
            }
            let secs = template.location_sections(&inp.loc)?;
            if secs.is_empty() {
                return Err(Error::UnknownName {
                    what: format!(
                        "location on {} (its '{}' group has no sections)",
                        template.name, inp.loc
                    ),
                    name: inp.loc.clone(),
                    known: template
                        .sect_loc
                        .iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            let mut edges = Vec::with_capacity(secs.len());
            for sec in secs {
                let s = synapse_at(&template.name, template, &lc, &sec, inp.receptor)?;
                if let Some(&ts) = inp.times.iter().find(|t| !t.is_finite()) {
                    return Err(Error::invalid(
                        "input spike time",
                        ts,
                        "a finite number [ms]",
                    ));
                }
                edges.push(Edge {
                    group: 0,
                    syn: s as u32,
                    weight: inp.weight,
                    delay: inp.delay,
                });
            }
            drive_edges.push(edges);
        }
        let mut clamps = Vec::with_capacity(iclamps.len());
        for ic in iclamps {
            let si = template.section_index(&ic.section)?;
            if !(ic.loc > 0.0 && ic.loc < 1.0) {
                return Err(Error::invalid(
                    "IClamp loc",
                    ic.loc,
                    "strictly between 0 and 1",
                ));
            }
            for (what, v) in [
                ("IClamp delay", ic.delay),
                ("IClamp dur", ic.dur),
                ("IClamp amp", ic.amp),
            ] {
                if !v.is_finite() {
                    return Err(Error::invalid(what, v, "a finite number"));
                }
            }
            let ls = &lc.sections[si];
            let j = ((ic.loc * ls.nseg as f64) as usize).min(ls.nseg - 1);
            clamps.push(Clamp {
                group: 0,
                cell: 0,
                node: ls.first + j,
                delay: ic.delay,
                dur: ic.dur,
                amp: ic.amp,
            });
        }
        Ok(LoweredNetwork {
            dipole_layer: vec![(!lc.dipole.is_empty()).then_some(0)],
            cells: vec![lc],
            groups: vec![GroupSpec {
                type_idx: 0,
                first_gid: 0,
                n_cells: 1,
            }],
            cell_edges: vec![Vec::new()],
            drive_exists: vec![true; drive_edges.len()],
            drive_edges,
            clamps,
            epoch: usize::MAX,
            n_cells: 1,
            n_contacts: 0,
            lfp_r: Vec::new(),
        })
    }

    /// The clamps of group `group`, in their order.
    pub fn group_clamps(&self, group: usize) -> impl Iterator<Item = &Clamp> {
        self.clamps.iter().filter(move |c| c.group == group)
    }

    /// The epoch when cells connect to cells, else 0 (one unbounded epoch).
    pub fn epoch_if_connected(&self) -> usize {
        if self.epoch == usize::MAX {
            0
        } else {
            self.epoch
        }
    }

    /// The estimated cost of one step of a cell of type `type_idx`: compartments × (4 +
    /// the mechanisms of the template). Mechanisms are laid densely over a group's segments,
    /// so each one costs on every compartment; the 4 stands for the tree solve, the matrix
    /// set-up and the recording, and makes an L5 pyramidal cell cost 3.2 L2 pyramidal cells,
    /// as measured (docs/performance.md: 55 × 50.8 ns against 32 × 28.2 ns a step).
    pub fn step_cost(&self, type_idx: usize) -> usize {
        let lc = &self.cells[type_idx];
        let mechs: std::collections::BTreeSet<&String> =
            lc.mechs.iter().flat_map(|m| m.keys()).collect();
        lc.n_compartments().max(1) * (4 + mechs.len())
    }

    /// The rank that steps each group when the groups are shared over `n_ranks` ranks:
    /// groups by decreasing cost (cells × [`LoweredNetwork::step_cost`]; ties in gid
    /// order), each to the least loaded rank so far (ties to the lowest rank). The same on
    /// every rank.
    pub fn partition(&self, n_ranks: usize) -> Vec<usize> {
        let n_ranks = n_ranks.max(1);
        let per_cell: Vec<usize> = (0..self.cells.len()).map(|t| self.step_cost(t)).collect();
        let cost: Vec<usize> = self
            .groups
            .iter()
            .map(|g| g.n_cells * per_cell[g.type_idx])
            .collect();
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by(|&a, &b| cost[b].cmp(&cost[a]).then(a.cmp(&b)));
        let mut load = vec![0usize; n_ranks];
        let mut owner = vec![0usize; self.groups.len()];
        for g in order {
            let r = (0..n_ranks).min_by_key(|&r| (load[r], r)).unwrap_or(0);
            owner[g] = r;
            load[r] += cost[g];
        }
        owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cell_is_a_network_of_one_group() {
        let t = crate::model::templates::template_by_name("L2_pyramidal").unwrap();
        let input = SynapticInput {
            loc: "proximal".into(),
            receptor: Receptor::Ampa,
            times: vec![1.0, 2.0],
            weight: 0.01,
            delay: 0.5,
        };
        let clamp = CurrentClamp {
            section: "soma".into(),
            loc: 0.5,
            delay: 1.0,
            dur: 2.0,
            amp: 0.1,
        };
        let low = LoweredNetwork::single_cell(&t, std::slice::from_ref(&input), &[clamp]).unwrap();
        assert_eq!((low.cells.len(), low.groups.len(), low.n_cells), (1, 1, 1));
        assert_eq!(low.groups[0].n_cells, 1);
        assert_eq!(low.dipole_layer, vec![Some(0)]);
        assert_eq!(low.epoch_if_connected(), 0);
        assert_eq!(low.partition(3), vec![0]);
        // the input is a drive with one edge per proximal section
        let n_prox = t.location_sections("proximal").unwrap().len();
        assert_eq!(low.drive_edges.len(), 1);
        assert_eq!(low.drive_edges[0].len(), n_prox);
        assert_eq!(low.drive_exists, vec![true]);
        let lc = &low.cells[0];
        for e in &low.drive_edges[0] {
            assert_eq!((e.group, e.weight, e.delay), (0, 0.01, 0.5));
            assert_eq!(lc.synapses[e.syn as usize].receptor, Receptor::Ampa);
        }
        let soma = lc.section_index("soma").unwrap();
        assert_eq!(low.clamps.len(), 1);
        assert_eq!(low.clamps[0].node, lc.sections[soma].centre());
        assert_eq!(low.group_clamps(0).count(), 1);
        // inputs are checked here, with simulate_cell's messages
        let bad = SynapticInput {
            times: vec![3.0, f64::NAN],
            ..input.clone()
        };
        let e = LoweredNetwork::single_cell(&t, &[input, bad], &[]).unwrap_err();
        assert!(e.to_string().contains("input spike time"), "{e}");
    }

    #[test]
    fn groups_are_shared_by_cost() {
        let net = crate::network::models::jones_2009_model((10, 10)).unwrap();
        let low = lower_network(&net, 10.0, 0.025).unwrap();
        assert_eq!(low.groups.len(), 20);
        // an L5 pyramidal cell costs about 3 L2 pyramidal cells a step
        let ty = |n: &str| net.cell_types.iter().position(|c| c.name == n).unwrap();
        let ratio =
            low.step_cost(ty("L5_pyramidal")) as f64 / low.step_cost(ty("L2_pyramidal")) as f64;
        assert!((2.5..4.0).contains(&ratio), "L5/L2 cost {ratio}");
        assert_eq!(low.partition(1), vec![0; 20]);
        for n in [2, 3, 7] {
            let owner = low.partition(n);
            assert_eq!(owner, low.partition(n), "the same on every rank");
            let mut load = vec![0usize; n];
            for (g, &r) in owner.iter().enumerate() {
                let spec = &low.groups[g];
                load[r] += spec.n_cells * low.step_cost(spec.type_idx);
            }
            let (lo, hi) = (load.iter().min().unwrap(), load.iter().max().unwrap());
            // no rank carries more than the largest group beyond the least loaded one
            let biggest = low
                .groups
                .iter()
                .map(|s| s.n_cells * low.step_cost(s.type_idx))
                .max()
                .unwrap();
            assert!(hi - lo <= biggest, "{n} ranks: loads {load:?}");
        }
        // more ranks than groups: some ranks idle, every group owned once
        let owner = low.partition(30);
        assert_eq!(owner.len(), 20);
        assert!(owner.iter().all(|&r| r < 30));
    }
}
