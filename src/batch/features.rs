//! Features of one simulation for simulation-based inference, computed natively (the same
//! code as the rest of the analysis): the processed dipole waveform (scale, Hamming
//! smoothing, a time window, scipy-style decimation), periodogram band powers, peak
//! amplitudes and latencies, and mean spike rates per cell type.

use serde::{Deserialize, Serialize};

use crate::analysis::decimate::decimate;
use crate::analysis::psd::periodogram;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::results::dipole::average_dipoles;
use crate::sim::network::SimOutput;

/// Which features, in this column order: waveform samples, band powers, peaks, rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Dipole trace: "agg", "L2" or "L5".
    pub layer: String,
    /// Factor applied first (hnn-core's `Dipole.scale`).
    pub scale: f64,
    /// Hamming smoothing window \[ms\] (`Dipole.smooth`); `None`: no smoothing.
    pub smooth: Option<f64>,
    /// Keep samples with `tmin <= t <= tmax` \[ms\].
    pub tmin: Option<f64>,
    /// See `tmin`.
    pub tmax: Option<f64>,
    /// Decimation factor of the waveform (scipy's `decimate`, order-8 Chebyshev I); 1: none.
    pub decim: usize,
    /// Include the waveform samples.
    pub waveform: bool,
    /// Frequency bands `[lo, hi]` \[Hz\]: power of the windowed, smoothed trace integrated
    /// over the band (periodogram, trapezoid rule).
    pub bands: Vec<[f64; 2]>,
    /// log10 of the band powers.
    pub log_power: bool,
    /// Largest and smallest value of the trace and their times \[ms\]:
    /// `max, t_max, min, t_min`.
    pub peaks: bool,
    /// Mean spike rate of every cell type \[Hz\] (spikes / cells / duration, over trials).
    pub rates: bool,
}

impl Default for FeatureSpec {
    /// The raw 'agg' waveform.
    fn default() -> Self {
        FeatureSpec {
            layer: "agg".into(),
            scale: 1.0,
            smooth: None,
            tmin: None,
            tmax: None,
            decim: 1,
            waveform: true,
            bands: Vec::new(),
            log_power: false,
            peaks: false,
            rates: false,
        }
    }
}

impl FeatureSpec {
    /// Check the settings against the run (`n_samples` samples of `dt` ms).
    pub fn check(&self, dt: f64, n_samples: usize) -> Result<()> {
        if !["agg", "L2", "L5"].contains(&self.layer.as_str()) {
            return Err(Error::UnknownName {
                what: "features.layer".into(),
                name: self.layer.clone(),
                known: "agg, L2, L5".into(),
            });
        }
        if !self.scale.is_finite() {
            return Err(Error::invalid(
                "features.scale",
                self.scale,
                "a finite number",
            ));
        }
        if let Some(w) = self.smooth
            && !(w.is_finite() && w > 0.0)
        {
            return Err(Error::invalid("features.smooth", w, "a window > 0 [ms]"));
        }
        if self.decim == 0 || self.decim > 1000 {
            return Err(Error::invalid(
                "features.decim",
                self.decim,
                "an integer from 1 to 1000",
            ));
        }
        for b in &self.bands {
            if !(b[0].is_finite() && b[1].is_finite() && b[0] >= 0.0 && b[1] > b[0]) {
                return Err(Error::invalid(
                    "features.bands",
                    format!("[{}, {}]", b[0], b[1]),
                    "[lo, hi] with 0 <= lo < hi [Hz]",
                ));
            }
        }
        let (i0, i1) = self.window(dt, n_samples);
        if i1 <= i0 {
            return Err(Error::invalid(
                "features.tmin/tmax",
                format!("{:?}/{:?}", self.tmin, self.tmax),
                "a window holding at least one sample",
            ));
        }
        if !(self.waveform || !self.bands.is_empty() || self.peaks || self.rates) {
            return Err(Error::invalid(
                "features",
                "none",
                "at least one of waveform, bands, peaks, rates",
            ));
        }
        Ok(())
    }

    /// Sample index range of the window.
    fn window(&self, dt: f64, n: usize) -> (usize, usize) {
        let i0 = self
            .tmin
            .map_or(0, |t| ((t / dt).ceil().max(0.0) as usize).min(n));
        let i1 = self
            .tmax
            .map_or(n, |t| (((t / dt).floor() + 1.0).max(0.0) as usize).min(n));
        (i0, i1)
    }

    /// Column names for a run of `n_samples` samples of `dt` ms and these cell types.
    pub fn names(&self, dt: f64, n_samples: usize, cell_types: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        if self.waveform {
            let (i0, i1) = self.window(dt, n_samples);
            let n = (i1 - i0).div_ceil(self.decim);
            out.extend((0..n).map(|k| format!("{}[{}]", self.layer, i0 + k * self.decim)));
        }
        for b in &self.bands {
            let p = if self.log_power {
                "log10_power"
            } else {
                "power"
            };
            out.push(format!("{p}_{}_{}Hz", b[0], b[1]));
        }
        if self.peaks {
            for k in ["max", "t_max", "min", "t_min"] {
                out.push(format!("{}_{k}", self.layer));
            }
        }
        if self.rates {
            out.extend(cell_types.iter().map(|c| format!("rate_{c}")));
        }
        out
    }

    /// The features of one simulation of `net`.
    pub fn compute(&self, net: &Network, out: &SimOutput, tstop: f64) -> Result<Vec<f64>> {
        let mut d = if out.dipoles.len() == 1 {
            out.dipoles[0].clone()
        } else {
            average_dipoles(&out.dipoles)?
        };
        if self.scale != 1.0 {
            d.scale(self.scale)?;
        }
        if let Some(w) = self.smooth {
            d.smooth(w)?;
        }
        let x = d.layer(&self.layer)?;
        let dt = if d.times.len() > 1 {
            d.times[1] - d.times[0]
        } else {
            1.0
        };
        let (i0, i1) = self.window(dt, x.len());
        let xw = &x[i0..i1];
        let tw = &d.times[i0..i1];
        let mut f = Vec::new();
        if self.waveform {
            f.extend(decimate(xw, self.decim)?);
        }
        if !self.bands.is_empty() {
            let (freqs, p) = periodogram(xw, 1000.0 / dt);
            for b in &self.bands {
                let mut s = 0.0;
                for k in 1..freqs.len() {
                    let (fa, fb) = (freqs[k - 1], freqs[k]);
                    if fa >= b[0] && fb <= b[1] {
                        s += 0.5 * (p[k - 1] + p[k]) * (fb - fa);
                    }
                }
                f.push(if self.log_power { s.log10() } else { s });
            }
        }
        if self.peaks {
            let (mut imax, mut imin) = (0, 0);
            for (k, v) in xw.iter().enumerate() {
                if *v > xw[imax] {
                    imax = k;
                }
                if *v < xw[imin] {
                    imin = k;
                }
            }
            f.extend([xw[imax], tw[imax], xw[imin], tw[imin]]);
        }
        if self.rates {
            let n_trials = out.cell_response.spike_gids.len().max(1) as f64;
            for (name, range) in net
                .gid_ranges
                .iter()
                .filter(|(n, _)| net.cell_types.iter().any(|c| &c.name == n))
            {
                let count: usize = out
                    .cell_response
                    .spike_gids
                    .iter()
                    .map(|g| g.iter().filter(|g| range.contains(g)).count())
                    .sum();
                let _ = name;
                let cells = range.len().max(1) as f64;
                f.push(count as f64 / cells / n_trials / (tstop / 1000.0));
            }
        }
        Ok(f)
    }
}
