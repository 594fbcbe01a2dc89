//! What stimulates a single cell run: trains of presynaptic spikes at its synapses and
//! current clamps (the description; `lower::network::LoweredNetwork::single_cell` lowers
//! them with the cell).

use serde::{Deserialize, Serialize};

use super::Receptor;

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
