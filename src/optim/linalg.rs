//! The few dense vector operations the solvers share, in numpy's summation order where a
//! reference implementation's iterates depend on it.

/// numpy's `sum` of a contiguous 1-D array: pairwise summation in blocks of eight.
pub fn psum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut r = -0.0;
        for v in a {
            r += v;
        }
        r
    } else if n <= 128 {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let end = n - n % 8;
        let mut i = 8;
        while i < end {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for v in &a[end..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        psum(&a[..n2]) + psum(&a[n2..])
    }
}

/// Σ aᵢ·bᵢ in index order with fused multiply-adds, as numpy's `dot` of short vectors
/// (OpenBLAS) rounds.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| x.mul_add(*y, s))
}

/// Euclidean norm, √(x·x) as numpy's `linalg.norm` of a vector.
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// Index of the first largest value (NaN never wins), as numpy's `argmax` without NaNs.
pub fn argmax(a: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in a.iter().enumerate() {
        if *v > a[best] {
            best = i;
        }
    }
    best
}

/// Index of the first smallest value.
pub fn argmin(a: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in a.iter().enumerate() {
        if *v < a[best] {
            best = i;
        }
    }
    best
}

/// The lower Cholesky factor of the symmetric matrix `k` (rows), or `None` when a pivot is
/// not positive.
pub fn cholesky(k: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = k.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = k[i][j];
            for p in 0..j {
                s -= l[i][p] * l[j][p];
            }
            if i == j {
                if !(s > 0.0) {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solve `L z = b` for lower-triangular `l`.
pub fn forward(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut z = b.to_vec();
    for i in 0..n {
        for p in 0..i {
            z[i] -= l[i][p] * z[p];
        }
        z[i] /= l[i][i];
    }
    z
}

/// Solve `Lᵀ z = b` for lower-triangular `l`.
pub fn backward(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut z = b.to_vec();
    for i in (0..n).rev() {
        for p in i + 1..n {
            z[i] -= l[p][i] * z[p];
        }
        z[i] /= l[i][i];
    }
    z
}

/// Inverse of the square matrix whose columns are `cols` (row `i` of the result is row `i`
/// of the inverse), by LU with partial pivoting.
pub fn inverse_of_columns(cols: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = cols.len();
    let mut a = vec![0.0; n * n];
    for (j, c) in cols.iter().enumerate() {
        for i in 0..n {
            a[i * n + j] = c[i];
        }
    }
    let lu = crate::analysis::dense::Lu::new(a, n);
    let mut inv = vec![vec![0.0; n]; n];
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let x = lu.solve(&e);
        for i in 0..n {
            inv[i][j] = x[i];
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_matches_numpy_blocking() {
        // 1e16 + 1 + … loses the ones sequentially; the eight accumulators keep them apart
        // only in the way numpy does: check the sum of a block against a hand-computed value.
        let v: Vec<f64> = (0..20).map(|i| i as f64 * 0.1).collect();
        let s = psum(&v);
        assert!((s - 19.0).abs() < 1e-12);
        assert_eq!(psum(&[]), 0.0);
    }

    #[test]
    fn inverse_times_matrix_is_identity() {
        let cols = vec![
            vec![2.0, 1.0, 0.0],
            vec![0.0, 3.0, 1.0],
            vec![1.0, 0.0, 4.0],
        ];
        let inv = inverse_of_columns(&cols);
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| inv[i][k] * cols[j][k]).sum();
                assert!((s - if i == j { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
    }
}
