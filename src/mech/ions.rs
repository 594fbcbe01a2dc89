//! The Ca ion: its reversal potential from cai by Nernst, refreshed at every current
//! evaluation (NEURON's ion style for a concentration state).

use super::fastmath;
use super::{CAO, FARADAY_LEGACY, R_LEGACY};

/// `RT/(2F)` [mV] at `celsius`, with NEURON's legacy constants.
pub fn half_ktf(celsius: f64) -> f64 {
    1000.0 * R_LEGACY * (celsius + 273.15) / FARADAY_LEGACY / 2.0
}

/// For every node: `eca = RT/(2F)·ln(cao/cai)` and `ica = 0` (currents then accumulate).
#[inline(always)]
pub fn refresh(cai: &[f64], eca: &mut [f64], ica: &mut [f64], half_ktf: f64) {
    let n = cai.len().min(eca.len()).min(ica.len());
    let (cai, eca, ica) = (&cai[..n], &mut eca[..n], &mut ica[..n]);
    for k in 0..n {
        eca[k] = nernst(cai[k], half_ktf);
        ica[k] = 0.0;
    }
}

/// `eca = RT/(2F)·ln(cao/cai)` at one node.
#[inline(always)]
pub fn nernst(cai: f64, half_ktf: f64) -> f64 {
    half_ktf * fastmath::ln(CAO / cai)
}
