//! Reading a network configuration: the file, its top-level fields, and the check that every
//! name and gid it uses exists.

use std::ops::Range;
use std::path::Path;

use serde_json::Value;

use super::cells::read_cell_type;
use super::connections::read_connection;
use super::drives::read_drive;
use super::node::Node;

use crate::error::{Error, Result};
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::network::{Network, TonicBias};

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
