//! kca: Ca-activated K current (hnn-core's `kca.mod`). Reads cai.

use super::EK;
use super::gates::{GateBlock, Gates};
use super::rates::kca;

/// All kca instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Kca {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    n: GateBlock,
}

impl Kca {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_kca"));
    }

    /// Allocate the gate.
    pub fn alloc(&mut self, g: &mut Gates) {
        self.n = g.alloc(self.node.len());
    }

    /// INITIAL from the initial cai.
    pub fn init(&self, cai: &[f64], g: &mut Gates, tadj: f64) {
        for i in 0..self.node.len() {
            g.x[self.n.off + i] = kca(cai[self.node[i] as usize], tadj)[0];
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

    /// Rates from the cai cad has just written.
    #[inline]
    pub fn rates(&self, cai: &[f64], g: &mut Gates, tadj: f64) {
        for i in 0..self.node.len() {
            let r = kca(cai[self.node[i] as usize], tadj);
            g.inf[self.n.off + i] = r[0];
            g.tau[self.n.off + i] = r[1];
        }
    }
}
