//! A small dense LU factorisation with partial pivoting (spline and filter set-up).

/// `P·A = L·U` of a square matrix, kept to solve for several right-hand sides.
#[derive(Debug, Clone)]
pub struct Lu {
    n: usize,
    /// L below the diagonal (unit diagonal implied) and U on and above, row-major.
    lu: Vec<f64>,
    /// Row `i` of the factors is row `piv[i]` of `A`.
    piv: Vec<usize>,
}

impl Lu {
    /// Factor the `n × n` row-major matrix `a`.
    pub fn new(mut a: Vec<f64>, n: usize) -> Lu {
        assert_eq!(a.len(), n * n, "an n × n matrix");
        let mut piv: Vec<usize> = (0..n).collect();
        for k in 0..n {
            let p = (k..n)
                .max_by(|&i, &j| a[i * n + k].abs().total_cmp(&a[j * n + k].abs()))
                .unwrap_or(k);
            if p != k {
                for j in 0..n {
                    a.swap(k * n + j, p * n + j);
                }
                piv.swap(k, p);
            }
            let d = a[k * n + k];
            for i in k + 1..n {
                let f = a[i * n + k] / d;
                a[i * n + k] = f;
                for j in k + 1..n {
                    a[i * n + j] -= f * a[k * n + j];
                }
            }
        }
        Lu { n, lu: a, piv }
    }

    /// Solve `A·x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (n, a) = (self.n, &self.lu);
        let mut z: Vec<f64> = self.piv.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            for j in 0..i {
                z[i] -= a[i * n + j] * z[j];
            }
        }
        for i in (0..n).rev() {
            for j in i + 1..n {
                z[i] -= a[i * n + j] * z[j];
            }
            z[i] /= a[i * n + i];
        }
        z
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn solves_a_system_needing_a_pivot() {
        // [[0, 2], [3, 1]] x = [4, 5] → x = [1, 2]
        let lu = super::Lu::new(vec![0.0, 2.0, 3.0, 1.0], 2);
        assert_eq!(lu.solve(&[4.0, 5.0]), vec![1.0, 2.0]);
    }
}
