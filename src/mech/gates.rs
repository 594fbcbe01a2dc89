//! Every gating variable of a cell group in one struct-of-arrays, advanced by one loop.
//!
//! Mechanisms first write each gate's steady state and the exponent `−dt/τ` of its update at
//! the new voltage (table lookups, then the division by τ); then [`Gates::advance`] applies
//! NEURON's cnexp update to all gates at once, a loop without table reads that the compiler
//! vectorises. The division sits with the lookups because there the divider is otherwise
//! idle, while the update keeps the vector ports busy (docs/performance.md).

use super::fastmath;
use super::table::RateTable;

/// Gating states with their targets and time constants.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// State value.
    pub x: Vec<f64>,
    /// Steady state at the new voltage.
    pub inf: Vec<f64>,
    /// The exponent of the cnexp update at the new voltage, `−dt/τ` (τ the time constant
    /// [ms]).
    pub exponent: Vec<f64>,
    /// The time step the exponents are for [ms].
    dt: f64,
    /// Look rate tables up eight nodes at a time with AVX-512 (set only where the CPU has it).
    vector_lookups: bool,
    /// Run cnexp with the AVX-512 kernel [`cnexp_avx512`] (set only where the CPU has it).
    scalef: bool,
}

/// The first gate of a mechanism's contiguous gates (its state variables one after the
/// other, each over every node of the group).
#[derive(Debug, Clone, Copy, Default)]
pub struct GateBlock {
    /// First gate index.
    pub off: usize,
}

impl Gates {
    /// No gates yet, for steps of `dt` [ms].
    pub fn new(dt: f64) -> Self {
        Gates {
            dt,
            ..Gates::default()
        }
    }

    /// Look rate tables up eight nodes at a time when `simd` is [`Simd::Avx512`] and
    /// [`Simd::vector_lookups_pay`], the scalar lookups otherwise; advance the gates with the
    /// AVX-512 cnexp kernel when `simd` is [`Simd::Avx512`] (unless `HNN_SCALEF=0`), the
    /// portable loop otherwise. The same bits either way.
    pub fn choose_lookups(&mut self, simd: Simd) {
        self.vector_lookups = simd == Simd::Avx512 && Simd::vector_lookups_pay();
        self.scalef = simd == Simd::Avx512 && std::env::var("HNN_SCALEF").as_deref() != Ok("0");
    }

    /// Reserve `n` new gates (initialised to 0) and return their block.
    pub fn alloc(&mut self, n: usize) -> GateBlock {
        let off = self.x.len();
        self.x.resize(off + n, 0.0);
        self.inf.resize(off + n, 0.0);
        self.exponent.resize(off + n, 0.0);
        GateBlock { off }
    }

    /// The `G` state variables of a block, each `n` long.
    #[inline(always)]
    pub fn states<const G: usize>(&self, b: GateBlock, n: usize) -> [&[f64]; G] {
        std::array::from_fn(|g| &self.x[b.off + g * n..b.off + (g + 1) * n])
    }

    /// The time step the exponents are for [ms].
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// Steady states and exponents `−dt/τ` of the `G` state variables of a block.
    #[inline(always)]
    pub fn targets_mut<const G: usize>(
        &mut self,
        b: GateBlock,
        n: usize,
    ) -> ([&mut [f64]; G], [&mut [f64]; G]) {
        let (inf, ex) = (
            &mut self.inf[b.off..b.off + G * n],
            &mut self.exponent[b.off..b.off + G * n],
        );
        if n == 0 {
            return (
                std::array::from_fn(|_| &mut [][..]),
                std::array::from_fn(|_| &mut [][..]),
            );
        }
        let mut inf = inf.chunks_exact_mut(n);
        let mut ex = ex.chunks_exact_mut(n);
        (
            std::array::from_fn(|_| inf.next().expect("G chunks")),
            std::array::from_fn(|_| ex.next().expect("G chunks")),
        )
    }

    /// Fill the `G` state variables of a block from a table whose outputs are ordered
    /// `(inf_0, tau_0, inf_1, tau_1, ...)`, looked up at each node's voltage: the steady
    /// states and the exponents `−dt/τ`.
    #[inline(always)]
    pub fn from_table<const K: usize, const G: usize>(
        &mut self,
        table: &RateTable<K>,
        v: &[f64],
        b: GateBlock,
    ) {
        debug_assert_eq!(K, 2 * G);
        let (n, dt) = (v.len(), self.dt);
        #[cfg(target_arch = "x86_64")]
        if self.vector_lookups {
            let out = interleave::<K>(
                &mut self.inf[b.off..b.off + G * n],
                &mut self.exponent[b.off..b.off + G * n],
                n,
            );
            // SAFETY: `vector_lookups` is set only when the CPU has AVX-512 (`choose_lookups`).
            unsafe { lookup_vector(table, v, out, dt) };
            return;
        }
        // one gate array at a time (faster here than `store_rate` through the interleaved
        // outputs), the same division as `store_rate`'s
        let (inf, e) = self.targets_mut::<G>(b, n);
        for k in 0..n {
            let r = table.lookup(v[k]);
            for g in 0..G {
                inf[g][k] = r[2 * g];
                e[g][k] = -dt / r[2 * g + 1];
            }
        }
    }

    /// [`Gates::from_table`] for two tables on one grid (`RateTable::same_grid`) at the
    /// same voltages: with the vector lookups, each block of eight voltages is placed on the
    /// grid once for both (the same operations, so the same bits); otherwise, or when the
    /// grids differ, one table after the other.
    #[inline(always)]
    pub fn from_table_pair<const K1: usize, const G1: usize, const K2: usize, const G2: usize>(
        &mut self,
        (t1, b1): (&RateTable<K1>, GateBlock),
        (t2, b2): (&RateTable<K2>, GateBlock),
        v: &[f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        if self.vector_lookups && t1.same_grid(t2) {
            let n = v.len();
            let (inf1, inf2) = two_blocks(&mut self.inf, (b1.off, G1 * n), (b2.off, G2 * n));
            let (e1, e2) = two_blocks(&mut self.exponent, (b1.off, G1 * n), (b2.off, G2 * n));
            let out1 = interleave::<K1>(inf1, e1, n);
            let out2 = interleave::<K2>(inf2, e2, n);
            // SAFETY: `vector_lookups` is set only when the CPU has AVX-512 (`choose_lookups`).
            unsafe { lookup_vector_pair(t1, t2, v, out1, out2, self.dt) };
            return;
        }
        self.from_table::<K1, G1>(t1, v, b1);
        self.from_table::<K2, G2>(t2, v, b2);
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

    /// [`Gates::advance`] with the rates of the last block written along the way: `rates(inf,
    /// exponent, k0..k1)` must write the steady states and exponents of gates k0..k1 of
    /// `last` (`len` gates, the last block of the array; `inf` and `exponent` are that
    /// block's). With the AVX-512 kernel it is called on consecutive ranges covering
    /// 0..len while the other gates are advanced, so that a division-bound rate (kca's: three
    /// divisions per node) runs on the divider while the update keeps the vector ports busy;
    /// then the last block is advanced. Each gate's operations are those of `advance`, so the
    /// bits are the same.
    #[inline(always)]
    pub fn advance_with_rates_of_last<F>(&mut self, last: GateBlock, len: usize, mut rates: F)
    where
        F: FnMut(&mut [f64], &mut [f64], std::ops::Range<usize>),
    {
        let n = self.x.len();
        assert_eq!(last.off + len, n, "the last block of the gates");
        #[cfg(target_arch = "x86_64")]
        if self.scalef {
            let o = last.off;
            let (x, xl) = self.x.split_at_mut(o);
            let (inf, infl) = self.inf.split_at_mut(o);
            let (ex, exl) = self.exponent.split_at_mut(o);
            // SAFETY: `scalef` is set only when the CPU has AVX-512F (`choose_lookups`).
            unsafe {
                cnexp_avx512_with(x, inf, ex, len, |r| rates(infl, exl, r));
                cnexp_avx512(xl, infl, exl);
            }
            return;
        }
        let (inf, ex) = (&mut self.inf[last.off..n], &mut self.exponent[last.off..n]);
        rates(inf, ex, 0..len);
        self.advance();
    }

    /// cnexp for every gate: `x += (1 − exp(−dt/τ))·(x∞ − x)`, with the exponents the rates
    /// wrote.
    ///
    /// NEURON writes the target as `−(x∞/τ)/(−1/τ)`; it equals x∞ up to one rounding.
    #[inline(always)]
    pub fn advance(&mut self) {
        // blocks of 32 gates with their exps interleaved (fastmath::exp_lanes), the rest
        // one by one: the same operations per gate either way
        const B: usize = 32;
        let n = self.x.len();
        let (x, inf, ex) = (&mut self.x[..n], &self.inf[..n], &self.exponent[..n]);
        #[cfg(target_arch = "x86_64")]
        if self.scalef {
            // SAFETY: `scalef` is set only when the CPU has AVX-512F (`choose_lookups`).
            unsafe { cnexp_avx512(x, inf, ex) };
            return;
        }
        let blocks = n / B * B;
        for ((xb, ib), tb) in x[..blocks]
            .chunks_exact_mut(B)
            .zip(inf[..blocks].chunks_exact(B))
            .zip(ex[..blocks].chunks_exact(B))
        {
            let mut e = [0.0; B];
            e.copy_from_slice(tb);
            fastmath::exp_lanes(&mut e);
            for i in 0..B {
                let c = 1.0 - e[i];
                xb[i] += c * (ib[i] - xb[i]);
            }
        }
        for i in blocks..n {
            x[i] = cnexp_one(x[i], inf[i], ex[i]);
        }
    }
}

/// cnexp for one gate, `x + (1 − exp(−dt/τ))·(x∞ − x)`: the operations every path applies to
/// each gate.
#[inline(always)]
fn cnexp_one(x: f64, inf: f64, exponent: f64) -> f64 {
    let c = 1.0 - fastmath::exp(exponent);
    x + c * (inf - x)
}

/// [`Gates::advance`] with AVX-512: blocks of 32 gates (four vectors) whose exponents
/// `−dt/τ` all lie in [−700, 709] take [`fastmath::exp`]'s operations without its edge
/// handling, which is the identity there (the clamp to [−708, 709], the 0 below −700, ∞
/// above 709, NaN), and scale by 2^k with `vscalefpd`, exact where the product is normal as
/// it is for k ≥ −1010; any other block, and the last `n % 32` gates, go one by one through
/// [`fastmath::exp`]. The same operations per gate either way, so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn cnexp_avx512(x: &mut [f64], inf: &[f64], ex: &[f64]) {
    cnexp_avx512_with(x, inf, ex, 0, |_| {});
}

/// [`cnexp_avx512`] with `side(k0..k1)` called on consecutive ranges of 0..side_len, in
/// step with the progress through the gates (32 at a time), all of it before returning.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn cnexp_avx512_with(
    x: &mut [f64],
    inf: &[f64],
    ex: &[f64],
    side_len: usize,
    mut side: impl FnMut(std::ops::Range<usize>),
) {
    use std::arch::x86_64::*;
    const V: usize = 4;
    // side work in runs of this many
    const C: usize = 32;
    let mut done = 0;
    let n = x.len();
    assert!(inf.len() == n && ex.len() == n, "gate array lengths");
    let blocks = n / (8 * V) * (8 * V);
    let (lo, hi) = (_mm512_set1_pd(-700.0), _mm512_set1_pd(709.0));
    let c = |v: f64| _mm512_set1_pd(v);
    for j in (0..blocks).step_by(8 * V) {
        // SAFETY: j + 32 <= n, the length of every array.
        unsafe {
            let e: [__m512d; V] =
                std::array::from_fn(|q| _mm512_loadu_pd(ex.as_ptr().add(j + 8 * q)));
            let mut ok: __mmask8 = 0xff;
            for e in e {
                let m = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(e, lo);
                ok &= _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(m, e, hi);
            }
            let due = ((j + 8 * V) * side_len / n) / C * C;
            if due > done {
                side(done..due);
                done = due;
            }
            if ok != 0xff {
                for i in j..j + 8 * V {
                    x[i] = cnexp_one(x[i], inf[i], ex[i]);
                }
                continue;
            }
            let mut kf = [_mm512_setzero_pd(); V];
            let mut r = [_mm512_setzero_pd(); V];
            for q in 0..V {
                let t = _mm512_add_pd(_mm512_mul_pd(e[q], c(fastmath::LOG2E)), c(fastmath::SHIFT));
                kf[q] = _mm512_sub_pd(t, c(fastmath::SHIFT));
                r[q] = _mm512_sub_pd(
                    _mm512_sub_pd(e[q], _mm512_mul_pd(kf[q], c(fastmath::LN2_HI))),
                    _mm512_mul_pd(kf[q], c(fastmath::LN2_LO)),
                );
            }
            let mut p = [c(fastmath::EXP_POLY[0]); V];
            for &k in &fastmath::EXP_POLY[1..] {
                for q in 0..V {
                    p[q] = _mm512_add_pd(_mm512_mul_pd(p[q], r[q]), c(k));
                }
            }
            for q in 0..V {
                let y = _mm512_scalef_pd(p[q], kf[q]);
                let cq = _mm512_sub_pd(c(1.0), y);
                let xp = x.as_mut_ptr().add(j + 8 * q);
                let xv = _mm512_loadu_pd(xp);
                let iv = _mm512_loadu_pd(inf.as_ptr().add(j + 8 * q));
                _mm512_storeu_pd(
                    xp,
                    _mm512_add_pd(xv, _mm512_mul_pd(cq, _mm512_sub_pd(iv, xv))),
                );
            }
        }
    }
    for i in blocks..n {
        x[i] = cnexp_one(x[i], inf[i], ex[i]);
    }
    if done < side_len {
        side(done..side_len);
    }
}

/// Two disjoint runs of `x`, `(offset, length)` each, both mutable.
#[inline(always)]
pub(crate) fn two_blocks(
    x: &mut [f64],
    (o1, l1): (usize, usize),
    (o2, l2): (usize, usize),
) -> (&mut [f64], &mut [f64]) {
    if o1 < o2 {
        let (lo, hi) = x.split_at_mut(o2);
        (&mut lo[o1..o1 + l1], &mut hi[..l2])
    } else {
        let (lo, hi) = x.split_at_mut(o1);
        (&mut hi[..l1], &mut lo[o2..o2 + l2])
    }
}

/// Where the `K = 2G` outputs of a table, `(inf_0, tau_0, inf_1, tau_1, ...)`, each `n`
/// long, go: the steady states and the exponents (from the time constants, [`store_rate`])
/// of `G` gates.
fn interleave<'a, const K: usize>(
    inf: &'a mut [f64],
    ex: &'a mut [f64],
    n: usize,
) -> [&'a mut [f64]; K] {
    let (mut inf, mut ex) = (
        inf.chunks_exact_mut(n.max(1)),
        ex.chunks_exact_mut(n.max(1)),
    );
    std::array::from_fn(|k| {
        if n == 0 {
            return &mut [][..];
        }
        if k % 2 == 0 { inf.next() } else { ex.next() }.expect("K = 2G outputs")
    })
}

/// [`lookup_vector`] of two tables on one grid: each block of eight voltages is placed on
/// the grid once ([`RateTable::grid8`]) and read from both tables.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn lookup_vector_pair<const K1: usize, const K2: usize>(
    t1: &RateTable<K1>,
    t2: &RateTable<K2>,
    v: &[f64],
    mut out1: [&mut [f64]; K1],
    mut out2: [&mut [f64]; K2],
    dt: f64,
) {
    use std::arch::x86_64::*;
    let n = v.len();
    assert!(t1.same_grid(t2), "one grid");
    assert!(
        out1.iter().all(|o| o.len() == n) && out2.iter().all(|o| o.len() == n),
        "lookup output lengths"
    );
    let blocks = n / 8 * 8;
    for j in (0..blocks).step_by(8) {
        // SAFETY: j + 8 <= n, the length of v and of every output.
        unsafe {
            let g = t1.grid8(_mm512_loadu_pd(v.as_ptr().add(j)));
            store_rates(&mut out1, t1.read8(g), j, dt);
            store_rates(&mut out2, t2.read8(g), j, dt);
        }
    }
    for j in blocks..n {
        store_rate(&mut out1, t1.lookup(v[j]), j, dt);
        store_rate(&mut out2, t2.lookup(v[j]), j, dt);
    }
}

/// Eight voltages' table outputs stored at `j`: the steady states as they are, for each time
/// constant τ the exponent `−dt/τ`.
///
/// # Safety
/// The CPU must have AVX-512F, and every output must have `j + 8` doubles.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn store_rates<const K: usize>(
    out: &mut [&mut [f64]; K],
    r: [std::arch::x86_64::__m512d; K],
    j: usize,
    dt: f64,
) {
    use std::arch::x86_64::*;
    let mdt = _mm512_set1_pd(-dt);
    for (k, (o, r)) in out.iter_mut().zip(r).enumerate() {
        let y = if k % 2 == 1 { _mm512_div_pd(mdt, r) } else { r };
        // SAFETY: j + 8 <= o.len() (the caller's promise).
        unsafe { _mm512_storeu_pd(o.as_mut_ptr().add(j), y) };
    }
}

/// One voltage's table outputs stored at `j`, as [`store_rates`] stores eight.
fn store_rate<const K: usize>(out: &mut [&mut [f64]; K], r: [f64; K], j: usize, dt: f64) {
    for (k, (o, r)) in out.iter_mut().zip(r).enumerate() {
        o[j] = if k % 2 == 1 { -dt / r } else { r };
    }
}

/// [`RateTable::lookup`] at every voltage of `v`, output `k` written to `out[k]` (a time
/// constant as its exponent, [`store_rates`]): eight voltages at a time with AVX-512
/// ([`RateTable::lookup8`]), the last `v.len() % 8` one by one; the same operations
/// per voltage either way, so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn lookup_vector<const K: usize>(
    table: &RateTable<K>,
    v: &[f64],
    mut out: [&mut [f64]; K],
    dt: f64,
) {
    use std::arch::x86_64::*;
    let n = v.len();
    assert!(out.iter().all(|o| o.len() == n), "lookup output lengths");
    let blocks = n / 8 * 8;
    for j in (0..blocks).step_by(8) {
        // SAFETY: j + 8 <= n, the length of v and of every output.
        unsafe {
            store_rates(
                &mut out,
                table.lookup8(_mm512_loadu_pd(v.as_ptr().add(j))),
                j,
                dt,
            );
        }
    }
    for j in blocks..n {
        store_rate(&mut out, table.lookup(v[j]), j, dt);
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

    /// Whether the vector table lookups (windows of rows permuted into the lanes, rows read
    /// lane by lane where the lanes spread wider) beat scalar ones here: wherever there is
    /// AVX-512, on the Intel Xeon and on the AMD EPYC (Zen 4) this project runs on
    /// (docs/performance.md). `HNN_GATHER=0` keeps the scalar lookups. Both give the same
    /// bits.
    pub fn vector_lookups_pay() -> bool {
        match std::env::var("HNN_GATHER").as_deref() {
            Ok("0") => false,
            _ => Simd::detect() == Simd::Avx512,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tables looked up on their shared grid give each table's own bits, and the vector
    /// lookups those of the scalar ones (steady states and exponents −dt/τ): voltages within
    /// one row, within a window, spread wider, beyond both ends, NaN and infinite, and a
    /// tail shorter than eight; tables on different grids fall back to one after the other.
    #[test]
    fn paired_lookups_give_each_tables_bits() {
        let t = crate::mech::rates::Tables::new(34.0);
        let n = 8 * 9 + 5;
        let mut next = crate::mech::uniform_stream(7);
        let odd = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1e300,
            1e300,
            40.0,
            -120.0,
            100.0,
        ];
        let v: Vec<f64> = (0..n)
            .map(|i| match i / 8 {
                0 => -65.0 + 0.01 * next(),
                1 => -70.0 + 3.0 * next(),
                2 => -120.0 + 160.0 * next(),
                3 => 39.5 + next(),
                4 => -120.5 + next(),
                5 => odd[i % 8],
                _ => -100.0 + 200.0 * next(),
            })
            .collect();
        let vector = cfg!(target_arch = "x86_64") && Simd::detect() == Simd::Avx512;
        for vector in [false, vector] {
            let check = |g1: usize,
                         g2: usize,
                         pair: &dyn Fn(&mut Gates, GateBlock, GateBlock),
                         one: &dyn Fn(&mut Gates, GateBlock, GateBlock)| {
                let mut a = Gates::new(0.025);
                let (b1, b2) = (a.alloc(g1 * n), a.alloc(g2 * n));
                let mut scalar = a.clone();
                a.vector_lookups = vector;
                let mut b = a.clone();
                pair(&mut a, b1, b2);
                one(&mut b, b1, b2);
                one(&mut scalar, b1, b2);
                let bits = |x: &[f64]| x.iter().map(|y| y.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a.inf), bits(&b.inf), "vector lookups {vector}");
                assert_eq!(
                    bits(&a.exponent),
                    bits(&b.exponent),
                    "vector lookups {vector}"
                );
                // and the scalar lookups' bits (the exponents −dt/τ included)
                assert_eq!(bits(&a.inf), bits(&scalar.inf), "vector lookups {vector}");
                assert_eq!(
                    bits(&a.exponent),
                    bits(&scalar.exponent),
                    "vector lookups {vector}"
                );
            };
            check(
                2,
                1,
                &|g, b1, b2| g.from_table_pair::<4, 2, 2, 1>((&t.cat, b1), (&t.ar, b2), &v),
                &|g, b1, b2| {
                    g.from_table::<4, 2>(&t.cat, &v, b1);
                    g.from_table::<2, 1>(&t.ar, &v, b2);
                },
            );
            check(
                2,
                1,
                &|g, b1, b2| g.from_table_pair::<4, 2, 2, 1>((&t.ca, b1), (&t.km, b2), &v),
                &|g, b1, b2| {
                    g.from_table::<4, 2>(&t.ca, &v, b1);
                    g.from_table::<2, 1>(&t.km, &v, b2);
                },
            );
            // another grid (hh2's): not paired
            check(
                3,
                1,
                &|g, b1, b2| g.from_table_pair::<6, 3, 2, 1>((&t.hh2, b1), (&t.km, b2), &v),
                &|g, b1, b2| {
                    g.from_table::<6, 3>(&t.hh2, &v, b1);
                    g.from_table::<2, 1>(&t.km, &v, b2);
                },
            );
        }
    }

    /// The AVX-512 cnexp kernel gives the bits of the portable loop, on blocks inside its
    /// range and on blocks with exponents outside it (tiny, zero, negative, NaN and infinite
    /// time constants), and on a tail shorter than a block.
    #[test]
    fn avx512_cnexp_gives_the_portable_bits() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") {
            let n = 32 * 12 + 7;
            let mut g = Gates::default();
            g.alloc(n);
            let mut next = crate::mech::uniform_stream(12345);
            let mut tau = vec![0.0; n];
            for i in 0..n {
                g.x[i] = next();
                g.inf[i] = next();
                tau[i] = 0.05 + 50.0 * next();
            }
            // blocks 1 to 10 carry one exponent each outside [-700, 709] or at its edge, the
            // tail one more (exp's edge handling shows in the result for -inf from a zero τ
            // and for (709, 709.78] with dt 0.025)
            let odd = [
                1e-6,
                0.0,
                -0.0,
                -1e-6,
                -0.1,
                f64::NAN,
                f64::INFINITY,
                3.5e-5,
                3.6e-5,
                -0.025 / 709.5,
            ];
            for (k, &t) in odd.iter().enumerate() {
                tau[32 * (k + 1) + 3 * k] = t;
            }
            tau[n - 2] = 1e-7;
            for dt in [0.025, 0.5] {
                for i in 0..n {
                    g.exponent[i] = -dt / tau[i];
                }
                let (mut a, mut b) = (g.clone(), g.clone());
                a.scalef = false;
                b.scalef = true;
                for step in 0..3 {
                    a.advance();
                    b.advance();
                    for i in 0..n {
                        let (x, y) = (a.x[i].to_bits(), b.x[i].to_bits());
                        assert_eq!(x, y, "gate {i}, dt {dt}, step {step}");
                    }
                }
            }
        }
    }

    /// Rates of the last block written while the others advance give the bits of writing
    /// them first and advancing every gate after, on the kernel and the portable path, and
    /// every node's rate is written once (a last block not a multiple of the side runs).
    #[test]
    fn rates_written_alongside_give_the_same_bits() {
        let (others, len) = (32 * 9 + 5, 77);
        let mut g = Gates::new(0.025);
        g.alloc(others);
        let last = g.alloc(len);
        let mut next = crate::mech::uniform_stream(99);
        for i in 0..others + len {
            g.x[i] = next();
            g.inf[i] = next();
            g.exponent[i] = -0.025 / (0.05 + 50.0 * next());
        }
        let cai: Vec<f64> = (0..len).map(|_| 1e-4 + 1e-2 * next()).collect();
        let kernels = [
            false,
            cfg!(target_arch = "x86_64") && Simd::detect() == Simd::Avx512,
        ];
        for scalef in kernels {
            let (mut a, mut b) = (g.clone(), g.clone());
            a.scalef = scalef;
            b.scalef = scalef;
            let mut written = vec![0; len];
            a.advance_with_rates_of_last(last, len, |inf, e, r| {
                for k in r.clone() {
                    written[k] += 1;
                }
                crate::mech::kca::rates_of(&cai, inf, e, r, 3.0, 0.025)
            });
            let ([inf], [e]) = b.targets_mut::<1>(last, len);
            crate::mech::kca::rates_of(&cai, inf, e, 0..len, 3.0, 0.025);
            b.advance();
            assert!(
                written.iter().all(|&w| w == 1),
                "scalef {scalef}: {written:?}"
            );
            let bits = |x: &[f64]| x.iter().map(|y| y.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.x), bits(&b.x), "scalef {scalef}");
            assert_eq!(bits(&a.inf), bits(&b.inf), "scalef {scalef}");
            assert_eq!(bits(&a.exponent), bits(&b.exponent), "scalef {scalef}");
        }
    }
}
