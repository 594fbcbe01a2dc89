//! Down-sampling as hnn-core's plots do it (`decim=`): scipy's `signal.decimate` with its
//! defaults — an order-8 Chebyshev type I low-pass (0.05 dB ripple, cut-off 0.8 of the new
//! Nyquist frequency) applied forwards and backwards (`filtfilt`, odd extension of 27
//! samples, steady-state initial conditions), then every q-th sample.

use std::f64::consts::PI;

use crate::error::{Error, Result};

/// A complex number (just what the filter design needs).
#[derive(Debug, Clone, Copy, PartialEq)]
struct C {
    re: f64,
    im: f64,
}

impl C {
    fn new(re: f64, im: f64) -> C {
        C { re, im }
    }
    fn add(self, o: C) -> C {
        C::new(self.re + o.re, self.im + o.im)
    }
    fn sub(self, o: C) -> C {
        C::new(self.re - o.re, self.im - o.im)
    }
    fn mul(self, o: C) -> C {
        C::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
    fn div(self, o: C) -> C {
        let d = o.re * o.re + o.im * o.im;
        C::new(
            (self.re * o.re + self.im * o.im) / d,
            (self.im * o.re - self.re * o.im) / d,
        )
    }
    fn scale(self, s: f64) -> C {
        C::new(self.re * s, self.im * s)
    }
}

/// Coefficients (b, a) of a monic polynomial with the given roots, times `k` for b.
fn poly(roots: &[C]) -> Vec<C> {
    let mut c = vec![C::new(1.0, 0.0)];
    for r in roots {
        let mut next = vec![C::new(0.0, 0.0); c.len() + 1];
        for (i, x) in c.iter().enumerate() {
            next[i] = next[i].add(*x);
            next[i + 1] = next[i + 1].sub(x.mul(*r));
        }
        c = next;
    }
    c
}

/// scipy's `cheby1(n, rp, wn)` digital low-pass in (b, a) form (`wn` relative to Nyquist).
pub fn cheby1_lowpass(n: usize, rp: f64, wn: f64) -> (Vec<f64>, Vec<f64>) {
    // analog prototype (cheb1ap)
    let eps = (10f64.powf(0.1 * rp) - 1.0).sqrt();
    let mu = 1.0 / n as f64 * (1.0 / eps).asinh();
    let poles: Vec<C> = (0..n)
        .map(|i| {
            let m = -(n as f64) + 1.0 + 2.0 * i as f64;
            let theta = PI * m / (2.0 * n as f64);
            // -sinh(mu + j theta)
            C::new(-(mu.sinh() * theta.cos()), -(mu.cosh() * theta.sin()))
        })
        .collect();
    let mut k = poles
        .iter()
        .fold(C::new(1.0, 0.0), |acc, p| acc.mul(p.scale(-1.0)))
        .re;
    if n.is_multiple_of(2) {
        k /= (1.0 + eps * eps).sqrt();
    }
    // pre-warp, scale to the cut-off, bilinear transform (fs = 2)
    let fs2 = 4.0;
    let warped = 4.0 * (PI * wn / 2.0).tan();
    let poles: Vec<C> = poles.iter().map(|p| p.scale(warped)).collect();
    let k = k * warped.powi(n as i32);
    let four = C::new(fs2, 0.0);
    let pz: Vec<C> = poles
        .iter()
        .map(|p| four.add(*p).div(four.sub(*p)))
        .collect();
    let denom = poles
        .iter()
        .fold(C::new(1.0, 0.0), |acc, p| acc.mul(four.sub(*p)));
    let kz = k * C::new(1.0, 0.0).div(denom).re;
    let zeros = vec![C::new(-1.0, 0.0); n];
    let b: Vec<f64> = poly(&zeros).iter().map(|c| c.re * kz).collect();
    let a: Vec<f64> = poly(&pz).iter().map(|c| c.re).collect();
    (b, a)
}

/// Direct form II transposed filtering with initial state `zi` (scipy's `lfilter`).
fn lfilter(b: &[f64], a: &[f64], x: &[f64], zi: &[f64]) -> Vec<f64> {
    let n = a.len();
    let mut z = zi.to_vec();
    z.resize(n - 1, 0.0);
    x.iter()
        .map(|&xi| {
            let y = b[0] * xi + z[0];
            for i in 1..n - 1 {
                z[i - 1] = b[i] * xi + z[i] - a[i] * y;
            }
            z[n - 2] = b[n - 1] * xi - a[n - 1] * y;
            y
        })
        .collect()
}

/// Steady-state initial conditions for a unit step (scipy's `lfilter_zi`).
fn lfilter_zi(b: &[f64], a: &[f64]) -> Vec<f64> {
    let n = a.len();
    // (I - companion(a)^T) zi = b[1:] - a[1:] b[0]
    let m = n - 1;
    let mut mat = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            // companion(a)^T[i][j] = companion(a)[j][i]; row 0 of companion is -a[1:]/a[0],
            // the sub-diagonal ones
            let comp_ji = if j == 0 {
                -a[i + 1] / a[0]
            } else if i == j - 1 {
                1.0
            } else {
                0.0
            };
            mat[i * m + j] = if i == j { 1.0 } else { 0.0 } - comp_ji;
        }
    }
    let rhs: Vec<f64> = (0..m).map(|i| b[i + 1] - a[i + 1] * b[0]).collect();
    super::dense::Lu::new(mat, m).solve(&rhs)
}

/// Zero-phase filtering (scipy's `filtfilt` with its defaults: odd extension of
/// 3·max(len(a), len(b)) samples).
fn filtfilt(b: &[f64], a: &[f64], x: &[f64]) -> Result<Vec<f64>> {
    let pad = 3 * a.len().max(b.len());
    let n = x.len();
    if n <= pad {
        return Err(Error::invalid(
            "decim",
            format!("{n} samples"),
            format!("more than {pad} samples to filter before decimating"),
        ));
    }
    let mut ext = Vec::with_capacity(n + 2 * pad);
    ext.extend((1..=pad).rev().map(|i| 2.0 * x[0] - x[i]));
    ext.extend_from_slice(x);
    ext.extend((1..=pad).map(|i| 2.0 * x[n - 1] - x[n - 1 - i]));
    let zi = lfilter_zi(b, a);
    let z0: Vec<f64> = zi.iter().map(|z| z * ext[0]).collect();
    let mut y = lfilter(b, a, &ext, &z0);
    y.reverse();
    let z1: Vec<f64> = zi.iter().map(|z| z * y[0]).collect();
    let mut y = lfilter(b, a, &y, &z1);
    y.reverse();
    Ok(y[pad..pad + n].to_vec())
}

/// scipy's `decimate(x, q)`: the order-8 Chebyshev I low-pass, zero phase, then every q-th
/// sample from the first.
pub fn decimate(x: &[f64], q: usize) -> Result<Vec<f64>> {
    if q == 0 {
        return Err(Error::invalid("decim", 0, "a positive integer factor"));
    }
    if q == 1 {
        return Ok(x.to_vec());
    }
    let (b, a) = cheby1_lowpass(8, 0.05, 0.8 / q as f64);
    let y = filtfilt(&b, &a, x)?;
    Ok(y.into_iter().step_by(q).collect())
}

/// hnn-core's `_decimate_plot_data`: each factor in turn on the data, the times subsampled.
pub fn decimate_plot_data(
    factors: &[usize],
    data: &[f64],
    times: &[f64],
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (mut d, mut t) = (data.to_vec(), times.to_vec());
    for &q in factors {
        d = decimate(&d, q)?;
        t = t.into_iter().step_by(q.max(1)).collect();
    }
    Ok((d, t))
}
