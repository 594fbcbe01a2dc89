//! NEURON's TABLE emulation: rate functions precomputed on a voltage grid and linearly
//! interpolated, with clamping at both ends.

/// A table of `K` outputs over `n + 1` grid points.
#[derive(Debug, Clone)]
pub struct RateTable<const K: usize> {
    lo: f64,
    mfac: f64,
    n: usize,
    rows: Vec<[f64; K]>,
}

impl<const K: usize> RateTable<K> {
    /// Build from `lo` to `hi` with `n` intervals. Grid points are accumulated
    /// (`x += dx`), exactly as NEURON's generated code does.
    pub fn build(lo: f64, hi: f64, n: usize, f: impl Fn(f64) -> [f64; K]) -> Self {
        let dx = (hi - lo) / n as f64;
        let mut x = lo;
        let mut rows = Vec::with_capacity(n + 1);
        for _ in 0..=n {
            rows.push(f(x));
            x += dx;
        }
        RateTable {
            lo,
            mfac: 1.0 / dx,
            n,
            rows,
        }
    }

    /// Interpolated outputs at `v`.
    #[inline(always)]
    pub fn lookup(&self, v: f64) -> [f64; K] {
        let xi = self.mfac * (v - self.lo);
        if xi <= 0.0 {
            return self.rows[0];
        }
        if xi >= self.n as f64 {
            return self.rows[self.n];
        }
        let i = xi as usize; // NaN maps to 0: never out of bounds
        let th = xi - i as f64;
        let (a, b) = (&self.rows[i], &self.rows[i + 1]);
        let mut out = [0.0; K];
        for k in 0..K {
            out[k] = a[k] + th * (b[k] - a[k]);
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
        // NaN propagates (the solver then reports the non-finite voltage) without indexing out of bounds
        assert!(t.lookup(f64::NAN)[0].is_nan());
    }
}
