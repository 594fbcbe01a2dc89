//! Simulation results as plain data with their pure operations.

pub mod cell_response;
pub mod dipole;
pub mod extracellular;
pub mod savgol;

pub use cell_response::CellResponse;
pub use dipole::Dipole;
pub use extracellular::{ExtracellularArray, SourceApproximation};
