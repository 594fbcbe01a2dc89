//! HDF5 files, written and read by the pure-Rust `hdf5-pure` crate (no system library):
//!
//! * dipoles in hnn-core's layout (`Dipole.write('x.hdf5')`, which stores a dict with
//!   h5io: a group `/h5io` whose members are `key_<name>` with a `TITLE` attribute naming
//!   the Python type), both ways;
//! * the results bundle: one self-describing file with the network configuration, the run
//!   settings, every trial's dipole, spikes and recorded traces (layout in `docs/files.md`).
//!
//! Every read error names the file and the object (group, dataset or attribute) at fault.
//! Nothing in the simulator depends on this module.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use hdf5_pure::{AttrValue, DType, Dataset, FileBuilder, Group};

use crate::error::{Error, Result};
use crate::network::Network;
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::results::cell_response::Traces;
use crate::results::{CellResponse, Dipole, ExtracellularArray};
use crate::sim::RecordSections;
use crate::sim::network::SimConfig;

/// The `format` attribute at the root of a results bundle.
pub const RESULTS_FORMAT: &str = "hnn-rs results";
/// The `format_version` attribute at the root of a results bundle.
pub const RESULTS_FORMAT_VERSION: i64 = 1;

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

// ------------------------------------------------------------------ writing helpers

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

// ------------------------------------------------------------------ dipoles (h5io)

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

// ------------------------------------------------------------------ results bundle

/// The settings of the simulation run whose results a bundle holds (`simulate_dipole`'s
/// arguments).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSettings {
    /// Stop time [ms].
    pub tstop: f64,
    /// Time step [ms].
    pub dt: f64,
    /// Number of trials.
    pub n_trials: usize,
    /// `record_vsec`.
    pub record_vsec: RecordSections,
    /// `record_isec`.
    pub record_isec: RecordSections,
    /// `record_ca`.
    pub record_ca: RecordSections,
}

impl RunSettings {
    /// The settings of a simulation configuration.
    pub fn from_config(c: &SimConfig) -> Self {
        RunSettings {
            tstop: c.tstop,
            dt: c.dt,
            n_trials: c.n_trials,
            record_vsec: c.record_vsec,
            record_isec: c.record_isec,
            record_ca: c.record_ca,
        }
    }

    /// A simulation configuration that repeats the run (threads and progress unset).
    pub fn to_config(&self) -> SimConfig {
        let mut c = SimConfig::new(self.tstop);
        c.dt = self.dt;
        c.n_trials = self.n_trials;
        c.record_vsec = self.record_vsec;
        c.record_isec = self.record_isec;
        c.record_ca = self.record_ca;
        c
    }
}

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

fn traces_group(parent: &mut hdf5_pure::GroupBuilder, name: &str, traces: &Traces) {
    let mut g = parent.create_group(name);
    for (gid, secs) in traces {
        let mut cg = g.create_group(&gid.to_string());
        cg.set_attr(
            "sections",
            AttrValue::VarLenStringArray(secs.iter().map(|(s, _)| s.clone()).collect()),
        );
        for (s, v) in secs {
            cg.create_dataset(s).with_f64_data(v);
        }
        g.add_group(cg.finish());
    }
    parent.add_group(g.finish());
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
        let mut g = b.create_group("cell_response");
        let n = cr.spike_times.len();
        g.set_attr("n_trials", AttrValue::I64(n as i64));
        g.set_attr(
            "cell_type_names",
            AttrValue::VarLenStringArray(cr.cell_type_names.clone()),
        );
        g.create_dataset("times").with_f64_data(&cr.times);
        for k in 0..n {
            let mut tg = g.create_group(&format!("trial_{k}"));
            tg.create_dataset("spike_times")
                .with_f64_data(&cr.spike_times[k]);
            let gids: Vec<i64> = cr.spike_gids[k].iter().map(|&x| x as i64).collect();
            tg.create_dataset("spike_gids").with_i64_data(&gids);
            let types: Vec<&str> = cr.spike_types[k].iter().map(|s| s.as_str()).collect();
            tg.create_dataset("spike_types").with_vlen_strings(&types);
            for (name, per_trial) in [("vsec", &cr.vsec), ("isec", &cr.isec), ("ca", &cr.ca)] {
                if let Some(t) = per_trial.get(k).filter(|t| !t.is_empty()) {
                    traces_group(&mut tg, name, t);
                }
            }
            g.add_group(tg.finish());
        }
        b.add_group(g.finish());
    }
    if !res.rec_arrays.is_empty() {
        let mut g = b.create_group("extracellular");
        g.set_attr(
            "names",
            AttrValue::VarLenStringArray(res.rec_arrays.iter().map(|a| a.name.clone()).collect()),
        );
        for a in &res.rec_arrays {
            let mut ag = g.create_group(&a.name);
            ag.set_attr("method", AttrValue::VarLenString(a.method.name().into()));
            ag.set_attr("conductivity", AttrValue::F64(a.conductivity));
            ag.set_attr("min_distance", AttrValue::F64(a.min_distance));
            ag.set_attr("n_trials", AttrValue::I64(a.voltages.len() as i64));
            let c = a.positions.len();
            let flat: Vec<f64> = a.positions.iter().flatten().copied().collect();
            ag.create_dataset("positions")
                .with_f64_data(&flat)
                .with_shape(&[c as u64, 3]);
            ag.create_dataset("times").with_f64_data(&a.times);
            for (k, trial) in a.voltages.iter().enumerate() {
                let flat: Vec<f64> = trial.iter().flatten().copied().collect();
                ag.create_dataset(&format!("trial_{k}"))
                    .with_f64_data(&flat)
                    .with_shape(&[c as u64, a.times.len() as u64]);
            }
            g.add_group(ag.finish());
        }
        b.add_group(g.finish());
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
        Some(read_cell_response(&r)?)
    } else {
        None
    };
    let rec_arrays = if r.root_has_group("extracellular")? {
        read_extracellular(&r)?
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

fn read_extracellular(r: &Reader) -> Result<Vec<ExtracellularArray>> {
    let g = r.group("/extracellular")?;
    let mut out = Vec::new();
    for name in r.attr_strings(&g, "/extracellular", "names")? {
        let p = format!("/extracellular/{name}");
        let ag = r.group(&p)?;
        let method_s = r.attr_string(&ag, &p, "method")?;
        let method = Method::parse(&method_s).map_err(|_| {
            r.err(
                &format!("attribute '{p}' method"),
                format!("\"{method_s}\""),
                "\"psa\" or \"lsa\"",
            )
        })?;
        let n_trials = r.attr_count(&ag, &p, "n_trials")?;
        let pos = r.f64s_2d(&format!("{p}/positions"), None, Some(3))?;
        let c = pos.len() / 3;
        let positions: Vec<[f64; 3]> = pos.chunks(3).map(|q| [q[0], q[1], q[2]]).collect();
        let spec = ElectrodeArray::new(
            &name,
            positions,
            r.attr_f64(&ag, &p, "conductivity")?,
            method,
            r.attr_f64(&ag, &p, "min_distance")?,
        )
        .map_err(|e| {
            r.err(
                &format!("group '{p}'"),
                e.to_string(),
                "a valid electrode array",
            )
        })?;
        let mut arr = crate::sim::network::empty_recording(&spec);
        arr.times = r.f64s(&format!("{p}/times"))?;
        let n = arr.times.len();
        for k in 0..n_trials {
            let v = r.f64s_2d(&format!("{p}/trial_{k}"), Some(c), Some(n))?;
            arr.voltages.push(if n == 0 {
                vec![Vec::new(); c]
            } else {
                v.chunks(n).map(|row| row.to_vec()).collect()
            });
        }
        out.push(arr);
    }
    Ok(out)
}

fn read_cell_response(r: &Reader) -> Result<CellResponse> {
    let g = r.group("/cell_response")?;
    let n = r.attr_count(&g, "/cell_response", "n_trials")?;
    let mut cr = CellResponse {
        cell_type_names: r.attr_strings(&g, "/cell_response", "cell_type_names")?,
        times: r.f64s("/cell_response/times")?,
        ..CellResponse::default()
    };
    for k in 0..n {
        let p = format!("/cell_response/trial_{k}");
        let tg = r.group(&p)?;
        let t = r.f64s(&format!("{p}/spike_times"))?;
        let gp = format!("{p}/spike_gids");
        let gids = r.i64s(&gp)?;
        r.same_len(&gp, gids.len(), t.len())?;
        let gids = gids
            .into_iter()
            .map(|x| {
                usize::try_from(x).map_err(|_| r.err(&format!("dataset '{gp}'"), x, "gids ≥ 0"))
            })
            .collect::<Result<Vec<_>>>()?;
        let tp = format!("{p}/spike_types");
        let types = r.strings(&tp)?;
        r.same_len(&tp, types.len(), t.len())?;
        cr.spike_times.push(t);
        cr.spike_gids.push(gids);
        cr.spike_types.push(types);
        let subgroups = r.members(&tg, &p, true)?;
        for (name, dest) in [
            ("vsec", &mut cr.vsec),
            ("isec", &mut cr.isec),
            ("ca", &mut cr.ca),
        ] {
            let traces = if subgroups.iter().any(|s| s == name) {
                read_traces(r, &format!("{p}/{name}"), cr.times.len())?
            } else {
                Traces::new()
            };
            dest.push(traces);
        }
    }
    // trials without any recording are stored as nothing: keep hnn's in-memory shape
    for v in [&mut cr.vsec, &mut cr.isec, &mut cr.ca] {
        if v.iter().all(|t| t.is_empty()) {
            v.clear();
        }
    }
    Ok(cr)
}

fn read_traces(r: &Reader, p: &str, n_times: usize) -> Result<Traces> {
    let g = r.group(p)?;
    let mut out = BTreeMap::new();
    for gid in r.members(&g, p, true)? {
        let gp = format!("{p}/{gid}");
        let id: usize = gid.parse().map_err(|_| {
            r.err(
                &format!("group '{gp}'"),
                "a name that is not a gid",
                "a cell gid",
            )
        })?;
        let cg = r.group(&gp)?;
        let mut secs = Vec::new();
        for s in r.attr_strings(&cg, &gp, "sections")? {
            let sp = format!("{gp}/{s}");
            let v = r.f64s(&sp)?;
            r.same_len(&sp, v.len(), n_times)?;
            secs.push((s, v));
        }
        out.insert(id, secs);
    }
    Ok(out)
}

// ------------------------------------------------------------------ validated reading

/// Upper bound on the elements of a dataset whose storage is filtered (compressed), where
/// the file size does not bound it.
const MAX_FILTERED_ELEMENTS: u64 = 1 << 28;

/// An opened file and its name, for reads that check types and shapes and name the file
/// and object in every error.
struct Reader<'a> {
    file: hdf5_pure::File,
    path: &'a Path,
    size: u64,
}

impl<'a> Reader<'a> {
    fn new(bytes: Vec<u8>, path: &'a Path) -> Result<Self> {
        if !hdf5_pure::is_hdf5_bytes(&bytes) {
            return Err(file_err(
                path,
                "no HDF5 signature",
                "an HDF5 file (hnn-core's Dipole.write('x.hdf5') or hnn's own)",
            ));
        }
        let size = bytes.len() as u64;
        let file = hdf5_pure::File::from_bytes(bytes).map_err(|e| {
            file_err(
                path,
                format!("unreadable HDF5 ({e})"),
                "an intact HDF5 file",
            )
        })?;
        let sb = file.superblock();
        let end = sb.base_address.get().saturating_add(sb.eof_address);
        if end > size {
            return Err(file_err(
                path,
                format!("{size} bytes where the HDF5 superblock says {end}"),
                "a complete file (this one is truncated)",
            ));
        }
        Ok(Reader { file, path, size })
    }

    fn err(&self, obj: &str, got: impl std::fmt::Display, expected: &str) -> Error {
        Error::invalid(
            format!("file '{}', {obj}", self.path.display()),
            got,
            expected,
        )
    }

    fn group(&self, p: &str) -> Result<Group> {
        self.file
            .group(p.trim_start_matches('/'))
            .map_err(|e| self.lookup_err("group", p, e))
    }

    /// A failed lookup: "missing" when nothing is there, else what hdf5-pure found wrong.
    fn lookup_err(&self, kind: &str, p: &str, e: hdf5_pure::Error) -> Error {
        let what = format!("{kind} '{p}'");
        match e {
            hdf5_pure::Error::Format(hdf5_pure::FormatError::PathNotFound(_)) => {
                self.err(&what, "missing", &format!("a {kind} there"))
            }
            hdf5_pure::Error::NotADataset(_) | hdf5_pure::Error::NotAGroup(_) => self.err(
                &what,
                format!("another kind of object ({e})"),
                &format!("a {kind}"),
            ),
            e => self.err(
                &what,
                format!("unreadable ({e})"),
                &format!("an intact {kind}"),
            ),
        }
    }

    /// Whether the root group has a group `name`.
    fn root_has_group(&self, name: &str) -> Result<bool> {
        let root = self.file.root();
        Ok(self.members(&root, "/", true)?.iter().any(|n| n == name))
    }

    /// The names of the groups (`groups`) or datasets of `g`.
    fn members(&self, g: &Group, p: &str, groups: bool) -> Result<Vec<String>> {
        let m = if groups { g.groups() } else { g.datasets() };
        m.map_err(|e| {
            self.err(
                &format!("group '{p}'"),
                format!("unreadable ({e})"),
                "a readable group",
            )
        })
    }

    fn dataset(&self, p: &str) -> Result<Dataset> {
        self.file
            .dataset(p.trim_start_matches('/'))
            .map_err(|e| self.lookup_err("dataset", p, e))
    }

    /// The dataset at `p` if it is 1-D (or scalar) with a plausible number of elements.
    fn dataset_1d(&self, p: &str) -> Result<(Dataset, DType, usize)> {
        let ds = self.dataset(p)?;
        let what = format!("dataset '{p}'");
        let shape = ds
            .shape()
            .map_err(|e| self.err(&what, format!("unreadable shape ({e})"), "a 1-D dataset"))?;
        if shape.len() > 1 {
            return Err(self.err(&what, format!("shape {shape:?}"), "a 1-D dataset"));
        }
        let n = shape.first().copied().unwrap_or(1);
        let dtype = ds.dtype().map_err(|e| {
            self.err(
                &what,
                format!("unreadable type ({e})"),
                "numbers or strings",
            )
        })?;
        let elem = ds.element_size().unwrap_or(1).max(1);
        let bound = if ds.filters().is_empty() {
            self.size / elem
        } else {
            MAX_FILTERED_ELEMENTS
        };
        if n > bound {
            return Err(self.err(
                &what,
                format!("{n} elements"),
                "no more elements than the file can hold",
            ));
        }
        Ok((ds, dtype, n as usize))
    }

    fn checked<T>(
        &self,
        p: &str,
        v: std::result::Result<Vec<T>, hdf5_pure::Error>,
        n: usize,
    ) -> Result<Vec<T>> {
        let what = format!("dataset '{p}'");
        let v =
            v.map_err(|e| self.err(&what, format!("unreadable data ({e})"), "readable data"))?;
        if v.len() != n {
            return Err(self.err(
                &what,
                format!("{} values for {n} elements", v.len()),
                "intact data",
            ));
        }
        Ok(v)
    }

    /// A 1-D array of finite floats.
    fn f64s(&self, p: &str) -> Result<Vec<f64>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !matches!(dtype, DType::F64 | DType::F32) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "floating-point numbers",
            ));
        }
        let v = self.checked(p, ds.read_f64(), n)?;
        if let Some(x) = v.iter().find(|x| !x.is_finite()) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("a value {x}"),
                "finite numbers",
            ));
        }
        Ok(v)
    }

    /// A 2-D array of finite floats, row-major, with the given number of rows and columns
    /// (`None`: any).
    fn f64s_2d(&self, p: &str, rows: Option<usize>, cols: Option<usize>) -> Result<Vec<f64>> {
        let ds = self.dataset(p)?;
        let what = format!("dataset '{p}'");
        let shape = ds
            .shape()
            .map_err(|e| self.err(&what, format!("unreadable shape ({e})"), "a 2-D dataset"))?;
        let want = format!(
            "a 2-D dataset of {} × {}",
            rows.map_or("any".to_string(), |r| r.to_string()),
            cols.map_or("any".to_string(), |c| c.to_string())
        );
        if shape.len() != 2
            || rows.is_some_and(|r| shape[0] != r as u64)
            || cols.is_some_and(|c| shape[1] != c as u64)
        {
            return Err(self.err(&what, format!("shape {shape:?}"), &want));
        }
        let n = shape[0].saturating_mul(shape[1]);
        if n > self.size / 8 {
            return Err(self.err(
                &what,
                format!("{n} elements"),
                "no more elements than the file can hold",
            ));
        }
        let dtype = ds
            .dtype()
            .map_err(|e| self.err(&what, format!("unreadable type ({e})"), "numbers"))?;
        if !matches!(dtype, DType::F64 | DType::F32) {
            return Err(self.err(&what, format!("type {dtype}"), "floating-point numbers"));
        }
        let v = self.checked(p, ds.read_f64(), n as usize)?;
        if let Some(x) = v.iter().find(|x| !x.is_finite()) {
            return Err(self.err(&what, format!("a value {x}"), "finite numbers"));
        }
        Ok(v)
    }

    /// A 1-D array of integers.
    fn i64s(&self, p: &str) -> Result<Vec<i64>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !is_int(&dtype) || dtype == DType::U64 {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "integers",
            ));
        }
        self.checked(p, ds.read_i64(), n)
    }

    /// One number stored as h5io stores a Python int or float (a 1-element array).
    fn scalar(&self, p: &str) -> Result<f64> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        let what = format!("dataset '{p}'");
        if n != 1 {
            return Err(self.err(&what, format!("{n} values"), "one number"));
        }
        let x = if is_int(&dtype) && dtype != DType::U64 {
            self.checked(p, ds.read_i64(), 1)?[0] as f64
        } else if matches!(dtype, DType::F64 | DType::F32) {
            self.checked(p, ds.read_f64(), 1)?[0]
        } else {
            return Err(self.err(&what, format!("type {dtype}"), "a number"));
        };
        if !x.is_finite() {
            return Err(self.err(&what, x, "a finite number"));
        }
        Ok(x)
    }

    /// A count ≥ 1 stored as one integer (h5io's int).
    fn count(&self, p: &str) -> Result<usize> {
        let x = self.scalar(p)?;
        if !(x >= 1.0 && x.fract() == 0.0 && x < 1e12) {
            return Err(self.err(&format!("dataset '{p}'"), x, "a whole number ≥ 1"));
        }
        Ok(x as usize)
    }

    /// h5io's `unicode` value: the UTF-8 bytes as a uint8 array.
    fn h5io_string(&self, p: &str) -> Result<String> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        let what = format!("dataset '{p}'");
        match dtype {
            DType::U8 | DType::I8 => {
                let b = self.checked(p, ds.read_u8(), n)?;
                String::from_utf8(b)
                    .map_err(|_| self.err(&what, "bytes that are not UTF-8", "a UTF-8 string"))
            }
            DType::String | DType::VariableLengthString => {
                let mut v = self.strings(p)?;
                if v.len() != 1 {
                    return Err(self.err(&what, format!("{} strings", v.len()), "one string"));
                }
                Ok(v.remove(0))
            }
            other => Err(self.err(
                &what,
                format!("type {other}"),
                "a string (h5io's uint8 text)",
            )),
        }
    }

    /// A 1-D array of strings (fixed or variable length).
    fn strings(&self, p: &str) -> Result<Vec<String>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !matches!(dtype, DType::String | DType::VariableLengthString) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "strings",
            ));
        }
        let opts = hdf5_pure::VlenStringReadOptions::new()
            .with_max_elements(n)
            .with_max_payload_bytes(self.size as usize);
        let v = if dtype == DType::VariableLengthString {
            ds.read_vlen_strings(opts)
        } else {
            ds.read_string()
        };
        self.checked(p, v, n)
    }

    /// A dataset holding exactly one string.
    fn one_string(&self, p: &str) -> Result<String> {
        let mut v = self.strings(p)?;
        if v.len() != 1 {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("{} strings", v.len()),
                "one string",
            ));
        }
        Ok(v.remove(0))
    }

    fn attr(&self, g: &Group, p: &str, name: &str) -> Result<AttrValue> {
        let what = format!("attribute '{p}' {name}");
        let attrs: HashMap<String, AttrValue> = g.attrs().map_err(|e| {
            self.err(
                &what,
                format!("unreadable attributes ({e})"),
                "readable attributes",
            )
        })?;
        attrs
            .get(name)
            .cloned()
            .ok_or_else(|| self.err(&what, "missing", "present"))
    }

    fn attr_string(&self, g: &Group, p: &str, name: &str) -> Result<String> {
        match self.attr(g, p, name)? {
            AttrValue::VarLenString(s)
            | AttrValue::VarLenAsciiString(s)
            | AttrValue::String(s)
            | AttrValue::AsciiString(s) => Ok(s),
            AttrValue::StringSized { value, .. } | AttrValue::AsciiStringSized { value, .. } => {
                Ok(value)
            }
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "a string",
            )),
        }
    }

    fn attr_strings(&self, g: &Group, p: &str, name: &str) -> Result<Vec<String>> {
        match self.attr(g, p, name)? {
            AttrValue::VarLenStringArray(v)
            | AttrValue::VarLenAsciiStringArray(v)
            | AttrValue::StringArray(v)
            | AttrValue::AsciiStringArray(v) => Ok(v),
            AttrValue::StringArraySized { values, .. }
            | AttrValue::AsciiStringArraySized { values, .. } => Ok(values),
            AttrValue::VarLenString(s) | AttrValue::String(s) => Ok(vec![s]),
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "strings",
            )),
        }
    }

    fn attr_f64(&self, g: &Group, p: &str, name: &str) -> Result<f64> {
        let x = match self.attr(g, p, name)? {
            AttrValue::F64(x) => x,
            AttrValue::F32(x) => x as f64,
            AttrValue::I64(x) => x as f64,
            AttrValue::I32(x) => x as f64,
            other => {
                return Err(self.err(
                    &format!("attribute '{p}' {name}"),
                    format!("{other:?}"),
                    "a number",
                ));
            }
        };
        if !x.is_finite() {
            return Err(self.err(&format!("attribute '{p}' {name}"), x, "a finite number"));
        }
        Ok(x)
    }

    fn attr_i64(&self, g: &Group, p: &str, name: &str) -> Result<i64> {
        match self.attr(g, p, name)? {
            AttrValue::I64(x) => Ok(x),
            AttrValue::I32(x) => Ok(x as i64),
            AttrValue::U32(x) => Ok(x as i64),
            AttrValue::I16(x) => Ok(x as i64),
            AttrValue::U16(x) => Ok(x as i64),
            AttrValue::I8(x) => Ok(x as i64),
            AttrValue::U8(x) => Ok(x as i64),
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "an integer",
            )),
        }
    }

    /// A non-negative count no larger than the file could describe.
    fn attr_count(&self, g: &Group, p: &str, name: &str) -> Result<usize> {
        let x = self.attr_i64(g, p, name)?;
        if x < 0 || x as u64 > self.size {
            return Err(self.err(
                &format!("attribute '{p}' {name}"),
                x,
                "a count ≥ 0 that the file can hold",
            ));
        }
        Ok(x as usize)
    }

    fn same_len(&self, p: &str, n: usize, want: usize) -> Result<()> {
        if n != want {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("{n} samples"),
                &format!("{want} samples, as many as the times"),
            ));
        }
        Ok(())
    }

    fn dipole(
        &self,
        times: Vec<f64>,
        tp: &str,
        data: Vec<(String, Vec<f64>)>,
        nave: usize,
        scale_applied: f64,
    ) -> Result<Dipole> {
        let what = format!("dataset '{tp}'");
        if times.len() < 2 {
            return Err(self.err(
                &what,
                format!("{} samples", times.len()),
                "a dipole time course (≥ 2 samples)",
            ));
        }
        if !times.windows(2).all(|w| w[1] > w[0]) {
            return Err(self.err(
                &what,
                "times that do not increase",
                "increasing sample times",
            ));
        }
        if data.is_empty() {
            return Err(self.err(
                &format!("{what} (its dipole)"),
                "no traces",
                "at least the agg trace",
            ));
        }
        if nave == 0 {
            return Err(self.err(&format!("{what} (its dipole's nave)"), 0, "≥ 1"));
        }
        Ok(Dipole {
            times,
            data,
            nave,
            scale_applied,
        })
    }
}

fn is_int(d: &DType) -> bool {
    matches!(
        d,
        DType::I8
            | DType::I16
            | DType::I32
            | DType::I64
            | DType::U8
            | DType::U16
            | DType::U32
            | DType::U64
    )
}
