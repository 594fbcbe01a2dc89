//! ca: high-voltage-activated Ca current (hnn-core's `ca.mod`). Writes ica, reads eca.

use super::NodeCurrent;
use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// ca over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Ca {
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

/// ca at one node at a time ([`Ca::at`]).
pub struct CaAt<'a> {
    gbar: &'a [f64],
    m: &'a [f64],
    h: &'a [f64],
    tadj: f64,
}

impl NodeCurrent for CaAt<'_> {
    #[inline(always)]
    fn add(&self, k: usize, v: f64, eca: f64, ica: &mut f64, rhs: &mut f64, d: &mut f64) {
        let (m, h) = (self.m[k], self.h[k]);
        let gca = 1e-4 * (self.tadj * self.gbar[k] * m * m * h);
        let cur = gca * (v - eca);
        *ica += cur;
        *rhs -= cur;
        *d += gca;
    }
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
        let len = v.len();
        let at = self.at(g, len, tadj);
        let (eca, ica) = (&eca[..len], &mut ica[..len]);
        let (rhs, d) = (&mut rhs[..len], &mut d[..len]);
        for k in 0..len {
            at.add(k, v[k], eca[k], &mut ica[k], &mut rhs[k], &mut d[k]);
        }
    }

    /// Its current node by node over the first `n` nodes ([`NodeCurrent`]).
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize, tadj: f64) -> CaAt<'a> {
        let [m, h] = g.states::<2>(self.gates, n);
        CaAt {
            gbar: &self.gbar[..n],
            m,
            h,
            tadj,
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
