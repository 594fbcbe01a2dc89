//! HDF5 files, written and read by the pure-Rust `hdf5-pure` crate (no system library):
//!
//! * dipoles in hnn-core's layout (`Dipole.write('x.hdf5')`, which stores a dict with
//!   h5io: a group `/h5io` whose members are `key_<name>` with a `TITLE` attribute naming
//!   the Python type), both ways ([`dipole`]);
//! * the results bundle: one self-describing file with the network configuration, the run
//!   settings, every trial's dipole, spikes and recorded traces (layout in `docs/files.md`;
//!   [`bundle`], with its `cell_response` and `extracellular` groups).
//!
//! Every read error names the file and the object (group, dataset or attribute) at fault
//! (`reader`). Nothing in the simulator depends on this module.

pub mod bundle;
mod cell_response;
pub mod dipole;
mod extracellular;
mod reader;

use std::path::Path;

use hdf5_pure::{AttrValue, FileBuilder};

use crate::error::{Error, Result};

pub use bundle::{
    RESULTS_FORMAT, RESULTS_FORMAT_VERSION, Results, RunSettings, parse_results, read_results,
    results_bytes, write_results,
};
pub use dipole::{dipole_bytes, parse_dipole, read_dipole, write_dipole};

/// True for the file names read and written as HDF5 (`.hdf5`, hnn-core's extension, and
/// `.h5`).
pub fn is_hdf5_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("hdf5") || e.eq_ignore_ascii_case("h5"))
}

fn file_err(path: &Path, got: impl std::fmt::Display, expected: &str) -> Error {
    Error::invalid(format!("file '{}'", path.display()), got, expected)
}

fn write_bytes(path: &Path, bytes: Vec<u8>) -> Result<()> {
    super::write_atomic(path, bytes).map_err(|e| file_err(path, e, "a writable path"))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| file_err(path, e, "a readable file"))
}

fn title(t: &str) -> AttrValue {
    AttrValue::VarLenString(t.to_string())
}

fn finish(b: FileBuilder, path: &Path) -> Result<Vec<u8>> {
    b.finish().map_err(|e| {
        file_err(
            path,
            format!("HDF5 encoding failed: {e}"),
            "a writable file",
        )
    })
}
