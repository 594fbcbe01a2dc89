//! cat: T-type Ca current, non-specific with a fixed 125 mV reversal (hnn-core's `cat.mod`).

use super::rates::Tables;
use super::table::cnexp;

/// Reversal potential [mV].
pub const EREV: f64 = 125.0;

/// All cat instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Cat {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [S/cm²]
    pub gbar: Vec<f64>,
    /// Activation.
    pub m: Vec<f64>,
    /// Inactivation.
    pub h: Vec<f64>,
}

impl Cat {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_cat"));
        self.m.push(0.0);
        self.h.push(0.0);
    }

    /// INITIAL: h = hinf, m = 0.
    pub fn init(&mut self, v: &[f64], t: &Tables) {
        for i in 0..self.node.len() {
            self.h[i] = t.cat.lookup(v[self.node[i] as usize])[2];
            self.m[i] = 0.0;
        }
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let g = self.gbar[i] * self.m[i] * self.m[i] * self.h[i];
            rhs[k] -= g * (v[k] - EREV);
            d[k] += g;
        }
    }

    /// States.
    #[inline]
    pub fn advance(&mut self, v: &[f64], dt: f64, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.cat.lookup(v[self.node[i] as usize]);
            self.m[i] = cnexp(self.m[i], r[0], r[1], dt);
            self.h[i] = cnexp(self.h[i], r[2], r[3], dt);
        }
    }
}
