//! Power spectral density as hnn-core's `plot_psd` computes it:
//! `scipy.signal.periodogram(x, fs, window='hamming', nfft=len(x))` — mean removed,
//! periodic Hamming window, one-sided density (V²/Hz) with every bin but DC (and Nyquist for
//! even lengths) doubled, over the samples with `tmin <= t < tmax`.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::error::{Error, Result};
use crate::results::Dipole;

/// Frequencies [Hz] and power [unit²/Hz] of one signal sampled at `fs` Hz.
pub fn periodogram(x: &[f64], fs: f64) -> (Vec<f64>, Vec<f64>) {
    let n = x.len();
    if n == 0 {
        return (vec![], vec![]);
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let w: Vec<f64> = (0..n)
        .map(|k| 0.54 - 0.46 * (2.0 * std::f64::consts::PI * k as f64 / n as f64).cos())
        .collect();
    let mut buf: Vec<Complex<f64>> = x
        .iter()
        .zip(&w)
        .map(|(v, wk)| Complex::new((v - mean) * wk, 0.0))
        .collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    let scale = 1.0 / (fs * w.iter().map(|v| v * v).sum::<f64>());
    let nf = n / 2 + 1;
    let mut p: Vec<f64> = buf[..nf].iter().map(|c| c.norm_sqr() * scale).collect();
    let last = if n.is_multiple_of(2) { nf - 1 } else { nf };
    for v in p.iter_mut().take(last).skip(1) {
        *v *= 2.0;
    }
    ((0..nf).map(|k| k as f64 * fs / n as f64).collect(), p)
}

/// The PSD of one layer of each dipole (mean over the dipoles) between `tmin` and `tmax`.
pub fn dipole_psd(
    dpls: &[Dipole],
    layer: &str,
    tmin: Option<f64>,
    tmax: Option<f64>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let first = dpls
        .first()
        .ok_or_else(|| Error::invalid("dipoles", "none", "at least one Dipole"))?;
    let fs = first.sfreq();
    let mut mean: Vec<f64> = Vec::new();
    let mut freqs = Vec::new();
    for d in dpls {
        if d.sfreq() != fs || d.scale_applied != first.scale_applied {
            return Err(Error::invalid(
                "dipoles",
                "different sampling or scaling",
                "dipoles of one kind",
            ));
        }
        let data = d.layer(layer)?;
        let lo = tmin.map_or(d.times[0], |t| t.max(d.times[0]));
        let hi = tmax.map_or(*d.times.last().unwrap_or(&0.0), |t| {
            t.min(*d.times.last().unwrap_or(&0.0))
        });
        let x: Vec<f64> = d
            .times
            .iter()
            .zip(data)
            .filter(|(t, _)| **t >= lo && **t < hi)
            .map(|(_, v)| *v)
            .collect();
        if x.len() < 2 {
            return Err(Error::invalid(
                "tmin/tmax",
                format!("{lo}..{hi}"),
                "a window holding at least two samples",
            ));
        }
        let (f, p) = periodogram(&x, fs);
        if mean.is_empty() {
            mean = vec![0.0; p.len()];
            freqs = f;
        }
        for (m, v) in mean.iter_mut().zip(&p) {
            *m += v / dpls.len() as f64;
        }
    }
    Ok((freqs, mean))
}
