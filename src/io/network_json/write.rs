//! Writing a network configuration in hnn-core's layout and key order.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::cells::cell_type_json;
use super::connections::connection_json;
use super::drives::drive_json;

use crate::error::{Error, Result};
use crate::network::Network;

/// Write `net` as hnn-core's network configuration JSON (readable by
/// `hnn_core.read_network_configuration`).
pub fn write_network_configuration(net: &Network, path: &Path) -> Result<()> {
    let text = network_configuration_json(net);
    crate::io::write_atomic(path, text).map_err(|e| {
        Error::invalid(
            format!("file '{}'", path.display()),
            e.to_string(),
            "a writable path",
        )
    })
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
