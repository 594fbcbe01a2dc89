//! ca: high-voltage-activated Ca current (hnn-core's `ca.mod`). Writes ica, reads eca.

use super::gates::{GateBlock, Gates};
use super::rates::Tables;

/// All ca instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Ca {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// [pS/µm²]
    pub gbar: Vec<f64>,
    m: GateBlock,
    h: GateBlock,
}

impl Ca {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.gbar.push(p("gbar_ca"));
    }

    /// Allocate the gates (m, h).
    pub fn alloc(&mut self, g: &mut Gates) {
        let n = self.node.len();
        (self.m, self.h) = (g.alloc(n), g.alloc(n));
    }

    /// INITIAL.
    pub fn init(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        for i in 0..self.node.len() {
            let r = t.ca.lookup(v[self.node[i] as usize]);
            g.x[self.m.off + i] = r[0];
            g.x[self.h.off + i] = r[2];
        }
    }

    /// Currents; the Ca current is also accumulated into `ica`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
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
        let len = self.node.len();
        let m = &g.x[self.m.off..self.m.off + len];
        let h = &g.x[self.h.off..self.h.off + len];
        for i in 0..len {
            let k = self.node[i] as usize;
            let gca = 1e-4 * (tadj * self.gbar[i] * m[i] * m[i] * h[i]);
            let cur = gca * (v[k] - eca[k]);
            ica[k] += cur;
            rhs[k] -= cur;
            d[k] += gca;
        }
    }

    /// Rates at the new voltage.
    #[inline]
    pub fn rates(&self, v: &[f64], g: &mut Gates, t: &Tables) {
        g.from_table::<4, 2>(&t.ca, &self.node, v, self.m);
    }
}
