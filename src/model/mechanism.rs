//! Mechanism parameters as painted on sections: constants or distance profiles.

use serde::{Deserialize, Serialize};

/// The value of one mechanism parameter on a section.
///
/// Either a constant, or a function of the path distance `x` [µm] from the soma's 0 end to
/// the segment centre, as hnn-core's `_exp_g_at_dist` / `_linear_g_at_dist` compute it.
/// Profiles are plain data (never closures) so that cells serialise and compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// The same value in every segment.
    Const(f64),
    /// A distance-dependent value.
    Profile(DistanceProfile),
    /// One value per segment, as hnn-core's network files store evaluated functions.
    Segments(Vec<f64>),
}

/// A distance-dependent parameter value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistanceProfile {
    /// `gbar_at_zero * (slope * exp(exp_term * x) + offset)`.
    Exponential {
        /// Value scale at x = 0.
        gbar_at_zero: f64,
        /// Multiplier of x in the exponent [1/µm].
        exp_term: f64,
        /// Offset added inside the product.
        offset: f64,
        /// Slope of the exponential part.
        slope: f64,
    },
    /// `gsoma + min(xkink, x) * (gdend - gsoma) / xkink`, multiplied by `hotzone_factor`
    /// where `hotzone_boundaries.0 < x < hotzone_boundaries.1`.
    Linear {
        /// Value at the soma.
        gsoma: f64,
        /// Value at and beyond `xkink`.
        gdend: f64,
        /// Distance where the value plateaus [µm].
        xkink: f64,
        /// Multiplier inside the hot zone.
        hotzone_factor: f64,
        /// Open interval of the hot zone [µm].
        hotzone_boundaries: (f64, f64),
    },
}

impl DistanceProfile {
    /// Evaluate at path distance `x` [µm], with hnn-core's operation order.
    pub fn eval(&self, x: f64) -> f64 {
        match *self {
            DistanceProfile::Exponential {
                gbar_at_zero,
                exp_term,
                offset,
                slope,
            } => gbar_at_zero * (slope * (exp_term * x).exp() + offset),
            DistanceProfile::Linear {
                gsoma,
                gdend,
                xkink,
                hotzone_factor,
                hotzone_boundaries,
            } => {
                let mut g = gsoma + xkink.min(x) * (gdend - gsoma) / xkink;
                if hotzone_boundaries.0 < x && x < hotzone_boundaries.1 {
                    g *= hotzone_factor;
                }
                g
            }
        }
    }

    /// All numbers of the profile, for validation.
    pub fn numbers(&self) -> Vec<f64> {
        match *self {
            DistanceProfile::Exponential {
                gbar_at_zero,
                exp_term,
                offset,
                slope,
            } => {
                vec![gbar_at_zero, exp_term, offset, slope]
            }
            DistanceProfile::Linear {
                gsoma,
                gdend,
                xkink,
                hotzone_factor,
                hotzone_boundaries,
            } => {
                vec![
                    gsoma,
                    gdend,
                    xkink,
                    hotzone_factor,
                    hotzone_boundaries.0,
                    hotzone_boundaries.1,
                ]
            }
        }
    }
}

impl ParamValue {
    /// Evaluate in segment `seg` whose centre is at path distance `x` [µm].
    pub fn at(&self, seg: usize, x: f64) -> f64 {
        match self {
            ParamValue::Const(v) => *v,
            ParamValue::Profile(p) => p.eval(x),
            ParamValue::Segments(v) => v.get(seg).copied().unwrap_or(f64::NAN),
        }
    }

    /// True when every number in the value is finite.
    pub fn is_finite(&self) -> bool {
        match self {
            ParamValue::Const(v) => v.is_finite(),
            ParamValue::Profile(p) => p.numbers().iter().all(|v| v.is_finite()),
            ParamValue::Segments(v) => v.iter().all(|v| v.is_finite()),
        }
    }
}

impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Const(v)
    }
}
