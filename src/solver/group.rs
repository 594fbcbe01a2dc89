//! A cell group: several cells of one template, stepped together over flat arrays.
//!
//! Node arrays (`v`, `rhs`, `d`) are node-major: the cells of the group are lanes. Slot
//! `base[k] + c` holds lowered node `k` of cell `c`; the segment (membrane) nodes come first,
//! then the zero-area nodes (see [`slot_map`]). Mechanisms are stored densely over the
//! membrane slots (zero conductance where a mechanism is absent, which adds exact zeros), so
//! every kernel is one contiguous loop that the compiler vectorises, and the tree solve,
//! the axial currents and the dipole walk the tree once with every cell of the group as a
//! vector lane. Each cell sees the same IEEE operations in the same order as when it is
//! solved alone. The step is compiled for several vector widths and picked at run time; all
//! variants perform the same operations per lane and give identical bits.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::lower::LoweredCell;
pub use crate::lower::slot_map;
use crate::mech::ar::Ar;
use crate::mech::ca::Ca;
use crate::mech::cad::Cad;
use crate::mech::cat::Cat;
use crate::mech::gates::{Gates, Simd};
use crate::mech::hh2::Hh2;
use crate::mech::kca::Kca;
use crate::mech::km::Km;
use crate::mech::rates::Tables;
use crate::mech::{CAI0, NodeCurrent, ions, kca};

use super::events::EventQueue;

/// Exp2Syn instances of a group.
#[derive(Debug, Clone, Default)]
pub struct Synapses {
    /// Slot of each entry (entry `s * n_cells + c`: template synapse `s` of cell `c`).
    pub node: Vec<u32>,
    /// Reversal potential [mV].
    pub e: Vec<f64>,
    /// `1 - exp(-dt/tau1)`.
    pub c1: Vec<f64>,
    /// `1 - exp(-dt/tau2)`.
    pub c2: Vec<f64>,
    /// Peak-normalisation factor.
    pub factor: Vec<f64>,
    /// `100 / area` of the node [1/µm²·100], converting nA to mA/cm².
    pub scale: Vec<f64>,
    /// Rise state [µS].
    pub a: Vec<f64>,
    /// Decay state [µS].
    pub b: Vec<f64>,
    /// Current of the last current evaluation [nA].
    pub i: Vec<f64>,
}

/// A current clamp (hnn-core's tonic bias is one per cell).
#[derive(Debug, Clone, Copy)]
pub struct IClamp {
    /// Node (group index).
    pub node: u32,
    /// Onset [ms].
    pub delay: f64,
    /// Duration [ms].
    pub dur: f64,
    /// Amplitude [nA].
    pub amp: f64,
    /// `100 / area` of the node.
    pub scale: f64,
}

/// The mechanisms present in a group (absent ones are `None` and cost nothing).
#[derive(Debug, Clone, Default)]
struct Mechs {
    hh2: Option<Hh2>,
    km: Option<Km>,
    ca: Option<Ca>,
    cad: Option<Cad>,
    kca: Option<Kca>,
    cat: Option<Cat>,
    ar: Option<Ar>,
}

/// Several cells of one template with their state.
#[derive(Debug, Clone)]
pub struct CellGroup {
    /// The lowered template.
    pub cell: Arc<LoweredCell>,
    /// Number of cells.
    pub n_cells: usize,
    /// Nodes per cell.
    pub n_nodes: usize,
    /// Time step [ms].
    pub dt: f64,
    /// Present time [ms], accumulated in half steps as NEURON does.
    pub t: f64,
    /// Spike threshold [mV].
    pub threshold: f64,
    /// Membrane potential of every node [mV], in slot order (see [`CellGroup::node`]).
    /// Like `cai` and `syn`, not current while the group is shared
    /// ([`CellGroup::share_while_identical`]; [`CellGroup::unshare`] makes it so).
    pub v: Vec<f64>,
    /// Slot of lowered node `k` of cell 0; cell `c` is at `base[k] + c`.
    base: Vec<u32>,
    /// Number of membrane slots (all cells).
    n_mem: usize,
    /// A one-cell group's rhs and d in lowered order (empty for larger groups).
    lr: Vec<f64>,
    ld: Vec<f64>,
    rhs: Vec<f64>,
    d: Vec<f64>,
    parent: Vec<u32>,
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<f64>,
    /// Constant part of the diagonal (capacitance `1e-3·cm/dt` plus axial terms), all cells.
    d_const: Vec<f64>,
    mechs: Mechs,
    gates: Gates,
    simd: Simd,
    has_ca_ion: bool,
    /// Intracellular Ca per node [mM] (meaningful where a Ca ion exists).
    pub cai: Vec<f64>,
    ica: Vec<f64>,
    eca: Vec<f64>,
    half_ktf: f64,
    /// Synapses of all cells, stored template synapse by template synapse: entry
    /// `s * n_cells + c` is template synapse `s` of cell `c`
    /// ([`crate::lower::network::synapse_entry`]). Events target entries; recordings name a
    /// synapse by its instance number `c * n_syn + s` ([`CellGroup::syn_entry`] maps it).
    pub syn: Synapses,
    /// Current clamps.
    pub iclamps: Vec<IClamp>,
    /// Pending synaptic events.
    pub events: EventQueue,
    armed: Vec<bool>,
    /// Per-cell dipole of the last step [fAm] (empty for cells without a dipole).
    pub dipole: Vec<f64>,
    /// Transmembrane currents and extracellular potentials, when recorded (see
    /// [`CellGroup::record_extracellular`]).
    imem: Option<Imem>,
    /// While every cell of the group is in the same state (no event delivered yet), one
    /// cell stepped for all of them ([`CellGroup::share_while_identical`]).
    shared: Option<Box<CellGroup>>,
}

/// NEURON's `i_membrane_` bookkeeping (`cvode.use_fast_imem(1)`): the membrane part of the
/// matrix is saved while it is assembled, and after the solve
/// `i = (d_mem·Δv + i_ion) · area · 0.01` [nA] — ionic and synaptic currents linearised at
/// the new voltage plus the capacitive current; electrode (IClamp) current excluded.
#[derive(Debug, Clone)]
struct Imem {
    /// Axial part of the constant diagonal, per membrane slot.
    d_axial: Vec<f64>,
    /// Area per membrane slot [µm²].
    area: Vec<f64>,
    /// Σ ionic current density at v_n [mA/cm²].
    i_ion: Vec<f64>,
    /// Σ conductances plus the capacitive term [mS/cm²-ish, NEURON's `d` units].
    d_mem: Vec<f64>,
    /// The currents after the last step [nA].
    i: Vec<f64>,
    /// Transfer resistances `[slot * n_contacts + contact]` [µV/nA], shared by the trials.
    r: Arc<[f64]>,
    /// Potentials at the contacts after the last step [µV].
    phi: Vec<f64>,
}

impl CellGroup {
    /// Build `n_cells` cells of `cell`, initialised as `finitialize()` leaves them.
    pub fn new(
        cell: Arc<LoweredCell>,
        n_cells: usize,
        dt: f64,
        tables: &Tables,
        threshold: f64,
    ) -> Result<Self> {
        if !(dt.is_finite() && dt > 0.0) {
            return Err(Error::invalid("dt", dt, "a finite number > 0 [ms]"));
        }
        let nn = cell.n_nodes();
        let total = nn * n_cells;
        let n_mem = cell.n_compartments() * n_cells;
        let smap = slot_map(&cell, n_cells);
        let base: Vec<u32> = smap[..nn].to_vec();
        let parent: Vec<u32> = cell
            .parent
            .iter()
            .map(|&p| if p == usize::MAX { 0 } else { p as u32 })
            .collect();
        let mut a = vec![0.0; nn];
        let mut b = vec![0.0; nn];
        for i in 1..nn {
            let p = cell.parent[i];
            a[i] = -1e2 * cell.g_axial[i] / cell.area[p];
            b[i] = -1e2 * cell.g_axial[i] / cell.area[i];
        }
        let mut d_cell: Vec<f64> = (0..nn)
            .map(|i| {
                if cell.membrane[i] {
                    1e-3 * cell.cm[i] / dt
                } else {
                    0.0
                }
            })
            .collect();
        for i in 1..nn {
            d_cell[i] -= b[i];
            d_cell[parent[i] as usize] -= a[i];
        }

        let mut mechs = Mechs::default();
        let mut has_ca_ion = false;
        for c in 0..n_cells {
            for k in 0..nn {
                let node = smap[c * nn + k] as usize;
                if !cell.membrane[k] {
                    continue; // zero-area nodes carry no mechanisms
                }
                for (name, params) in &cell.mechs[k] {
                    let p = |pn: &str| {
                        params
                            .get(pn)
                            .copied()
                            .unwrap_or_else(|| default_param(name, pn))
                    };
                    match name.as_str() {
                        "hh2" => mechs
                            .hh2
                            .get_or_insert_with(|| Hh2::new(n_mem))
                            .set(node, &p),
                        "km" => mechs.km.get_or_insert_with(|| Km::new(n_mem)).set(node, &p),
                        "ca" => mechs.ca.get_or_insert_with(|| Ca::new(n_mem)).set(node, &p),
                        "cad" => mechs
                            .cad
                            .get_or_insert_with(|| Cad::new(n_mem))
                            .set(node, &p),
                        "kca" => mechs
                            .kca
                            .get_or_insert_with(|| Kca::new(n_mem))
                            .set(node, &p),
                        "cat" => mechs
                            .cat
                            .get_or_insert_with(|| Cat::new(n_mem))
                            .set(node, &p),
                        "ar" => mechs.ar.get_or_insert_with(|| Ar::new(n_mem)).set(node, &p),
                        other => {
                            return Err(Error::UnknownMechanism {
                                cell: cell.name.clone(),
                                section: cell.sections[cell.node_section[k]].name.clone(),
                                mech: other.into(),
                                known: crate::mech::catalogue::mech_names(),
                            });
                        }
                    }
                    has_ca_ion |= matches!(name.as_str(), "ca" | "cad" | "kca");
                }
            }
        }
        let simd = Simd::detect();
        let mut gates = Gates::new(dt);
        gates.choose_lookups(simd);
        if let Some(m) = &mut mechs.hh2 {
            m.alloc(&mut gates);
        }
        if let Some(m) = &mut mechs.km {
            m.alloc(&mut gates);
        }
        if let Some(m) = &mut mechs.ca {
            m.alloc(&mut gates);
        }
        if let Some(m) = &mut mechs.cat {
            m.alloc(&mut gates);
        }
        if let Some(m) = &mut mechs.ar {
            m.alloc(&mut gates);
        }
        // last: its rates are written while the other gates advance (`advance_states`)
        if let Some(m) = &mut mechs.kca {
            m.alloc(&mut gates);
        }
        if let Some(m) = &mut mechs.cad {
            m.set_dt(dt);
        }

        // pushed in the order of `lower::network::synapse_entry`
        let mut syn = Synapses::default();
        for s in &cell.synapses {
            for c in 0..n_cells {
                syn.node.push(smap[c * nn + s.node]);
                syn.e.push(s.e);
                syn.c1.push(1.0 - (dt * (-1.0 / s.tau1)).exp());
                syn.c2.push(1.0 - (dt * (-1.0 / s.tau2)).exp());
                syn.factor.push(s.factor);
                syn.scale.push(1e2 / cell.area[s.node]);
                syn.a.push(0.0);
                syn.b.push(0.0);
                syn.i.push(0.0);
            }
        }

        // cell c of a node is at the node's slot + c (`CellGroup::node`), so the cells'
        // entries of one template synapse sit on consecutive slots
        debug_assert!(syn.node.chunks(n_cells.max(1)).all(|k| {
            k.iter()
                .enumerate()
                .all(|(c, &x)| x as usize == k[0] as usize + c)
        }));
        let mut g = CellGroup {
            n_cells,
            n_nodes: nn,
            dt,
            t: 0.0,
            threshold,
            v: scatter(&smap, n_cells, &cell.v0),
            lr: vec![0.0; if n_cells == 1 { nn } else { 0 }],
            ld: vec![0.0; if n_cells == 1 { nn } else { 0 }],
            rhs: vec![0.0; total],
            d: vec![0.0; total],
            parent,
            ab: a.iter().zip(&b).map(|(x, y)| x * y).collect(),
            a,
            b,
            d_const: scatter(&smap, n_cells, &d_cell),
            base,
            n_mem,
            mechs,
            gates,
            simd,
            has_ca_ion,
            cai: vec![0.0; n_mem],
            ica: vec![0.0; n_mem],
            eca: vec![0.0; n_mem],
            half_ktf: ions::half_ktf(tables.celsius),
            syn,
            iclamps: Vec::new(),
            events: EventQueue::new(dt),
            armed: vec![false; n_cells],
            dipole: if cell.dipole.is_empty() {
                Vec::new()
            } else {
                vec![0.0; n_cells]
            },
            imem: None,
            shared: None,
            cell,
        };
        g.initialize(tables);
        Ok(g)
    }

    /// Index in the group's node arrays (`v`, `cai`) of lowered node `node` of cell `cell`.
    pub fn node(&self, cell: usize, node: usize) -> usize {
        self.base[node] as usize + cell
    }

    /// Number of membrane slots (segments of all cells); slots `0..n_mem()` of [`CellGroup::v`]
    /// are segments, the zero-area nodes follow.
    pub fn n_mem(&self) -> usize {
        self.n_mem
    }

    /// Record extracellular potentials: after each step every segment's transmembrane
    /// current (NEURON's `i_membrane_`) is computed and every contact gets Σ r·i over the
    /// group's segments, with `r[slot * n_contacts + contact]` the transfer resistances
    /// [µV/nA] (slots as in [`slot_map`]). Read them with [`CellGroup::potentials`]. Off
    /// unless asked for: it costs a little per step.
    pub fn record_extracellular(&mut self, r: Arc<[f64]>, n_contacts: usize) -> Result<()> {
        self.unshare();
        let nm = self.n_mem;
        if r.len() != nm * n_contacts {
            return Err(Error::invalid(
                "transfer resistances",
                format!("{} values", r.len()),
                format!("{} (segments × contacts)", nm * n_contacts),
            ));
        }
        let nn = self.n_nodes;
        let mut area = vec![0.0; nm];
        let mut cap = vec![0.0; nm];
        for c in 0..self.n_cells {
            for k in 0..nn {
                let slot = self.node(c, k);
                if slot < nm {
                    area[slot] = self.cell.area[k];
                    cap[slot] = 1e-3 * self.cell.cm[k] / self.dt;
                }
            }
        }
        self.imem = Some(Imem {
            d_axial: (0..nm).map(|k| self.d_const[k] - cap[k]).collect(),
            area,
            i_ion: vec![0.0; nm],
            d_mem: vec![0.0; nm],
            i: vec![0.0; nm],
            r,
            phi: vec![0.0; n_contacts],
        });
        Ok(())
    }

    /// The group's contribution to each contact after the last step [µV] (empty unless
    /// [`CellGroup::record_extracellular`] was called).
    pub fn potentials(&self) -> &[f64] {
        self.imem.as_ref().map_or(&[], |m| m.phi.as_slice())
    }

    /// The entry in [`CellGroup::syn`] of synapse instance `i` (`c * n_syn + s`: template
    /// synapse `s` of cell `c`), for recordings, which name synapses by instance.
    pub fn syn_entry(&self, i: usize) -> usize {
        let per_cell = self.cell.synapses.len();
        crate::lower::network::synapse_entry(self.n_cells, i / per_cell, i % per_cell)
    }

    /// Synapses per cell.
    pub fn syn_per_cell(&self) -> usize {
        self.cell.synapses.len()
    }

    /// Add a current clamp at a node of one cell.
    pub fn add_iclamp(
        &mut self,
        cell: usize,
        node: usize,
        delay: f64,
        dur: f64,
        amp: f64,
    ) -> Result<()> {
        self.unshare();
        for (what, v) in [
            ("IClamp delay", delay),
            ("IClamp dur", dur),
            ("IClamp amp", amp),
        ] {
            if !v.is_finite() {
                return Err(Error::invalid(what, v, "a finite number"));
            }
        }
        if cell >= self.n_cells || node >= self.n_nodes || !self.cell.membrane[node] {
            return Err(Error::invalid(
                "IClamp location",
                format!("cell {cell}, node {node}"),
                "a segment of a cell in the group",
            ));
        }
        self.iclamps.push(IClamp {
            node: self.node(cell, node) as u32,
            delay,
            dur,
            amp,
            scale: 1e2 / self.cell.area[node],
        });
        Ok(())
    }

    /// Step one cell for all of them until the first event arrives: a group as `new` left
    /// it holds identical cells, and cells that receive nothing stay identical (cells
    /// interact only through events), so one cell of the template stepped alone gives every
    /// lane's bits (the step performs the same operations per lane for any number of cells).
    /// The first event due, a clamp or an extracellular recording gives every cell the one
    /// cell's state ([`CellGroup::unshare`]) and the group steps all its cells from then on.
    /// Spikes, the per-cell dipole and `t` stay current while shared; `v`, `cai`, the
    /// synapses and the gates do not until `unshare`. Call it on a group as `new` left it;
    /// groups of one cell, or with clamps or extracellular recordings, are not shared.
    pub fn share_while_identical(&mut self, tables: &Tables) -> Result<()> {
        if self.n_cells < 2 || self.imem.is_some() || !self.iclamps.is_empty() || self.t != 0.0 {
            return Ok(());
        }
        let one = CellGroup::new(Arc::clone(&self.cell), 1, self.dt, tables, self.threshold)?;
        debug_assert!((0..self.n_nodes).all(|k| {
            (0..self.n_cells)
                .all(|c| self.v[self.node(c, k)].to_bits() == one.v[one.node(0, k)].to_bits())
        }));
        self.shared = Some(Box::new(one));
        Ok(())
    }

    /// Whether one cell is stepped for all ([`CellGroup::share_while_identical`]).
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// End sharing: every cell takes the state of the one cell stepped for all of them
    /// (nothing happens when the group is not shared).
    pub fn unshare(&mut self) {
        let Some(one) = self.shared.take() else {
            return;
        };
        let (nn, lanes, nm) = (self.n_nodes, self.n_cells, self.n_mem);
        let (nm1, base) = (one.n_mem, &self.base);
        let spread = |dst: &mut [f64], src: &[f64], per: usize, per1: usize, membrane: bool| {
            for blk in 0..src.len() / per1.max(1) {
                for k in 0..nn {
                    if membrane && !self.cell.membrane[k] {
                        continue;
                    }
                    let x = src[blk * per1 + one.base[k] as usize];
                    let at = blk * per + base[k] as usize;
                    dst[at..at + lanes].fill(x);
                }
            }
        };
        spread(&mut self.v, &one.v, nn * lanes, nn, false);
        spread(&mut self.cai, &one.cai, nm, nm1, true);
        spread(&mut self.ica, &one.ica, nm, nm1, true);
        spread(&mut self.eca, &one.eca, nm, nm1, true);
        spread(&mut self.gates.x, &one.gates.x, nm, nm1, true);
        spread(&mut self.gates.inf, &one.gates.inf, nm, nm1, true);
        spread(&mut self.gates.exponent, &one.gates.exponent, nm, nm1, true);
        if let (Some(c), Some(c1)) = (&mut self.mechs.cad, &one.mechs.cad) {
            spread(&mut c.ca, &c1.ca, nm, nm1, true);
        }
        // entry s·n_cells + c of template synapse s; the one cell's entry is s
        let s = &mut self.syn;
        for (j, chunk) in s.a.chunks_mut(lanes).enumerate() {
            chunk.fill(one.syn.a[j]);
        }
        for (j, chunk) in s.b.chunks_mut(lanes).enumerate() {
            chunk.fill(one.syn.b[j]);
        }
        for (j, chunk) in s.i.chunks_mut(lanes).enumerate() {
            chunk.fill(one.syn.i[j]);
        }
        self.armed.fill(one.armed[0]);
        if let Some(&q) = one.dipole.first() {
            self.dipole.fill(q);
        }
        self.t = one.t;
    }

    /// INITIAL blocks in NEURON's order: ions, then concentration writers (cad), then the
    /// other mechanisms with table-interpolated steady states.
    fn initialize(&mut self, tables: &Tables) {
        // every node gets a positive cai so the vectorised Nernst loop stays finite
        self.cai.fill(CAI0);
        let (m, g) = (&mut self.mechs, &mut self.gates);
        if let Some(cad) = &mut m.cad {
            cad.init(&mut self.cai);
        }
        ions::refresh(&self.cai, &mut self.eca, &mut self.ica, self.half_ktf);
        let v = &self.v[..self.n_mem];
        if let Some(x) = &m.hh2 {
            x.init(v, g, tables);
        }
        if let Some(x) = &m.km {
            x.init(v, g, tables);
        }
        if let Some(x) = &m.ca {
            x.init(v, g, tables);
        }
        if let Some(x) = &m.kca {
            x.init(&self.cai, g, tables.tadj);
        }
        if let Some(x) = &m.cat {
            x.init(v, g, tables);
        }
        if let Some(x) = &m.ar {
            x.init(g);
        }
    }

    /// One fixed step t_n → t_{n+1}, in NEURON's order:
    /// 1. threshold detection at soma(0.5) with v_n (spikes stamped t_n + 1e-10);
    /// 2. delivery of events due by t_n + dt/2;
    /// 3. t += dt/2;
    /// 4. matrix set-up at v_n with the present states (eca refreshed from cai);
    /// 5. Hines solve and v += Δv on every node;
    /// 6. t += dt/2;
    /// 7. state updates with v_{n+1}: cad first, then the gates and synapses;
    /// 8. the per-cell dipole from v_{n+1}.
    ///
    /// Spikes are appended to `spikes` as `(cell index, time)`. `step` is [`Self::detect_spikes`]
    /// (1.) followed by [`Self::advance`] (2.–8.); a caller whose events can be due in the
    /// step that made them (a delay shorter than dt/2) calls the two itself and queues the
    /// new events in between, as NEURON does.
    pub fn step(&mut self, tables: &Tables, spikes: &mut Vec<(usize, f64)>) -> Result<()> {
        self.detect_spikes(spikes);
        self.advance(tables)
    }

    /// Step 1 of [`Self::step`]: threshold detection at soma(0.5) with v_n; a spike is
    /// appended to `spikes` as `(cell index, t_n + 1e-10)`.
    pub fn detect_spikes(&mut self, spikes: &mut Vec<(usize, f64)>) {
        let soma = self.cell.soma_node;
        if let Some(one) = &mut self.shared {
            // every cell is this one: when it crosses, all of them do
            let before = spikes.len();
            one.detect_spikes(spikes);
            if let Some((_, t)) = spikes.get(before).copied() {
                spikes.truncate(before);
                spikes.extend((0..self.n_cells).map(|c| (c, t)));
            }
            return;
        }
        for c in 0..self.n_cells {
            if self.v[self.base[soma] as usize + c] - self.threshold > 0.0 {
                if !self.armed[c] {
                    self.armed[c] = true;
                    spikes.push((c, self.t + 1e-10));
                }
            } else {
                self.armed[c] = false;
            }
        }
    }

    /// Steps 2–8 of [`Self::step`]: events due by t_n + dt/2, the solve, the states and the
    /// dipole.
    pub fn advance(&mut self, tables: &Tables) -> Result<()> {
        self.advance_clocked(tables, &mut NoClock)
    }

    /// [`Self::advance`] with the time of each phase added to `times` (the per-phase
    /// benchmark, `benches/group_step.rs`). The phases run exactly as in `advance`.
    pub fn advance_timed(&mut self, tables: &Tables, times: &mut PhaseTimes) -> Result<()> {
        times.last = Some(std::time::Instant::now());
        self.advance_clocked(tables, times)
    }

    fn advance_clocked<C: PhaseClock>(&mut self, tables: &Tables, clock: &mut C) -> Result<()> {
        match self.simd {
            // SAFETY: `Simd::detect` only reports features the CPU has.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx512 => unsafe { self.advance_avx512(tables, clock) },
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2 => unsafe { self.advance_avx2(tables, clock) },
            _ => self.advance_impl(tables, clock),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn advance_avx512<C: PhaseClock>(
        &mut self,
        tables: &Tables,
        clock: &mut C,
    ) -> Result<()> {
        self.advance_impl(tables, clock)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn advance_avx2<C: PhaseClock>(&mut self, tables: &Tables, clock: &mut C) -> Result<()> {
        self.advance_impl(tables, clock)
    }

    #[inline(always)]
    fn advance_impl<C: PhaseClock>(&mut self, tables: &Tables, clock: &mut C) -> Result<()> {
        let dt = self.dt;
        // 2. events
        let until = self.t + 0.5 * dt;
        let mut next = self.events.pop_due(until);
        if let Some(one) = &mut self.shared {
            if next.is_none() {
                // still identical: one cell steps for all (the same operations per lane)
                one.advance_clocked(tables, clock)?;
                self.t = one.t;
                if let Some(&q) = one.dipole.first() {
                    self.dipole.fill(q);
                }
                return Ok(());
            }
            self.unshare();
        }
        while let Some(ev) = next {
            let s = ev.target as usize;
            let inc = ev.weight * self.syn.factor[s];
            self.syn.a[s] += inc;
            self.syn.b[s] += inc;
            next = self.events.pop_due(until);
        }
        clock.lap(Phase::Events);
        // 3.
        self.t += 0.5 * dt;
        // 4.
        self.assemble(tables);
        clock.lap(Phase::Setup);
        // 5.
        self.solve()?;
        clock.lap(Phase::Solve);
        if let Some(im) = &mut self.imem {
            // cell by cell, each cell's segments in lowered order: the summation order of
            // the contacts' potentials does not depend on the slot layout
            let nc = im.phi.len();
            let lanes = self.n_cells;
            im.phi.fill(0.0);
            for c in 0..lanes {
                for k in (c..self.n_mem).step_by(lanes) {
                    let i = im.i[k];
                    for (p, r) in im.phi.iter_mut().zip(&im.r[k * nc..(k + 1) * nc]) {
                        *p += r * i;
                    }
                }
            }
            clock.lap(Phase::Extracellular);
        }
        // 6.
        self.t += 0.5 * dt;
        // 7.
        self.advance_states(tables, clock);
        // 8.
        self.compute_dipole();
        clock.lap(Phase::Dipole);
        Ok(())
    }

    #[inline(always)]
    fn assemble(&mut self, tables: &Tables) {
        let tadj = tables.tadj;
        if !self.currents_in_one_pass(tadj) {
            self.currents_mechanism_by_mechanism(tadj);
        }
        let nm = self.n_mem;
        let (v, rhs, d) = (&self.v[..nm], &mut self.rhs[..nm], &mut self.d[..nm]);
        // template synapse by template synapse: each slot belongs to one cell and receives
        // that cell's synapses in template order, as one cell at a time would add them; the
        // cells' entries of one template synapse are on consecutive slots (`CellGroup::new`)
        let s = &mut self.syn;
        let nc = self.n_cells;
        if nc >= 4 {
            for j0 in (0..s.node.len()).step_by(nc) {
                let k0 = s.node[j0] as usize;
                let (a, b, e) = (&s.a[j0..j0 + nc], &s.b[j0..j0 + nc], &s.e[j0..j0 + nc]);
                let (sc, si) = (&s.scale[j0..j0 + nc], &mut s.i[j0..j0 + nc]);
                let (vv, r, dd) = (&v[k0..k0 + nc], &mut rhs[k0..k0 + nc], &mut d[k0..k0 + nc]);
                for c in 0..nc {
                    // a silent synapse adds nothing (exact zeros otherwise)
                    let silent = a[c] == 0.0 && b[c] == 0.0;
                    let g = b[c] - a[c];
                    let cur = g * (vv[c] - e[c]);
                    si[c] = if silent { 0.0 } else { cur };
                    r[c] = if silent { r[c] } else { r[c] - cur * sc[c] };
                    dd[c] = if silent { dd[c] } else { dd[c] + g * sc[c] };
                }
            }
        } else {
            // few cells (one for simulate_cell): entry by entry, the same order per slot
            for i in 0..s.node.len() {
                let k = s.node[i] as usize;
                if s.a[i] == 0.0 && s.b[i] == 0.0 {
                    s.i[i] = 0.0;
                    continue;
                }
                let g = s.b[i] - s.a[i];
                let cur = g * (v[k] - s.e[i]);
                s.i[i] = cur;
                rhs[k] -= cur * s.scale[i];
                d[k] += g * s.scale[i];
            }
        }
        if let Some(im) = &mut self.imem {
            for k in 0..nm {
                im.i_ion[k] = -rhs[k];
                im.d_mem[k] = d[k] - im.d_axial[k];
            }
        }
        let t = self.t;
        for ic in &self.iclamps {
            if t < ic.delay + ic.dur && t >= ic.delay {
                rhs[ic.node as usize] += ic.amp * ic.scale;
            }
        }
    }

    /// The membrane currents of the set-up visiting each node once: reset rhs and d, eca
    /// by Nernst (with the Ca ion), then every mechanism's current in the order of
    /// [`Self::currents_mechanism_by_mechanism`] (the same operations per node, so the same
    /// bits, with rhs, d and the Ca values loaded and stored once instead of once per
    /// mechanism, and Nernst's two divisions beside the currents' products). For the
    /// templates' combinations (L5 pyramidal: every mechanism; L2 pyramidal: hh2 and km;
    /// basket: hh2); false for others.
    #[inline(always)]
    fn currents_in_one_pass(&mut self, tadj: f64) -> bool {
        let n = self.n_mem;
        let (m, g) = (&self.mechs, &self.gates);
        let slots = Slots {
            v: &self.v[..n],
            d_const: &self.d_const[..n],
            rhs: &mut self.rhs[..n],
            d: &mut self.d[..n],
        };
        let ca_ion = (
            &self.cai[..n],
            &mut self.eca[..n],
            &mut self.ica[..n],
            self.half_ktf,
        );
        match (&m.hh2, &m.km, &m.ca, &m.kca, &m.cat, &m.ar, self.has_ca_ion) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), true) => {
                let each = (
                    a.at(g, n),
                    b.at(g, n, tadj),
                    c.at(g, n, tadj),
                    d.at(g, n, tadj),
                    e.at(g, n),
                    f.at(g, n),
                );
                currents_at_each_node::<true, _, _, _, _, _, _>(each, slots, ca_ion);
            }
            (Some(a), Some(b), None, None, None, None, false) => {
                currents_at_each_node::<false, _, _, _, _, _, _>(
                    (a.at(g, n), b.at(g, n, tadj), (), (), (), ()),
                    slots,
                    ca_ion,
                );
            }
            (Some(a), None, None, None, None, None, false) => {
                currents_at_each_node::<false, _, _, _, _, _, _>(
                    (a.at(g, n), (), (), (), (), ()),
                    slots,
                    ca_ion,
                );
            }
            _ => return false,
        }
        let nn = self.rhs.len();
        self.rhs[n..nn].fill(0.0);
        self.d[n..nn].copy_from_slice(&self.d_const[n..nn]);
        true
    }

    /// The membrane currents of the set-up mechanism by mechanism: rhs ← 0, d ← its
    /// constant part, eca and ica refreshed, then hh2, km, ca, kca, cat and ar, each over
    /// every node.
    #[inline(always)]
    fn currents_mechanism_by_mechanism(&mut self, tadj: f64) {
        self.rhs.fill(0.0);
        self.d.copy_from_slice(&self.d_const);
        if self.has_ca_ion {
            ions::refresh(&self.cai, &mut self.eca, &mut self.ica, self.half_ktf);
        }
        let nm = self.n_mem;
        let (v, rhs, d, g, m) = (
            &self.v[..nm],
            &mut self.rhs[..nm],
            &mut self.d[..nm],
            &self.gates,
            &self.mechs,
        );
        if let Some(x) = &m.hh2 {
            x.current(v, g, rhs, d);
        }
        if let Some(x) = &m.km {
            x.current(v, g, rhs, d, tadj);
        }
        if let Some(x) = &m.ca {
            x.current(v, g, &self.eca, &mut self.ica, rhs, d, tadj);
        }
        if let Some(x) = &m.kca {
            x.current(v, g, rhs, d, tadj);
        }
        if let Some(x) = &m.cat {
            x.current(v, g, rhs, d);
        }
        if let Some(x) = &m.ar {
            x.current(v, g, rhs, d);
        }
    }

    /// Add the axial currents, solve the tree and add Δv to v, every cell of the group as
    /// a lane: per cell the operations of [`super::hines::solve`] in the same order.
    #[inline(always)]
    fn solve(&mut self) -> Result<()> {
        if self.n_cells == 1 {
            return self.solve_one();
        }
        let (nn, lanes) = (self.n_nodes, self.n_cells);
        let (base, parent) = (&self.base, &self.parent);
        let (rhs, d, v) = (&mut self.rhs, &mut self.d, &self.v);
        // axial currents at v_n
        for j in 1..nn {
            let (bj, bp) = (base[j] as usize, base[parent[j] as usize] as usize);
            let (aj, bj_) = (self.a[j], self.b[j]);
            let (rj, rp) = pair_mut(rhs, bj, bp, lanes);
            let (vj, vp) = (&v[bj..bj + lanes], &v[bp..bp + lanes]);
            for c in 0..lanes {
                let dv = vp[c] - vj[c];
                rj[c] -= bj_ * dv;
                rp[c] += aj * dv;
            }
        }
        if any_non_finite(rhs) || any_non_finite(d) {
            return Err(self.first_non_finite(|g, k| g.rhs[k].is_finite() && g.d[k].is_finite()));
        }
        // elimination from the leaves
        for i in (1..nn).rev() {
            let (bi, bp) = (base[i] as usize, base[parent[i] as usize] as usize);
            let (ai, abi) = (self.a[i], self.ab[i]);
            let (di, dp) = pair_mut(d, bi, bp, lanes);
            let (ri, rp) = pair_mut(rhs, bi, bp, lanes);
            for c in 0..lanes {
                let (dc, rc) = (di[c], ri[c]);
                let dp_dec = abi / dc;
                let r = 1.0 / dc;
                let rp_dec = ai * r * rc;
                di[c] = r;
                dp[c] -= dp_dec;
                rp[c] -= rp_dec;
            }
        }
        // the root keeps its pivot; then back substitution toward the leaves
        let b0 = base[0] as usize;
        for c in b0..b0 + lanes {
            rhs[c] /= d[c];
        }
        for i in 1..nn {
            let (bi, bp) = (base[i] as usize, base[parent[i] as usize] as usize);
            let bi_ = self.b[i];
            let (ri, rp) = pair_mut(rhs, bi, bp, lanes);
            let di = &d[bi..bi + lanes];
            for c in 0..lanes {
                ri[c] = (ri[c] - bi_ * rp[c]) * di[c];
            }
        }
        if let Some(im) = &mut self.imem {
            for k in 0..self.n_mem {
                im.i[k] = (im.d_mem[k] * rhs[k] + im.i_ion[k]) * im.area[k] * 0.01;
            }
        }
        let mut bad = false;
        for (x, dx) in self.v.iter_mut().zip(rhs.iter()) {
            *x += dx;
            bad |= !x.is_finite();
        }
        if bad {
            return Err(self.first_non_finite(|g, k| g.v[k].is_finite()));
        }
        Ok(())
    }

    /// [`Self::solve`] for a group of one cell: gathered into lowered order, where
    /// [`super::hines::solve`] carries the pivots along each chain in registers (a lane of
    /// one would go through memory at every node). The same operations in the same order.
    #[inline(always)]
    fn solve_one(&mut self) -> Result<()> {
        let nn = self.n_nodes;
        let map = &self.base;
        let (lr, ld) = (&mut self.lr[..nn], &mut self.ld[..nn]);
        let v = &self.v;
        for j in 0..nn {
            let k = map[j] as usize;
            lr[j] = self.rhs[k];
            ld[j] = self.d[k];
        }
        for j in 1..nn {
            let p = self.parent[j] as usize;
            let dv = v[map[p] as usize] - v[map[j] as usize];
            lr[j] -= self.b[j] * dv;
            lr[p] += self.a[j] * dv;
        }
        if any_non_finite(lr) || any_non_finite(ld) {
            let k = (0..nn)
                .find(|&k| !(lr[k].is_finite() && ld[k].is_finite()))
                .unwrap_or(0);
            return Err(self.non_finite(0, k));
        }
        super::hines::solve(&self.parent, &self.a, &self.b, &self.ab, ld, lr);
        if let Some(im) = &mut self.imem {
            for j in 0..nn {
                let k = map[j] as usize;
                if k < self.n_mem {
                    im.i[k] = (im.d_mem[k] * lr[j] + im.i_ion[k]) * im.area[k] * 0.01;
                }
            }
        }
        let mut bad = false;
        for j in 0..nn {
            let k = map[j] as usize;
            let x = self.v[k] + lr[j];
            bad |= !x.is_finite();
            self.v[k] = x;
        }
        if bad {
            let k = (0..nn)
                .find(|&j| !self.v[map[j] as usize].is_finite())
                .unwrap_or(0);
            return Err(self.non_finite(0, k));
        }
        Ok(())
    }

    /// The error for the first cell (then the first lowered node of it) whose slot fails
    /// `ok`.
    fn first_non_finite(&self, ok: impl Fn(&Self, usize) -> bool) -> Error {
        for c in 0..self.n_cells {
            if let Some(k) = (0..self.n_nodes).find(|&k| !ok(self, self.node(c, k))) {
                return self.non_finite(c, k);
            }
        }
        self.non_finite(0, 0)
    }

    fn non_finite(&self, c: usize, k: usize) -> Error {
        Error::NonFinite {
            cell: self.cell.name.clone(),
            gid: c,
            section: self.cell.sections[self.cell.node_section[k]].name.clone(),
            t: self.t,
        }
    }

    #[inline(always)]
    fn advance_states<C: PhaseClock>(&mut self, tables: &Tables, clock: &mut C) {
        let (m, g, v) = (&mut self.mechs, &mut self.gates, &self.v[..self.n_mem]);
        // cad first: kca's rates use the cai it writes
        if let Some(x) = &mut m.cad {
            x.advance(&self.ica, &mut self.cai);
        }
        clock.lap(Phase::Calcium);
        // cat and ar, ca and km read tables on one grid: placed on it once for both (each
        // mechanism writes only its own gates, so the order does not matter)
        macro_rules! rates_on_one_grid {
            ($a:expr, $ta:expr, $b:expr, $tb:expr) => {
                match ($a, $b) {
                    (Some(x), Some(y)) => {
                        g.from_table_pair::<4, 2, 2, 1>(($ta, x.block()), ($tb, y.block()), v)
                    }
                    (x, y) => {
                        if let Some(x) = x {
                            x.rates(v, g, tables);
                        }
                        if let Some(y) = y {
                            y.rates(v, g, tables);
                        }
                    }
                }
            };
        }
        rates_on_one_grid!(&m.cat, &tables.cat, &m.ar, &tables.ar);
        rates_on_one_grid!(&m.ca, &tables.ca, &m.km, &tables.km);
        if let Some(x) = &m.hh2 {
            x.rates(v, g, tables);
        }
        clock.lap(Phase::Rates);
        // kca's rates (three divisions per node) are computed while the other gates
        // advance, where the divider is otherwise idle
        match &m.kca {
            Some(x) => {
                let (cai, tadj, dt) = (&self.cai, tables.tadj, self.dt);
                g.advance_with_rates_of_last(x.block(), v.len(), |inf, e, r| {
                    kca::rates_of(cai, inf, e, r, tadj, dt)
                });
            }
            None => g.advance(),
        }
        clock.lap(Phase::Cnexp);
        let s = &mut self.syn;
        for (a, c1) in s.a.iter_mut().zip(&s.c1) {
            *a += c1 * (-*a);
        }
        for (b, c2) in s.b.iter_mut().zip(&s.c2) {
            *b += c2 * (-*b);
        }
        clock.lap(Phase::SynapseDecay);
    }

    #[inline(always)]
    fn compute_dipole(&mut self) {
        if self.dipole.is_empty() {
            return;
        }
        let lanes = self.n_cells;
        let q = &mut self.dipole[..lanes];
        q.fill(0.0);
        for term in &self.cell.dipole {
            let bp = self.base[term.parent as usize] as usize;
            let bn = self.base[term.node as usize] as usize;
            let (vp, vn) = (&self.v[bp..bp + lanes], &self.v[bn..bn + lanes]);
            for c in 0..lanes {
                q[c] += (vp[c] - vn[c]) * term.g * term.ztan;
            }
        }
    }
}

/// A group's membrane slots for the set-up: voltages, the constant part of d, and rhs and d
/// to fill.
struct Slots<'a> {
    v: &'a [f64],
    d_const: &'a [f64],
    rhs: &'a mut [f64],
    d: &'a mut [f64],
}

/// rhs and d at every slot from the currents of six mechanisms (`()` for an absent one),
/// added node by node in the order given; with `NERNST`, eca from cai first and ica from
/// the Ca current (the Ca ion's values are `(cai, eca, ica, RT/2F)`).
#[inline(always)]
fn currents_at_each_node<const NERNST: bool, A, B, C, D, E, F>(
    (a, b, c, dm, e, f): (A, B, C, D, E, F),
    s: Slots<'_>,
    (cai, eca, ica, half_ktf): (&[f64], &mut [f64], &mut [f64], f64),
) where
    A: NodeCurrent,
    B: NodeCurrent,
    C: NodeCurrent,
    D: NodeCurrent,
    E: NodeCurrent,
    F: NodeCurrent,
{
    let n = s.v.len();
    let (v, d_const, rhs, d) = (s.v, &s.d_const[..n], &mut s.rhs[..n], &mut s.d[..n]);
    let (cai, eca, ica) = if NERNST {
        (&cai[..n], &mut eca[..n], &mut ica[..n])
    } else {
        (&cai[..0], &mut eca[..0], &mut ica[..0])
    };
    for k in 0..n {
        let (vk, mut r, mut dk, mut ik) = (v[k], 0.0, d_const[k], 0.0);
        let ek = if NERNST {
            ions::nernst(cai[k], half_ktf)
        } else {
            0.0
        };
        a.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        b.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        c.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        dm.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        e.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        f.add(k, vk, ek, &mut ik, &mut r, &mut dk);
        rhs[k] = r;
        d[k] = dk;
        if NERNST {
            eca[k] = ek;
            ica[k] = ik;
        }
    }
}

/// The phases of one step, as [`CellGroup::advance_timed`] reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Synaptic events due in the step.
    Events,
    /// Matrix set-up: reversal potentials, mechanism, synapse and clamp currents.
    Setup,
    /// Axial currents, tree solve, v += Δv.
    Solve,
    /// Transmembrane currents to the contacts (only when recorded).
    Extracellular,
    /// Calcium concentration (cad).
    Calcium,
    /// Steady states and exponents −dt/τ at the new voltage (rate tables and the division
    /// by τ; kca's rates).
    Rates,
    /// The cnexp update of every gate (from the exponents the rates wrote).
    Cnexp,
    /// Decay of the synapses' conductances.
    SynapseDecay,
    /// The per-cell dipole.
    Dipole,
}

impl Phase {
    /// Every phase, in step order.
    pub const ALL: [Phase; 9] = [
        Phase::Events,
        Phase::Setup,
        Phase::Solve,
        Phase::Extracellular,
        Phase::Calcium,
        Phase::Rates,
        Phase::Cnexp,
        Phase::SynapseDecay,
        Phase::Dipole,
    ];
}

/// Marks the end of each phase; the plain step's clock does nothing.
trait PhaseClock {
    fn lap(&mut self, phase: Phase);
}

struct NoClock;

impl PhaseClock for NoClock {
    #[inline(always)]
    fn lap(&mut self, _: Phase) {}
}

/// Wall time per phase, summed over the steps of [`CellGroup::advance_timed`].
#[derive(Debug, Clone, Default)]
pub struct PhaseTimes {
    last: Option<std::time::Instant>,
    /// Nanoseconds per phase, indexed by `Phase as usize`.
    pub ns: [u64; 9],
}

impl PhaseClock for PhaseTimes {
    fn lap(&mut self, phase: Phase) {
        let now = std::time::Instant::now();
        if let Some(last) = self.last {
            self.ns[phase as usize] += (now - last).as_nanos() as u64;
        }
        self.last = Some(now);
    }
}

/// Two disjoint runs of `len` values starting at `i` and `j` (`i != j`, runs not
/// overlapping), both mutable.
#[inline(always)]
fn pair_mut(x: &mut [f64], i: usize, j: usize, len: usize) -> (&mut [f64], &mut [f64]) {
    crate::mech::gates::two_blocks(x, (i, len), (j, len))
}

/// True when any value is NaN or infinite (an integer reduction, so it vectorises).
#[inline(always)]
fn any_non_finite(x: &[f64]) -> bool {
    const EXP: u64 = 0x7ff0_0000_0000_0000;
    x.iter()
        .fold(0u64, |acc, v| acc | u64::from(v.to_bits() & EXP == EXP))
        != 0
}

/// Per-template values in lowered order → slot order for `n_cells` cells.
fn scatter(smap: &[u32], n_cells: usize, per_cell: &[f64]) -> Vec<f64> {
    let nn = per_cell.len();
    let mut out = vec![0.0; nn * n_cells];
    for c in 0..n_cells {
        for k in 0..nn {
            out[smap[c * nn + k] as usize] = per_cell[k];
        }
    }
    out
}

fn default_param(mech: &str, param: &str) -> f64 {
    crate::mech::catalogue::mech_info(mech)
        .and_then(|m| m.param(param))
        .map(|p| p.default)
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(x: &[f64]) -> Vec<u64> {
        x.iter().map(|v| v.to_bits()).collect()
    }

    /// The built-in template `name`, lowered.
    fn lowered(name: &str) -> Arc<crate::lower::LoweredCell> {
        Arc::new(crate::lower::lower(&crate::template_by_name(name).unwrap()).unwrap())
    }

    /// The set-up's currents node by node (one pass) and mechanism by mechanism give the same
    /// rhs, d, eca and ica bits, for the three templates' mechanism sets, on cells that
    /// have fired (clamps of different amplitudes, 400 steps).
    #[test]
    fn one_pass_currents_give_the_same_bits() {
        for name in ["L5_pyramidal", "L2_pyramidal", "L2_basket"] {
            let cell = lowered(name);
            let tables = Tables::new(34.0);
            let n = 16;
            let mut g = CellGroup::new(Arc::clone(&cell), n, 0.025, &tables, 0.0).unwrap();
            for c in 0..n {
                let amp = 0.2 + 0.4 * c as f64 / n as f64;
                g.add_iclamp(c, cell.soma_node, 1.0, 1e9, amp).unwrap();
            }
            let mut spikes = Vec::new();
            for _ in 0..400 {
                g.step(&tables, &mut spikes).unwrap();
            }
            assert!(!spikes.is_empty(), "{name}: the clamps made no spike");
            let (mut one, mut each) = (g.clone(), g);
            for x in [&mut one.rhs, &mut one.d, &mut each.rhs, &mut each.d] {
                x.fill(f64::NAN);
            }
            assert!(
                one.currents_in_one_pass(tables.tadj),
                "{name}: one pass not taken"
            );
            each.currents_mechanism_by_mechanism(tables.tadj);
            assert_eq!(bits(&one.rhs), bits(&each.rhs), "{name}: rhs");
            assert_eq!(bits(&one.d), bits(&each.d), "{name}: d");
            assert_eq!(bits(&one.eca), bits(&each.eca), "{name}: eca");
            assert_eq!(bits(&one.ica), bits(&each.ica), "{name}: ica");
        }
    }

    /// A shared group (one cell stepped for all until the first event) and the same group
    /// stepping every cell give the same bits: spikes and dipoles while shared, and every
    /// state after the first event unshares it and the cells go their own ways.
    #[test]
    fn shared_group_steps_to_the_same_bits() {
        for name in ["L5_pyramidal", "L2_pyramidal", "L2_basket"] {
            let cell = lowered(name);
            let tables = Tables::new(34.0);
            let n = 5;
            let make = || CellGroup::new(Arc::clone(&cell), n, 0.025, &tables, 0.0).unwrap();
            let (mut all, mut one) = (make(), make());
            one.share_while_identical(&tables).unwrap();
            assert!(one.is_shared());
            let n_syn = cell.synapses.len();
            // a strong event on cell 3 at 12 ms, a later one on cell 1: both make them fire
            for g in [&mut all, &mut one] {
                let (e3, e1) = (g.syn_entry(3 * n_syn), g.syn_entry(n_syn + 1));
                g.events.push(12.0, e3 as u32, 0.05);
                g.events.push(14.0, e1 as u32, 0.05);
            }
            let (mut s_all, mut s_one) = (Vec::new(), Vec::new());
            for step in 0..1600 {
                all.step(&tables, &mut s_all).unwrap();
                one.step(&tables, &mut s_one).unwrap();
                assert_eq!(bits(&all.dipole), bits(&one.dipole), "{name} step {step}");
                assert_eq!(all.t.to_bits(), one.t.to_bits());
                if step == 400 {
                    assert!(one.is_shared(), "{name}: unshared before any event");
                }
            }
            assert!(!one.is_shared(), "{name}: still shared after the events");
            assert_eq!(s_all, s_one, "{name}: spikes");
            assert!(!s_all.is_empty(), "{name}: the events made no spike");
            assert_eq!(bits(&all.v), bits(&one.v), "{name}: v");
            assert_eq!(bits(&all.cai), bits(&one.cai), "{name}: cai");
            assert_eq!(bits(&all.gates.x), bits(&one.gates.x), "{name}: gates");
            assert_eq!(bits(&all.syn.a), bits(&one.syn.a), "{name}: synapses");
            assert_eq!(bits(&all.syn.b), bits(&one.syn.b), "{name}: synapses");
            assert_eq!(
                bits(&all.syn.i),
                bits(&one.syn.i),
                "{name}: synapse currents"
            );
            // the cells that received events differ from the others (not one state copied)
            let soma = cell.soma_node;
            assert_ne!(all.v[all.node(3, soma)], all.v[all.node(0, soma)]);
        }
    }

    /// A cell that fires on its own (the group's clamp-free cells are identical) spikes in
    /// every lane at once while shared.
    #[test]
    fn a_shared_group_reports_every_cell_spiking() {
        let cell = lowered("L2_pyramidal");
        let tables = Tables::new(34.0);
        // a threshold below rest: every cell crosses it at the first step
        let mut g = CellGroup::new(Arc::clone(&cell), 4, 0.025, &tables, -100.0).unwrap();
        g.share_while_identical(&tables).unwrap();
        let mut spikes = Vec::new();
        for _ in 0..10 {
            g.step(&tables, &mut spikes).unwrap();
        }
        assert!(g.is_shared());
        assert_eq!(spikes.len(), 4);
        assert_eq!(spikes.iter().map(|s| s.0).collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert_eq!(spikes[0].1, 1e-10);
    }
}
