//! cad: Ca shell with a first-order pump (hnn-core's `cad.mod`). Reads ica, writes cai.

/// Faraday constant of hnn-core's mod files under NEURON's legacy units [C/mol].
pub const FARADAY_MOD: f64 = 96485.3;
/// Shell depth [µm].
pub const DEPTH: f64 = 0.1;
/// Resting concentration [mM].
pub const CAINF: f64 = 100e-6;
/// Influx per unit Ca current: `-10000 / (2 F depth)` [mM/ms per mA/cm²].
const DRIVE_PER_ICA: f64 = -10000.0 / (2.0 * FARADAY_MOD * DEPTH);

/// cad over every node of a cell group (dense; `present` masks where it writes cai).
#[derive(Debug, Clone, Default)]
pub struct Cad {
    /// Removal time constant [ms].
    pub taur: Vec<f64>,
    /// Where the mechanism is inserted.
    pub present: Vec<bool>,
    /// Concentration state [mM].
    pub ca: Vec<f64>,
    /// `1 - exp(-dt/taur)`.
    decay: Vec<f64>,
    /// `cainf / taur` [mM/ms].
    rest_rate: Vec<f64>,
}

impl Cad {
    /// Absent on all `n` nodes.
    pub fn new(n: usize) -> Self {
        Cad {
            taur: vec![1.0; n],
            present: vec![false; n],
            ca: vec![CAINF; n],
            decay: vec![0.0; n],
            rest_rate: vec![0.0; n],
        }
    }

    /// Present at node `k`.
    pub fn set(&mut self, k: usize, p: &dyn Fn(&str) -> f64) {
        self.taur[k] = p("taur_cad");
        self.present[k] = true;
    }

    /// Precompute the per-step decay for time step `dt`.
    pub fn set_dt(&mut self, dt: f64) {
        for k in 0..self.taur.len() {
            self.decay[k] = 1.0 - (dt * (-1.0 / self.taur[k])).exp();
            self.rest_rate[k] = CAINF / self.taur[k];
        }
    }

    /// INITIAL: ca = cai = cainf where present.
    pub fn init(&mut self, cai: &mut [f64]) {
        for k in 0..self.taur.len() {
            self.ca[k] = CAINF;
            if self.present[k] {
                cai[k] = CAINF;
            }
        }
    }

    /// cnexp update with the step's ica (call [`Cad::set_dt`] first); writes cai.
    #[inline(always)]
    pub fn advance(&mut self, ica: &[f64], cai: &mut [f64]) {
        let n = self.taur.len();
        let (ica, cai) = (&ica[..n], &mut cai[..n]);
        let (taur, present, ca, decay, rest) = (
            &self.taur[..n],
            &self.present[..n],
            &mut self.ca[..n],
            &self.decay[..n],
            &self.rest_rate[..n],
        );
        for k in 0..n {
            let drive = ica[k] * DRIVE_PER_ICA;
            let drive = if drive <= 0.0 { 0.0 } else { drive };
            // NEURON writes the target as -(drive + cainf/taur)/(-1/taur)
            let c = ca[k] + decay[k] * ((drive + rest[k]) * taur[k] - ca[k]);
            ca[k] = c;
            cai[k] = if present[k] { c } else { cai[k] };
        }
    }
}
