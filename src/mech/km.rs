//! km: muscarinic K current (hnn-core's `km.mod`).

use super::EK;
use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// km over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Km {
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

impl Km {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Km {
            gbar: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gbar[k] = p("gbar_km");
    }

    /// Allocate the gate (n).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(self.gbar.len());
    }

    /// INITIAL.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<2, 1>(&t.km, v, self.gates);
        g.settle(self.gates, v.len());
    }

    /// Currents.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64], tadj: f64) {
        let [n] = g.states::<1>(self.gates, v.len());
        let len = v.len();
        let (gbar, rhs, d) = (&self.gbar[..len], &mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            let gk = 1e-4 * (tadj * gbar[k] * n[k]);
            rhs[k] -= gk * (v[k] - EK);
            d[k] += gk;
        }
    }

    /// Its gates (for lookups shared with another mechanism, [`Gates::from_table_pair`]).
    pub fn block(&self) -> GateBlock {
        self.gates
    }

    /// Rates at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<2, 1>(&t.km, v, self.gates);
    }
}
