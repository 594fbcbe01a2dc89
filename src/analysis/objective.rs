//! The fit measures of hnn-core's optimiser (`_rmse`, `_anticorr` in dipole.py): windows
//! picked by nearest index, series matched by FFT resampling (scipy's `signal.resample`).

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::error::{Error, Result};
use crate::results::Dipole;

/// scipy's `signal.resample` of a real series to `num` samples: keep the common low
/// frequencies (the shared Nyquist bin doubled when downsampling, halved when upsampling),
/// inverse-transform at the new length and scale by `num / n`.
pub fn resample(x: &[f64], num: usize) -> Vec<f64> {
    let n = x.len();
    if n == 0 || num == 0 {
        return vec![0.0; num];
    }
    let mut planner = FftPlanner::new();
    let mut buf: Vec<Complex<f64>> = x.iter().map(|v| Complex::new(*v, 0.0)).collect();
    planner.plan_fft_forward(n).process(&mut buf);
    let m = n.min(num);
    let nyq = m / 2 + 1;
    let mut y = vec![Complex::new(0.0, 0.0); num / 2 + 1];
    let keep = nyq.min(y.len());
    y[..keep].copy_from_slice(&buf[..keep]);
    if m.is_multiple_of(2) {
        if num < n {
            y[m / 2] *= 2.0;
        } else if n < num {
            y[m / 2] *= 0.5;
        }
    }
    // irfft of length num: Hermitian spectrum; an even length ignores the Nyquist imag part
    let mut full = vec![Complex::new(0.0, 0.0); num];
    for (k, c) in y.iter().enumerate() {
        full[k] = *c;
    }
    if num.is_multiple_of(2) {
        full[num / 2].im = 0.0;
    }
    for k in 1..num.div_ceil(2) {
        full[num - k] = y[k].conj();
    }
    full[0].im = 0.0;
    planner.plan_fft_inverse(num).process(&mut full);
    let s = 1.0 / num as f64 * (num as f64 / n as f64);
    full.iter().map(|c| c.re * s).collect()
}

fn nearest(times: &[f64], t: f64) -> usize {
    let mut best = 0;
    for (i, x) in times.iter().enumerate() {
        if (x - t).abs() < (times[best] - t).abs() {
            best = i;
        }
    }
    best
}

/// The two `agg` series and weights on a common grid, as `_rmse` prepares them.
fn matched(
    dpl: &Dipole,
    target: &Dipole,
    tstart: f64,
    tstop: f64,
    weights: Option<&[f64]>,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let (a, b) = (dpl.get("agg"), target.get("agg"));
    let (Some(a), Some(b)) = (a, b) else {
        return Err(Error::invalid(
            "dipoles",
            "no 'agg' trace",
            "dipoles with an aggregate trace",
        ));
    };
    let (mut t0, mut t1) = (tstart, tstop);
    for times in [&target.times, &dpl.times] {
        let (first, last) = (times[0], *times.last().unwrap_or(&0.0));
        if t0 < first {
            t0 = first;
        }
        if t1 > last {
            t1 = last;
        }
    }
    let (ss, se) = (nearest(&dpl.times, t0), nearest(&dpl.times, t1));
    let (es, ee) = (nearest(&target.times, t0), nearest(&target.times, t1));
    if se <= ss || ee <= es {
        return Err(Error::invalid(
            "tstart/tstop",
            format!("{tstart}..{tstop}"),
            "a window inside both time courses",
        ));
    }
    let ones = vec![1.0; dpl.times.len()];
    let w = weights.unwrap_or(&ones);
    if w.len() != dpl.times.len() {
        return Err(Error::invalid(
            "weights",
            w.len(),
            format!("one weight per simulated sample ({})", dpl.times.len()),
        ));
    }
    let (mut d1, mut d2, mut wt) = (a[ss..se].to_vec(), b[es..ee].to_vec(), w[ss..se].to_vec());
    if d1.len() > d2.len() {
        d1 = resample(&d1, d2.len());
        wt = resample(&wt, d2.len())
            .into_iter()
            .map(|x| if x < 1e-4 { 0.0 } else { x })
            .collect();
    } else if d1.len() < d2.len() {
        d2 = resample(&d2, d1.len());
    }
    Ok((d1, d2, wt))
}

/// Weighted RMSE between a simulated and a target dipole's `agg` (hnn-core's `_rmse`).
pub fn rmse(
    dpl: &Dipole,
    target: &Dipole,
    tstart: f64,
    tstop: f64,
    weights: Option<&[f64]>,
) -> Result<f64> {
    let (d1, d2, w) = matched(dpl, target, tstart, tstop, weights)?;
    let num: f64 = d1
        .iter()
        .zip(&d2)
        .zip(&w)
        .map(|((a, b), w)| w * (a - b) * (a - b))
        .sum();
    let den: f64 = w.iter().sum();
    Ok((num / den).sqrt())
}

/// 1 − Pearson correlation of the weighted series (hnn-core's `_anticorr`).
pub fn anticorr(
    dpl: &Dipole,
    target: &Dipole,
    tstart: f64,
    tstop: f64,
    weights: Option<&[f64]>,
) -> Result<f64> {
    let (d1, d2, w) = matched(dpl, target, tstart, tstop, weights)?;
    let x: Vec<f64> = d1.iter().zip(&w).map(|(a, w)| a * w).collect();
    let y: Vec<f64> = d2.iter().zip(&w).map(|(a, w)| a * w).collect();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(&y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    Ok(1.0 - sxy / (sxx * syy).sqrt())
}

/// hnn-core's `maximize_psd` objective: −Σ_b c_b·(power in band b) / (total power) of the
/// periodogram (periodic Hamming window, whole trace) of `agg`; bands include both ends.
pub fn relative_bandpower(dpl: &Dipole, f_bands: &[(f64, f64)], weights: &[f64]) -> Result<f64> {
    let Some(agg) = dpl.get("agg") else {
        return Err(Error::invalid(
            "dipole",
            "no 'agg' trace",
            "a dipole with an aggregate trace",
        ));
    };
    if f_bands.len() != weights.len() {
        return Err(Error::invalid(
            "relative_bandpower",
            format!("{} weights for {} bands", weights.len(), f_bands.len()),
            "one weight per band (or one number for all)",
        ));
    }
    let (freqs, p) = super::psd::periodogram(agg, dpl.sfreq());
    let total: f64 = p.iter().sum();
    let mut obj = 0.0;
    for ((lo, hi), c) in f_bands.iter().zip(weights) {
        let band: f64 = freqs
            .iter()
            .zip(&p)
            .filter(|(f, _)| *f >= lo && *f <= hi)
            .map(|(_, v)| v)
            .sum();
        obj -= c * band / total;
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_a_sine() {
        let x: Vec<f64> = (0..200)
            .map(|i| (2.0 * std::f64::consts::PI * 3.0 * i as f64 / 200.0).sin())
            .collect();
        let y = resample(&x, 50);
        for (i, v) in y.iter().enumerate() {
            let want = (2.0 * std::f64::consts::PI * 3.0 * i as f64 / 50.0).sin();
            assert!((v - want).abs() < 1e-12);
        }
    }
}
