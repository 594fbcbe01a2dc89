//! ar: anomalous rectifier, non-specific with a -35 mV reversal (hnn-core's `ar.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// Reversal potential [mV].
pub const EREV: f64 = -35.0;

/// ar over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Ar {
    /// [S/cm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

impl Ar {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Ar {
            gbar: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gbar[k] = p("gbar_ar");
    }

    /// Allocate the gate (m).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(self.gbar.len());
    }

    /// INITIAL: m = 0.25 (the `.mod` file overwrites minf).
    pub fn init(&self, g: &mut Gates) {
        g.fill(self.gates, self.gbar.len(), 0.25);
    }

    /// Currents.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let [m] = g.states::<1>(self.gates, v.len());
        let len = v.len();
        let (gbar, rhs, d) = (&self.gbar[..len], &mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            let gh = gbar[k] * m[k];
            rhs[k] -= gh * (v[k] - EREV);
            d[k] += gh;
        }
    }

    /// Its gates (for lookups shared with another mechanism, [`Gates::from_table_pair`]).
    pub fn block(&self) -> GateBlock {
        self.gates
    }

    /// Rates at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<2, 1>(&t.ar, v, self.gates);
    }
}
