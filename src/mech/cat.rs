//! cat: T-type Ca current, non-specific with a fixed 125 mV reversal (hnn-core's `cat.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// Reversal potential [mV].
pub const EREV: f64 = 125.0;

/// All cat instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Cat {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [S/cm²]
    pub gbar: Vec<f64>,
    m: GateBlock,
    h: GateBlock,
}

impl Cat {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_cat"));
    }

    /// Allocate the gates (m, h).
    pub fn alloc(&mut self, g: &mut Gates) {
        let n = self.node.len();
        (self.m, self.h) = (g.alloc(n), g.alloc(n));
    }

    /// INITIAL: h = hinf, m = 0.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        for i in 0..self.node.len() {
            g.x[self.h.off + i] = t.cat.lookup(v[self.node[i] as usize])[2];
            g.x[self.m.off + i] = 0.0;
        }
    }

    /// Currents.
    #[inline]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let len = self.node.len();
        let m = &g.x[self.m.off..self.m.off + len];
        let h = &g.x[self.h.off..self.h.off + len];
        for i in 0..len {
            let k = self.node[i] as usize;
            let gt = self.gbar[i] * m[i] * m[i] * h[i];
            rhs[k] -= gt * (v[k] - EREV);
            d[k] += gt;
        }
    }

    /// Rates at the new voltage.
    #[inline]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.cat, &self.node, v, self.m);
    }
}
