//! Morlet time-frequency power as hnn-core's `plot_tfr_morlet` computes it with MNE's
//! `tfr_array_morlet(output='power')`: zero-mean complex Morlet wavelets of `n_cycles`
//! cycles (support ±5σ_t, unit energy ×√2), FFT convolution keeping the centred part, the
//! signal zero-padded by n−1 samples on each side and the result cropped back.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::error::{Error, Result};
use crate::results::Dipole;

/// MNE's `morlet(sfreq, f, n_cycles, zero_mean=True)`.
pub fn morlet(sfreq: f64, f: f64, n_cycles: f64) -> Vec<Complex<f64>> {
    let sigma_t = n_cycles / (2.0 * std::f64::consts::PI * f);
    // numpy arange(0, 5σ, 1/sfreq): ceil((stop - start)/step) values
    let n = ((5.0 * sigma_t) / (1.0 / sfreq)).ceil() as usize;
    let half: Vec<f64> = (0..n).map(|i| i as f64 * (1.0 / sfreq)).collect();
    let t: Vec<f64> = half
        .iter()
        .rev()
        .map(|x| -x)
        .chain(half.iter().skip(1).copied())
        .collect();
    let offset = (-2.0 * (std::f64::consts::PI * f * sigma_t).powi(2)).exp();
    let mut w: Vec<Complex<f64>> = t
        .iter()
        .map(|&ti| {
            let osc = Complex::from_polar(1.0, 2.0 * std::f64::consts::PI * f * ti) - offset;
            osc * (-(ti * ti) / (2.0 * sigma_t * sigma_t)).exp()
        })
        .collect();
    let norm = w.iter().map(|c| c.norm_sqr()).sum::<f64>().sqrt();
    let s = 1.0 / ((0.5f64).sqrt() * norm);
    for c in &mut w {
        *c *= s;
    }
    w
}

/// How hnn-core's `plot_tfr_morlet` pads the signal before the wavelet transform
/// (`padding`), cropping the power back to the signal afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Padding {
    /// No padding (`padding=None`): every wavelet must fit the signal itself.
    None,
    /// n − 1 zeros on each side (`'zeros'`, hnn-core's default).
    #[default]
    Zeros,
    /// The signal mirrored on each side (`'mirror'`: `x[n-1..1]`, `x`, `x[n-2..0]`).
    Mirror,
}

impl Padding {
    /// hnn-core's name (`"zeros"`, `"mirror"`); `None` for no padding.
    pub fn parse(name: Option<&str>) -> Result<Padding> {
        match name {
            None => Ok(Padding::None),
            Some("zeros") => Ok(Padding::Zeros),
            Some("mirror") => Ok(Padding::Mirror),
            Some(other) => Err(Error::invalid(
                "padding",
                other,
                "\"zeros\", \"mirror\" or () for none",
            )),
        }
    }
}

/// Power of one real signal at each frequency, `[freq][time]`, with hnn-core's zero padding.
/// `n_cycles`: one value for every frequency, or one per frequency (as MNE accepts).
pub fn morlet_power(
    x: &[f64],
    sfreq: f64,
    freqs: &[f64],
    n_cycles: &[f64],
) -> Result<Vec<Vec<f64>>> {
    morlet_power_padded(x, sfreq, freqs, n_cycles, Padding::Zeros)
}

/// [`morlet_power`] with the signal padded as `padding` says (the power is cropped back to
/// the signal's samples).
pub fn morlet_power_padded(
    x: &[f64],
    sfreq: f64,
    freqs: &[f64],
    n_cycles: &[f64],
    padding: Padding,
) -> Result<Vec<Vec<f64>>> {
    let n = x.len();
    if n < 2 {
        return Err(Error::invalid("signal", n, "at least two samples"));
    }
    for &f in freqs {
        if !(f > 0.0 && f <= sfreq / 2.0) {
            return Err(Error::invalid(
                "freqs",
                f,
                format!("frequencies in (0, {}] Hz", sfreq / 2.0),
            ));
        }
    }
    if n_cycles.len() != 1 && n_cycles.len() != freqs.len() {
        return Err(Error::invalid(
            "n_cycles",
            format!("{} values", n_cycles.len()),
            format!("one value or one per frequency ({})", freqs.len()),
        ));
    }
    if let Some(c) = n_cycles.iter().find(|c| !(**c > 0.0 && c.is_finite())) {
        return Err(Error::invalid("n_cycles", c, "positive numbers"));
    }
    // the padded signal and where the signal starts in it
    let (padded, offset): (Vec<f64>, usize) = match padding {
        Padding::None => (x.to_vec(), 0),
        Padding::Zeros => {
            let mut p = vec![0.0; 3 * n - 2];
            p[n - 1..2 * n - 1].copy_from_slice(x);
            (p, n - 1)
        }
        Padding::Mirror => (
            x[1..]
                .iter()
                .rev()
                .chain(x)
                .chain(x[..n - 1].iter().rev())
                .copied()
                .collect(),
            n - 1,
        ),
    };
    let padded_len = padded.len();
    let mut planner = FftPlanner::new();
    let mut out = Vec::with_capacity(freqs.len());
    for (i, &f) in freqs.iter().enumerate() {
        let nc = n_cycles[i.min(n_cycles.len() - 1)];
        // the wavelet spans 10 sigma_t: refuse before allocating one longer than the signal
        let samples = 10.0 * nc / (2.0 * std::f64::consts::PI * f) * sfreq;
        if !(f > 0.0 && f.is_finite() && samples.is_finite() && samples <= padded_len as f64) {
            return Err(Error::invalid(
                format!("wavelet at {f} Hz"),
                format!("{samples:.3e} samples"),
                format!(
                    "a positive frequency whose wavelet fits the padded signal ({padded_len} samples): use fewer cycles or higher frequencies"
                ),
            ));
        }
        let w = morlet(sfreq, f, nc);
        if w.len() > padded_len {
            return Err(Error::invalid(
                format!("wavelet at {f} Hz"),
                format!("{} samples", w.len()),
                format!(
                    "at most the padded signal ({padded_len} samples): use fewer cycles or higher frequencies"
                ),
            ));
        }
        let full = padded_len + w.len() - 1;
        let nfft = full.next_power_of_two();
        let mut a = vec![Complex::new(0.0, 0.0); nfft];
        for (i, v) in padded.iter().enumerate() {
            a[i] = Complex::new(*v, 0.0);
        }
        let mut b = vec![Complex::new(0.0, 0.0); nfft];
        b[..w.len()].copy_from_slice(&w);
        planner.plan_fft_forward(nfft).process(&mut a);
        planner.plan_fft_forward(nfft).process(&mut b);
        for (p, q) in a.iter_mut().zip(&b) {
            *p *= q;
        }
        planner.plan_fft_inverse(nfft).process(&mut a);
        let start = (w.len() - 1) / 2; // centred `padded_len` samples of the full convolution
        let crop = start + offset; // then hnn-core's crop back to the signal
        out.push(
            (0..n)
                .map(|i| (a[crop + i] / nfft as f64).norm_sqr())
                .collect(),
        );
    }
    Ok(out)
}

/// Times [ms] and the trial-mean power `[freq][time]` of one dipole layer (samples with
/// `tmin <= t < tmax`, as hnn-core selects them).
pub fn dipole_tfr(
    dpls: &[Dipole],
    layer: &str,
    freqs: &[f64],
    n_cycles: &[f64],
    tmin: Option<f64>,
    tmax: Option<f64>,
) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
    dipole_tfr_with(
        dpls,
        layer,
        freqs,
        n_cycles,
        (tmin, tmax),
        &[],
        Padding::Zeros,
    )
}

/// [`dipole_tfr`] with hnn-core's `decim` (factors applied in turn to the selected samples
/// and their times, lowering the sampling rate: fewer columns) and `padding`.
pub fn dipole_tfr_with(
    dpls: &[Dipole],
    layer: &str,
    freqs: &[f64],
    n_cycles: &[f64],
    (tmin, tmax): (Option<f64>, Option<f64>),
    decim: &[usize],
    padding: Padding,
) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
    let first = dpls
        .first()
        .ok_or_else(|| Error::invalid("dipoles", "none", "at least one Dipole"))?;
    let fs = first.sfreq();
    let mut mean: Vec<Vec<f64>> = Vec::new();
    let mut times = Vec::new();
    for d in dpls {
        let data = d.layer(layer)?;
        let lo = tmin.map_or(d.times[0], |t| t.max(d.times[0]));
        let hi = tmax.map_or(*d.times.last().unwrap_or(&0.0), |t| {
            t.min(*d.times.last().unwrap_or(&0.0))
        });
        let (ts, x): (Vec<f64>, Vec<f64>) = d
            .times
            .iter()
            .zip(data)
            .filter(|(t, _)| **t >= lo && **t < hi)
            .map(|(t, v)| (*t, *v))
            .unzip();
        let (x, ts, fs) = if decim.is_empty() {
            (x, ts, fs)
        } else {
            let (y, t) = crate::analysis::decimate::decimate_plot_data(decim, &x, &ts)?;
            let q: f64 = decim.iter().map(|&q| q as f64).product();
            (y, t, fs / q)
        };
        let p = morlet_power_padded(&x, fs, freqs, n_cycles, padding)?;
        if mean.is_empty() {
            mean = vec![vec![0.0; ts.len()]; freqs.len()];
            times = ts;
        }
        for (m, row) in mean.iter_mut().zip(&p) {
            for (a, b) in m.iter_mut().zip(row) {
                *a += b / dpls.len() as f64;
            }
        }
    }
    Ok((times, mean))
}
