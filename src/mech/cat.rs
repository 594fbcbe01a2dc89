//! cat: T-type Ca current, non-specific with a fixed 125 mV reversal (hnn-core's `cat.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// Reversal potential [mV].
pub const EREV: f64 = 125.0;

/// cat over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Cat {
    /// [S/cm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

impl Cat {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Cat {
            gbar: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gbar[k] = p("gbar_cat");
    }

    /// Allocate the gates (m, h).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(2 * self.gbar.len());
    }

    /// INITIAL: h = hinf, m = 0.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.cat, v, self.gates);
        g.settle(self.gates, 2 * v.len());
        g.fill(self.gates, v.len(), 0.0);
    }

    /// Currents.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let [m, h] = g.states::<2>(self.gates, v.len());
        let len = v.len();
        let (gbar, rhs, d) = (&self.gbar[..len], &mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            let gt = gbar[k] * m[k] * m[k] * h[k];
            rhs[k] -= gt * (v[k] - EREV);
            d[k] += gt;
        }
    }

    /// Its gates (for lookups shared with another mechanism, [`Gates::from_table_pair`]).
    pub fn block(&self) -> GateBlock {
        self.gates
    }

    /// Rates at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.cat, v, self.gates);
    }
}
