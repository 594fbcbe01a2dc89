//! Files hnn-core reads and writes.

pub mod convert;
pub mod hdf5;
pub mod network_json;
pub mod params;
pub mod text;

use std::path::Path;

use crate::error::Result;
use crate::results::Dipole;

/// A hidden sibling of `path` to write first (same extension, so format detection by
/// extension still works).
pub fn temp_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.hnn-tmp{}{ext}", std::process::id()))
}

/// Write a file atomically: the bytes go to a hidden sibling which is then renamed, so an
/// interrupted run never leaves a partial file behind.
///
/// Under MPI only rank 0 writes ([`crate::cluster::root_writes`]).
pub fn write_atomic(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    crate::cluster::root_writes(
        || {
            let tmp = temp_path(path);
            let r = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
            if r.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r
        },
        std::io::Error::other,
    )
}

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
