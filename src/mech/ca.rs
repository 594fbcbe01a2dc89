//! ca: high-voltage-activated Ca current (hnn-core's `ca.mod`). Writes ica, reads eca.

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// ca over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Ca {
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

impl Ca {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Ca {
            gbar: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gbar[k] = p("gbar_ca");
    }

    /// Allocate the gates (m, h).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(2 * self.gbar.len());
    }

    /// INITIAL.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.ca, v, self.gates);
        g.settle(self.gates, 2 * v.len());
    }

    /// Currents; the Ca current is also accumulated into `ica`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn current(
        &self,
        v: &[f64],
        g: &Gates,
        eca: &[f64],
        ica: &mut [f64],
        rhs: &mut [f64],
        d: &mut [f64],
        tadj: f64,
    ) {
        let [m, h] = g.states::<2>(self.gates, v.len());
        let len = v.len();
        let (gbar, eca, ica) = (&self.gbar[..len], &eca[..len], &mut ica[..len]);
        let (rhs, d) = (&mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            let gca = 1e-4 * (tadj * gbar[k] * m[k] * m[k] * h[k]);
            let cur = gca * (v[k] - eca[k]);
            ica[k] += cur;
            rhs[k] -= cur;
            d[k] += gca;
        }
    }

    /// Its gates (for lookups shared with another mechanism, [`Gates::from_table_pair`]).
    pub fn block(&self) -> GateBlock {
        self.gates
    }

    /// Rates at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.ca, v, self.gates);
    }
}
