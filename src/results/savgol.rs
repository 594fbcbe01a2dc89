//! Savitzky–Golay smoothing as hnn-core's `Dipole.savgol_filter` calls scipy:
//! `savgol_filter(x, window_length, polyorder=5, mode='interp')` with
//! `window_length = (round(sfreq / h_freq) // 2) * 2 + 1`.
//!
//! Interior samples are the least-squares polynomial's value at the window centre (a fixed
//! symmetric kernel); the first and last half windows are the values of one polynomial
//! fitted to the first (last) whole window, as scipy's `interp` mode does. Least squares are
//! solved by Householder QR on abscissae scaled to [-1, 1], which is well conditioned for
//! the long windows dipoles need.

/// Least-squares polynomial of degree `order` through `(t, y)`; returns a closure-free
/// coefficient vector in the scaled variable `s = (t - c) / h`.
fn lstsq_poly(ts: &[f64], ys: &[f64], order: usize, c: f64, h: f64) -> Vec<f64> {
    let (m, n) = (ts.len(), order + 1);
    // A (m × n) column-major and b
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|j| ts.iter().map(|t| ((t - c) / h).powi(j as i32)).collect())
        .collect();
    let mut b = ys.to_vec();
    let mut r_diag = vec![0.0; n];
    for k in 0..n {
        let norm = a[k][k..].iter().map(|x| x * x).sum::<f64>().sqrt();
        let alpha = if a[k][k] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[k][k..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        r_diag[k] = alpha;
        if vnorm2 == 0.0 {
            continue;
        }
        for col in a.iter_mut().skip(k + 1) {
            let dot: f64 = v.iter().zip(&col[k..]).map(|(p, q)| p * q).sum();
            let f = 2.0 * dot / vnorm2;
            for (x, vi) in col[k..].iter_mut().zip(&v) {
                *x -= f * vi;
            }
        }
        let dot: f64 = v.iter().zip(&b[k..]).map(|(p, q)| p * q).sum();
        let f = 2.0 * dot / vnorm2;
        for (x, vi) in b[k..].iter_mut().zip(&v) {
            *x -= f * vi;
        }
        let _ = m;
    }
    let mut coef = vec![0.0; n];
    for k in (0..n).rev() {
        let mut s = b[k];
        for j in k + 1..n {
            s -= a[j][k] * coef[j];
        }
        coef[k] = s / r_diag[k];
    }
    coef
}

fn eval(coef: &[f64], s: f64) -> f64 {
    coef.iter().rev().fold(0.0, |acc, c| acc * s + c)
}

/// Smooth `x` with a Savitzky–Golay filter of odd `window` and polynomial `order`.
pub fn savgol(x: &[f64], window: usize, order: usize) -> Vec<f64> {
    let n = x.len();
    let half = window / 2;
    // kernel: the fitted value at the centre is linear in the samples; get it by fitting
    // unit vectors (cheap: the window is fitted once per basis sample via the normal rows)
    let ts: Vec<f64> = (0..window).map(|i| i as f64 - half as f64).collect();
    let h = half.max(1) as f64;
    let mut kernel = vec![0.0; window];
    for (i, k) in kernel.iter_mut().enumerate() {
        let mut e = vec![0.0; window];
        e[i] = 1.0;
        *k = lstsq_poly(&ts, &e, order, 0.0, h)[0];
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = 0.0;
        for (j, k) in kernel.iter().enumerate() {
            let idx = i as isize + j as isize - half as isize;
            if idx >= 0 && (idx as usize) < n {
                s += k * x[idx as usize];
            }
        }
        y[i] = s;
    }
    if n >= window {
        let t: Vec<f64> = (0..window).map(|i| i as f64).collect();
        let c = (window - 1) as f64 / 2.0;
        let first = lstsq_poly(&t, &x[..window], order, c, h);
        let last = lstsq_poly(&t, &x[n - window..], order, c, h);
        for i in 0..half {
            y[i] = eval(&first, (i as f64 - c) / h);
            y[n - half + i] = eval(&last, ((window - half + i) as f64 - c) / h);
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_polynomials_of_its_order() {
        let x: Vec<f64> = (0..200)
            .map(|i| {
                let t = i as f64 / 50.0;
                1.0 - 2.0 * t + 0.5 * t.powi(3) - 0.1 * t.powi(5)
            })
            .collect();
        let y = savgol(&x, 21, 5);
        for (a, b) in x.iter().zip(&y) {
            assert!((a - b).abs() < 1e-9 * (1.0 + a.abs()), "{a} vs {b}");
        }
    }
}
