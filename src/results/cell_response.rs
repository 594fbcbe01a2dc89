//! Spikes and recorded traces of the cells of a simulation (hnn-core's `CellResponse`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Recorded traces of one trial: gid → section (or `section_receptor`) → samples.
pub type Traces = BTreeMap<usize, Vec<(String, Vec<f64>)>>;

/// Spikes (cells and drive cells) and optional traces, per trial.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CellResponse {
    /// Spike times per trial [ms], sorted by time then gid.
    pub spike_times: Vec<Vec<f64>>,
    /// The gid of each spike.
    pub spike_gids: Vec<Vec<usize>>,
    /// The cell type or drive of each spike.
    pub spike_types: Vec<Vec<String>>,
    /// Sample times [ms].
    pub times: Vec<f64>,
    /// Cell types of the network.
    pub cell_type_names: Vec<String>,
    /// Voltages per trial (`record_vsec`) [mV].
    pub vsec: Vec<Traces>,
    /// Synaptic currents per trial (`record_isec`) [nA].
    pub isec: Vec<Traces>,
    /// Ca concentrations per trial (`record_ca`) [mM].
    pub ca: Vec<Traces>,
}

impl CellResponse {
    /// Mean firing rate per cell type over a trial [Hz]: spikes / (cells × duration).
    pub fn mean_rates(
        &self,
        trial: usize,
        tstart: f64,
        tstop: f64,
        gid_ranges: &[(String, std::ops::Range<usize>)],
    ) -> Vec<(String, f64)> {
        let dur = (tstop - tstart) / 1000.0;
        self.cell_type_names
            .iter()
            .filter_map(|ct| {
                let r = gid_ranges.iter().find(|(n, _)| n == ct)?.1.clone();
                let n = self
                    .spike_times
                    .get(trial)?
                    .iter()
                    .zip(&self.spike_gids[trial])
                    .filter(|(t, g)| r.contains(g) && **t >= tstart && **t <= tstop)
                    .count();
                Some((ct.clone(), n as f64 / (r.len() as f64 * dur)))
            })
            .collect()
    }
}
