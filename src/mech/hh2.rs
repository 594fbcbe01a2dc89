//! hh2: Hodgkin–Huxley Na, K and leak (hnn-core's `hh2.mod`).

use super::gates::{GateBlock, Gates};
use super::rates::Tables;
use super::{EK, ENA, NodeCurrent};

/// hh2 over every node of a cell group (dense; conductances are 0 where it is absent, which
/// adds exact zeros to the system).
#[derive(Debug, Clone, Default)]
pub struct Hh2 {
    /// [S/cm²]
    pub gnabar: Vec<f64>,
    /// [S/cm²]
    pub gkbar: Vec<f64>,
    /// [S/cm²]
    pub gl: Vec<f64>,
    /// Leak reversal [mV].
    pub el: Vec<f64>,
    gates: GateBlock,
}

/// hh2 at one node at a time ([`Hh2::at`]).
pub struct Hh2At<'a> {
    gnabar: &'a [f64],
    gkbar: &'a [f64],
    gl: &'a [f64],
    el: &'a [f64],
    m: &'a [f64],
    h: &'a [f64],
    n: &'a [f64],
}

impl NodeCurrent for Hh2At<'_> {
    #[inline(always)]
    fn add(&self, k: usize, v: f64, _: f64, _: &mut f64, rhs: &mut f64, d: &mut f64) {
        let (m, h, n) = (self.m[k], self.h[k], self.n[k]);
        let gna = self.gnabar[k] * m * m * m * h;
        let gk = self.gkbar[k] * n * n * n * n;
        let gl = self.gl[k];
        let cur = gna * (v - ENA) + gk * (v - EK) + gl * (v - self.el[k]);
        *rhs -= cur;
        *d += gna + gk + gl;
    }
}

impl Hh2 {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Hh2 {
            gnabar: vec![0.0; n],
            gkbar: vec![0.0; n],
            gl: vec![0.0; n],
            el: vec![0.0; n],
            gates: GateBlock::default(),
        }
    }

    /// Present at node `k` with parameters `p`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.gnabar[k] = p("gnabar_hh2");
        self.gkbar[k] = p("gkbar_hh2");
        self.gl[k] = p("gl_hh2");
        self.el[k] = p("el_hh2");
    }

    /// Allocate the gates (m, h, n).
    pub fn alloc(&mut self, g: &mut Gates) {
        self.gates = g.alloc(3 * self.gl.len());
    }

    /// INITIAL: gates at their (tabulated) steady state.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<6, 3>(&t.hh2, v, self.gates);
        g.settle(self.gates, 3 * v.len());
    }

    /// Add currents and conductances at the present voltage.
    #[inline(always)]
    pub fn current(&self, v: &[f64], g: &Gates, rhs: &mut [f64], d: &mut [f64]) {
        let len = v.len();
        self.at(g, len).add_each(v, rhs, d);
    }

    /// Its currents node by node over the first `n` nodes ([`NodeCurrent`]).
    #[inline(always)]
    pub fn at<'a>(&'a self, g: &'a Gates, n: usize) -> Hh2At<'a> {
        let [m, h, nn] = g.states::<3>(self.gates, n);
        Hh2At {
            gnabar: &self.gnabar[..n],
            gkbar: &self.gkbar[..n],
            gl: &self.gl[..n],
            el: &self.el[..n],
            m,
            h,
            n: nn,
        }
    }

    /// Steady states and time constants at the new voltage.
    #[inline(always)]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<6, 3>(&t.hh2, v, self.gates);
    }
}
