//! hh2: Hodgkin–Huxley Na, K and leak (hnn-core's `hh2.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;
use super::{EK, ENA};

/// hh2 over every node of a cell group (dense; conductances are 0 where it is absent, which
/// adds exact zeros to the system).
#[derive(Debug, Clone, Default)]
pub struct Hh2 {
    /// [S/cm²]
    pub gnabar: Vec<f64>,
    /// [S/cm²]
    pub gkbar: Vec<f64>,
    /// [S/cm²]
    pub gl: Vec<f64>,
    /// Leak reversal [mV].
    pub el: Vec<f64>,
    gates: GateBlock,
}

impl Hh2 {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Hh2 {
            gnabar: vec![0.0; n],
            gkbar: vec![0.0; n],
            gl: vec![0.0; n],
            el: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k` with parameters `p`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gnabar[k] = p("gnabar_hh2");
        self.gkbar[k] = p("gkbar_hh2");
        self.gl[k] = p("gl_hh2");
        self.el[k] = p("el_hh2");
    }

    /// Allocate the gates (m, h, n).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(3 * self.gl.len());
    }

    /// INITIAL: gates at their (tabulated) steady state.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<6, 3>(&t.hh2, v, self.gates);
        g.settle(self.gates, 3 * v.len());
    }

    /// Add currents and conductances at the present voltage.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let [m, h, n] = g.states::<3>(self.gates, v.len());
        let len = v.len();
        let (gnabar, gkbar, gl, el) = (
            &self.gnabar[..len],
            &self.gkbar[..len],
            &self.gl[..len],
            &self.el[..len],
        );
        let (rhs, d) = (&mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            let vk = v[k];
            let gna = gnabar[k] * m[k] * m[k] * m[k] * h[k];
            let gk = gkbar[k] * n[k] * n[k] * n[k] * n[k];
            let cur = gna * (vk - ENA) + gk * (vk - EK) + gl[k] * (vk - el[k]);
            rhs[k] -= cur;
            d[k] += gna + gk + gl[k];
        }
    }

    /// Steady states and time constants at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<6, 3>(&t.hh2, v, self.gates);
    }
}
