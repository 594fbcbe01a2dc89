//! Receptors and Exp2Syn kinetics.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A synaptic receptor type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Receptor {
    /// Fast excitatory.
    Ampa,
    /// Slow excitatory (a plain Exp2Syn in HNN: no Mg block).
    Nmda,
    /// Fast inhibitory.
    Gabaa,
    /// Slow inhibitory.
    Gabab,
}

impl Receptor {
    /// All receptors in hnn-core's order.
    pub const ALL: [Receptor; 4] = [
        Receptor::Ampa,
        Receptor::Nmda,
        Receptor::Gabaa,
        Receptor::Gabab,
    ];

    /// hnn-core's name.
    pub fn name(self) -> &'static str {
        match self {
            Receptor::Ampa => "ampa",
            Receptor::Nmda => "nmda",
            Receptor::Gabaa => "gabaa",
            Receptor::Gabab => "gabab",
        }
    }
}

impl fmt::Display for Receptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Receptor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Receptor::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| Error::UnknownName {
                what: "receptor".into(),
                name: s.into(),
                known: "ampa, nmda, gabaa, gabab".into(),
            })
    }
}

/// Exp2Syn parameters of one receptor on a cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynapseKinetics {
    /// Reversal potential [mV].
    pub e: f64,
    /// Rise time constant [ms].
    pub tau1: f64,
    /// Decay time constant [ms].
    pub tau2: f64,
}

impl SynapseKinetics {
    /// Time constants as NEURON's Exp2Syn INITIAL adjusts them, and the peak-normalising
    /// factor: a weight-1 event peaks at a conductance of 1 µS.
    pub fn effective(&self) -> (f64, f64, f64) {
        let mut tau1 = self.tau1;
        let tau2 = self.tau2;
        if tau1 / tau2 > 0.9999 {
            tau1 = 0.9999 * tau2;
        }
        if tau1 / tau2 < 1e-9 {
            tau1 = tau2 * 1e-9;
        }
        let tp = (tau1 * tau2) / (tau2 - tau1) * (tau2 / tau1).ln();
        let factor = 1.0 / (-(-tp / tau1).exp() + (-tp / tau2).exp());
        (tau1, tau2, factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2syn_factor_matches_neuron() {
        // Reference values from numerics-reference §4.1 (NEURON's Exp2Syn INITIAL).
        let f = |t1, t2| {
            SynapseKinetics {
                e: 0.0,
                tau1: t1,
                tau2: t2,
            }
            .effective()
            .2
        };
        assert!((f(0.5, 5.0) - 1.435055183349871).abs() < 1e-14);
        assert!((f(1.0, 20.0) - 1.2323999091818731).abs() < 1e-14);
        assert!((f(45.0, 200.0) - 1.9896392539612353).abs() < 1e-14);
    }
}
