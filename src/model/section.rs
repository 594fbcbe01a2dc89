//! One unbranched cable: geometry, passive properties, painted mechanisms and synapses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::mechanism::ParamValue;
use super::synapse::Receptor;

/// hnn-core's segment-count rule: 1 up to 100 µm, otherwise `int(L / 50)` made odd.
pub fn nseg_for_length(length: f64) -> usize {
    if length > 100.0 {
        let n = (length / 50.0) as usize;
        if n.is_multiple_of(2) { n + 1 } else { n }
    } else {
        1
    }
}

/// A section of a cell, as hnn-core's `Section` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct Section {
    /// Length [µm].
    pub L: f64,
    /// Diameter [µm].
    pub diam: f64,
    /// Axial resistivity [Ω·cm].
    pub Ra: f64,
    /// Specific membrane capacitance [µF/cm²].
    pub cm: f64,
    /// Initial membrane potential of every node the section owns [mV].
    pub v0: f64,
    /// Number of segments. Set from `L` when the section is created; like hnn-core,
    /// changing `L` later does not change it.
    pub nseg: usize,
    /// The two end points (0 end, 1 end) [µm], relative to the cell position.
    pub end_pts: [[f64; 3]; 2],
    /// Mechanisms painted on the section: suffix → parameter name → value.
    pub mechs: BTreeMap<String, BTreeMap<String, ParamValue>>,
    /// Receptors with a synapse at the section centre.
    pub syns: Vec<Receptor>,
}

impl Section {
    /// A section without mechanisms or synapses; `nseg` follows hnn-core's rule.
    #[allow(non_snake_case)]
    pub fn new(L: f64, diam: f64, Ra: f64, cm: f64, v0: f64, end_pts: [[f64; 3]; 2]) -> Self {
        Section {
            L,
            diam,
            Ra,
            cm,
            v0,
            nseg: nseg_for_length(L),
            end_pts,
            mechs: BTreeMap::new(),
            syns: Vec::new(),
        }
    }

    /// Segment centres in normalised arc length, computed as numpy's `linspace` does.
    pub fn seg_centres(&self) -> Vec<f64> {
        let n = self.nseg;
        let step = 1.0 / (2 * n) as f64;
        (0..n).map(|j| (2 * j + 1) as f64 * step).collect()
    }

    /// Insert a mechanism with the given parameters (replacing an existing one).
    pub fn insert_mech<'a>(
        &mut self,
        mech: &str,
        params: impl IntoIterator<Item = (&'a str, ParamValue)>,
    ) {
        let entry = self.mechs.entry(mech.to_string()).or_default();
        for (k, v) in params {
            entry.insert(k.to_string(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nseg_rule_matches_hnn_core() {
        assert_eq!(nseg_for_length(22.1), 1);
        assert_eq!(nseg_for_length(100.0), 1);
        assert_eq!(nseg_for_length(102.0), 3);
        assert_eq!(nseg_for_length(306.0), 7);
        assert_eq!(nseg_for_length(255.0), 5);
        assert_eq!(nseg_for_length(680.0), 13);
        assert_eq!(nseg_for_length(425.0), 9);
        assert_eq!(nseg_for_length(238.0), 5);
    }
}
