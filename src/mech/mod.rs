//! Membrane mechanisms: metadata, rate tables and struct-of-arrays kernels.
//!
//! Each kernel has `init`, `current` (add i to −rhs and g to d at frozen states) and
//! `advance` (cnexp with the new voltage). Units follow NEURON: mA/cm², S/cm², mV, ms.

pub mod ar;
pub mod ca;
pub mod cad;
pub mod cat;
pub mod catalogue;
pub mod fastmath;
pub mod gates;
pub mod hh2;
pub mod ions;
pub mod kca;
pub mod km;
pub mod rates;
pub mod table;

/// A mechanism's current at one node at a time, so that the matrix set-up can visit each
/// node once and add every mechanism's current there in the usual order (the same
/// operations per node as one mechanism's loop after another, so the same bits).
pub trait NodeCurrent {
    /// Subtract the current at node `k` (voltage `v` [mV], Ca reversal `eca` [mV]) from
    /// `rhs` and add its conductance to `d`; a Ca current also adds itself to `ica`.
    fn add(&self, k: usize, v: f64, eca: f64, ica: &mut f64, rhs: &mut f64, d: &mut f64);

    /// [`NodeCurrent::add`] at every node of `v`, for a mechanism that does not carry Ca.
    #[inline(always)]
    fn add_each(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64])
    where
        Self: Sized,
    {
        let n = v.len();
        let (rhs, d) = (&mut rhs[..n], &mut d[..n]);
        for k in 0..n {
            self.add(k, v[k], 0.0, &mut 0.0, &mut rhs[k], &mut d[k]);
        }
    }
}

/// No mechanism: adds nothing.
impl NodeCurrent for () {
    #[inline(always)]
    fn add(&self, _: usize, _: f64, _: f64, _: &mut f64, _: &mut f64, _: &mut f64) {}
}

/// Sodium reversal potential (NEURON default, constant) [mV].
pub const ENA: f64 = 50.0;
/// Potassium reversal potential (NEURON default, constant) [mV].
pub const EK: f64 = -77.0;
/// Extracellular Ca (cao0) [mM].
pub const CAO: f64 = 2.0;
/// Initial intracellular Ca of the ion (cai0) before cad initialises it [mM].
pub const CAI0: f64 = 5e-5;
/// Gas constant of NEURON's legacy units, used by its Nernst equation [J/(K·mol)].
pub const R_LEGACY: f64 = 8.3134;
/// Faraday constant of NEURON's legacy units, used by its Nernst equation [C/mol].
pub const FARADAY_LEGACY: f64 = 96485.309;

/// Ca reversal potential by Nernst with NEURON's legacy constants [mV].
#[inline(always)]
pub fn nernst_ca(cai: f64, celsius: f64) -> f64 {
    let ktf = 1000.0 * R_LEGACY * (celsius + 273.15) / FARADAY_LEGACY;
    ktf / 2.0 * (CAO / cai).ln()
}

/// A reproducible stream of uniform numbers in [0, 1) for the kernels' tests (a 64-bit LCG).
#[cfg(test)]
pub(crate) fn uniform_stream(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nernst_matches_neuron() {
        // eca after cad INITIAL (numerics-reference §1.3).
        assert!((super::nernst_ca(1e-4, 37.0) - 132.32668565108486).abs() < 1e-11);
    }
}
