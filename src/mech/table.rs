//! NEURON's TABLE emulation: rate functions precomputed on a voltage grid and linearly
//! interpolated, with clamping at both ends.

/// A table of `K` outputs over `n + 1` grid points.
///
/// Row `i` stores the values `T_i` and the differences `T_{i+1} − T_i` (the same floating
/// point operation NEURON performs at lookup time, so interpolation is bit-identical). A
/// padding row after the last grid point makes the lookup branch-free.
#[derive(Debug, Clone)]
pub struct RateTable<const K: usize> {
    lo: f64,
    mfac: f64,
    n: usize,
    rows: Vec<Row<K>>,
    /// The same doubles column by column for the vector lookup: column `c` (values of
    /// output `c` for `c < K`, differences of output `c − K` after) holds row `i`'s entry at
    /// `c · col_len + i`, padded so that sixteen entries from any row `i <= n` can be read.
    cols: Vec<f64>,
    col_len: usize,
}

/// One grid point: `2K` doubles in a row, so that a vector lookup can address output `k`
/// of row `i` as double `2K·i + k` (values) and `2K·i + K + k` (differences).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Row<const K: usize> {
    t: [f64; K],
    d: [f64; K],
}

impl<const K: usize> RateTable<K> {
    /// Build from `lo` to `hi` with `n` intervals. Grid points are accumulated
    /// (`x += dx`), exactly as NEURON's generated code does.
    pub fn build(lo: f64, hi: f64, n: usize, f: impl Fn(f64) -> [f64; K]) -> Self {
        // the vector lookup truncates grid positions to i32 rows
        assert!(n >= 1 && (n + 2) * 2 * K < i32::MAX as usize, "table size");
        let dx = (hi - lo) / n as f64;
        let mut x = lo;
        let mut vals = Vec::with_capacity(n + 1);
        for _ in 0..=n {
            vals.push(f(x));
            x += dx;
        }
        let mut rows = Vec::with_capacity(n + 2);
        for i in 0..=n {
            let mut d = [0.0; K];
            if i < n {
                for k in 0..K {
                    d[k] = vals[i + 1][k] - vals[i][k];
                }
            }
            rows.push(Row { t: vals[i], d });
        }
        rows.push(Row {
            t: vals[n],
            d: [0.0; K],
        });
        let col_len = n + 2 + 16;
        let mut cols = vec![0.0; 2 * K * col_len];
        for (i, row) in rows.iter().enumerate() {
            for k in 0..K {
                cols[k * col_len + i] = row.t[k];
                cols[(K + k) * col_len + i] = row.d[k];
            }
        }
        RateTable {
            lo,
            mfac: 1.0 / dx,
            n,
            rows,
            cols,
            col_len,
        }
    }

    /// Interpolated outputs at `v`.
    ///
    /// Below the grid the first entry, above it the last (clamping, as NEURON). A NaN
    /// voltage gives the first entry; the solver reports non-finite voltages before this.
    #[inline(always)]
    pub fn lookup(&self, v: f64) -> [f64; K] {
        let xi = self.mfac * (v - self.lo);
        // clamped: xi <= 0 gives row 0 with θ = 0, xi >= n gives row n with θ = 0
        let xi = xi.max(0.0).min(self.n as f64);
        // SAFETY: xi is finite and in [0, n] (`max` maps NaN to 0), so it fits an i32.
        let i = unsafe { xi.to_int_unchecked::<i32>() };
        let th = xi - f64::from(i);
        debug_assert!((i as usize) < self.rows.len());
        // SAFETY: i <= n and rows has n + 2 entries.
        let row = unsafe { self.rows.get_unchecked(i as usize) };
        let mut out = [0.0; K];
        for k in 0..K {
            out[k] = row.t[k] + th * row.d[k];
        }
        out
    }

    /// [`RateTable::lookup`] at eight voltages with AVX-512: output `k` of every
    /// lane, the same operations per lane as `lookup` (so the same bits).
    ///
    /// # Safety
    /// The CPU must have AVX-512F (calls from code compiled without it are `unsafe`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn lookup8(&self, v: std::arch::x86_64::__m512d) -> [std::arch::x86_64::__m512d; K] {
        self.read8(self.grid8(v))
    }

    /// Whether `other` has this table's grid (the same rows and fractions at every voltage).
    pub(crate) fn same_grid<const J: usize>(&self, other: &RateTable<J>) -> bool {
        self.lo.to_bits() == other.lo.to_bits()
            && self.mfac.to_bits() == other.mfac.to_bits()
            && self.n == other.n
    }

    /// Where eight voltages fall on the grid, as [`RateTable::lookup`] finds it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn grid8(&self, v: std::arch::x86_64::__m512d) -> Grid8 {
        use std::arch::x86_64::*;
        // as `lookup`: max(xi, 0) gives 0 for a NaN xi, then min(·, n); truncation
        let xi = _mm512_mul_pd(
            _mm512_set1_pd(self.mfac),
            _mm512_sub_pd(v, _mm512_set1_pd(self.lo)),
        );
        let xi = _mm512_min_pd(
            _mm512_max_pd(xi, _mm512_setzero_pd()),
            _mm512_set1_pd(self.n as f64),
        );
        let i = _mm512_cvttpd_epi32(xi);
        let th = _mm512_sub_pd(xi, _mm512_cvtepi32_pd(i));
        Grid8 {
            i,
            th,
            imin: min_lane(i),
            imax: max_lane(i),
        }
    }

    /// The outputs at eight grid positions from [`RateTable::grid8`] of this table or of
    /// one with the same grid ([`RateTable::same_grid`]; rows beyond `n` are never asked for).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn read8(&self, g: Grid8) -> [std::arch::x86_64::__m512d; K] {
        use std::arch::x86_64::*;
        let Grid8 { i, th, imin, imax } = g;
        debug_assert!(imin >= 0 && imax as usize <= self.n);
        // The lanes are usually one compartment of neighbouring cells, whose voltages lie
        // within a few rows of each other: when they span at most 16 rows, each column's
        // window of 16 rows is loaded and permuted into the lanes (the same doubles, so the
        // same bits); lanes further apart read their rows one by one (`read8_rows`). One
        // two-vector permute serves every window: a second branch for windows of 8 rows
        // cost more in mispredictions than it saved.
        if imax - imin < 16 {
            let rel = _mm512_cvtepi32_epi64(_mm256_sub_epi32(i, _mm256_set1_epi32(imin)));
            // SAFETY: 0 <= imin <= n, and every column has n + 18 entries, so the sixteen
            // entries from imin are inside it; c < 2K columns and off is 0 or 8.
            let load = |c: usize, off: usize| unsafe {
                _mm512_loadu_pd(
                    self.cols
                        .as_ptr()
                        .add(c * self.col_len + imin as usize + off),
                )
            };
            let pick = |c: usize| _mm512_permutex2var_pd(load(c, 0), rel, load(c, 8));
            return std::array::from_fn(|k| {
                let (t, d) = (pick(k), pick(K + k));
                _mm512_add_pd(t, _mm512_mul_pd(th, d))
            });
        }
        self.read8_rows(i, th)
    }

    /// [`RateTable::read8`] for lanes whose rows lie far apart: each lane's row is read
    /// with two vector loads (its K values, its K differences) and interpolated there,
    /// `t + θ·Δ` as in [`RateTable::lookup`], then the eight lanes' results are transposed
    /// into one vector per output. On the AMD EPYC this beats `vgatherdpd` (two gathers per
    /// output) by far; on the Intel host an 8×8 transpose of the rows had matched the
    /// gathers (docs/performance.md).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn read8_rows(
        &self,
        i: std::arch::x86_64::__m256i,
        th: std::arch::x86_64::__m512d,
    ) -> [std::arch::x86_64::__m512d; K] {
        use std::arch::x86_64::*;
        const { assert!(K <= 8, "a row's outputs fit one vector") };
        let mut iv = [0i32; 8];
        let mut tv = [0.0f64; 8];
        // SAFETY: eight lanes each.
        unsafe {
            _mm256_storeu_si256(iv.as_mut_ptr().cast(), i);
            _mm512_storeu_pd(tv.as_mut_ptr(), th);
        }
        let m: __mmask8 = ((1u32 << K) - 1) as u8;
        let y: [__m512d; 8] = std::array::from_fn(|l| {
            // SAFETY: every lane's row is in 0..=n (clamped in `grid8`), `rows` has n + 2
            // entries of 2K doubles (`Row` is repr(C)), and the mask reads K of them from the
            // row's start and K from its middle.
            unsafe {
                let row = self.rows.as_ptr().add(iv[l] as usize).cast::<f64>();
                let t = _mm512_maskz_loadu_pd(m, row);
                let d = _mm512_maskz_loadu_pd(m, row.add(K));
                _mm512_add_pd(t, _mm512_mul_pd(_mm512_set1_pd(tv[l]), d))
            }
        });
        // the 8×8 transpose, three rounds of shuffles (only the K outputs are kept):
        // t[2p] holds outputs 0, 2, 4, 6 of lanes 2p and 2p + 1, t[2p + 1] outputs 1, 3, 5, 7
        let t = [
            _mm512_unpacklo_pd(y[0], y[1]),
            _mm512_unpackhi_pd(y[0], y[1]),
            _mm512_unpacklo_pd(y[2], y[3]),
            _mm512_unpackhi_pd(y[2], y[3]),
            _mm512_unpacklo_pd(y[4], y[5]),
            _mm512_unpackhi_pd(y[4], y[5]),
            _mm512_unpacklo_pd(y[6], y[7]),
            _mm512_unpackhi_pd(y[6], y[7]),
        ];
        // u[h][j]: outputs (j, j + 4) of lanes 4h..4h+4
        let u: [[__m512d; 4]; 2] = std::array::from_fn(|h| {
            let (e, o, e2, o2) = (t[4 * h], t[4 * h + 1], t[4 * h + 2], t[4 * h + 3]);
            [
                _mm512_shuffle_f64x2::<0x88>(e, e2),
                _mm512_shuffle_f64x2::<0x88>(o, o2),
                _mm512_shuffle_f64x2::<0xdd>(e, e2),
                _mm512_shuffle_f64x2::<0xdd>(o, o2),
            ]
        });
        std::array::from_fn(|k| {
            let j = k % 4;
            if k < 4 {
                _mm512_shuffle_f64x2::<0x88>(u[0][j], u[1][j])
            } else {
                _mm512_shuffle_f64x2::<0xdd>(u[0][j], u[1][j])
            }
        })
    }
}

/// Eight voltages' positions on a table's grid: row, fraction within it, lowest and highest
/// row ([`RateTable::grid8`]).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(crate) struct Grid8 {
    i: std::arch::x86_64::__m256i,
    th: std::arch::x86_64::__m512d,
    imin: i32,
    imax: i32,
}

/// The smallest of eight lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn min_lane(x: std::arch::x86_64::__m256i) -> i32 {
    use std::arch::x86_64::*;
    let m = _mm256_min_epi32(x, _mm256_permute2x128_si256::<1>(x, x));
    let m = _mm256_min_epi32(m, _mm256_shuffle_epi32::<0b01_00_11_10>(m));
    let m = _mm256_min_epi32(m, _mm256_shuffle_epi32::<0b10_11_00_01>(m));
    _mm_cvtsi128_si32(_mm256_castsi256_si128(m))
}

/// The largest of eight lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn max_lane(x: std::arch::x86_64::__m256i) -> i32 {
    use std::arch::x86_64::*;
    let m = _mm256_max_epi32(x, _mm256_permute2x128_si256::<1>(x, x));
    let m = _mm256_max_epi32(m, _mm256_shuffle_epi32::<0b01_00_11_10>(m));
    let m = _mm256_max_epi32(m, _mm256_shuffle_epi32::<0b10_11_00_01>(m));
    _mm_cvtsi128_si32(_mm256_castsi256_si128(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_and_clamps() {
        let t = RateTable::build(-10.0, 10.0, 20, |v| [v * 2.0]);
        assert_eq!(t.lookup(-20.0)[0], -20.0);
        assert_eq!(t.lookup(20.0)[0], 20.0);
        assert!((t.lookup(0.5)[0] - 1.0).abs() < 1e-12);
        // NaN never indexes out of bounds (the solver reports non-finite voltages itself)
        assert_eq!(t.lookup(f64::NAN)[0], -20.0);
    }

    /// The vector lookup gives the scalar lookup's bits whichever way it reads the rows:
    /// lanes within 8 rows, within 16, further apart (rows read lane by lane), at and beyond
    /// both ends of the grid, NaN and infinite voltages.
    #[test]
    fn vector_lookup_gives_the_scalar_bits() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") {
            use std::arch::x86_64::*;
            let t = RateTable::build(-100.0, 100.0, 200, |v| {
                [(v / 7.0).exp(), 1.0 / (1.0 + (-v / 9.0).exp()), v.sin()]
            });
            let mut next = crate::mech::uniform_stream(99);
            let mut cases: Vec<[f64; 8]> = Vec::new();
            // lanes spread over exactly `w` rows (the first lane at the lowest, one at the
            // highest), starting at row `r0`; the grid step is 1 mV
            for w in [0usize, 1, 2, 7, 8, 9, 15, 16, 17, 40, 200] {
                for r0 in [0usize, 3, 99, 184, 185, 193, 199, 200] {
                    let row = |r: usize, f: f64| -100.0 + r.min(200) as f64 + 0.999 * f;
                    let mut v = [0.0; 8];
                    for (l, x) in v.iter_mut().enumerate() {
                        let (a, b) = (next(), next());
                        *x = row(r0 + (a * w as f64) as usize, b);
                        if l == 3 {
                            *x = row(r0 + w, 0.5);
                        }
                    }
                    v[0] = row(r0, next());
                    cases.push(v);
                    v.reverse();
                    cases.push(v);
                }
            }
            let edge = [
                -1e300,
                -100.0,
                100.0,
                100.5,
                1e300,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ];
            cases.push(edge);
            cases.push([100.0, 99.5, 99.0, 98.7, 100.2, 101.0, 95.1, 99.99]);
            cases.push([-100.0, -99.5, -99.0, -98.7, -100.2, -101.0, -95.1, f64::NAN]);
            for v in cases {
                // SAFETY: the CPU has AVX-512F (checked above).
                let got = unsafe {
                    let r = t.lookup8(_mm512_loadu_pd(v.as_ptr()));
                    r.map(|x| {
                        let mut o = [0.0; 8];
                        _mm512_storeu_pd(o.as_mut_ptr(), x);
                        o
                    })
                };
                for (l, &x) in v.iter().enumerate() {
                    let want = t.lookup(x);
                    for k in 0..3 {
                        assert_eq!(
                            got[k][l].to_bits(),
                            want[k].to_bits(),
                            "v {v:?} lane {l} output {k}"
                        );
                    }
                }
            }
        }
    }
}
