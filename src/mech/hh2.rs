//! hh2: Hodgkin–Huxley Na, K and leak (hnn-core's `hh2.mod`).

use super::rates::Tables;
use super::table::cnexp;
use super::{EK, ENA};

/// All hh2 instances of a cell group, struct-of-arrays.
#[derive(Debug, Clone, Default)]
pub struct Hh2 {
    /// Node of each instance in the group's node arrays.
    pub node: Vec<u32>,
    /// [S/cm²]
    pub gnabar: Vec<f64>,
    /// [S/cm²]
    pub gkbar: Vec<f64>,
    /// [S/cm²]
    pub gl: Vec<f64>,
    /// Leak reversal [mV].
    pub el: Vec<f64>,
    /// Na activation.
    pub m: Vec<f64>,
    /// Na inactivation.
    pub h: Vec<f64>,
    /// K activation.
    pub n: Vec<f64>,
}

impl Hh2 {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gnabar.push(p("gnabar_hh2"));
        self.gkbar.push(p("gkbar_hh2"));
        self.gl.push(p("gl_hh2"));
        self.el.push(p("el_hh2"));
        self.m.push(0.0);
        self.h.push(0.0);
        self.n.push(0.0);
    }

    /// INITIAL: gates at their (tabulated) steady state.
    pub fn init(&mut self, v: &[f64], t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.hh2.lookup(v[self.node[i] as usize]);
            self.m[i] = r[0];
            self.h[i] = r[2];
            self.n[i] = r[4];
        }
    }

    /// Add currents and conductances at the present voltage.
    #[inline]
    pub fn current(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let vk = v[k];
            let (m, h, n) = (self.m[i], self.h[i], self.n[i]);
            let gna = self.gnabar[i] * m * m * m * h;
            let gk = self.gkbar[i] * n * n * n * n;
            let cur = gna * (vk - ENA) + gk * (vk - EK) + self.gl[i] * (vk - self.el[i]);
            rhs[k] -= cur;
            d[k] += gna + gk + self.gl[i];
        }
    }

    /// cnexp state update with the new voltage.
    #[inline]
    pub fn advance(&mut self, v: &[f64], dt: f64, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.hh2.lookup(v[self.node[i] as usize]);
            self.m[i] = cnexp(self.m[i], r[0], r[1], dt);
            self.h[i] = cnexp(self.h[i], r[2], r[3], dt);
            self.n[i] = cnexp(self.n[i], r[4], r[5], dt);
        }
    }
}
