//! Model descriptions as plain serde data: sections, mechanisms, synapses, cell templates,
//! the stimuli of a single-cell run.

pub mod cell;
pub mod mechanism;
pub mod section;
pub mod stimulus;
pub mod synapse;
pub mod templates;

pub use cell::{Attachment, CellTemplate};
pub use mechanism::{DistanceProfile, ParamValue};
pub use section::Section;
pub use stimulus::{CurrentClamp, SynapticInput};
pub use synapse::{Receptor, SynapseKinetics};
