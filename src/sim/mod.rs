//! Entry points that run the solver.

mod balance;
pub mod cell;
mod gather;
pub mod network;

use std::sync::Arc;

use crate::error::Result;
use crate::lower::LoweredCell;
use crate::lower::network::LoweredNetwork;
use crate::mech::rates::Tables;
use crate::solver::group::CellGroup;

/// The electrode geometry (moved to [`crate::lower::extracellular`]; kept here for old paths).
pub use crate::lower::extracellular;

/// Group `gi` of `plan`, ready to step: its cells as `finitialize()` leaves them, its
/// electrode sums when the network has electrodes, its clamps. Both entry points build their
/// groups here.
fn build_group(
    plan: &LoweredNetwork,
    gi: usize,
    dt: f64,
    tables: &Tables,
    threshold: f64,
) -> Result<CellGroup> {
    let spec = &plan.groups[gi];
    let cell = Arc::clone(&plan.cells[spec.type_idx]);
    let mut group = CellGroup::new(cell, spec.n_cells, dt, tables, threshold)?;
    if plan.n_contacts > 0 {
        group.record_extracellular(Arc::clone(&plan.lfp_r[gi]), plan.n_contacts)?;
    }
    for c in plan.group_clamps(gi) {
        group.add_iclamp(c.cell, c.node, c.delay, c.dur, c.amp)?;
    }
    Ok(group)
}

/// What to record in sections: nothing, the soma only, or every section (hnn-core's
/// `record_vsec` / `record_isec` / `record_ca` values `False`, `'soma'`, `'all'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordSections {
    /// Record nothing.
    #[default]
    None,
    /// Record the soma only.
    Soma,
    /// Record every section.
    All,
}

impl RecordSections {
    /// The sections of `cell` this choice records, in section order.
    pub(crate) fn sections(self, cell: &LoweredCell) -> Vec<usize> {
        match self {
            RecordSections::None => vec![],
            RecordSections::Soma => vec![cell.soma_section],
            RecordSections::All => (0..cell.sections.len()).collect(),
        }
    }

    /// [`RecordSections::sections`] that have calcium to record (cad, ca or kca at the
    /// section's centre), as `record_ca` keeps them.
    pub(crate) fn calcium_sections(self, cell: &LoweredCell) -> Vec<usize> {
        self.sections(cell)
            .into_iter()
            .filter(|&s| {
                cell.mechs[cell.sections[s].centre()]
                    .keys()
                    .any(|m| m == "cad" || m == "ca" || m == "kca")
            })
            .collect()
    }
}

/// Number of fixed steps NEURON's `psolve(tstop)` takes with step `dt`.
pub fn n_steps(tstop: f64, dt: f64) -> usize {
    ((tstop * (1.0 + 1e-11)) / dt + 1e-9).floor() as usize
}

#[cfg(test)]
mod tests {
    #[test]
    fn step_count_matches_psolve() {
        assert_eq!(super::n_steps(170.0, 0.025), 6800);
        assert_eq!(super::n_steps(100.0, 0.025), 4000);
    }
}
