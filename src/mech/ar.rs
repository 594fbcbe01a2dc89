//! ar: anomalous rectifier, non-specific with a -35 mV reversal (hnn-core's `ar.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// Reversal potential [mV].
pub const EREV: f64 = -35.0;

/// All ar instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Ar {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [S/cm²]
    pub gbar: Vec<f64>,
    m: GateBlock,
}

impl Ar {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_ar"));
    }

    /// Allocate the gate.
    pub fn alloc(&mut self, g: &mut Gates) {
        self.m = g.alloc(self.node.len());
    }

    /// INITIAL: m = 0.25 (the `.mod` file overwrites minf).
    pub fn init(&self, g: &mut Gates) {
        for i in 0..self.node.len() {
            g.x[self.m.off + i] = 0.25;
        }
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let m = &g.x[self.m.off..self.m.off + self.node.len()];
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let gh = self.gbar[i] * m[i];
            rhs[k] -= gh * (v[k] - EREV);
            d[k] += gh;
        }
    }

    /// Rates at the new voltage.
    #[inline]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<2, 1>(&t.ar, &self.node, v, self.m);
    }
}
