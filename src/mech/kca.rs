//! kca: Ca-activated K current (hnn-core's `kca.mod`). Reads cai.

use super::EK;
use super::rates::kca;
use super::table::cnexp;

/// All kca instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Kca {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    /// Activation.
    pub n: Vec<f64>,
}

impl Kca {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_kca"));
        self.n.push(0.0);
    }

    /// INITIAL from the initial cai.
    pub fn init(&mut self, cai: &[f64], tadj: f64) {
        for i in 0..self.node.len() {
            self.n[i] = kca(cai[self.node[i] as usize], tadj)[0];
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

    /// States, with the cai cad has just written.
    #[inline]
    pub fn advance(&mut self, cai: &[f64], dt: f64, tadj: f64) {
        for i in 0..self.node.len() {
            let r = kca(cai[self.node[i] as usize], tadj);
            self.n[i] = cnexp(self.n[i], r[0], r[1], dt);
        }
    }
}
