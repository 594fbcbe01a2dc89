//! Every gating variable of a cell group in one struct-of-arrays, advanced by one loop.
//!
//! Mechanisms first write each gate's steady state and time constant at the new voltage
//! (table lookups); then [`Gates::advance`] applies NEURON's cnexp update to all gates at
//! once, a loop without gathers that the compiler vectorises.

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
    /// Look rate tables up with AVX-512 gathers, fused with the cnexp update of their gates
    /// (set only where the CPU has AVX-512).
    gather: bool,
    /// The gates whose rates are not tabulated (`off..end`): the only ones
    /// [`Gates::advance`] updates when `gather` is set.
    untabulated: Vec<(usize, usize)>,
}

/// The first gate of a mechanism's contiguous gates (its state variables one after the
/// other, each over every node of the group).
#[derive(Debug, Clone, Copy, Default)]
pub struct GateBlock {
    /// First gate index.
    pub off: usize,
}

impl Gates {
    /// Look rate tables up with AVX-512 gathers when `simd` is [`Simd::Avx512`] and
    /// [`Simd::gathers_pay`]; the scalar lookups otherwise (the same bits either way).
    pub fn choose_lookups(&mut self, simd: Simd) {
        self.gather = simd == Simd::Avx512 && Simd::gathers_pay();
    }

    /// Reserve `n` new gates (initialised to 0) whose rates the mechanism writes itself
    /// ([`Gates::targets_mut`]) and return their block.
    pub fn alloc(&mut self, n: usize) -> GateBlock {
        let b = self.alloc_tabulated(n);
        self.untabulated.push((b.off, b.off + n));
        b
    }

    /// Reserve `n` new gates (initialised to 0) whose rates come from a table
    /// ([`Gates::tabulated`]) and return their block.
    pub fn alloc_tabulated(&mut self, n: usize) -> GateBlock {
        let off = self.x.len();
        self.x.resize(off + n, 0.0);
        self.inf.resize(off + n, 0.0);
        self.tau.resize(off + n, 1.0);
        GateBlock { off }
    }

    /// The `G` state variables of a block, each `n` long.
    #[inline(always)]
    pub fn states<const G: usize>(&self, b: GateBlock, n: usize) -> [&[f64]; G] {
        std::array::from_fn(|g| &self.x[b.off + g * n..b.off + (g + 1) * n])
    }

    /// Steady states and time constants of the `G` state variables of a block.
    #[inline(always)]
    pub fn targets_mut<const G: usize>(
        &mut self,
        b: GateBlock,
        n: usize,
    ) -> ([&mut [f64]; G], [&mut [f64]; G]) {
        let (inf, tau) = (
            &mut self.inf[b.off..b.off + G * n],
            &mut self.tau[b.off..b.off + G * n],
        );
        if n == 0 {
            return (
                std::array::from_fn(|_| &mut [][..]),
                std::array::from_fn(|_| &mut [][..]),
            );
        }
        let mut inf = inf.chunks_exact_mut(n);
        let mut tau = tau.chunks_exact_mut(n);
        (
            std::array::from_fn(|_| inf.next().expect("G chunks")),
            std::array::from_fn(|_| tau.next().expect("G chunks")),
        )
    }

    /// Fill the `G` state variables of a block from a table whose outputs are ordered
    /// `(inf_0, tau_0, inf_1, tau_1, ...)`, looked up at each node's voltage.
    #[inline(always)]
    pub fn from_table<const K: usize, const G: usize>(
        &mut self,
        table: &RateTable<K>,
        v: &[f64],
        b: GateBlock,
    ) {
        debug_assert_eq!(K, 2 * G);
        let n = v.len();
        let (inf, tau) = self.targets_mut::<G>(b, n);
        for k in 0..n {
            let r = table.lookup(v[k]);
            for g in 0..G {
                inf[g][k] = r[2 * g];
                tau[g][k] = r[2 * g + 1];
            }
        }
    }

    /// The step of the `G` tabulated gates of a block (allocated by
    /// [`Gates::alloc_tabulated`]) at the new voltage: their rates from `table` (as
    /// [`Gates::from_table`]) and, with gathered lookups, their cnexp update right away (no
    /// steady states or time constants stored); otherwise [`Gates::advance`] does that.
    #[inline(always)]
    pub fn tabulated<const K: usize, const G: usize>(
        &mut self,
        table: &RateTable<K>,
        v: &[f64],
        b: GateBlock,
        dt: f64,
    ) {
        #[cfg(target_arch = "x86_64")]
        if self.gather {
            let n = v.len();
            let x = &mut self.x[b.off..b.off + G * n];
            let mut x = x.chunks_exact_mut(n.max(1));
            let x = std::array::from_fn(|_| x.next().unwrap_or_default());
            // SAFETY: `gather` is set only when the CPU has AVX-512 (`choose_lookups`).
            unsafe { lookup_cnexp::<K, G>(table, v, x, dt) };
            return;
        }
        let _ = dt;
        self.from_table::<K, G>(table, v, b);
    }

    /// Set the states of `n` gates from `b` to their steady state (INITIAL blocks).
    pub fn settle(&mut self, b: GateBlock, n: usize) {
        self.x[b.off..b.off + n].copy_from_slice(&self.inf[b.off..b.off + n]);
    }

    /// Set the states of `n` gates from `b` to `value`.
    pub fn fill(&mut self, b: GateBlock, n: usize, value: f64) {
        self.x[b.off..b.off + n].fill(value);
    }

    /// Number of gates.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no gates.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// cnexp for every gate, `x += (1 − exp(−dt/τ))·(x∞ − x)`, except the tabulated ones
    /// when [`Gates::tabulated`] has updated them already.
    ///
    /// NEURON writes the target as `−(x∞/τ)/(−1/τ)`; it equals x∞ up to one rounding.
    #[inline(always)]
    pub fn advance(&mut self, dt: f64) {
        if self.gather {
            for &(lo, hi) in &self.untabulated {
                cnexp(
                    &mut self.x[lo..hi],
                    &self.inf[lo..hi],
                    &self.tau[lo..hi],
                    dt,
                );
            }
        } else {
            cnexp(&mut self.x, &self.inf, &self.tau, dt);
        }
    }
}

/// cnexp over slices of states, steady states and time constants: blocks of 32 gates with
/// their exps interleaved ([`fastmath::exp_lanes`]), the rest one by one; the same
/// operations per gate either way.
#[inline(always)]
fn cnexp(x: &mut [f64], inf: &[f64], tau: &[f64], dt: f64) {
    const B: usize = 32;
    let n = x.len();
    let (inf, tau) = (&inf[..n], &tau[..n]);
    let blocks = n / B * B;
    for ((xb, ib), tb) in x[..blocks]
        .chunks_exact_mut(B)
        .zip(inf[..blocks].chunks_exact(B))
        .zip(tau[..blocks].chunks_exact(B))
    {
        let mut e = [0.0; B];
        for i in 0..B {
            e[i] = -dt / tb[i];
        }
        fastmath::exp_lanes(&mut e);
        for i in 0..B {
            let c = 1.0 - e[i];
            xb[i] += c * (ib[i] - xb[i]);
        }
    }
    for i in blocks..n {
        let c = 1.0 - fastmath::exp(-dt / tau[i]);
        x[i] += c * (inf[i] - x[i]);
    }
}

/// Lookup and cnexp fused, for `G` gates over the nodes of `v` (`x[g][k]`: gate `g` at node
/// `k`): 32 nodes at a time (the last block padded with copies of its first voltage), looked
/// up eight at a time with AVX-512 gathers ([`RateTable::lookup8`]) into a block that stays
/// in registers and L1, then the cnexp update of each gate over the block. Per gate the
/// operations of [`Gates::from_table`] followed by [`cnexp`], so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn lookup_cnexp<const K: usize, const G: usize>(
    table: &RateTable<K>,
    v: &[f64],
    x: [&mut [f64]; G],
    dt: f64,
) {
    use std::arch::x86_64::*;
    const B: usize = 32;
    let n = v.len();
    assert!(x.iter().all(|x| x.len() == n), "gate lengths");
    let mdt = _mm512_set1_pd(-dt);
    for j0 in (0..n).step_by(B) {
        let m = B.min(n - j0);
        let mut vb = [v[j0]; B];
        vb[..m].copy_from_slice(&v[j0..j0 + m]);
        let mut inf = [[0.0; B]; G];
        let mut e = [[0.0; B]; G];
        for q in (0..B).step_by(8) {
            // SAFETY: q + 8 <= B, the length of vb, inf[g] and e[g].
            unsafe {
                let r = table.lookup8(_mm512_loadu_pd(vb.as_ptr().add(q)));
                for g in 0..G {
                    _mm512_storeu_pd(inf[g].as_mut_ptr().add(q), r[2 * g]);
                    _mm512_storeu_pd(e[g].as_mut_ptr().add(q), _mm512_div_pd(mdt, r[2 * g + 1]));
                }
            }
        }
        for g in 0..G {
            fastmath::exp_lanes(&mut e[g]);
            let xb = &mut x[g][j0..j0 + m];
            for i in 0..m {
                let c = 1.0 - e[g][i];
                xb[i] += c * (inf[g][i] - xb[i]);
            }
        }
    }
}

/// The vector width the step is compiled for. Every variant performs the same IEEE
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

    /// Whether gathered table lookups beat scalar ones here: on Intel CPUs with AVX-512 they
    /// do (measured in docs/performance.md); AMD's gathers are slow, so elsewhere the
    /// scalar lookups stay. `HNN_GATHER=0|1` overrides. Both give the same bits.
    pub fn gathers_pay() -> bool {
        match std::env::var("HNN_GATHER").as_deref() {
            Ok("0") => return false,
            Ok("1") => return Simd::detect() == Simd::Avx512,
            _ => {}
        }
        #[cfg(target_arch = "x86_64")]
        {
            let id = std::arch::x86_64::__cpuid(0);
            let vendor: Vec<u8> = [id.ebx, id.edx, id.ecx]
                .iter()
                .flat_map(|r| r.to_le_bytes())
                .collect();
            vendor == b"GenuineIntel"
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}
