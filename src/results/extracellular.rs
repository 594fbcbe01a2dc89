//! Recorded extracellular potentials (hnn-core's `ExtracellularArray` after a simulation).

use crate::error::{Error, Result};

use super::dipole::{convolve_same, hamming};

/// How the recorded potentials were computed from the segments' currents (a copy of the
/// electrode array's method, kept with the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceApproximation {
    /// Point source at the segment centre (hnn-core `'psa'`).
    Psa,
    /// Line source along the segment (hnn-core `'lsa'`).
    Lsa,
}

impl SourceApproximation {
    /// hnn-core's name of the method (`"psa"` or `"lsa"`).
    pub fn name(self) -> &'static str {
        match self {
            SourceApproximation::Psa => "psa",
            SourceApproximation::Lsa => "lsa",
        }
    }
}

/// The potentials of one electrode array, every trial.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtracellularArray {
    /// Array name.
    pub name: String,
    /// Contact positions [µm].
    pub positions: Vec<[f64; 3]>,
    /// Conductivity [S/m].
    pub conductivity: f64,
    /// Point- or line-source approximation.
    pub method: SourceApproximation,
    /// Minimum source distance [µm].
    pub min_distance: f64,
    /// Sample times [ms].
    pub times: Vec<f64>,
    /// `voltages[trial][contact][sample]` [µV].
    pub voltages: Vec<Vec<Vec<f64>>>,
}

impl ExtracellularArray {
    /// An array with no data yet, described by its name, contact positions [µm],
    /// conductivity [S/m], method and minimum source distance [µm] (the simulation builds
    /// one per electrode array of the network: [`crate::sim::network::empty_recording`]).
    pub fn empty(
        name: &str,
        positions: Vec<[f64; 3]>,
        conductivity: f64,
        method: SourceApproximation,
        min_distance: f64,
    ) -> ExtracellularArray {
        ExtracellularArray {
            name: name.to_string(),
            positions,
            conductivity,
            method,
            min_distance,
            times: Vec::new(),
            voltages: Vec::new(),
        }
    }

    /// Number of contacts.
    pub fn n_contacts(&self) -> usize {
        self.positions.len()
    }

    /// Number of trials recorded.
    pub fn n_trials(&self) -> usize {
        self.voltages.len()
    }

    /// The recordings as one array, trial × contact × sample [µV] (hnn-core's
    /// `get_data()` shape).
    ///
    /// ```
    /// use hnn::prelude::*;
    /// let mut net = jones_2009_model((3, 3))?;
    /// add_erp_drives_to_jones_model(&mut net, 0.0)?;
    /// let positions = vec![[0.0, 0.0, 0.0], [0.0, 0.0, 500.0]];
    /// let method = hnn::network::electrodes::Method::parse("psa")?;
    /// let shank = hnn::network::electrodes::ElectrodeArray::new("shank", positions, 0.3, method, 0.5)?;
    /// net.add_electrode_array(shank)?;
    /// let out = simulate_dipole(&net, &SimConfig::new(5.0))?;
    /// let lfp = out.rec_arrays[0].to_array();
    /// assert_eq!(lfp.shape(), &[1, 2, 201]);
    /// # Ok::<(), hnn::Error>(())
    /// ```
    pub fn to_array(&self) -> ndarray::Array3<f64> {
        let (nt, nc) = (self.voltages.len(), self.n_contacts());
        let ns = self.times.len();
        ndarray::Array3::from_shape_fn((nt, nc, ns), |(t, c, k)| {
            self.voltages[t]
                .get(c)
                .and_then(|v| v.get(k))
                .copied()
                .unwrap_or(f64::NAN)
        })
    }

    /// Sampling rate [Hz] from the median sample interval (hnn-core's `sfreq`); `None`
    /// without samples, an error when the intervals vary by more than 1 µs.
    pub fn sfreq(&self) -> Result<Option<f64>> {
        match self.times.len() {
            0 => return Ok(None),
            1 => {
                return Err(Error::invalid(
                    "extracellular times",
                    "one sample",
                    "at least two samples to define a sampling rate",
                ));
            }
            _ => {}
        }
        let mut dt: Vec<f64> = self.times.windows(2).map(|w| w[1] - w[0]).collect();
        let (min, max) = dt
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        dt.sort_by(f64::total_cmp);
        let n = dt.len();
        let median = if n % 2 == 1 {
            dt[n / 2]
        } else {
            0.5 * (dt[n / 2 - 1] + dt[n / 2])
        };
        if (max - median).abs() > 1e-3 || (min - median).abs() > 1e-3 {
            return Err(Error::invalid(
                "extracellular times",
                "intervals varying by more than 1 µs",
                "evenly sampled times",
            ));
        }
        Ok(Some(1000.0 / median))
    }

    /// Smooth every trace with a normalised Hamming window of `window_len` ms, in place
    /// (hnn-core's `ExtracellularArray.smooth`, the same filter as `Dipole.smooth`).
    pub fn smooth(&mut self, window_len: f64) -> Result<&mut Self> {
        let sfreq = self
            .sfreq()?
            .ok_or_else(|| Error::invalid("extracellular array", "no data", "a simulated array"))?;
        let m = (1e-3 * window_len * sfreq).round_ties_even();
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
                    "a window no longer than the recording ({m:.0} samples asked, {} recorded)",
                    self.times.len()
                ),
            ));
        }
        let w = hamming(m as usize);
        for trial in &mut self.voltages {
            for v in trial.iter_mut() {
                *v = convolve_same(v, &w);
            }
        }
        Ok(self)
    }

    /// A copy holding only the given trials (hnn-core's `array[i]`, `array[[i, j]]`).
    pub fn trials(&self, idx: &[usize]) -> Result<ExtracellularArray> {
        let mut out = self.clone();
        out.voltages = idx
            .iter()
            .map(|&i| {
                self.voltages.get(i).cloned().ok_or_else(|| {
                    Error::invalid(
                        "trial index",
                        i,
                        format!("below the number of trials ({})", self.voltages.len()),
                    )
                })
            })
            .collect::<Result<_>>()?;
        Ok(out)
    }

    /// The contacts' z coordinates and spacing, checking that they form a laminar probe:
    /// at least two contacts, equally spaced, colinear, moving along z (hnn-core's
    /// `_get_laminar_z_coords`).
    pub fn laminar_z(&self) -> Result<(Vec<f64>, f64)> {
        laminar_z_coords(&self.positions)
    }
}

fn allclose(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

/// z coordinates and spacing of a laminar electrode (see [`ExtracellularArray::laminar_z`]).
pub fn laminar_z_coords(positions: &[[f64; 3]]) -> Result<(Vec<f64>, f64)> {
    if positions.len() < 2 {
        return Err(Error::invalid(
            "electrode positions",
            format!("{} contact(s)", positions.len()),
            "more than 1 contact for a laminar profile",
        ));
    }
    let disp: Vec<[f64; 3]> = positions
        .windows(2)
        .map(|w| [0, 1, 2].map(|k| w[1][k] - w[0][k]))
        .collect();
    let mag: Vec<f64> = disp
        .iter()
        .map(|d| (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt())
        .collect();
    let dz = disp[0][2].abs();
    let equal = mag.iter().all(|&m| allclose(m, mag[0]));
    let colinear = disp.windows(2).all(|w| {
        let (a, b) = (w[0], w[1]);
        let c = [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ];
        c.iter().all(|&x| allclose(x, 0.0))
    });
    if !(equal && dz > 0.0 && colinear) {
        return Err(Error::invalid(
            "electrode positions",
            "not a laminar probe",
            "equally spaced, colinear contacts moving along z",
        ));
    }
    Ok((positions.iter().map(|p| p[2]).collect(), dz))
}

/// Current source density by the three-point second difference across contacts, with the
/// two border rows extrapolated linearly (hnn-core's `calculate_csd2d`):
/// `csd[i] = -(v[i-1] - 2 v[i] + v[i+1]) / delta²`. `lfp[contact][sample]`.
pub fn calculate_csd2d(lfp: &[Vec<f64>], delta: f64) -> Result<Vec<Vec<f64>>> {
    if lfp.len() < 4 {
        return Err(Error::invalid(
            "LFP data",
            format!("{} channel(s)", lfp.len()),
            "at least 4 channels (two inner rows to extrapolate the borders from)",
        ));
    }
    let n = lfp[0].len();
    if let Some(i) = lfp.iter().position(|r| r.len() != n) {
        return Err(Error::invalid(
            format!("LFP channel {i}"),
            format!("{} samples", lfp[i].len()),
            format!("{n} samples like channel 0"),
        ));
    }
    if !(delta.is_finite() && delta != 0.0) {
        return Err(Error::invalid(
            "delta",
            delta,
            "a finite non-zero spacing [µm]",
        ));
    }
    let d2 = delta * delta;
    // numpy's diff applied twice: (v[i+2] - v[i+1]) - (v[i+1] - v[i])
    let inner: Vec<Vec<f64>> = (0..lfp.len() - 2)
        .map(|i| {
            (0..n)
                .map(|k| {
                    let a = lfp[i + 1][k] - lfp[i][k];
                    let b = lfp[i + 2][k] - lfp[i + 1][k];
                    -(b - a) / d2
                })
                .collect()
        })
        .collect();
    let m = inner.len();
    let top: Vec<f64> = (0..n).map(|k| inner[0][k] * 2.0 - inner[1][k]).collect();
    let bottom: Vec<f64> = (0..n)
        .map(|k| inner[m - 1][k] * 2.0 - inner[m - 2][k])
        .collect();
    let mut out = Vec::with_capacity(m + 2);
    out.push(top);
    out.extend(inner);
    out.push(bottom);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csd_of_a_quadratic_profile_is_constant() {
        // v = z² → second difference 2·δ², csd = -2 everywhere, borders included
        let lfp: Vec<Vec<f64>> = (0..6).map(|i| vec![(i * i) as f64 * 100.0]).collect();
        let csd = calculate_csd2d(&lfp, 10.0).unwrap();
        assert_eq!(csd.len(), 6);
        for row in csd {
            assert_eq!(row, vec![-2.0]);
        }
        assert!(calculate_csd2d(&lfp[..3], 10.0).is_err());
    }

    #[test]
    fn laminar_checks() {
        let good: Vec<[f64; 3]> = (0..5).map(|i| [1.0, 2.0, 100.0 * i as f64]).collect();
        assert_eq!(laminar_z_coords(&good).unwrap().1, 100.0);
        let mut bent = good.clone();
        bent[3][0] = 7.0;
        assert!(laminar_z_coords(&bent).is_err());
        let flat: Vec<[f64; 3]> = (0..5).map(|i| [10.0 * i as f64, 0.0, 0.0]).collect();
        assert!(laminar_z_coords(&flat).is_err());
        assert!(laminar_z_coords(&good[..1]).is_err());
    }
}
