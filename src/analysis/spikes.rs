//! The spike histogram behind hnn-core's `plot_spikes_hist`: which spikes are counted under
//! which label, the bin edges and the counts, as hnn-core 0.6.1 computes them (the colours
//! are chosen by [`crate::viz::hist_colors`]).
//!
//! hnn-core's rules, reproduced here:
//! * trials: all of them, or the given ones (concatenated in the given order);
//! * labels: by default every drive type present (every type that is not one of the four
//!   Jones cell types), each on its own; if there are none, every cell type present. A
//!   label may group several prefixes, and a prefix takes every spike type starting with
//!   it (`"evprox"` takes `evprox1` and `evprox2`); a prefix that matches nothing, or a
//!   spike type claimed by two prefixes, is an error;
//! * edges: `bins + 1` equally spaced edges from 0 to the last sample time (numpy's
//!   `linspace`: edge `i` is `i * (end / bins)`, the last edge is `end` exactly); hnn-core
//!   draws 50 edges (49 bins). Without sample times the end is the last spike of the
//!   concatenated trials;
//! * counts: numpy's `histogram` with explicit edges: bin `i` holds `e[i] <= t < e[i+1]`,
//!   the last bin also `t == end`; spikes outside `[0, end]` are not counted;
//! * order: [`SpikeLabels::labels`] keeps the order the labels are given (hnn-core assigns
//!   colours in that order); the histograms come in label order (sorted), as drawn.

use crate::error::{Error, Result};
use crate::results::CellResponse;

/// The four cell types of hnn-core's Jones model (never "input" types).
const CELL_TYPES: [&str; 4] = ["L5_pyramidal", "L5_basket", "L2_pyramidal", "L2_basket"];

/// hnn-core's number of bins: `np.linspace(0, end, 50)` edges.
pub const HNN_CORE_BINS: usize = 49;

/// One histogram: a label and its counts per bin.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelHist {
    /// Legend label (a spike type or a group name).
    pub label: String,
    /// Where the label stands in the order the labels were given ([`SpikeLabels::labels`]).
    pub order: usize,
    /// Spikes per bin (`edges.len() - 1` of them).
    pub counts: Vec<u64>,
}

/// Histograms of spike times, as drawn by hnn-core's `plot_spikes_hist`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeHist {
    /// Bin edges [ms], increasing.
    pub edges: Vec<f64>,
    /// Histograms in drawing (and legend) order: labels sorted.
    pub hists: Vec<LabelHist>,
}

/// numpy's `linspace(0, end, n)` (n ≥ 2): `i * (end / (n - 1))`, the last exactly `end`.
pub fn linspace_from_zero(end: f64, n: usize) -> Vec<f64> {
    let step = end / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step).collect();
    v[n - 1] = end;
    v
}

/// The spikes of a histogram and the labels they count under, checked and not yet binned
/// (built by [`spike_labels`]; [`SpikeLabels::histogram`] counts them).
#[derive(Debug, Clone)]
pub struct SpikeLabels<'a> {
    /// The cell response the spikes come from.
    cr: &'a CellResponse,
    /// Spike times of the chosen trials, concatenated [ms].
    times: Vec<f64>,
    /// The spike type of each of `times`.
    types: Vec<&'a str>,
    /// Labels in the order they were given.
    labels: Vec<String>,
    /// Spike type → index into `labels`.
    label_of: Vec<(&'a str, usize)>,
    /// Number of bins.
    bins: usize,
}

impl SpikeLabels<'_> {
    /// The labels in the order they were given (the order hnn-core assigns colours in).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Bin the spikes: hnn-core's edges and counts, the histograms sorted by label.
    pub fn histogram(self) -> Result<SpikeHist> {
        let SpikeLabels {
            cr,
            times,
            types,
            labels,
            label_of,
            bins,
        } = self;
        let end = match cr.times.last() {
            Some(t) => *t,
            None => *times.last().ok_or_else(|| {
                Error::invalid(
                    "cell_response",
                    "no sample times and no spikes",
                    "sample times or spikes to set the histogram's range",
                )
            })?,
        };
        if !(end.is_finite() && end > 0.0) {
            return Err(Error::invalid("histogram end", end, "a positive time [ms]"));
        }
        let edges = linspace_from_zero(end, bins + 1);
        let mut counts = vec![vec![0u64; bins]; labels.len()];
        for (t, ty) in times.iter().zip(&types) {
            let Some((_, li)) = label_of.iter().find(|(u, _)| u == ty) else {
                continue;
            };
            if !(*t >= edges[0] && *t <= end) {
                continue;
            }
            let above = edges.partition_point(|e| e <= t);
            counts[*li][(above - 1).min(bins - 1)] += 1;
        }
        let mut hists: Vec<LabelHist> = labels
            .into_iter()
            .zip(counts)
            .enumerate()
            .map(|(order, (label, counts))| LabelHist {
                label,
                order,
                counts,
            })
            .collect();
        hists.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(SpikeHist { edges, hists })
    }
}

/// Compute hnn-core's spike histograms ([`spike_labels`] then [`SpikeLabels::histogram`]).
///
/// `trials`: `None` for all trials. `groups`: `None` for hnn-core's default labels, else
/// (label, prefixes) in the order given. `bins`: the number of bins (hnn-core:
/// [`HNN_CORE_BINS`]).
pub fn spikes_hist(
    cr: &CellResponse,
    trials: Option<&[usize]>,
    groups: Option<&[(String, Vec<String>)]>,
    bins: usize,
) -> Result<SpikeHist> {
    spike_labels(cr, trials, groups, bins)?.histogram()
}

/// Check the arguments of a spike histogram and choose its spikes and labels (hnn-core's
/// rules above); the arguments as [`spikes_hist`]'s.
pub fn spike_labels<'a>(
    cr: &'a CellResponse,
    trials: Option<&[usize]>,
    groups: Option<&[(String, Vec<String>)]>,
    bins: usize,
) -> Result<SpikeLabels<'a>> {
    if bins == 0 {
        return Err(Error::invalid("bins", bins, "at least 1"));
    }
    crate::limits::check_count(
        "histogram bins",
        bins as f64,
        crate::limits::defaults().0,
        "fewer bins",
    )?;
    let n_trials = cr.spike_times.len();
    let all: Vec<usize> = (0..n_trials).collect();
    let trials = trials.unwrap_or(&all);
    if let Some(t) = trials.iter().find(|t| **t >= n_trials) {
        return Err(Error::invalid(
            "trial_idx",
            t,
            format!("below the number of trials, {n_trials}"),
        ));
    }
    // hnn-core looks only at the first trial to decide whether there are spikes at all
    let any = cr.spike_times.first().is_some_and(|t| !t.is_empty());
    let mut times: Vec<f64> = Vec::new();
    let mut types: Vec<&str> = Vec::new();
    if any {
        for &t in trials {
            times.extend(&cr.spike_times[t]);
            types.extend(cr.spike_types[t].iter().map(|s| s.as_str()));
        }
    }
    let mut unique: Vec<&str> = types.clone();
    unique.sort_unstable();
    unique.dedup();

    let default_groups: Vec<(String, Vec<String>)>;
    let groups = match groups {
        Some(g) => g,
        None => {
            let inputs: Vec<&str> = unique
                .iter()
                .copied()
                .filter(|u| !CELL_TYPES.contains(u))
                .collect();
            let chosen = if inputs.iter().any(|s| !s.is_empty()) {
                inputs
            } else {
                unique.clone()
            };
            default_groups = chosen
                .iter()
                .map(|s| (s.to_string(), vec![s.to_string()]))
                .collect();
            &default_groups
        }
    };

    // spike type -> label; labels in the order first given
    let mut label_of: Vec<(&str, usize)> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for (label, prefixes) in groups {
        let li = match labels.iter().position(|l| l == label) {
            Some(i) => i,
            None => {
                labels.push(label);
                labels.len() - 1
            }
        };
        for prefix in prefixes {
            let mut found = 0;
            for &u in &unique {
                if u.starts_with(prefix.as_str()) {
                    if label_of.iter().any(|(t, _)| *t == u) {
                        return Err(Error::invalid(
                            "spike_types",
                            format!("{u} matched twice"),
                            "prefixes that map to mutually exclusive spike types",
                        ));
                    }
                    label_of.push((u, li));
                    found += 1;
                }
            }
            if found == 0 {
                return Err(Error::UnknownName {
                    what: "spike type prefix".into(),
                    name: prefix.clone(),
                    known: unique.join(", "),
                });
            }
        }
    }
    Ok(SpikeLabels {
        cr,
        times,
        types,
        labels: labels.iter().map(|l| l.to_string()).collect(),
        label_of,
        bins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cr(times: Vec<f64>, types: &[&str], end: Option<f64>) -> CellResponse {
        CellResponse {
            spike_gids: vec![vec![0; times.len()]],
            spike_types: vec![types.iter().map(|s| s.to_string()).collect()],
            spike_times: vec![times],
            times: end.map(|e| vec![0.0, e]).unwrap_or_default(),
            ..Default::default()
        }
    }

    #[test]
    fn edges_are_numpy_linspace_and_bins_half_open() {
        let c = cr(
            vec![0.0, 2.5, 5.0, 7.5, 10.0, 10.5, -1.0],
            &["a1", "a1", "a2", "b", "b", "b", "b"],
            Some(10.0),
        );
        let h = spikes_hist(&c, None, None, 4).unwrap();
        assert_eq!(h.edges, vec![0.0, 2.5, 5.0, 7.5, 10.0]);
        let labels: Vec<&str> = h.hists.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(labels, ["a1", "a2", "b"]);
        // 2.5 falls in the second bin; 10.0 (the end) in the last; 10.5 and -1 nowhere
        assert_eq!(h.hists[0].counts, vec![1, 1, 0, 0]);
        assert_eq!(h.hists[1].counts, vec![0, 0, 1, 0]);
        assert_eq!(h.hists[2].counts, vec![0, 0, 0, 2]);
    }

    #[test]
    fn groups_take_prefixes_and_labels_keep_the_given_order() {
        let c = cr(vec![1.0, 2.0, 3.0], &["a1", "a2", "b"], Some(4.0));
        let groups = vec![
            ("z".to_string(), vec!["b".to_string()]),
            ("a".to_string(), vec!["a".to_string()]),
        ];
        let l = spike_labels(&c, None, Some(&groups), 1).unwrap();
        assert_eq!(l.labels(), ["z", "a"]);
        let h = l.histogram().unwrap();
        assert_eq!(h.hists[0].label, "a");
        assert_eq!(h.hists[0].counts, vec![2]);
        assert_eq!((h.hists[0].order, h.hists[1].order), (1, 0));
        let twice = vec![
            ("x".to_string(), vec!["a".to_string()]),
            ("y".to_string(), vec!["a1".to_string()]),
        ];
        assert!(spikes_hist(&c, None, Some(&twice), 1).is_err());
        let none = vec![("x".to_string(), vec!["q".to_string()])];
        assert!(spikes_hist(&c, None, Some(&none), 1).is_err());
    }

    #[test]
    fn cell_types_only_when_no_drive_spikes() {
        let c = cr(vec![1.0, 2.0], &["L2_basket", "L5_pyramidal"], None);
        let h = spikes_hist(&c, None, None, 2).unwrap();
        // no sample times: the range ends at the last spike
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0]);
        assert_eq!(h.hists.len(), 2);
        assert_eq!(h.hists[1].counts, vec![0, 1]);
    }
}
