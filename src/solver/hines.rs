//! The tree solve: Hines elimination on a node-ordered tree (parent index < child index).

/// Solve one cell's tree system in place.
///
/// Row `i` holds `d[i]` on the diagonal and `b[i]` in the parent's column; row `parent[i]`
/// holds `a[i]` in column `i`. On return `rhs` holds the solution (Δv).
///
/// `ab[i]` must be `a[i] * b[i]`. The elimination subtracts `ab[i] / d[i]` from the parent's
/// pivot (NEURON computes `(a[i] / d[i]) * b[i]`) and the back substitution multiplies by
/// reciprocal pivots (NEURON divides); both differ from NEURON by about an ulp. `d` holds
/// the reciprocal pivots on return (the root's entry keeps its pivot).
#[inline(always)]
pub fn solve(parent: &[u32], a: &[f64], b: &[f64], ab: &[f64], d: &mut [f64], rhs: &mut [f64]) {
    let n = d.len();
    assert!(parent.len() == n && a.len() == n && b.len() == n && ab.len() == n && rhs.len() == n);
    if n == 0 {
        return;
    }
    // Elimination from the leaves. Along a chain (parent = i - 1, the common case inside a
    // section) the parent's pivot and right-hand side are carried in registers instead of
    // going through memory, which keeps store-to-load latency off the critical path.
    let (mut dc, mut rc) = (d[n - 1], rhs[n - 1]);
    for i in (1..n).rev() {
        let p = parent[i] as usize;
        // the pivot chain runs through d: one division and one subtraction
        let dp_dec = ab[i] / dc;
        let r = 1.0 / dc;
        let rp_dec = a[i] * r * rc;
        d[i] = r;
        rhs[i] = rc;
        if p + 1 == i {
            dc = d[p] - dp_dec;
            rc = rhs[p] - rp_dec;
        } else {
            d[p] -= dp_dec;
            rhs[p] -= rp_dec;
            dc = d[i - 1];
            rc = rhs[i - 1];
        }
    }
    // root
    let mut x = rc / dc;
    rhs[0] = x;
    for i in 1..n {
        let p = parent[i] as usize;
        let xp = if p + 1 == i { x } else { rhs[p] };
        x = (rhs[i] - b[i] * xp) * d[i];
        rhs[i] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_dense_solve() {
        // A small branched tree: 0 <- 1 <- 2, 0 <- 3
        let parent = [0u32, 0, 1, 0];
        let a = [0.0, -0.3, -0.2, -0.5];
        let b = [0.0, -0.4, -0.1, -0.6];
        let d0 = [2.0, 3.0, 1.5, 2.5];
        let x = [1.0, -2.0, 0.5, 3.0];
        // rhs = M x
        let mut rhs = [0.0; 4];
        for i in 0..4 {
            rhs[i] += d0[i] * x[i];
            if i > 0 {
                let p = parent[i] as usize;
                rhs[i] += b[i] * x[p];
                rhs[p] += a[i] * x[i];
            }
        }
        let mut d = d0;
        let ab: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
        solve(&parent, &a, &b, &ab, &mut d, &mut rhs);
        for i in 0..4 {
            assert!((rhs[i] - x[i]).abs() < 1e-14);
        }
    }
}
