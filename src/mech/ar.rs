//! ar: anomalous rectifier, non-specific with a -35 mV reversal (hnn-core's `ar.mod`).

use super::NodeCurrent;
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

/// ar at one node at a time ([`Ar::at`]).
pub struct ArAt<'a> {
    gbar: &'a [f64],
    m: &'a [f64],
}

impl NodeCurrent for ArAt<'_> {
    #[inline(always)]
    fn add(&self, k: usize, v: f64, _: f64, _: &mut f64, rhs: &mut f64, d: &mut f64) {
        let gh = self.gbar[k] * self.m[k];
        *rhs -= gh * (v - EREV);
        *d += gh;
    }
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
        let len = v.len();
        self.at(g, len).add_each(v, rhs, d);
    }

    /// Its current node by node over the first `n` nodes ([`NodeCurrent`]).
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize) -> ArAt<'a> {
        let [m] = g.states::<1>(self.gates, n);
        ArAt {
            gbar: &self.gbar[..n],
            m,
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
