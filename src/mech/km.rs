//! km: muscarinic K current (hnn-core's `km.mod`).

use super::EK;
use super::rates::Tables;
use super::table::cnexp;

/// All km instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Km {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    /// Activation.
    pub n: Vec<f64>,
}

impl Km {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_km"));
        self.n.push(0.0);
    }

    /// INITIAL.
    pub fn init(&mut self, v: &[f64], t: &Tables) {
        for i in 0..self.node.len() {
            self.n[i] = t.km.lookup(v[self.node[i] as usize])[0];
        }
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64], tadj: f64) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let g = 1e-4 * (tadj * self.gbar[i] * self.n[i]);
            rhs[k] -= g * (v[k] - EK);
            d[k] += g;
        }
    }

    /// States.
    #[inline]
    pub fn advance(&mut self, v: &[f64], dt: f64, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.km.lookup(v[self.node[i] as usize]);
            self.n[i] = cnexp(self.n[i], r[0], r[1], dt);
        }
    }
}
