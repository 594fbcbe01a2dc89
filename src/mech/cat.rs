//! cat: T-type Ca current, non-specific with a fixed 125 mV reversal (hnn-core's `cat.mod`).

use super::NodeCurrent;
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

/// cat at one node at a time ([`Cat::at`]).
pub struct CatAt<'a> {
    gbar: &'a [f64],
    m: &'a [f64],
    h: &'a [f64],
}

impl NodeCurrent for CatAt<'_> {
    #[inline(always)]
    fn add(&self, k: usize, v: f64, _: f64, _: &mut f64, rhs: &mut f64, d: &mut f64) {
        let (m, h) = (self.m[k], self.h[k]);
        let gt = self.gbar[k] * m * m * h;
        *rhs -= gt * (v - EREV);
        *d += gt;
    }
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
        let len = v.len();
        self.at(g, len).add_each(v, rhs, d);
    }

    /// Its current node by node over the first `n` nodes ([`NodeCurrent`]).
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize) -> CatAt<'a> {
        let [m, h] = g.states::<2>(self.gates, n);
        CatAt {
            gbar: &self.gbar[..n],
            m,
            h,
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
