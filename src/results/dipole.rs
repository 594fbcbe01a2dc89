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
