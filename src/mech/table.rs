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
    rows: Vec<([f64; K], [f64; K])>,
}

impl<const K: usize> RateTable<K> {
    /// Build from `lo` to `hi` with `n` intervals. Grid points are accumulated
    /// (`x += dx`), exactly as NEURON's generated code does.
    pub fn build(lo: f64, hi: f64, n: usize, f: impl Fn(f64) -> [f64; K]) -> Self {
        assert!(n >= 1 && n < i32::MAX as usize, "table size");
        let dx = (hi - lo) / n as f64;
        let mut x = lo;
        let mut vals = Vec::with_capacity(n + 1);
        for _ in 0..=n {
            vals.push(f(x));
            x += dx;
        }
        let mut rows: Vec<([f64; K], [f64; K])> = Vec::with_capacity(n + 2);
        for i in 0..=n {
            let mut diff = [0.0; K];
            if i < n {
                for k in 0..K {
                    diff[k] = vals[i + 1][k] - vals[i][k];
                }
            }
            rows.push((vals[i], diff));
        }
        rows.push((vals[n], [0.0; K]));
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
        let (t, dt) = unsafe { self.rows.get_unchecked(i as usize) };
        let mut out = [0.0; K];
        for k in 0..K {
            out[k] = t[k] + th * dt[k];
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
