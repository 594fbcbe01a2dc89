//! Lowering: a cell template → flat per-node arrays, as NEURON discretises it.
//!
//! Node 0 is the root node (soma's 0 end, zero area). Each section contributes its `nseg`
//! segment nodes followed by its zero-area 1-end node. Sections are laid out so that every
//! node's parent has a smaller index, which the Hines elimination relies on.

pub mod extracellular;
pub mod network;

use std::collections::BTreeMap;
use std::f64::consts::PI;

use crate::error::Result;
use crate::model::{CellTemplate, Receptor};

/// The sentinel area NEURON gives zero-area nodes [µm²].
pub const ZERO_AREA_SENTINEL: f64 = 100.0;

/// One section after lowering.
#[derive(Debug, Clone)]
pub struct LoweredSection {
    /// Section name.
    pub name: String,
    /// Index of the first segment node.
    pub first: usize,
    /// Number of segments.
    pub nseg: usize,
    /// Index of the 1-end (zero-area) node.
    pub end: usize,
    /// Node at which the section's 0 end sits (its first segment's parent).
    pub start_node: usize,
}

impl LoweredSection {
    /// The node holding `sec(0.5)` (nseg is odd in hnn-core; for even nseg NEURON picks the
    /// segment containing 0.5, i.e. index nseg/2).
    pub fn centre(&self) -> usize {
        self.first + self.nseg / 2
    }
}

/// Density-mechanism parameters of one segment node: suffix → parameter → value.
pub type NodeMechs = BTreeMap<String, BTreeMap<String, f64>>;

/// One synapse (Exp2Syn) of the template.
#[derive(Debug, Clone)]
pub struct LoweredSynapse {
    /// Section index.
    pub section: usize,
    /// Receptor.
    pub receptor: Receptor,
    /// Node of `sec(0.5)`.
    pub node: usize,
    /// Reversal potential [mV].
    pub e: f64,
    /// Rise time constant after NEURON's adjustment [ms].
    pub tau1: f64,
    /// Decay time constant [ms].
    pub tau2: f64,
    /// Peak normalisation factor.
    pub factor: f64,
}

/// One term of the per-cell dipole: `(v[parent] - v[node]) * g * ztan`.
#[derive(Debug, Clone, Copy)]
pub struct DipoleTerm {
    /// Node whose axial current is taken.
    pub node: u32,
    /// Its parent node.
    pub parent: u32,
    /// Axial conductance [µS].
    pub g: f64,
    /// Path length projected on the dipole axis [µm].
    pub ztan: f64,
}

/// A cell template discretised into nodes.
#[derive(Debug, Clone)]
pub struct LoweredCell {
    /// Template name.
    pub name: String,
    /// Sections in template order.
    pub sections: Vec<LoweredSection>,
    /// Parent of each node (`usize::MAX` for the root).
    pub parent: Vec<usize>,
    /// Node area [µm²] (sentinel 100 for zero-area nodes).
    pub area: Vec<f64>,
    /// True for segment nodes (membrane); false for the root and 1-end nodes.
    pub membrane: Vec<bool>,
    /// Specific capacitance of segment nodes [µF/cm²] (0 elsewhere).
    pub cm: Vec<f64>,
    /// Axial conductance between a node and its parent [µS] (0 for the root).
    pub g_axial: Vec<f64>,
    /// Initial voltage of every node [mV].
    pub v0: Vec<f64>,
    /// Section index owning each node (the root belongs to the soma).
    pub node_section: Vec<usize>,
    /// Mechanisms per node (empty for zero-area nodes).
    pub mechs: Vec<NodeMechs>,
    /// Synapses.
    pub synapses: Vec<LoweredSynapse>,
    /// Dipole terms (empty for cells without a dipole axis).
    pub dipole: Vec<DipoleTerm>,
    /// Node of `soma(0.5)`, the spike detector.
    pub soma_node: usize,
    /// Index of the soma section.
    pub soma_section: usize,
}

impl LoweredCell {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.parent.len()
    }

    /// Number of segment (membrane) nodes, i.e. compartments.
    pub fn n_compartments(&self) -> usize {
        self.membrane.iter().filter(|m| **m).count()
    }

    /// Index of a section by name.
    pub fn section_index(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.name == name)
    }
}

/// Where a group of `n_cells` cells keeps each node: entry `c * n_nodes + k` is the slot of
/// lowered node `k` of cell `c`. Node-major: the segments come first, each segment's cells
/// side by side (`rank · n_cells + c`), then the zero-area nodes the same way, so that
/// mechanisms run over one contiguous range and the tree solve runs over the cells as lanes.
pub fn slot_map(cell: &LoweredCell, n_cells: usize) -> Vec<u32> {
    let nn = cell.n_nodes();
    let m_cell = cell.n_compartments();
    let n_mem = m_cell * n_cells;
    let mut rank = vec![0usize; nn];
    let (mut mr, mut zr) = (0, 0);
    for k in 0..nn {
        if cell.membrane[k] {
            rank[k] = mr;
            mr += 1;
        } else {
            rank[k] = zr;
            zr += 1;
        }
    }
    (0..n_cells)
        .flat_map(|c| {
            let rank = &rank;
            (0..nn).map(move |k| {
                (if cell.membrane[k] {
                    rank[k] * n_cells + c
                } else {
                    n_mem + rank[k] * n_cells + c
                }) as u32
            })
        })
        .collect()
}

/// Lower a validated template.
pub fn lower(t: &CellTemplate) -> Result<LoweredCell> {
    t.validate()?;
    let nsec = t.sections.len();
    let soma = t.section_index("soma")?;
    let start_dist = t.section_start_distances()?;

    // Depth-first order from the soma; children in topology order.
    let mut order = Vec::with_capacity(nsec);
    let mut stack = vec![soma];
    while let Some(i) = stack.pop() {
        order.push(i);
        let name = &t.sections[i].0;
        let kids: Vec<usize> = t
            .topology
            .iter()
            .filter(|a| &a.parent == name)
            .map(|a| t.section_index(&a.child))
            .collect::<Result<_>>()?;
        stack.extend(kids.into_iter().rev());
    }

    let cos_theta: Vec<f64> = match &t.dipole_axis {
        Some(ax) => {
            let a = t.section(ax)?.end_pts;
            let va = sub(a[1], a[0]);
            t.sections
                .iter()
                .map(|(_, s)| {
                    let vb = sub(s.end_pts[1], s.end_pts[0]);
                    let c = dot(va, vb) / (norm(va) * norm(vb));
                    if c.is_finite() { c } else { 0.0 }
                })
                .collect()
        }
        None => vec![0.0; nsec],
    };

    let mut cell = LoweredCell {
        name: t.name.clone(),
        sections: vec![
            LoweredSection {
                name: String::new(),
                first: 0,
                nseg: 0,
                end: 0,
                start_node: 0
            };
            nsec
        ],
        parent: vec![usize::MAX],
        area: vec![ZERO_AREA_SENTINEL],
        membrane: vec![false],
        cm: vec![0.0],
        g_axial: vec![0.0],
        v0: vec![t.sections[soma].1.v0],
        node_section: vec![soma],
        mechs: vec![NodeMechs::new()],
        synapses: Vec::new(),
        dipole: Vec::new(),
        soma_node: 0,
        soma_section: soma,
    };

    for &si in &order {
        let (name, s) = &t.sections[si];
        let start_node = if si == soma {
            0
        } else {
            let att = t
                .topology
                .iter()
                .find(|a| &a.child == name)
                .expect("validated: one parent");
            let pi = t.section_index(&att.parent)?;
            if att.parent_end == 1.0 {
                cell.sections[pi].end
            } else if pi == soma {
                0
            } else {
                // attached to a non-root 0 end: NEURON puts it on the parent's start node
                cell.sections[pi].start_node
            }
        };
        let n = s.nseg;
        // NEURON stores diameters as float32 in the pt3d list.
        let d = s.diam as f32 as f64;
        let dx = s.L / n as f64;
        let r_half = 1e-2 * s.Ra * (dx / 2.0) / (PI * d * d / 4.0);
        let area = PI * d * dx;
        let first = cell.parent.len();
        let centres = s.seg_centres();
        let mut r_right = 0.0;
        for j in 0..n {
            cell.parent
                .push(if j == 0 { start_node } else { first + j - 1 });
            cell.area.push(area);
            cell.membrane.push(true);
            cell.cm.push(s.cm);
            cell.g_axial.push(1.0 / (r_half + r_right));
            r_right = r_half;
            cell.v0.push(s.v0);
            cell.node_section.push(si);
            let x = start_dist[si] + centres[j] * s.L;
            let m: NodeMechs = s
                .mechs
                .iter()
                .map(|(mn, ps)| {
                    (
                        mn.clone(),
                        ps.iter()
                            .map(|(pn, pv)| (pn.clone(), pv.at(j, x)))
                            .collect(),
                    )
                })
                .collect();
            cell.mechs.push(m);
        }
        let end = cell.parent.len();
        cell.parent.push(first + n - 1);
        cell.area.push(ZERO_AREA_SENTINEL);
        cell.membrane.push(false);
        cell.cm.push(0.0);
        cell.g_axial.push(1.0 / r_half);
        cell.v0.push(s.v0);
        cell.node_section.push(si);
        cell.mechs.push(NodeMechs::new());
        cell.sections[si] = LoweredSection {
            name: name.clone(),
            first,
            nseg: n,
            end,
            start_node,
        };

        if t.dipole_axis.is_some() {
            let ct = cos_theta[si];
            let mut xprev = 0.0;
            for (j, &xc) in centres.iter().enumerate() {
                let node = first + j;
                let ztan = (xc - xprev) * s.L * ct;
                cell.dipole.push(DipoleTerm {
                    node: node as u32,
                    parent: cell.parent[node] as u32,
                    g: cell.g_axial[node],
                    ztan,
                });
                xprev = xc;
            }
            cell.dipole.push(DipoleTerm {
                node: end as u32,
                parent: (end - 1) as u32,
                g: cell.g_axial[end],
                ztan: (1.0 - xprev) * s.L * ct,
            });
        }
    }
    cell.soma_node = cell.sections[soma].centre();

    for (si, (_, s)) in t.sections.iter().enumerate() {
        for r in &s.syns {
            let kin = t.synapses[r];
            let (tau1, tau2, factor) = kin.effective();
            cell.synapses.push(LoweredSynapse {
                section: si,
                receptor: *r,
                node: cell.sections[si].centre(),
                e: kin.e,
                tau1,
                tau2,
                factor,
            });
        }
    }
    Ok(cell)
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::templates::*;

    #[test]
    fn node_counts_match_neuron() {
        assert_eq!(lower(&l5_pyramidal()).unwrap().n_nodes(), 65);
        assert_eq!(lower(&l2_pyramidal()).unwrap().n_nodes(), 41);
        assert_eq!(lower(&basket(true)).unwrap().n_nodes(), 3);
    }

    #[test]
    fn areas_and_resistances_match_neuron() {
        // Values checked against NEURON's seg.area() and h.ri() (numerics-reference §2.3).
        let c = lower(&l5_pyramidal()).unwrap();
        let soma = &c.sections[c.section_index("soma").unwrap()];
        assert!((c.area[soma.first] - 3540.889033122579).abs() < 1e-9);
        assert!((1.0 / c.g_axial[soma.first] - 0.05945372248364304).abs() < 1e-14);
        let a1 = &c.sections[c.section_index("apical_1").unwrap()];
        assert!((c.area[a1.first + 1] - 1229.1843779973453).abs() < 1e-9);
        assert!((1.0 / c.g_axial[a1.first + 1] - 2.3806879664967946).abs() < 1e-12);
        assert!((1.0 / c.g_axial[a1.end] - 1.19034398).abs() < 1e-7);
    }

    #[test]
    fn ar_profile_matches_hnn_core() {
        let c = lower(&l5_pyramidal()).unwrap();
        let g = |sec: &str, j: usize| {
            let s = &c.sections[c.section_index(sec).unwrap()];
            c.mechs[s.first + j]["ar"]["gbar_ar"]
        };
        assert!((g("apical_trunk", 0) - 1.1829366106478108e-6).abs() < 1e-20);
        assert!((g("basal_1", 0) - 1.1359848682411619e-6).abs() < 1e-20);
        assert!((g("apical_tuft", 8) - 3.010169774560311e-4).abs() < 1e-18);
    }
}
