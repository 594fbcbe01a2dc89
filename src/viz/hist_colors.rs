//! The colours of spike histograms (hnn-core's `plot_spikes_hist` `color`): one per label,
//! assigned in the order the labels are given ([`crate::analysis::spikes::SpikeLabels::labels`]).

use super::Rgb;
use crate::error::{Error, Result};

/// hnn-core's default colour cycle for spike histograms: matplotlib's `r g b y m c`.
pub const HIST_COLORS: [Rgb; 6] = [
    (255, 0, 0),
    (0, 128, 0),
    (0, 0, 255),
    (191, 191, 0),
    (191, 0, 191),
    (0, 191, 191),
];

/// How histogram colours are chosen (hnn-core's `color`).
#[derive(Debug, Clone, PartialEq)]
pub enum HistColors {
    /// Cycle through these, one per label in the order the labels are given.
    Cycle(Vec<Rgb>),
    /// One colour per label; every label must be present.
    ByLabel(Vec<(String, Rgb)>),
}

impl Default for HistColors {
    fn default() -> Self {
        HistColors::Cycle(HIST_COLORS.to_vec())
    }
}

impl HistColors {
    /// The colour of each of `labels` (given in hnn-core's order), or an error when the
    /// cycle is empty or a label has no colour.
    pub fn for_labels(&self, labels: &[String]) -> Result<Vec<Rgb>> {
        match self {
            HistColors::Cycle(c) if c.is_empty() => Err(Error::invalid(
                "color",
                "an empty list",
                "at least one colour",
            )),
            HistColors::Cycle(c) => Ok((0..labels.len()).map(|i| c[i % c.len()]).collect()),
            HistColors::ByLabel(m) => labels
                .iter()
                .map(|l| {
                    m.iter()
                        .find(|(k, _)| k == l)
                        .map(|(_, c)| *c)
                        .ok_or_else(|| {
                            Error::invalid(
                                "color",
                                format!("no colour for '{l}'"),
                                "a colour per label",
                            )
                        })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_follow_the_given_order() {
        let labels = ["z".to_string(), "a".to_string()];
        let c = HistColors::default().for_labels(&labels).unwrap();
        assert_eq!(c, [HIST_COLORS[0], HIST_COLORS[1]]);
        let seven: Vec<String> = (0..7).map(|i| i.to_string()).collect();
        assert_eq!(
            HistColors::default().for_labels(&seven).unwrap()[6],
            HIST_COLORS[0]
        );
        assert!(HistColors::Cycle(Vec::new()).for_labels(&labels).is_err());
        let by = HistColors::ByLabel(vec![("a".into(), (1, 2, 3))]);
        assert!(by.for_labels(&labels).is_err());
        assert_eq!(by.for_labels(&labels[1..]).unwrap(), [(1, 2, 3)]);
    }
}
