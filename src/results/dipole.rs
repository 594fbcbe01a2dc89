//! The current dipole of a simulation (hnn-core's `Dipole`): `agg`, `L2`, `L5` in nAm.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A dipole time course per layer and their sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dipole {
    /// Sample times [ms].
    pub times: Vec<f64>,
    /// Named traces in hnn-core's order (`agg`, `L2`, `L5`) [nAm].
    pub data: Vec<(String, Vec<f64>)>,
    /// Number of trials averaged into this dipole.
    pub nave: usize,
    /// Product of the scale factors applied.
    pub scale_applied: f64,
}

impl Dipole {
    /// A dipole from layer sums in fAm as the solver produces them: hnn-core's baseline
    /// renormalisation for an `n_pyr` cell grid, `agg = L2 + L5`, then fAm → nAm.
    pub fn from_layer_sums(times: Vec<f64>, l2: Vec<f64>, l5: Vec<f64>, n_pyr: usize) -> Dipole {
        let n = n_pyr as f64;
        let mut l2 = l2;
        let mut l5 = l5;
        for v in &mut l2 {
            *v -= n * 0.0443;
        }
        let (m, b, t1, m1, b1) = (3.4770508e-3, -51.231085, 750.0, 1.01e-4, -48.412078);
        for (v, &t) in l5.iter_mut().zip(&times) {
            if t <= 37.0 {
                *v -= n * -49.0502;
            } else if t < t1 {
                *v -= n * (m * t + b);
            } else {
                *v -= n * (m1 * t + b1);
            }
        }
        let agg: Vec<f64> = l2.iter().zip(&l5).map(|(a, b)| a + b).collect();
        let mut d = Dipole {
            times,
            data: vec![("agg".into(), agg), ("L2".into(), l2), ("L5".into(), l5)],
            nave: 1,
            scale_applied: 1.0,
        };
        for (_, v) in &mut d.data {
            for x in v.iter_mut() {
                *x *= 1e-6;
            }
        }
        d
    }

    /// One trace by name, or an error listing the names there are.
    pub fn layer(&self, key: &str) -> crate::error::Result<&[f64]> {
        self.get(key)
            .ok_or_else(|| crate::error::Error::UnknownName {
                what: "dipole layer".into(),
                name: key.into(),
                known: self
                    .data
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// One trace by name (`agg`, `L2`, `L5`).
    pub fn get(&self, key: &str) -> Option<&[f64]> {
        self.data
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }

    /// Sampling frequency [Hz] from the first two samples.
    pub fn sfreq(&self) -> f64 {
        if self.times.len() > 1 {
            1000.0 / (self.times[1] - self.times[0])
        } else {
            f64::NAN
        }
    }

    /// Multiply every trace by `factor` in place.
    pub fn scale(&mut self, factor: f64) -> Result<&mut Self> {
        if !factor.is_finite() {
            return Err(Error::invalid("scale factor", factor, "a finite number"));
        }
        for (_, v) in &mut self.data {
            for x in v.iter_mut() {
                *x *= factor;
            }
        }
        self.scale_applied *= factor;
        Ok(self)
    }
}

impl Dipole {
    /// Smooth every trace with a normalised Hamming window of `window_len` ms, keeping the
    /// centre part of the full convolution (hnn-core's `Dipole.smooth`).
    pub fn smooth(&mut self, window_len: f64) -> Result<&mut Self> {
        let m = (1e-3 * window_len * self.sfreq()).round_ties_even();
        if !(m.is_finite() && m >= 1.0) {
            return Err(Error::invalid(
                "window_len",
                window_len,
                "a window of at least one sample [ms]",
            ));
        }
        if m > self.times.len() as f64 {
            return Err(Error::invalid(
                "window_len",
                window_len,
                format!(
                    "a window no longer than the dipole ({m:.0} samples asked, {} in the dipole, {} ms)",
                    self.times.len(),
                    self.times.len() as f64 * 1e3 / self.sfreq()
                ),
            ));
        }
        let m = m as usize;
        let w = hamming(m);
        for (_, v) in &mut self.data {
            *v = convolve_same(v, &w);
        }
        Ok(self)
    }
}

impl Dipole {
    /// Savitzky–Golay low-pass (hnn-core's `Dipole.savgol_filter(h_freq)`): a degree-5
    /// polynomial over windows of `round(sfreq / h_freq)` samples (made odd).
    pub fn savgol_filter(&mut self, h_freq: f64) -> Result<&mut Self> {
        let sfreq = self.sfreq();
        if !(h_freq.is_finite() && h_freq > 0.0) {
            return Err(Error::invalid(
                "h_freq",
                h_freq,
                "a positive frequency [Hz]",
            ));
        }
        if h_freq >= sfreq / 2.0 {
            return Err(Error::invalid(
                "h_freq",
                h_freq,
                format!("less than half the sampling rate ({} Hz)", sfreq / 2.0),
            ));
        }
        let window = ((sfreq / h_freq).round_ties_even() as usize / 2) * 2 + 1;
        if window > self.times.len() || window <= 5 {
            return Err(Error::invalid(
                "h_freq",
                h_freq,
                format!(
                    "a window between 7 and {} samples (got {window})",
                    self.times.len()
                ),
            ));
        }
        for (_, v) in &mut self.data {
            *v = super::savgol::savgol(v, window, 5);
        }
        Ok(self)
    }
}

/// hnn-core's `smooth_waveform(data, window_len, sfreq)`: `data` convolved with a normalised
/// Hamming window of `window_len` ms (`round(1e-3 · window_len · sfreq)` samples, at least
/// one and at most the data's length), the centred part kept (as [`Dipole::smooth`]).
pub fn smooth_waveform(data: &[f64], window_len: f64, sfreq: f64) -> Result<Vec<f64>> {
    if !(window_len >= 0.0 && window_len.is_finite()) {
        return Err(Error::invalid(
            "window_len",
            window_len,
            "a non-negative number [ms]",
        ));
    }
    if window_len > 0.0 && window_len < 1.0 {
        return Err(Error::invalid(
            "window_len",
            window_len,
            "at least 1 ms (or 0)",
        ));
    }
    if !(sfreq > 0.0 && sfreq.is_finite()) {
        return Err(Error::invalid(
            "sfreq",
            sfreq,
            "a positive sampling frequency [Hz]",
        ));
    }
    let m = (1e-3 * window_len * sfreq).round_ties_even();
    if !(m >= 1.0) {
        return Err(Error::invalid(
            "window size",
            format!("{m} samples"),
            "at least 1 sample (1e-3 * window_len * sfreq)",
        ));
    }
    if m > data.len() as f64 {
        return Err(Error::invalid(
            "window size",
            format!("{m} samples"),
            format!("at most the data's length, {} samples", data.len()),
        ));
    }
    Ok(convolve_same(data, &hamming(m as usize)))
}

/// numpy's symmetric Hamming window of length `m`, normalised to sum 1.
pub fn hamming(m: usize) -> Vec<f64> {
    if m == 1 {
        return vec![1.0];
    }
    let w: Vec<f64> = (0..m)
        .map(|k| 0.54 - 0.46 * (2.0 * std::f64::consts::PI * k as f64 / (m - 1) as f64).cos())
        .collect();
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

/// The centred `len(x)` samples of the full convolution `x * w` (zero-padded edges).
///
/// Each output is the sum of its products in increasing order of `x`'s index, one rounding
/// after another. Where a whole window fits, eight neighbouring outputs are summed side
/// by side (independent chains, so the adds overlap instead of waiting on each other); every
/// output keeps its own order, so the bits are those of summing it alone.
pub fn convolve_same(x: &[f64], w: &[f64]) -> Vec<f64> {
    let (n, m) = (x.len(), w.len());
    if m == 0 || n == 0 {
        return vec![0.0; n];
    }
    let off = (m - 1) / 2;
    let one = |i: usize| -> f64 {
        let k = i + off; // index into the full convolution
        let lo = k.saturating_sub(m - 1);
        let hi = k.min(n - 1);
        // from -0.0, as `Iterator::sum` for floats starts
        (lo..=hi).fold(-0.0, |a, j| a + x[j] * w[k - j])
    };
    let mut out = vec![0.0; n];
    // outputs i whose window lies inside x: m - 1 <= i + off <= n - 1
    let first = (m - 1).saturating_sub(off).min(n);
    let end = n.saturating_sub(off).max(first);
    let mut i = 0;
    while i < first {
        out[i] = one(i);
        i += 1;
    }
    while i + LANES <= end {
        // output i + r sums x[i + r + off + 1 - m + t] · w[m - 1 - t], t = 0..m
        let base = i + off + 1 - m;
        let mut acc = [-0.0f64; LANES];
        for t in 0..m {
            let wt = w[m - 1 - t];
            let xs = &x[base + t..base + t + LANES];
            for r in 0..LANES {
                acc[r] += xs[r] * wt;
            }
        }
        out[i..i + LANES].copy_from_slice(&acc);
        i += LANES;
    }
    while i < n {
        out[i] = one(i);
        i += 1;
    }
    out
}

/// Outputs of [`convolve_same`] summed side by side.
const LANES: usize = 8;

/// Sample-wise mean of several dipoles (hnn-core's `average_dipoles`).
pub fn average_dipoles(dpls: &[Dipole]) -> Result<Dipole> {
    let first = dpls
        .first()
        .ok_or_else(|| Error::invalid("dipoles", "an empty list", "at least one dipole"))?;
    for d in dpls {
        if d.nave > 1 {
            return Err(Error::invalid(
                "dipole nave",
                d.nave,
                "single-trial dipoles (nave 1)",
            ));
        }
        if d.times.len() != first.times.len() || d.data.len() != first.data.len() {
            return Err(Error::invalid(
                "dipoles",
                "different lengths",
                "dipoles of the same simulation",
            ));
        }
        if d.scale_applied != first.scale_applied {
            return Err(Error::invalid(
                "dipole scale_applied",
                d.scale_applied,
                "the same scale for every dipole",
            ));
        }
    }
    let n = dpls.len() as f64;
    let mut out = first.clone();
    for (ki, (_, v)) in out.data.iter_mut().enumerate() {
        for (i, x) in v.iter_mut().enumerate() {
            *x = dpls.iter().map(|d| d.data[ki].1[i]).sum::<f64>() / n;
        }
    }
    out.nave = dpls.len();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The side-by-side sums give the bits of summing each output alone.
    #[test]
    fn convolve_same_matches_one_output_at_a_time() {
        let naive = |x: &[f64], w: &[f64]| -> Vec<f64> {
            let (n, m) = (x.len(), w.len());
            let off = (m - 1) / 2;
            (0..n)
                .map(|i| {
                    let k = i + off;
                    let lo = k.saturating_sub(m - 1);
                    let hi = k.min(n - 1);
                    (lo..=hi).map(|j| x[j] * w[k - j]).sum()
                })
                .collect()
        };
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for &n in &[1usize, 2, 7, 8, 9, 31, 100, 1001] {
            let x: Vec<f64> = (0..n).map(|_| rnd() * 1e3).collect();
            for &m in &[1usize, 2, 3, 8, 17, 64, 99, 100, 1000, 1001] {
                if m > n {
                    continue;
                }
                let w = hamming(m);
                let (a, b) = (convolve_same(&x, &w), naive(&x, &w));
                for (i, (p, q)) in a.iter().zip(&b).enumerate() {
                    assert_eq!(p.to_bits(), q.to_bits(), "n {n} m {m} i {i}");
                }
            }
        }
        // signed zeros come out as summing alone gives them
        let z = vec![-0.0; 20];
        let (a, b) = (convolve_same(&z, &hamming(5)), naive(&z, &hamming(5)));
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    }
}
