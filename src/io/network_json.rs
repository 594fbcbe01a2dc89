//! hnn-core's hierarchical network configuration JSON (`net.write_configuration`,
//! `read_network_configuration`): cell templates, positions, gid ranges, drives, biases and
//! the full connectivity with its gid pairs.
//!
//! Reading fills a [`Network`] that simulates like the network the file was written from.
//! Every error names the file and the JSON path of the offending field.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::model::cell::{Attachment, CellTemplate};
use crate::model::mechanism::ParamValue;
use crate::model::section::Section;
use crate::model::synapse::{Receptor, SynapseKinetics};
use crate::network::connectivity::Connection;
use crate::network::drives::{ByType, Drive, DriveDynamics, RateConstant};
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::network::{CellMetadata, CellType, Network, TonicBias};

/// A JSON value with the path that reached it, for error messages.
struct Node<'a> {
    v: &'a Value,
    file: &'a str,
    path: String,
}

impl<'a> Node<'a> {
    /// The error for this value: file, JSON path, the value (shortened) and what was expected.
    fn error(&self, expected: &str) -> Error {
        let mut shown = self.v.to_string();
        if shown.len() > 60 {
            shown.truncate(57);
            shown.push_str("...");
        }
        Error::invalid(format!("{}: {}", self.file, self.path), shown, expected)
    }

    fn bad<T>(&self, expected: &str) -> Result<T> {
        Err(self.error(expected))
    }

    fn field(&self, key: &str) -> Result<Node<'a>> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        match self.v.get(key) {
            Some(v) => Ok(Node {
                v,
                file: self.file,
                path,
            }),
            None => Err(Error::invalid(
                format!("{}: {path}", self.file),
                "missing",
                "a value",
            )),
        }
    }

    fn opt(&self, key: &str) -> Option<Node<'a>> {
        self.field(key).ok().filter(|n| !n.v.is_null())
    }

    fn obj(&self) -> Result<Vec<(String, Node<'a>)>> {
        match self.v.as_object() {
            Some(m) => Ok(m
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Node {
                            v,
                            file: self.file,
                            path: format!("{}.{k}", self.path),
                        },
                    )
                })
                .collect()),
            None => self.bad("an object"),
        }
    }

    fn arr(&self) -> Result<Vec<Node<'a>>> {
        match self.v.as_array() {
            Some(a) => Ok(a
                .iter()
                .enumerate()
                .map(|(i, v)| Node {
                    v,
                    file: self.file,
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            None => self.bad("an array"),
        }
    }

    fn num(&self) -> Result<f64> {
        match self.v.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => self.bad("a finite number"),
        }
    }

    fn uint(&self) -> Result<usize> {
        match self.v.as_u64() {
            Some(x) if x < (1 << 40) => Ok(x as usize),
            _ => self.bad("a non-negative integer"),
        }
    }

    fn int(&self) -> Result<i64> {
        self.v.as_i64().map_or_else(|| self.bad("an integer"), Ok)
    }

    fn str(&self) -> Result<String> {
        self.v
            .as_str()
            .map_or_else(|| self.bad("a string"), |s| Ok(s.to_string()))
    }

    fn boolean(&self) -> Result<bool> {
        match self.v {
            Value::Bool(b) => Ok(*b),
            Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
            Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
            _ => self.bad("true or false"),
        }
    }

    fn point(&self) -> Result<[f64; 3]> {
        let a = self.arr()?;
        if a.len() != 3 {
            return self.bad("[x, y, z]");
        }
        Ok([a[0].num()?, a[1].num()?, a[2].num()?])
    }

    fn f(&self, key: &str) -> Result<f64> {
        self.field(key)?.num()
    }
}

/// Read a network configuration written by hnn-core's `net.write_configuration(fname)`.
pub fn read_network_configuration(path: &Path) -> Result<Network> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("file '{name}'"), e.to_string(), "a readable file"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid(format!("file '{name}'"), "not UTF-8", "a JSON file"))?;
    parse_network_configuration(&text, &name)
}

/// Parse the text of a network configuration; `source` names it in errors.
pub fn parse_network_configuration(text: &str, source: &str) -> Result<Network> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("file '{source}'"), e.to_string(), "valid JSON"))?;
    let root = Node {
        v: &v,
        file: source,
        path: String::new(),
    };
    if root.field("object_type")?.str()? != "Network" {
        return root.field("object_type")?.bad("\"Network\"");
    }
    let legacy_mode = root
        .opt("legacy_mode")
        .map(|n| n.boolean())
        .transpose()?
        .unwrap_or(false);
    // electrode arrays: hnn-core reads their description, never recorded data
    let mut rec_arrays = Vec::new();
    if let Some(r) = root.opt("rec_arrays") {
        for (name, a) in r.obj()? {
            let positions = a
                .field("positions")?
                .arr()?
                .iter()
                .map(|p| p.point())
                .collect::<Result<Vec<_>>>()?;
            let method = a.field("method")?;
            let method =
                Method::parse(&method.str()?).map_err(|_| method.error("\"psa\" or \"lsa\""))?;
            let arr = ElectrodeArray::new(
                &name,
                positions,
                a.f("conductivity")?,
                method,
                a.f("min_distance")?,
            )
            .map_err(|e| a.error(&e.to_string()))?;
            rec_arrays.push(arr);
        }
    }
    let mesh_shape = (
        root.field("N_pyr_x")?.uint()?,
        root.field("N_pyr_y")?.uint()?,
    );

    let mut gid_ranges: Vec<(String, Range<usize>)> = Vec::new();
    for (k, n) in root.field("gid_ranges")?.obj()? {
        let (start, stop) = (n.field("start")?.uint()?, n.field("stop")?.uint()?);
        if stop < start || gid_ranges.last().is_some_and(|(_, r)| r.end != start) {
            return n.bad("contiguous, increasing gid ranges");
        }
        gid_ranges.push((k, start..stop));
    }
    let pos = root.field("pos_dict")?;
    let origin = pos.field("origin")?.point()?;
    let mut pos_dict = Vec::new();
    for (k, r) in &gid_ranges {
        let pts = pos.field(k)?.arr()?;
        if pts.len() != r.len() {
            return pos
                .field(k)?
                .bad(&format!("{} positions (gid range {r:?})", r.len()));
        }
        pos_dict.push((
            k.clone(),
            pts.iter().map(|p| p.point()).collect::<Result<Vec<_>>>()?,
        ));
    }

    let mut cell_types = Vec::new();
    for (k, n) in root.field("cell_types")?.obj()? {
        if !gid_ranges.iter().any(|(g, _)| *g == k) {
            return n.bad("a cell type listed in gid_ranges");
        }
        cell_types.push(read_cell_type(&k, &n)?);
    }
    let connectivity = root
        .field("connectivity")?
        .arr()?
        .iter()
        .map(read_connection)
        .collect::<Result<Vec<_>>>()?;
    let mut external_drives = Vec::new();
    for (_, n) in root.field("external_drives")?.obj()? {
        external_drives.push(read_drive(&n, &connectivity)?);
    }
    let mut external_biases = Vec::new();
    for (bias, per_type) in root.field("external_biases")?.obj()? {
        for (cell_type, n) in per_type.obj()? {
            external_biases.push(TonicBias {
                name: bias.clone(),
                cell_type,
                amplitude: n.f("amplitude")?,
                t0: n.f("t0")?,
                tstop: n.opt("tstop").map(|t| t.num()).transpose()?,
                section: n
                    .opt("section")
                    .map(|s| s.str())
                    .transpose()?
                    .unwrap_or_else(|| "soma".into()),
            });
        }
    }
    let mut net = Network {
        cell_types,
        pos_dict,
        origin,
        gid_ranges,
        connectivity,
        external_drives,
        external_biases,
        threshold: root.f("threshold")?,
        delay: root.f("delay")?,
        mesh_shape,
        inplane_distance: 1.0,
        layer_separation: 1307.4,
        celsius: root.f("celsius")?,
        rec_arrays,
        legacy_mode,
    };
    check_references(&net, source)?;
    // hnn-core does not store the grid spacing; recover it from the pyramidal layout
    if let Some(p) = net.positions("L2_pyramidal")
        && p.len() > 1
        && p[1][0] > p[0][0]
    {
        net.inplane_distance = p[1][0] - p[0][0];
    }
    Ok(net)
}

/// Every name and gid a connection, drive or bias uses exists, so that a loaded network
/// never indexes outside itself.
fn check_references(net: &Network, source: &str) -> Result<()> {
    let bad = |what: String, value: String, expected: &str| {
        Err(Error::invalid(format!("{source}: {what}"), value, expected))
    };
    let is_cell = |t: &str| net.cell_types.iter().any(|c| c.name == t);
    for (i, c) in net.connectivity.iter().enumerate() {
        let (Some(src), Some(tgt)) = (net.gid_range(&c.src_type), net.gid_range(&c.target_type))
        else {
            return bad(
                format!("connectivity[{i}]"),
                format!("{} -> {}", c.src_type, c.target_type),
                "types listed in gid_ranges",
            );
        };
        if !is_cell(&c.target_type) {
            return bad(
                format!("connectivity[{i}].target_type"),
                c.target_type.clone(),
                "a cell type",
            );
        }
        for (s, ts) in &c.gid_pairs {
            if !src.contains(s) || ts.iter().any(|t| !tgt.contains(t)) {
                return bad(
                    format!("connectivity[{i}].gid_pairs.{s}"),
                    format!("{ts:?}"),
                    "gids inside the source and target ranges",
                );
            }
        }
        if !(c.lamtha > 0.0) || c.a_delay < 0.0 {
            return bad(
                format!("connectivity[{i}].nc_dict"),
                format!("lamtha {}, A_delay {}", c.lamtha, c.a_delay),
                "lamtha > 0 and A_delay >= 0",
            );
        }
    }
    for d in &net.external_drives {
        if net.gid_range(&d.name).map(|r| r.len()) != Some(d.n_drive_cells) {
            return bad(
                format!("external_drives.{}.n_drive_cells", d.name),
                d.n_drive_cells.to_string(),
                "the size of the drive's gid range",
            );
        }
        if let Some(t) = d.target_types.iter().find(|t| !is_cell(t)) {
            return bad(
                format!("external_drives.{}.target_types", d.name),
                t.clone(),
                "cell types",
            );
        }
    }
    for b in &net.external_biases {
        if !is_cell(&b.cell_type) {
            return bad(
                format!("external_biases.{}", b.name),
                b.cell_type.clone(),
                "a cell type",
            );
        }
    }
    if net.cell_types.is_empty() || net.gid_ranges.first().is_some_and(|(_, r)| r.start != 0) {
        return bad(
            "gid_ranges".into(),
            "no cells or not starting at 0".into(),
            "cell types first, from gid 0",
        );
    }
    Ok(())
}

fn read_cell_type(name: &str, n: &Node) -> Result<CellType> {
    let c = n.field("cell_object")?;
    let m = n.field("cell_metadata")?;
    let metadata = CellMetadata {
        morpho_type: m.field("morpho_type")?.str()?,
        electro_type: m.field("electro_type")?.str()?,
        layer: match m.field("layer")?.v {
            Value::Number(x) => x.to_string(),
            _ => m.field("layer")?.str()?,
        },
        measure_dipole: m.field("measure_dipole")?.boolean()?,
        reference: m
            .opt("reference")
            .map(|r| r.str())
            .transpose()?
            .unwrap_or_default(),
    };
    let mut sections = Vec::new();
    for (s, sn) in c.field("sections")?.obj()? {
        let ends = sn.field("end_pts")?.arr()?;
        if ends.len() != 2 {
            return sn.field("end_pts")?.bad("two end points");
        }
        let mut sec = Section::new(
            sn.f("L")?,
            sn.f("diam")?,
            sn.f("Ra")?,
            sn.f("cm")?,
            sn.f("v0")?,
            [ends[0].point()?, ends[1].point()?],
        );
        sec.nseg = sn.field("nseg")?.uint()?;
        for (mech, params) in sn.field("mechs")?.obj()? {
            let info = crate::mech::catalogue::mech_info(&mech).ok_or_else(|| {
                params.error(&format!(
                    "a known mechanism ({})",
                    crate::mech::catalogue::mech_names()
                ))
            })?;
            // a parameter hnn-core leaves out has the .mod file's default
            let mut ps: BTreeMap<String, ParamValue> = info
                .params
                .iter()
                .map(|p| (p.name.to_string(), ParamValue::Const(p.default)))
                .collect();
            for (p, pv) in params.obj()? {
                let v = match pv.v {
                    Value::Array(_) => ParamValue::Segments(segment_values(&pv, sec.nseg)?),
                    _ => ParamValue::Const(pv.num()?),
                };
                if info.param(&p).is_none() {
                    return pv.bad(&format!("a parameter of {mech} ({})", info.param_names()));
                }
                ps.insert(p, v);
            }
            sec.mechs.insert(mech, ps);
        }
        for r in sn.field("syns")?.arr()? {
            sec.syns.push(
                r.str()?
                    .parse()
                    .map_err(|_| r.error("ampa, nmda, gabaa or gabab"))?,
            );
        }
        sections.push((s, sec));
    }
    let mut synapses = BTreeMap::new();
    for (r, sn) in c.field("synapses")?.obj()? {
        let receptor: Receptor = r.parse().map_err(|_| sn.error("a receptor name"))?;
        synapses.insert(
            receptor,
            SynapseKinetics {
                e: sn.f("e")?,
                tau1: sn.f("tau1")?,
                tau2: sn.f("tau2")?,
            },
        );
    }
    let mut sect_loc = BTreeMap::new();
    for (k, v) in c.field("sect_loc")?.obj()? {
        sect_loc.insert(
            k,
            v.arr()?
                .iter()
                .map(|s| s.str())
                .collect::<Result<Vec<_>>>()?,
        );
    }
    let mut topology = Vec::new();
    if let Some(tree) = c.opt("cell_tree") {
        for (k, children) in tree.obj()? {
            let (parent, end) =
                split_node(&k).ok_or_else(|| children.error("keys 'section,0' or 'section,1'"))?;
            for ch in children.arr()? {
                let s = ch.str()?;
                let (child, cend) =
                    split_node(&s).ok_or_else(|| ch.error("'section,0' or 'section,1'"))?;
                if child == parent {
                    continue;
                }
                if cend != 0.0 {
                    return ch.bad("a child attached by its 0 end");
                }
                topology.push(Attachment {
                    parent: parent.to_string(),
                    parent_end: end,
                    child: child.to_string(),
                });
            }
        }
    }
    let has_trunk = sections.iter().any(|(s, _)| s == "apical_trunk");
    let template = CellTemplate {
        name: c.field("name")?.str()?,
        sections,
        topology,
        synapses,
        sect_loc,
        dipole_axis: (metadata.measure_dipole && has_trunk).then(|| "apical_trunk".to_string()),
    };
    template
        .validate()
        .map_err(|e| n.error(&format!("a valid cell ({e})")))?;
    Ok(CellType {
        name: name.to_string(),
        template,
        metadata,
    })
}

/// hnn-core's evaluated distance-dependent value: `[[segment centres], [values]]`, one value
/// per segment.
fn segment_values(n: &Node, nseg: usize) -> Result<Vec<f64>> {
    let parts = n.arr()?;
    if parts.len() != 2 {
        return n.bad("[[segment centres], [values]]");
    }
    let vals = parts[1]
        .arr()?
        .iter()
        .map(|x| x.num())
        .collect::<Result<Vec<_>>>()?;
    if vals.len() != nseg || parts[0].arr()?.len() != nseg {
        return n.bad(&format!("one value per segment (nseg = {nseg})"));
    }
    Ok(vals)
}

fn split_node(s: &str) -> Option<(&str, f64)> {
    let (sec, end) = s.rsplit_once(',')?;
    match end.trim() {
        "0" => Some((sec, 0.0)),
        "1" => Some((sec, 1.0)),
        _ => None,
    }
}

/// A number or a map per type, expanded over `types`.
fn by_type(n: Option<Node>, types: &[String]) -> Result<ByType> {
    let Some(n) = n else { return Ok(Vec::new()) };
    match n.v {
        Value::Object(_) => n
            .obj()?
            .into_iter()
            .map(|(k, v)| Ok((k, v.num()?)))
            .collect(),
        _ => {
            let x = n.num()?;
            Ok(types.iter().map(|t| (t.clone(), x)).collect())
        }
    }
}

fn read_drive(n: &Node, connectivity: &[Connection]) -> Result<Drive> {
    let name = n.field("name")?.str()?;
    let target_types = n
        .field("target_types")?
        .arr()?
        .iter()
        .map(|t| t.str())
        .collect::<Result<Vec<_>>>()?;
    let d = n.field("dynamics")?;
    let opt_num = |k: &str| d.opt(k).map(|x| x.num()).transpose();
    let dynamics = match n.field("type")?.str()?.as_str() {
        "evoked" | "gaussian" => DriveDynamics::Evoked {
            mu: d.f("mu")?,
            sigma: d.f("sigma")?,
            numspikes: d.field("numspikes")?.uint()?,
        },
        "poisson" => DriveDynamics::Poisson {
            tstart: d.f("tstart")?,
            tstop: opt_num("tstop")?,
            rate_constant: match d.field("rate_constant")?.v {
                Value::Object(_) => {
                    RateConstant::PerType(by_type(d.opt("rate_constant"), &target_types)?)
                }
                _ => RateConstant::Uniform(d.f("rate_constant")?),
            },
        },
        "bursty" => DriveDynamics::Bursty {
            tstart: d.f("tstart")?,
            tstart_std: d.f("tstart_std")?,
            tstop: opt_num("tstop")?,
            burst_rate: d.f("burst_rate")?,
            burst_std: d.f("burst_std")?,
            numspikes: d.field("numspikes")?.uint()?,
            spike_isi: d.f("spike_isi")?,
        },
        _ => return n.field("type")?.bad("evoked, poisson or bursty"),
    };
    // the space constant lives in the drive's connections
    let space_constant = connectivity
        .iter()
        .find(|c| c.src_type == name)
        .map_or(3.0, |c| c.lamtha);
    let conn_seed = match n.opt("conn_seed") {
        Some(s) => Some(s.int()?.max(0) as u64),
        None => None,
    };
    Ok(Drive {
        name,
        dynamics,
        location: n.field("location")?.str()?,
        n_drive_cells: n.field("n_drive_cells")?.uint()?,
        cell_specific: n.field("cell_specific")?.boolean()?,
        weights_ampa: by_type(n.opt("weights_ampa"), &target_types)?,
        weights_nmda: by_type(n.opt("weights_nmda"), &target_types)?,
        synaptic_delays: by_type(n.opt("synaptic_delays"), &target_types)?,
        probability: by_type(n.opt("probability"), &target_types)?,
        space_constant,
        event_seed: n.field("event_seed")?.int()?,
        conn_seed,
        target_types,
    })
}

fn read_connection(n: &Node) -> Result<Connection> {
    let nc = n.field("nc_dict")?;
    // hnn-core holds these as sets (written in set-iteration order): keep them sorted
    let gids = |k: &str| -> Result<Vec<usize>> {
        let mut v = n
            .field(k)?
            .arr()?
            .iter()
            .map(|g| g.uint())
            .collect::<Result<Vec<_>>>()?;
        v.sort_unstable();
        Ok(v)
    };
    let mut gid_pairs = Vec::new();
    for (k, targets) in n.field("gid_pairs")?.obj()? {
        let src: usize = k.parse().map_err(|_| targets.error("keys that are gids"))?;
        gid_pairs.push((
            src,
            targets
                .arr()?
                .iter()
                .map(|g| g.uint())
                .collect::<Result<Vec<_>>>()?,
        ));
    }
    let receptor = n.field("receptor")?;
    Ok(Connection {
        src_type: n.field("src_type")?.str()?,
        target_type: n.field("target_type")?.str()?,
        src_gids: gids("src_gids")?,
        target_gids: gids("target_gids")?,
        num_srcs: n.field("num_srcs")?.uint()?,
        num_targets: n.field("num_targets")?.uint()?,
        gid_pairs,
        loc: n.field("loc")?.str()?,
        receptor: receptor
            .str()?
            .parse()
            .map_err(|_| receptor.error("ampa, nmda, gabaa or gabab"))?,
        a_weight: nc.f("A_weight")?,
        a_delay: nc.f("A_delay")?,
        lamtha: nc.f("lamtha")?,
        threshold: nc.f("threshold")?,
        gain: nc.f("gain")?,
        probability: n.f("probability")?,
        allow_autapses: n.field("allow_autapses")?.boolean()?,
    })
}

// ---------------------------------------------------------------- writing

/// Write `net` as hnn-core's network configuration JSON (readable by
/// `hnn_core.read_network_configuration`).
pub fn write_network_configuration(net: &Network, path: &Path) -> Result<()> {
    let text = network_configuration_json(net);
    super::write_atomic(path, text).map_err(|e| {
        Error::invalid(
            format!("file '{}'", path.display()),
            e.to_string(),
            "a writable path",
        )
    })
}

fn by_type_json(v: &ByType) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        Value::Object(v.iter().map(|(k, x)| (k.clone(), json!(x))).collect())
    }
}

/// hnn-core's drives take one probability by default: an all-equal map is written as that
/// number (a map with different values stays a map).
fn probability_json(v: &ByType) -> Value {
    match v.first() {
        Some((_, x)) if v.iter().all(|(_, y)| y == x) => json!(x),
        _ => by_type_json(v),
    }
}

/// The configuration as a JSON string (hnn-core's layout and key order).
pub fn network_configuration_json(net: &Network) -> String {
    let mut root = Map::new();
    root.insert("object_type".into(), json!("Network"));
    root.insert("legacy_mode".into(), json!(net.legacy_mode));
    root.insert("N_pyr_x".into(), json!(net.mesh_shape.0));
    root.insert("N_pyr_y".into(), json!(net.mesh_shape.1));
    root.insert("celsius".into(), json!(net.celsius));
    let mut cts = Map::new();
    for ct in &net.cell_types {
        cts.insert(ct.name.clone(), cell_type_json(ct));
    }
    root.insert("cell_types".into(), Value::Object(cts));
    root.insert(
        "gid_ranges".into(),
        Value::Object(
            net.gid_ranges
                .iter()
                .map(|(k, r)| (k.clone(), json!({"start": r.start, "stop": r.end})))
                .collect(),
        ),
    );
    let mut pos = Map::new();
    for (k, p) in &net.pos_dict {
        if net.cell_types.iter().any(|c| c.name == *k) {
            pos.insert(k.clone(), json!(p));
        }
    }
    pos.insert("origin".into(), json!(net.origin));
    for (k, p) in &net.pos_dict {
        if !pos.contains_key(k) {
            pos.insert(k.clone(), json!(p));
        }
    }
    root.insert("pos_dict".into(), Value::Object(pos));
    root.insert("cell_response".into(), json!({}));
    let mut drives = Map::new();
    for d in &net.external_drives {
        drives.insert(d.name.clone(), drive_json(d));
    }
    root.insert("external_drives".into(), Value::Object(drives));
    let mut biases: Map<String, Value> = Map::new();
    for b in &net.external_biases {
        let entry = biases.entry(b.name.clone()).or_insert_with(|| json!({}));
        entry[b.cell_type.as_str()] =
            json!({"amplitude": b.amplitude, "t0": b.t0, "tstop": b.tstop, "section": b.section});
    }
    root.insert("external_biases".into(), Value::Object(biases));
    root.insert(
        "connectivity".into(),
        Value::Array(net.connectivity.iter().map(connection_json).collect()),
    );
    let arrays: Map<String, Value> = net
        .rec_arrays
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                json!({
                    "positions": a.positions,
                    "conductivity": a.conductivity,
                    "method": a.method.name(),
                    "min_distance": a.min_distance,
                    "times": [],
                    "voltages": [],
                }),
            )
        })
        .collect();
    root.insert("rec_arrays".into(), Value::Object(arrays));
    root.insert("threshold".into(), json!(net.threshold));
    root.insert("delay".into(), json!(net.delay));
    serde_json::to_string_pretty(&Value::Object(root)).expect("JSON of plain values")
}

fn cell_type_json(ct: &CellType) -> Value {
    let t = &ct.template;
    // distance-dependent values are stored evaluated: [[segment centres], [values]]
    let start = t
        .section_start_distances()
        .unwrap_or_else(|_| vec![0.0; t.sections.len()]);
    let mut sections = Map::new();
    for (si, (name, s)) in t.sections.iter().enumerate() {
        let centres = s.seg_centres();
        let mechs: Map<String, Value> = s
            .mechs
            .iter()
            .map(|(m, ps)| {
                let ps: Map<String, Value> = ps
                    .iter()
                    .map(|(p, v)| {
                        let v = match v {
                            ParamValue::Const(x) => json!(x),
                            _ => {
                                let vals: Vec<f64> = centres
                                    .iter()
                                    .enumerate()
                                    .map(|(j, c)| v.at(j, start[si] + c * s.L))
                                    .collect();
                                json!([centres, vals])
                            }
                        };
                        (p.clone(), v)
                    })
                    .collect();
                // all at the .mod defaults: hnn-core writes an empty map (its baskets' hh2)
                let defaults = crate::mech::catalogue::mech_info(m).is_some_and(|info| {
                    ps.iter()
                        .all(|(p, v)| info.param(p).is_some_and(|d| json!(d.default) == *v))
                });
                let ps = if defaults { Map::new() } else { ps };
                (m.clone(), Value::Object(ps))
            })
            .collect();
        sections.insert(
            name.clone(),
            json!({
                "L": s.L, "diam": s.diam, "cm": s.cm, "Ra": s.Ra, "end_pts": s.end_pts,
                "nseg": s.nseg, "v0": s.v0, "mechs": mechs,
                "syns": s.syns.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            }),
        );
    }
    let mut tree: Map<String, Value> = Map::new();
    for (name, _) in &t.sections {
        tree.insert(format!("{name},0"), json!([format!("{name},1")]));
    }
    for a in &t.topology {
        let key = format!("{},{}", a.parent, a.parent_end as u8);
        let entry = tree.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(v) = entry {
            v.push(json!(format!("{},0", a.child)));
        }
    }
    let synapses: Map<String, Value> = t
        .synapses
        .iter()
        .map(|(r, k)| {
            (
                r.to_string(),
                json!({"e": k.e, "tau1": k.tau1, "tau2": k.tau2}),
            )
        })
        .collect();
    json!({
        "cell_object": {
            "name": t.name, "pos": [0, 0, 0], "sections": sections, "synapses": synapses,
            "cell_tree": if t.topology.is_empty() { Value::Null } else { Value::Object(tree) }, "sect_loc": t.sect_loc, "gid": null, "dipole_pp": [],
            "vsec": {}, "isec": {}, "ca": {}, "tonic_biases": [],
        },
        "cell_metadata": {
            "morpho_type": ct.metadata.morpho_type, "electro_type": ct.metadata.electro_type,
            "layer": ct.metadata.layer, "measure_dipole": ct.metadata.measure_dipole,
            "reference": ct.metadata.reference,
        },
    })
}

fn drive_json(d: &Drive) -> Value {
    let (kind, dynamics) = match &d.dynamics {
        DriveDynamics::Evoked {
            mu,
            sigma,
            numspikes,
        } => (
            "evoked",
            json!({"mu": mu, "sigma": sigma, "numspikes": numspikes}),
        ),
        DriveDynamics::Poisson {
            tstart,
            tstop,
            rate_constant,
        } => {
            let rc = match rate_constant {
                RateConstant::Uniform(r) => json!(r),
                RateConstant::PerType(v) => by_type_json(v),
            };
            (
                "poisson",
                json!({"tstart": tstart, "tstop": tstop, "rate_constant": rc}),
            )
        }
        DriveDynamics::Bursty {
            tstart,
            tstart_std,
            tstop,
            burst_rate,
            burst_std,
            numspikes,
            spike_isi,
        } => (
            "bursty",
            json!({"tstart": tstart, "tstart_std": tstart_std, "tstop": tstop,
                   "burst_rate": burst_rate, "burst_std": burst_std,
                   "numspikes": numspikes, "spike_isi": spike_isi}),
        ),
        DriveDynamics::SpikeTrain { times, gids } => (
            "spike_train",
            json!({"spike_times": times, "spike_gids": gids}),
        ),
    };
    json!({
        "type": kind, "location": d.location, "n_drive_cells": d.n_drive_cells,
        "event_seed": d.event_seed, "conn_seed": d.conn_seed, "dynamics": dynamics,
        "events": [], "weights_ampa": by_type_json(&d.weights_ampa),
        "weights_nmda": by_type_json(&d.weights_nmda),
        "synaptic_delays": by_type_json(&d.synaptic_delays),
        "probability": probability_json(&d.probability), "name": d.name,
        "target_types": d.target_types, "cell_specific": d.cell_specific,
    })
}

fn connection_json(c: &Connection) -> Value {
    let pairs: Map<String, Value> = c
        .gid_pairs
        .iter()
        .map(|(s, t)| (s.to_string(), json!(t)))
        .collect();
    json!({
        "target_type": c.target_type, "target_gids": c.target_gids, "num_targets": c.num_targets,
        "src_type": c.src_type, "src_gids": c.src_gids, "num_srcs": c.num_srcs,
        "gid_pairs": pairs, "loc": c.loc, "receptor": c.receptor.to_string(),
        "nc_dict": {"A_delay": c.a_delay, "A_weight": c.a_weight, "lamtha": c.lamtha,
                    "threshold": c.threshold, "gain": c.gain},
        "allow_autapses": c.allow_autapses as u8, "probability": c.probability,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_parse() {
        assert_eq!(split_node("soma,1"), Some(("soma", 1.0)));
        assert_eq!(split_node("apical_trunk,0"), Some(("apical_trunk", 0.0)));
        assert_eq!(split_node("soma"), None);
        assert_eq!(split_node("soma,0.5"), None);
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse_network_configuration(
            r#"{"object_type": "Network", "N_pyr_x": "ten"}"#,
            "n.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("n.json") && e.contains("N_pyr_x"), "{e}");
        let e = parse_network_configuration("[1,", "n.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("valid JSON"), "{e}");
    }
}
