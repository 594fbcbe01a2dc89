//! ca: high-voltage-activated Ca current (hnn-core's `ca.mod`). Writes ica, reads eca.

use super::rates::Tables;
use super::table::cnexp;

/// All ca instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Ca {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    /// Activation.
    pub m: Vec<f64>,
    /// Inactivation.
    pub h: Vec<f64>,
}

impl Ca {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_ca"));
        self.m.push(0.0);
        self.h.push(0.0);
    }

    /// INITIAL.
    pub fn init(&mut self, v: &[f64], t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.ca.lookup(v[self.node[i] as usize]);
            self.m[i] = r[0];
            self.h[i] = r[1];
        }
    }

    /// Currents; the Ca current is also accumulated into `ica`.
    #[inline]
    pub fn current(
        &self,
        v: &[f64],
        eca: &[f64],
        ica: &mut [f64],
        rhs: &mut [f64],
        d: &mut [f64],
        tadj: f64,
    ) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let g = 1e-4 * (tadj * self.gbar[i] * self.m[i] * self.m[i] * self.h[i]);
            let cur = g * (v[k] - eca[k]);
            ica[k] += cur;
            rhs[k] -= cur;
            d[k] += g;
        }
    }

    /// States.
    #[inline]
    pub fn advance(&mut self, v: &[f64], dt: f64, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.ca.lookup(v[self.node[i] as usize]);
            self.m[i] = cnexp(self.m[i], r[0], r[2], dt);
            self.h[i] = cnexp(self.h[i], r[1], r[3], dt);
        }
    }
}
