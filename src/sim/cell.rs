//! Single-cell simulation: one template, synaptic inputs at given times, current clamps.
//!
//! This is what hnn-core does for one cell of a network, without the network: inputs reach
//! the cell's Exp2Syn synapses as NetCon events at `spike time + delay`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{RecordSections, n_steps};
use crate::error::{Error, Result};
use crate::lower::lower;
use crate::mech::rates::Tables;
use crate::model::{CellTemplate, Receptor};
use crate::solver::group::CellGroup;

/// A train of presynaptic spikes reaching one receptor at a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynapticInput {
    /// A location group (`proximal`, `distal`) or a section name. A group gets one
    /// connection per section, each with the full weight, as in hnn-core.
    pub loc: String,
    /// Receptor.
    pub receptor: Receptor,
    /// Presynaptic spike times [ms].
    pub times: Vec<f64>,
    /// Weight [µS].
    pub weight: f64,
    /// Connection delay [ms].
    pub delay: f64,
}

/// A current clamp (NEURON's IClamp).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrentClamp {
    /// Section name.
    pub section: String,
    /// Position along the section, strictly between 0 and 1.
    #[serde(default = "half")]
    pub loc: f64,
    /// Onset [ms].
    pub delay: f64,
    /// Duration [ms].
    pub dur: f64,
    /// Amplitude [nA] (positive depolarises).
    pub amp: f64,
}

fn half() -> f64 {
    0.5
}

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
    let cell = Arc::new(lower(template)?);
    let tables = Tables::new(p.celsius);
    let mut g = CellGroup::new(cell.clone(), 1, p.dt, &tables, p.threshold)?;

    for inp in &p.inputs {
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
        for sec in secs {
            let si = cell.section_index(&sec).expect("section of template");
            let s = cell
                .synapses
                .iter()
                .position(|s| s.section == si && s.receptor == inp.receptor)
                .ok_or_else(|| Error::UnknownName {
                    what: format!("receptor on {} section {}", template.name, sec),
                    name: inp.receptor.name().into(),
                    known: template
                        .section(&sec)
                        .map(|s| {
                            s.syns
                                .iter()
                                .map(|r| r.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default(),
                })?;
            for &ts in &inp.times {
                if !ts.is_finite() {
                    return Err(Error::invalid(
                        "input spike time",
                        ts,
                        "a finite number [ms]",
                    ));
                }
                g.events.push(ts + inp.delay, s as u32, inp.weight);
            }
        }
    }
    for ic in &p.iclamps {
        let si = template.section_index(&ic.section)?;
        if !(ic.loc > 0.0 && ic.loc < 1.0) {
            return Err(Error::invalid(
                "IClamp loc",
                ic.loc,
                "strictly between 0 and 1",
            ));
        }
        let ls = &cell.sections[si];
        let j = ((ic.loc * ls.nseg as f64) as usize).min(ls.nseg - 1);
        g.add_iclamp(0, ls.first + j, ic.delay, ic.dur, ic.amp)?;
    }

    let nsteps = n_steps(p.tstop, p.dt);
    let pick = |r: RecordSections| -> Vec<usize> {
        match r {
            RecordSections::None => vec![],
            RecordSections::Soma => vec![cell.soma_section],
            RecordSections::All => (0..cell.sections.len()).collect(),
        }
    };
    let v_secs = pick(p.record_vsec);
    let ca_secs: Vec<usize> = pick(p.record_ca)
        .into_iter()
        .filter(|&s| {
            cell.mechs[cell.sections[s].centre()]
                .keys()
                .any(|m| m == "cad" || m == "ca" || m == "kca")
        })
        .collect();
    let i_secs = pick(p.record_isec);
    let syn_rec: Vec<(String, usize)> = cell
        .synapses
        .iter()
        .enumerate()
        .filter(|(_, s)| i_secs.contains(&s.section))
        .map(|(i, s)| {
            (
                format!("{}_{}", cell.sections[s.section].name, s.receptor),
                i,
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
        for (k, (_, i)) in syn_rec.iter().enumerate() {
            trace.isec[k].1.push(if first { 0.0 } else { g.syn.i[*i] });
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
