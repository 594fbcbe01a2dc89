//! km: muscarinic K current (hnn-core's `km.mod`).

use super::EK;
use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// All km instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Km {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    n: GateBlock,
}

impl Km {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_km"));
    }

    /// Allocate the gate.
    pub fn alloc(&mut self, g: &mut Gates) {
        self.n = g.alloc(self.node.len());
    }

    /// INITIAL.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        for i in 0..self.node.len() {
            g.x[self.n.off + i] = t.km.lookup(v[self.node[i] as usize])[0];
        }
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64], tadj: f64) {
        let n = &g.x[self.n.off..self.n.off + self.node.len()];
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let gk = 1e-4 * (tadj * self.gbar[i] * n[i]);
            rhs[k] -= gk * (v[k] - EK);
            d[k] += gk;
        }
    }

    /// Rates at the new voltage.
    #[inline]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<2, 1>(&t.km, &self.node, v, self.n);
    }
}
