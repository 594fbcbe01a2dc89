//! km: muscarinic K current (hnn-core's `km.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;
use super::{EK, NodeCurrent};

/// km over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Km {
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

/// km at one node at a time ([`Km::at`]); kca's current has the same form
/// ([`super::kca::Kca::at`]).
pub struct KmAt<'a> {
    gbar: &'a [f64],
    n: &'a [f64],
    tadj: f64,
}

impl<'a> KmAt<'a> {
    /// The view of conductances `gbar` [pS/µm²] and gates `n` at temperature factor `tadj`.
    pub fn new(gbar: &'a [f64], n: &'a [f64], tadj: f64) -> Self {
        KmAt { gbar, n, tadj }
    }
}

impl NodeCurrent for KmAt<'_> {
    #[inline(always)]
    fn add(&self, k: usize, v: f64, _: f64, _: &mut f64, rhs: &mut f64, d: &mut f64) {
        let gk = 1e-4 * (self.tadj * self.gbar[k] * self.n[k]);
        *rhs -= gk * (v - EK);
        *d += gk;
    }
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
        let len = v.len();
        self.at(g, len, tadj).add_each(v, rhs, d);
    }

    /// Its current node by node over the first `n` nodes ([`NodeCurrent`]).
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize, tadj: f64) -> KmAt<'a> {
        let [nn] = g.states::<1>(self.gates, n);
        KmAt::new(&self.gbar[..n], nn, tadj)
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
