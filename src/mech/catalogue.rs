//! Names, parameters, units and defaults of every mechanism the engine knows.

/// One settable parameter of a mechanism.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// Name as hnn-core spells it (with the mechanism suffix, e.g. `gbar_km`).
    pub name: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Default value of the `.mod` file.
    pub default: f64,
}

/// Metadata of one density mechanism.
#[derive(Debug, Clone, Copy)]
pub struct MechInfo {
    /// Suffix (`hh2`, `km`, ...).
    pub name: &'static str,
    /// What it models.
    pub doc: &'static str,
    /// Range parameters that can be painted per section.
    pub params: &'static [ParamInfo],
}

const fn p(name: &'static str, unit: &'static str, default: f64) -> ParamInfo {
    ParamInfo {
        name,
        unit,
        default,
    }
}

/// Every density mechanism, in the order the solver advances their states (cad first).
pub const CATALOGUE: &[MechInfo] = &[
    MechInfo {
        name: "cad",
        doc: "Calcium shell with first-order pump (writes cai)",
        params: &[p("taur_cad", "ms", 200.0)],
    },
    MechInfo {
        name: "hh2",
        doc: "Hodgkin-Huxley Na, K and leak currents",
        params: &[
            p("gnabar_hh2", "S/cm2", 0.12),
            p("gkbar_hh2", "S/cm2", 0.036),
            p("gl_hh2", "S/cm2", 0.0003),
            p("el_hh2", "mV", -54.3),
        ],
    },
    MechInfo {
        name: "km",
        doc: "Muscarinic (slow) K current",
        params: &[p("gbar_km", "pS/um2", 10.0)],
    },
    MechInfo {
        name: "ca",
        doc: "High-voltage-activated Ca current",
        params: &[p("gbar_ca", "pS/um2", 0.1)],
    },
    MechInfo {
        name: "kca",
        doc: "Ca-activated K current",
        params: &[p("gbar_kca", "pS/um2", 10.0)],
    },
    MechInfo {
        name: "cat",
        doc: "T-type Ca current (non-specific, erev 125 mV)",
        params: &[p("gbar_cat", "S/cm2", 0.0)],
    },
    MechInfo {
        name: "ar",
        doc: "Anomalous rectifier (h-like) current (erev -35 mV)",
        params: &[p("gbar_ar", "S/cm2", 0.0)],
    },
];

/// Look a mechanism up by suffix.
pub fn mech_info(name: &str) -> Option<&'static MechInfo> {
    CATALOGUE.iter().find(|m| m.name == name)
}

/// Comma-separated list of mechanism names, for error messages.
pub fn mech_names() -> String {
    CATALOGUE
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl MechInfo {
    /// Look a parameter up by name.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Comma-separated parameter names, for error messages.
    pub fn param_names(&self) -> String {
        self.params
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
