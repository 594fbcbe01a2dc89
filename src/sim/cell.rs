//! Single-cell simulation: one template, synaptic inputs at given times, current clamps.
//!
//! This is what hnn-core does for one cell of a network, without the network: inputs reach
//! the cell's Exp2Syn synapses as NetCon events at `spike time + delay`. The cell is lowered
//! as a network of one group of one cell ([`LoweredNetwork::single_cell`]), its inputs as
//! drives, and its group built as `simulate_dipole` builds its groups; a group of one cell
//! solves its tree with `solver::hines::solve`.

use serde::{Deserialize, Serialize};

use super::{RecordSections, n_steps};
use crate::error::{Error, Result};
use crate::lower::network::LoweredNetwork;
use crate::mech::rates::Tables;
use crate::model::CellTemplate;
pub use crate::model::{CurrentClamp, SynapticInput};
use crate::solver::group::CellGroup;

/// What a single-cell run does and records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellProtocol {
    /// Stop time [ms].
    pub tstop: f64,
    /// Time step [ms].
    #[serde(default = "default_dt")]
    pub dt: f64,
    /// Temperature [°C].
    #[serde(default = "default_celsius")]
    pub celsius: f64,
    /// Spike threshold at soma(0.5) [mV].
    #[serde(default)]
    pub threshold: f64,
    /// Synaptic inputs.
    #[serde(default)]
    pub inputs: Vec<SynapticInput>,
    /// Current clamps.
    #[serde(default)]
    pub iclamps: Vec<CurrentClamp>,
    /// Record v at sec(0.5).
    #[serde(default)]
    pub record_vsec: RecordSections,
    /// Record synaptic currents.
    #[serde(default)]
    pub record_isec: RecordSections,
    /// Record cai at sec(0.5) (only where a Ca ion exists).
    #[serde(default)]
    pub record_ca: RecordSections,
}

fn default_dt() -> f64 {
    0.025
}
fn default_celsius() -> f64 {
    37.0
}

impl CellProtocol {
    /// A protocol with no inputs that records all section voltages.
    pub fn new(tstop: f64) -> Self {
        CellProtocol {
            tstop,
            dt: default_dt(),
            celsius: default_celsius(),
            threshold: 0.0,
            inputs: vec![],
            iclamps: vec![],
            record_vsec: RecordSections::All,
            record_isec: RecordSections::None,
            record_ca: RecordSections::None,
        }
    }
}

/// What a single-cell run produced, sampled like NEURON's `Vector.record` (n + 1 samples).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CellTrace {
    /// Sample times [ms] (accumulated, as NEURON's t).
    pub times: Vec<f64>,
    /// v at sec(0.5) per recorded section [mV].
    pub vsec: Vec<(String, Vec<f64>)>,
    /// Synaptic currents per `section_receptor` [nA].
    pub isec: Vec<(String, Vec<f64>)>,
    /// cai at sec(0.5) per recorded section [mM].
    pub ca: Vec<(String, Vec<f64>)>,
    /// The cell's current dipole [fAm] (empty for cells without a dipole).
    pub dipole: Vec<f64>,
    /// Spike times at soma(0.5) [ms].
    pub spikes: Vec<f64>,
}

impl CellTrace {
    /// Voltage trace of a section.
    pub fn v(&self, section: &str) -> Option<&[f64]> {
        self.vsec
            .iter()
            .find(|(n, _)| n == section)
            .map(|(_, v)| v.as_slice())
    }
}

/// Run one cell.
pub fn simulate_cell(template: &CellTemplate, p: &CellProtocol) -> Result<CellTrace> {
    if !(p.tstop.is_finite() && p.tstop > 0.0) {
        return Err(Error::invalid("tstop", p.tstop, "a finite number > 0 [ms]"));
    }
    if !(p.celsius.is_finite() && p.celsius > -273.15) {
        return Err(Error::invalid(
            "celsius",
            p.celsius,
            "a finite temperature above -273.15 °C",
        ));
    }
    if !p.threshold.is_finite() {
        return Err(Error::invalid(
            "threshold",
            p.threshold,
            "a finite number [mV]",
        ));
    }
    crate::limits::check_count(
        &format!("time steps (tstop {} ms / dt {} ms)", p.tstop, p.dt),
        p.tstop / p.dt,
        crate::limits::defaults().0,
        "hnn::limits::set_defaults",
    )?;
    // what CellGroup::new refuses, refused before the template is lowered
    if !(p.dt.is_finite() && p.dt > 0.0) {
        return Err(Error::invalid("dt", p.dt, "a finite number > 0 [ms]"));
    }
    let plan = LoweredNetwork::single_cell(template, &p.inputs, &p.iclamps)?;
    let cell = &plan.cells[0];
    let tables = Tables::new(p.celsius);
    let mut g = super::build_group(&plan, 0, p.dt, &tables, p.threshold)?;
    // input k is drive k; its events in the order of its edges, then of its times
    for (inp, edges) in p.inputs.iter().zip(&plan.drive_edges) {
        for e in edges {
            for &ts in &inp.times {
                g.events.push(ts + e.delay, e.syn, e.weight);
            }
        }
    }

    let nsteps = n_steps(p.tstop, p.dt);
    let v_secs = p.record_vsec.sections(cell);
    let ca_secs = p.record_ca.calcium_sections(cell);
    let i_secs = p.record_isec.sections(cell);
    let syn_rec: Vec<(String, usize)> = cell
        .synapses
        .iter()
        .enumerate()
        .filter(|(_, s)| i_secs.contains(&s.section))
        .map(|(i, s)| {
            (
                format!("{}_{}", cell.sections[s.section].name, s.receptor),
                g.syn_entry(i),
            )
        })
        .collect();

    let cap = nsteps + 1;
    let mut trace = CellTrace {
        times: Vec::with_capacity(cap),
        vsec: v_secs
            .iter()
            .map(|&s| (cell.sections[s].name.clone(), Vec::with_capacity(cap)))
            .collect(),
        isec: syn_rec
            .iter()
            .map(|(n, _)| (n.clone(), Vec::with_capacity(cap)))
            .collect(),
        ca: ca_secs
            .iter()
            .map(|&s| (cell.sections[s].name.clone(), Vec::with_capacity(cap)))
            .collect(),
        dipole: if cell.dipole.is_empty() {
            vec![]
        } else {
            Vec::with_capacity(cap)
        },
        spikes: vec![],
    };
    let mut spikes = Vec::new();
    let record = |g: &CellGroup, first: bool, trace: &mut CellTrace| {
        trace.times.push(g.t);
        for (k, &s) in v_secs.iter().enumerate() {
            trace.vsec[k]
                .1
                .push(g.v[g.node(0, cell.sections[s].centre())]);
        }
        for (k, (_, e)) in syn_rec.iter().enumerate() {
            trace.isec[k].1.push(if first { 0.0 } else { g.syn.i[*e] });
        }
        for (k, &s) in ca_secs.iter().enumerate() {
            trace.ca[k]
                .1
                .push(g.cai[g.node(0, cell.sections[s].centre())]);
        }
        if !g.dipole.is_empty() {
            trace.dipole.push(if first { 0.0 } else { g.dipole[0] });
        }
    };
    record(&g, true, &mut trace);
    for k in 0..nsteps {
        g.step(&tables, &mut spikes)?;
        record(&g, false, &mut trace);
        if k % 1000 == 999 {
            crate::interrupt::check()?;
        }
    }
    trace.spikes = spikes.into_iter().map(|(_, t)| t).collect();
    Ok(trace)
}
