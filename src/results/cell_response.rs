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

/// Firing rates per cell type (hnn-core's `mean_type`).
#[derive(Debug, Clone, PartialEq)]
pub enum MeanRates {
    /// The mean over trials of the mean over cells [Hz].
    All(f64),
    /// Per trial, the mean over cells [Hz].
    Trial(Vec<f64>),
    /// Per trial, per cell [Hz].
    Cell(Vec<Vec<f64>>),
}

impl CellResponse {
    /// Mean firing rates per cell type, as hnn-core's `CellResponse.mean_rates`: each cell's
    /// spike count in a trial divided by `tstop - tstart` (as hnn-core does, every spike of
    /// the trial counts, whatever its time), in Hz.
    pub fn mean_rates(
        &self,
        tstart: f64,
        tstop: f64,
        gid_ranges: &[(String, std::ops::Range<usize>)],
        mean_type: &str,
    ) -> crate::Result<Vec<(String, MeanRates)>> {
        if !["all", "trial", "cell"].contains(&mean_type) {
            return Err(crate::Error::UnknownName {
                what: "mean_type".into(),
                name: mean_type.into(),
                known: "all, trial, cell".into(),
            });
        }
        if !(tstart.is_finite() && tstop.is_finite() && tstop > tstart) {
            return Err(crate::Error::invalid(
                "tstop - tstart",
                tstop - tstart,
                "a positive duration [ms]",
            ));
        }
        let mut out = Vec::new();
        for ct in &self.cell_type_names {
            let Some((_, range)) = gid_ranges.iter().find(|(n, _)| n == ct) else {
                return Err(crate::Error::invalid(
                    format!("gid_ranges['{ct}']"),
                    "missing",
                    "a range for every cell type",
                ));
            };
            let per_trial: Vec<Vec<f64>> = self
                .spike_gids
                .iter()
                .zip(&self.spike_types)
                .map(|(gids, types)| {
                    let mut counts = vec![0usize; range.len()];
                    for (g, t) in gids.iter().zip(types) {
                        if t == ct && range.contains(g) {
                            counts[g - range.start] += 1;
                        }
                    }
                    counts
                        .into_iter()
                        .map(|c| c as f64 / (tstop - tstart) * 1000.0)
                        .collect()
                })
                .collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            let r = match mean_type {
                "all" => {
                    MeanRates::All(mean(&per_trial.iter().map(|t| mean(t)).collect::<Vec<_>>()))
                }
                "trial" => MeanRates::Trial(per_trial.iter().map(|t| mean(t)).collect()),
                _ => MeanRates::Cell(per_trial),
            };
            out.push((ct.clone(), r));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_rates_follow_hnn_core() {
        let cr = CellResponse {
            spike_times: vec![vec![1.0, 2.0, 3.0], vec![5.0]],
            spike_gids: vec![vec![0, 0, 1], vec![1]],
            spike_types: vec![vec!["A".into(), "A".into(), "A".into()], vec!["A".into()]],
            cell_type_names: vec!["A".into()],
            ..Default::default()
        };
        let ranges = vec![("A".to_string(), 0..2)];
        // trial 0: cells 2 and 1 spikes over 100 ms -> 20 and 10 Hz; trial 1: 0 and 10 Hz
        match &cr.mean_rates(0.0, 100.0, &ranges, "all").unwrap()[0].1 {
            MeanRates::All(x) => assert!((x - 10.0).abs() < 1e-12),
            other => panic!("{other:?}"),
        }
        match &cr.mean_rates(0.0, 100.0, &ranges, "cell").unwrap()[0].1 {
            MeanRates::Cell(v) => assert_eq!(v, &vec![vec![20.0, 10.0], vec![0.0, 10.0]]),
            other => panic!("{other:?}"),
        }
        assert!(cr.mean_rates(0.0, 100.0, &ranges, "median").is_err());
        assert!(cr.mean_rates(10.0, 10.0, &ranges, "all").is_err());
    }
}
