//! cad: Ca shell with a first-order pump (hnn-core's `cad.mod`). Reads ica, writes cai.

/// Faraday constant of hnn-core's mod files under NEURON's legacy units [C/mol].
pub const FARADAY_MOD: f64 = 96485.3;
/// Shell depth [µm].
pub const DEPTH: f64 = 0.1;
/// Resting concentration [mM].
pub const CAINF: f64 = 100e-6;

/// Influx per unit Ca current: `-10000 / (2 F depth)` [mM/ms per mA/cm²].
const DRIVE_PER_ICA: f64 = -10000.0 / (2.0 * FARADAY_MOD * DEPTH);

/// All cad instances of a cell group.
#[derive(Debug, Clone, Default)]
pub struct Cad {
    /// Node of each instance.
    pub node: Vec<u32>,
    /// Removal time constant [ms].
    pub taur: Vec<f64>,
    /// Concentration state [mM].
    pub ca: Vec<f64>,
    /// `1 - exp(-dt/taur)`, constant per instance.
    decay: Vec<f64>,
    /// `cainf / taur` [mM/ms].
    rest_rate: Vec<f64>,
}

impl Cad {
    /// Add one instance.
    pub fn push(&mut self, node: u32, p: &dyn Fn(&str) -> f64) {
        self.node.push(node);
        self.taur.push(p("taur_cad"));
        self.ca.push(CAINF);
        self.decay.push(0.0);
        self.rest_rate.push(0.0);
    }

    /// Precompute the per-step decay for time step `dt`.
    pub fn set_dt(&mut self, dt: f64) {
        for i in 0..self.node.len() {
            self.decay[i] = 1.0 - (dt * (-1.0 / self.taur[i])).exp();
            self.rest_rate[i] = CAINF / self.taur[i];
        }
    }

    /// INITIAL: ca = cai = cainf.
    pub fn init(&mut self, cai: &mut [f64]) {
        for i in 0..self.node.len() {
            self.ca[i] = CAINF;
            cai[self.node[i] as usize] = CAINF;
        }
    }

    /// cnexp update with the step's ica (call [`Cad::set_dt`] first); writes cai.
    #[inline]
    pub fn advance(&mut self, ica: &[f64], cai: &mut [f64]) {
        for i in 0..self.node.len() {
            let k = self.node[i] as usize;
            let mut drive = ica[k] * DRIVE_PER_ICA;
            if drive <= 0.0 {
                drive = 0.0;
            }
            let taur = self.taur[i];
            let ca = self.ca[i];
            // NEURON writes the target as -(drive + cainf/taur)/(-1/taur)
            let ca = ca + self.decay[i] * ((drive + self.rest_rate[i]) * taur - ca);
            self.ca[i] = ca;
            cai[k] = ca;
        }
    }
}
