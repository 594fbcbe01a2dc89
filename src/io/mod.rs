//! Files hnn-core reads and writes.

pub mod convert;
pub mod hdf5;
pub mod network_json;
pub mod params;
pub mod text;

use std::path::Path;

use crate::error::Result;
use crate::results::Dipole;

/// Write a dipole as hnn-core's `Dipole.write(path)`: HDF5 for `.hdf5` (or `.h5`), the
/// text format otherwise.
pub fn write_dipole(d: &Dipole, path: &Path) -> Result<()> {
    if hdf5::is_hdf5_path(path) {
        hdf5::write_dipole(d, path)
    } else {
        text::write_dipole(d, path)
    }
}

/// Read a dipole as hnn-core's `read_dipole(path)`: HDF5 for `.hdf5` (or `.h5`), the text
/// format otherwise.
pub fn read_dipole(path: &Path) -> Result<Dipole> {
    if hdf5::is_hdf5_path(path) {
        hdf5::read_dipole(path)
    } else {
        text::read_dipole(path)
    }
}
