//! Extracellular electrode arrays (hnn-core's `Network.add_electrode_array`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a segment's transmembrane current becomes a potential at an electrode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Point source at the segment centre (hnn-core `'psa'`).
    Psa,
    /// Line source along the segment (hnn-core `'lsa'`).
    Lsa,
}

impl Method {
    /// Parse hnn-core's method name.
    pub fn parse(s: &str) -> Result<Method> {
        match s {
            "psa" => Ok(Method::Psa),
            "lsa" => Ok(Method::Lsa),
            _ => Err(Error::invalid("method", format!("'{s}'"), "'psa' or 'lsa'")),
        }
    }

    /// hnn-core's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Method::Psa => "psa",
            Method::Lsa => "lsa",
        }
    }
}

/// A set of point electrodes whose potentials are recorded every step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectrodeArray {
    /// Unique name (hnn-core's key in `net.rec_arrays`).
    pub name: String,
    /// Contact positions (x, y, z) [µm].
    pub positions: Vec<[f64; 3]>,
    /// Conductivity of the homogeneous medium [S/m].
    pub conductivity: f64,
    /// Point- or line-source approximation.
    pub method: Method,
    /// Smallest electrode–source distance used in 1/r [µm].
    pub min_distance: f64,
}

impl ElectrodeArray {
    /// A checked array: at least one contact, finite positions, positive conductivity and
    /// minimum distance (hnn-core's `ExtracellularArray` checks).
    pub fn new(
        name: &str,
        positions: Vec<[f64; 3]>,
        conductivity: f64,
        method: Method,
        min_distance: f64,
    ) -> Result<ElectrodeArray> {
        if positions.is_empty() {
            return Err(Error::invalid(
                "electrode_pos",
                "[]",
                "at least one (x, y, z) position",
            ));
        }
        for (i, p) in positions.iter().enumerate() {
            if p.iter().any(|x| !x.is_finite()) {
                return Err(Error::invalid(
                    format!("electrode_pos[{i}]"),
                    format!("{p:?}"),
                    "finite coordinates [µm]",
                ));
            }
        }
        if !(conductivity.is_finite() && conductivity > 0.0) {
            return Err(Error::invalid(
                "conductivity",
                conductivity,
                "a positive number [S/m]",
            ));
        }
        if !(min_distance.is_finite() && min_distance > 0.0) {
            return Err(Error::invalid(
                "min_distance",
                min_distance,
                "a positive number [µm]",
            ));
        }
        Ok(ElectrodeArray {
            name: name.to_string(),
            positions,
            conductivity,
            method,
            min_distance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_arrays_are_rejected() {
        let p = vec![[0.0, 0.0, 0.0]];
        assert!(ElectrodeArray::new("a", p.clone(), 0.3, Method::Psa, 0.5).is_ok());
        assert!(ElectrodeArray::new("a", vec![], 0.3, Method::Psa, 0.5).is_err());
        assert!(
            ElectrodeArray::new("a", vec![[f64::NAN, 0.0, 0.0]], 0.3, Method::Psa, 0.5).is_err()
        );
        assert!(ElectrodeArray::new("a", p.clone(), 0.0, Method::Psa, 0.5).is_err());
        assert!(ElectrodeArray::new("a", p, 0.3, Method::Lsa, -1.0).is_err());
        assert!(Method::parse("csd").is_err());
        assert_eq!(Method::parse("lsa").unwrap(), Method::Lsa);
    }
}
