//! Dipoles in hnn-core's HDF5 layout (`Dipole.write('x.hdf5')`: an h5io dict), both ways.

use std::path::Path;

use hdf5_pure::FileBuilder;

use super::RESULTS_FORMAT;
use super::reader::Reader;
use super::{file_err, finish, read_bytes, title, write_bytes};
use crate::error::Result;
use crate::results::Dipole;

/// The bytes of hnn-core's HDF5 dipole file for `d` (`path` names it in errors).
pub fn dipole_bytes(d: &Dipole, path: &Path) -> Result<Vec<u8>> {
    let mut b = FileBuilder::new();
    let mut g = b.create_group("h5io");
    g.set_attr("TITLE", title("dict"));
    g.create_dataset("key_object_type")
        .with_u8_data(b"Dipole")
        .set_attr("TITLE", title("unicode"));
    g.create_dataset("key_times")
        .with_f64_data(&d.times)
        .set_attr("TITLE", title("ndarray"));
    g.create_dataset("key_sfreq")
        .with_f64_data(&[d.sfreq()])
        .set_attr("TITLE", title("float"));
    g.create_dataset("key_nave")
        .with_i64_data(&[d.nave as i64])
        .set_attr("TITLE", title("int"));
    g.create_dataset("key_scale_applied")
        .with_f64_data(&[d.scale_applied])
        .set_attr("TITLE", title("float"));
    let mut data = g.create_group("key_data");
    data.set_attr("TITLE", title("dict"));
    for (k, v) in &d.data {
        data.create_dataset(&format!("key_{k}"))
            .with_f64_data(v)
            .set_attr("TITLE", title("ndarray"));
    }
    g.add_group(data.finish());
    b.add_group(g.finish());
    finish(b, path)
}

/// Write a dipole as hnn-core's `Dipole.write('x.hdf5')` does (h5io's dict layout);
/// `hnn_core.read_dipole` reads it.
pub fn write_dipole(d: &Dipole, path: &Path) -> Result<()> {
    write_bytes(path, dipole_bytes(d, path)?)
}

/// Read a dipole written by hnn-core's `Dipole.write('x.hdf5')` (or [`write_dipole`]).
pub fn read_dipole(path: &Path) -> Result<Dipole> {
    parse_dipole(read_bytes(path)?, path)
}

/// Parse the bytes of an HDF5 dipole file (`path` names it in errors).
pub fn parse_dipole(bytes: Vec<u8>, path: &Path) -> Result<Dipole> {
    let r = Reader::new(bytes, path)?;
    let root = r.file.root();
    if r.attr_string(&root, "/", "format").ok().as_deref() == Some(RESULTS_FORMAT) {
        return Err(file_err(
            path,
            "a results bundle",
            "a dipole file (read a bundle with read_results)",
        ));
    }
    let g = r.group("/h5io")?;
    let ty = r.attr_string(&g, "/h5io", "TITLE")?;
    if ty != "dict" {
        return Err(r.err("attribute '/h5io' TITLE", ty, "\"dict\" (an h5io file)"));
    }
    let object = r.h5io_string("/h5io/key_object_type")?;
    if object != "Dipole" {
        return Err(r.err(
            "dataset '/h5io/key_object_type'",
            format!("\"{object}\""),
            "\"Dipole\"",
        ));
    }
    let times = r.f64s("/h5io/key_times")?;
    let nave = r.count("/h5io/key_nave")?;
    let scale_applied = r.scalar("/h5io/key_scale_applied")?;
    r.scalar("/h5io/key_sfreq")?;
    let dg = r.group("/h5io/key_data")?;
    let mut names = r.members(&dg, "/h5io/key_data", false)?;
    names.sort_by_key(|n| (layer_rank(n), n.clone()));
    let mut data = Vec::new();
    for n in names {
        let Some(key) = n.strip_prefix("key_") else {
            return Err(r.err(
                &format!("dataset '/h5io/key_data/{n}'"),
                "a name without h5io's key_ prefix",
                "key_<layer>",
            ));
        };
        let p = format!("/h5io/key_data/{n}");
        let v = r.f64s(&p)?;
        r.same_len(&p, v.len(), times.len())?;
        data.push((key.to_string(), v));
    }
    r.dipole(times, "/h5io/key_times", data, nave, scale_applied)
}

/// hnn-core's layer order: `agg`, `L2`, `L5`, then any other trace.
fn layer_rank(name: &str) -> usize {
    let key = name.strip_prefix("key_").unwrap_or(name);
    ["agg", "L2", "L5"]
        .iter()
        .position(|k| *k == key)
        .unwrap_or(3)
}
