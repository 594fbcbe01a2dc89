//! ar: anomalous rectifier, non-specific with a -35 mV reversal (hnn-core's `ar.mod`).

use super::rates::Tables;
use super::table::cnexp;

/// Reversal potential [mV].
pub const EREV: f64 = -35.0;

/// All ar instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Ar {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [S/cm²]
    pub gbar: Vec<f64>,
    /// Activation.
    pub m: Vec<f64>,
}

impl Ar {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_ar"));
        self.m.push(0.0);
    }

    /// INITIAL: m = 0.25 (the `.mod` file overwrites minf).
    pub fn init(&mut self) {
        self.m.iter_mut().for_each(|m| *m = 0.25);
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let g = self.gbar[i] * self.m[i];
            rhs[k] -= g * (v[k] - EREV);
            d[k] += g;
        }
    }

    /// States.
    #[inline]
    pub fn advance(&mut self, v: &[f64], dt: f64, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.ar.lookup(v[self.node[i] as usize]);
            self.m[i] = cnexp(self.m[i], r[0], r[1], dt);
        }
    }
}
