//! Every gating variable of a cell group in one struct-of-arrays, advanced by one loop.
//!
//! Mechanisms first write each gate's steady state and time constant at the new voltage
//! (table lookups, a gather per instance); then [`Gates::advance`] applies NEURON's cnexp
//! update to all gates at once, a loop without gathers that the compiler vectorises.

use super::fastmath;
use super::table::RateTable;

/// Gating states with their targets and time constants.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// State value.
    pub x: Vec<f64>,
    /// Steady state at the new voltage.
    pub inf: Vec<f64>,
    /// Time constant at the new voltage [ms].
    pub tau: Vec<f64>,
}

/// A contiguous block of gates (one state variable of one mechanism, all instances).
#[derive(Debug, Clone, Copy, Default)]
pub struct GateBlock {
    /// First gate index.
    pub off: usize,
}

impl Gates {
    /// Reserve `n` new gates (initialised to 0) and return their block.
    pub fn alloc(&mut self, n: usize) -> GateBlock {
        let off = self.x.len();
        self.x.resize(off + n, 0.0);
        self.inf.resize(off + n, 0.0);
        self.tau.resize(off + n, 1.0);
        GateBlock { off }
    }

    /// Steady states and time constants of `G` consecutive blocks of `n` gates starting at
    /// `first` (mechanisms allocate their gates consecutively).
    #[inline(always)]
    fn targets_mut<const G: usize>(
        &mut self,
        first: GateBlock,
        n: usize,
    ) -> ([&mut [f64]; G], [&mut [f64]; G]) {
        let mut inf = self.inf[first.off..first.off + G * n].chunks_exact_mut(n);
        let mut tau = self.tau[first.off..first.off + G * n].chunks_exact_mut(n);
        (
            std::array::from_fn(|_| inf.next().expect("G chunks")),
            std::array::from_fn(|_| tau.next().expect("G chunks")),
        )
    }

    /// Fill `G` gates per instance from a table whose outputs are ordered
    /// `(inf_0, tau_0, inf_1, tau_1, ...)`, looked up at each instance's voltage.
    #[inline(always)]
    pub fn from_table<const K: usize, const G: usize>(
        &mut self,
        table: &RateTable<K>,
        node: &[u32],
        v: &[f64],
        first: GateBlock,
    ) {
        debug_assert_eq!(K, 2 * G);
        let n = node.len();
        if n == 0 {
            return;
        }
        let (inf, tau) = self.targets_mut::<G>(first, n);
        for i in 0..n {
            let r = table.lookup(v[node[i] as usize]);
            for g in 0..G {
                inf[g][i] = r[2 * g];
                tau[g][i] = r[2 * g + 1];
            }
        }
    }

    /// Number of gates.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no gates.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// cnexp for every gate: `x += (1 − exp(−dt/τ))·(x∞ − x)`.
    ///
    /// NEURON writes the target as `−(x∞/τ)/(−1/τ)`; it equals x∞ up to one rounding.
    pub fn advance(&mut self, dt: f64, simd: Simd) {
        match simd {
            // SAFETY: `Simd::detect` only reports features the CPU has.
            #[cfg(target_arch = "x86_64")]
            Simd::Avx512 => unsafe { advance_avx512(&mut self.x, &self.inf, &self.tau, dt) },
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2 => unsafe { advance_avx2(&mut self.x, &self.inf, &self.tau, dt) },
            _ => advance_body(&mut self.x, &self.inf, &self.tau, dt),
        }
    }
}

/// The vector width the gate loop is compiled for. Every variant performs the same IEEE
/// operations per lane (no fused multiply-add), so results are bit-identical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simd {
    /// Baseline (SSE2 on x86-64).
    Baseline,
    /// Four lanes.
    Avx2,
    /// Eight lanes.
    Avx512,
}

impl Simd {
    /// The widest variant this CPU supports (`HNN_SIMD=baseline|avx2` narrows it).
    pub fn detect() -> Simd {
        let cap = std::env::var("HNN_SIMD").unwrap_or_default();
        #[cfg(target_arch = "x86_64")]
        {
            if cap != "baseline" && cap != "avx2" && std::is_x86_feature_detected!("avx512f") {
                return Simd::Avx512;
            }
            if cap != "baseline" && std::is_x86_feature_detected!("avx2") {
                return Simd::Avx2;
            }
        }
        let _ = cap;
        Simd::Baseline
    }
}

#[inline(always)]
fn advance_body(x: &mut [f64], inf: &[f64], tau: &[f64], dt: f64) {
    let n = x.len().min(inf.len()).min(tau.len());
    let (x, inf, tau) = (&mut x[..n], &inf[..n], &tau[..n]);
    for i in 0..n {
        let c = 1.0 - fastmath::exp(-dt / tau[i]);
        x[i] += c * (inf[i] - x[i]);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn advance_avx512(x: &mut [f64], inf: &[f64], tau: &[f64], dt: f64) {
    advance_body(x, inf, tau, dt)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn advance_avx2(x: &mut [f64], inf: &[f64], tau: &[f64], dt: f64) {
    advance_body(x, inf, tau, dt)
}
