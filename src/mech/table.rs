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
}

/// One grid point: `2K` doubles in a row, so that a gathered lookup can address output `k`
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
        // row offsets of the gathered lookup (2K·i doubles) fit an i32
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
        RateTable {
            lo,
            mfac: 1.0 / dx,
            n,
            rows,
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

    /// [`RateTable::lookup`] at eight voltages with AVX-512 gathers: output `k` of every
    /// lane, the same operations per lane as `lookup` (so the same bits).
    ///
    /// # Safety
    /// The CPU must have AVX-512F (calls from code compiled without it are `unsafe`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn lookup8(&self, v: std::arch::x86_64::__m512d) -> [std::arch::x86_64::__m512d; K] {
        use std::arch::x86_64::*;
        let base = self.rows.as_ptr().cast::<f64>();
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
        let at = _mm256_mullo_epi32(i, _mm256_set1_epi32((2 * K) as i32));
        let mut out = [_mm512_setzero_pd(); K];
        for (k, o) in out.iter_mut().enumerate() {
            // SAFETY: every lane's row i is in 0..=n (clamped above), rows has n + 2 entries
            // of 2K doubles (`Row` is repr(C)), and k < K.
            let (t, d) = unsafe {
                (
                    _mm512_i32gather_pd::<8>(at, base.add(k)),
                    _mm512_i32gather_pd::<8>(at, base.add(K + k)),
                )
            };
            *o = _mm512_add_pd(t, _mm512_mul_pd(th, d));
        }
        out
    }
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
}
