//! The results bundle: the network configuration, the run settings, every trial's dipole
//! and (in the sibling modules `cell_response` and `extracellular`) spikes, traces and
//! extracellular potentials.

use std::path::Path;

use hdf5_pure::{AttrValue, FileBuilder};

use super::reader::Reader;
use super::{cell_response, extracellular, file_err, finish, read_bytes, write_bytes};
use crate::error::Result;
use crate::network::Network;
use crate::results::{CellResponse, Dipole, ExtracellularArray};
use crate::sim::RecordSections;

/// The `format` attribute at the root of a results bundle.
pub const RESULTS_FORMAT: &str = "hnn-rs results";
/// The `format_version` attribute at the root of a results bundle.
pub const RESULTS_FORMAT_VERSION: i64 = 1;

/// The settings of the simulation run whose results a bundle holds (`simulate_dipole`'s
/// arguments; defined by the simulation, stored here as they are).
pub use crate::sim::network::RunSettings;

fn record_name(r: RecordSections) -> &'static str {
    match r {
        RecordSections::None => "false",
        RecordSections::Soma => "soma",
        RecordSections::All => "all",
    }
}

/// Everything a results bundle holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The network that was simulated (stored as hnn-core's configuration JSON).
    pub network: Network,
    /// How it was simulated, when known.
    pub run: Option<RunSettings>,
    /// One dipole per trial (or whatever dipoles were saved).
    pub dipoles: Vec<Dipole>,
    /// Spikes and recorded traces, when there are any.
    pub cell_response: Option<CellResponse>,
    /// Recorded extracellular potentials (electrode arrays), in the network's order.
    pub rec_arrays: Vec<ExtracellularArray>,
    /// The hnn version that wrote the file (set by [`read_results`]; ignored when writing,
    /// which records this build's version).
    pub hnn_version: String,
}

fn dipole_group(g: &mut hdf5_pure::GroupBuilder, d: &Dipole) {
    g.set_attr("nave", AttrValue::I64(d.nave as i64));
    g.set_attr("scale_applied", AttrValue::F64(d.scale_applied));
    g.set_attr(
        "layers",
        AttrValue::VarLenStringArray(d.data.iter().map(|(k, _)| k.clone()).collect()),
    );
    g.create_dataset("times").with_f64_data(&d.times);
    for (k, v) in &d.data {
        g.create_dataset(k).with_f64_data(v);
    }
}

/// The bytes of a results bundle (`path` names it in errors).
pub fn results_bytes(res: &Results, path: &Path) -> Result<Vec<u8>> {
    let mut b = FileBuilder::new();
    b.set_attr("format", AttrValue::VarLenString(RESULTS_FORMAT.into()));
    b.set_attr("format_version", AttrValue::I64(RESULTS_FORMAT_VERSION));
    b.set_attr(
        "hnn_version",
        AttrValue::VarLenString(env!("CARGO_PKG_VERSION").into()),
    );
    let json = crate::io::network_json::network_configuration_json(&res.network);
    b.create_dataset("network_configuration")
        .with_vlen_strings(&[json.as_str()]);

    if let Some(run) = &res.run {
        let mut g = b.create_group("simulation");
        g.set_attr("tstop", AttrValue::F64(run.tstop));
        g.set_attr("dt", AttrValue::F64(run.dt));
        g.set_attr("n_trials", AttrValue::I64(run.n_trials as i64));
        for (k, v) in [
            ("record_vsec", run.record_vsec),
            ("record_isec", run.record_isec),
            ("record_ca", run.record_ca),
        ] {
            g.set_attr(k, AttrValue::VarLenString(record_name(v).into()));
        }
        let drives = &res.network.external_drives;
        let names: Vec<&str> = drives.iter().map(|d| d.name.as_str()).collect();
        g.create_dataset("drive_names").with_vlen_strings(&names);
        let ev: Vec<i64> = drives.iter().map(|d| d.event_seed).collect();
        g.create_dataset("event_seeds").with_i64_data(&ev);
        let cs: Vec<i64> = drives
            .iter()
            .map(|d| d.conn_seed.map_or(-1, |s| s as i64))
            .collect();
        g.create_dataset("conn_seeds").with_i64_data(&cs);
        b.add_group(g.finish());
    }

    let mut g = b.create_group("dipoles");
    g.set_attr("n_trials", AttrValue::I64(res.dipoles.len() as i64));
    for (k, d) in res.dipoles.iter().enumerate() {
        let mut tg = g.create_group(&format!("trial_{k}"));
        dipole_group(&mut tg, d);
        g.add_group(tg.finish());
    }
    b.add_group(g.finish());

    if let Some(cr) = &res.cell_response {
        cell_response::write_cell_response(&mut b, cr);
    }
    if !res.rec_arrays.is_empty() {
        extracellular::write_extracellular(&mut b, &res.rec_arrays);
    }
    finish(b, path)
}

/// Write a results bundle: the network (hnn-core's configuration JSON), the run settings,
/// the dipoles, spikes and recorded traces, and this build's version.
pub fn write_results(res: &Results, path: &Path) -> Result<()> {
    write_bytes(path, results_bytes(res, path)?)
}

/// Read a results bundle written by [`write_results`].
pub fn read_results(path: &Path) -> Result<Results> {
    parse_results(read_bytes(path)?, path)
}

/// Parse the bytes of a results bundle (`path` names it in errors).
pub fn parse_results(bytes: Vec<u8>, path: &Path) -> Result<Results> {
    let r = Reader::new(bytes, path)?;
    let root = r.file.root();
    if r.root_has_group("h5io")? {
        return Err(file_err(
            path,
            "an h5io file (hnn-core's Dipole.write)",
            "a results bundle (read a dipole file with read_dipole)",
        ));
    }
    let format = r.attr_string(&root, "/", "format")?;
    if format != RESULTS_FORMAT {
        return Err(r.err(
            "attribute '/' format",
            format!("\"{format}\""),
            &format!("\"{RESULTS_FORMAT}\""),
        ));
    }
    let version = r.attr_i64(&root, "/", "format_version")?;
    if version != RESULTS_FORMAT_VERSION {
        return Err(r.err(
            "attribute '/' format_version",
            version,
            &format!("{RESULTS_FORMAT_VERSION} (this build reads that version)"),
        ));
    }
    let hnn_version = r.attr_string(&root, "/", "hnn_version")?;
    let json = r.one_string("/network_configuration")?;
    let network = crate::io::network_json::parse_network_configuration(
        &json,
        &format!("{}:/network_configuration", path.display()),
    )?;

    let run = if r.root_has_group("simulation")? {
        let g = r.group("/simulation")?;
        let tstop = r.attr_f64(&g, "/simulation", "tstop")?;
        let dt = r.attr_f64(&g, "/simulation", "dt")?;
        if !(tstop > 0.0 && dt > 0.0) {
            return Err(r.err(
                "attributes '/simulation' tstop, dt",
                format!("{tstop}, {dt}"),
                "positive times [ms]",
            ));
        }
        let n_trials = r.attr_count(&g, "/simulation", "n_trials")?;
        let rec = |k: &str| -> Result<RecordSections> {
            match r.attr_string(&g, "/simulation", k)?.as_str() {
                "false" => Ok(RecordSections::None),
                "soma" => Ok(RecordSections::Soma),
                "all" => Ok(RecordSections::All),
                other => Err(r.err(
                    &format!("attribute '/simulation' {k}"),
                    format!("\"{other}\""),
                    "\"false\", \"soma\" or \"all\"",
                )),
            }
        };
        Some(RunSettings {
            tstop,
            dt,
            n_trials,
            record_vsec: rec("record_vsec")?,
            record_isec: rec("record_isec")?,
            record_ca: rec("record_ca")?,
        })
    } else {
        None
    };

    let g = r.group("/dipoles")?;
    let n = r.attr_count(&g, "/dipoles", "n_trials")?;
    let mut dipoles = Vec::with_capacity(n.min(1024));
    for k in 0..n {
        let p = format!("/dipoles/trial_{k}");
        let tg = r.group(&p)?;
        let nave = r.attr_count(&tg, &p, "nave")?;
        let scale_applied = r.attr_f64(&tg, &p, "scale_applied")?;
        let layers = r.attr_strings(&tg, &p, "layers")?;
        let times = r.f64s(&format!("{p}/times"))?;
        let mut data = Vec::new();
        for l in layers {
            let dp = format!("{p}/{l}");
            let v = r.f64s(&dp)?;
            r.same_len(&dp, v.len(), times.len())?;
            data.push((l, v));
        }
        dipoles.push(r.dipole(times, &format!("{p}/times"), data, nave, scale_applied)?);
    }

    let cell_response = if r.root_has_group("cell_response")? {
        Some(cell_response::read_cell_response(&r)?)
    } else {
        None
    };
    let rec_arrays = if r.root_has_group("extracellular")? {
        extracellular::read_extracellular(&r)?
    } else {
        Vec::new()
    };
    Ok(Results {
        network,
        run,
        dipoles,
        cell_response,
        rec_arrays,
        hnn_version,
    })
}
