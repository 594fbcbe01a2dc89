//! kca: Ca-activated K current (hnn-core's `kca.mod`). Reads cai.

use super::NodeCurrent;
use super::gates::{GateBlock, Gates};
use super::km::KmAt;
use super::rates::kca;

/// kca over every node of a cell group (dense, gbar 0 where absent).
#[derive(Debug, Clone, Default)]
pub struct Kca {
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    gates: GateBlock,
}

impl Kca {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Kca {
            gbar: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gbar[k] = p("gbar_kca");
    }

    /// Allocate the gate (n).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(self.gbar.len());
    }

    /// Its gate ([`Gates::advance_with_rates_of_last`]).
    pub fn block(&self) -> GateBlock {
        self.gates
    }

    /// INITIAL from the initial cai.
    pub fn init(&self, cai: &[f64], g: &mut Gates, tadj: f64) {
        self.rates(cai, g, tadj);
        g.settle(self.gates, cai.len());
    }

    /// Currents.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64], tadj: f64) {
        let len = v.len();
        self.at(g, len, tadj).add_each(v, rhs, d);
    }

    /// Its current node by node over the first `n` nodes ([`NodeCurrent`]): km's form,
    /// `1e-4·tadj·gbar·n·(v − EK)`.
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize, tadj: f64) -> KmAt<'a> {
        let [nn] = g.states::<1>(self.gates, n);
        KmAt::new(&self.gbar[..n], nn, tadj)
    }

    /// Rates from the cai cad has just written.
    #[inline(always)]
    pub fn rates(&self, cai: &[f64], g: &mut Gates, tadj: f64) {
        let dt = g.dt();
        let ([inf], [e]) = g.targets_mut::<1>(self.gates, cai.len());
        rates_of(cai, inf, e, 0..cai.len(), tadj, dt);
    }
}

/// kca's steady states and cnexp exponents −dt/τ at nodes `r` from `cai`.
#[inline(always)]
pub fn rates_of(
    cai: &[f64],
    inf: &mut [f64],
    e: &mut [f64],
    r: std::ops::Range<usize>,
    tadj: f64,
    dt: f64,
) {
    let (cai, inf, e) = (&cai[r.clone()], &mut inf[r.clone()], &mut e[r]);
    for k in 0..cai.len() {
        let x = kca(cai[k], tadj);
        inf[k] = x[0];
        e[k] = -dt / x[1];
    }
}
