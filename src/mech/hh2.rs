//! hh2: Hodgkin–Huxley Na, K and leak (hnn-core's `hh2.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;
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
    m: GateBlock,
    h: GateBlock,
    n: GateBlock,
}

impl Hh2 {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gnabar.push(p("gnabar_hh2"));
        self.gkbar.push(p("gkbar_hh2"));
        self.gl.push(p("gl_hh2"));
        self.el.push(p("el_hh2"));
    }

    /// Allocate the gates (m, h, n) once every instance is pushed.
    pub fn alloc(&mut self, g: &mut Gates) {
        let n = self.node.len();
        (self.m, self.h, self.n) = (g.alloc(n), g.alloc(n), g.alloc(n));
    }

    /// INITIAL: gates at their (tabulated) steady state.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.hh2.lookup(v[self.node[i] as usize]);
            g.x[self.m.off + i] = r[0];
            g.x[self.h.off + i] = r[2];
            g.x[self.n.off + i] = r[4];
        }
    }

    /// Add currents and conductances at the present voltage.
    #[inline]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let len = self.node.len();
        let m = &g.x[self.m.off..self.m.off + len];
        let h = &g.x[self.h.off..self.h.off + len];
        let n = &g.x[self.n.off..self.n.off + len];
        for i in 0..len {
            let k = self.node[i] as usize;
            let vk = v[k];
            let gna = self.gnabar[i] * m[i] * m[i] * m[i] * h[i];
            let gk = self.gkbar[i] * n[i] * n[i] * n[i] * n[i];
            let cur = gna * (vk - ENA) + gk * (vk - EK) + self.gl[i] * (vk - self.el[i]);
            rhs[k] -= cur;
            d[k] += gna + gk + self.gl[i];
        }
    }

    /// Steady states and time constants at the new voltage.
    #[inline]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<6, 3>(&t.hh2, &self.node, v, self.m);
    }
}
