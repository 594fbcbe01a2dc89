//! `convert_to_json` against hnn-core 0.6.1's (fixture: tests/reference/generate_convert.py
//! → tests/fixtures/files/convert_summary.json). Both converted files are summarised the same
//! way — legacy mode, gid ranges, drives, and every connection with a checksum of its gid
//! pairs — and must be equal; the converted default.param network simulates like hnn-core.
//! The GUI's .param files are read from ../shared/data (skipped when absent).

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn checksum(pairs: &serde_json::Map<String, Value>) -> u64 {
    let mut s: u128 = 0;
    for (src, targets) in pairs {
        let src: u128 = src.parse().unwrap();
        for t in targets.as_array().unwrap() {
            let t = t.as_u64().unwrap() as u128;
            s = (s + (src * 1000003 + t) * 2654435761) % (1u128 << 61);
        }
    }
    s as u64
}

/// The generator's summary of a converted file.
fn summary(path: &Path) -> Value {
    let d: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut drives = serde_json::Map::new();
    for (name, drv) in d["external_drives"].as_object().unwrap() {
        drives.insert(
            name.clone(),
            json!({
                "type": drv["type"], "location": drv["location"],
                "n_drive_cells": drv["n_drive_cells"], "cell_specific": drv["cell_specific"],
                "event_seed": drv["event_seed"], "conn_seed": drv["conn_seed"],
                "dynamics": drv["dynamics"],
            }),
        );
    }
    let conns: Vec<Value> = d["connectivity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let nc = &c["nc_dict"];
            let pairs = c["gid_pairs"].as_object().unwrap();
            json!({
                "src_type": c["src_type"], "target_type": c["target_type"],
                "receptor": c["receptor"], "loc": c["loc"], "A_weight": nc["A_weight"],
                "A_delay": nc["A_delay"], "lamtha": nc["lamtha"],
                "probability": c["probability"],
                "n_pairs": pairs.values().map(|v| v.as_array().unwrap().len()).sum::<usize>(),
                "checksum": checksum(pairs),
            })
        })
        .collect();
    let ranges: serde_json::Map<String, Value> = d["gid_ranges"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), json!([v["start"], v["stop"]])))
        .collect();
    json!({
        "legacy_mode": d["legacy_mode"], "gid_ranges": ranges,
        "drives": drives, "connectivity": conns,
    })
}

/// Numbers compared as numbers (1 == 1.0), everything else exactly; the first difference
/// is reported with its path.
fn same(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if x == y {
                Ok(())
            } else {
                Err(format!("{path}: {x} vs {y}"))
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut kx: Vec<_> = x.keys().collect();
            let mut ky: Vec<_> = y.keys().collect();
            kx.sort();
            ky.sort();
            if kx != ky {
                return Err(format!("{path}: keys {kx:?} vs {ky:?}"));
            }
            for k in x.keys() {
                same(&x[k], &y[k], &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{path}: {} vs {} items", x.len(), y.len()));
            }
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(p, q, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} vs {b}")),
    }
}

fn source(name: &str) -> Option<PathBuf> {
    if name == "default.json" {
        let p = std::env::temp_dir().join("hnn_convert_default.json");
        std::fs::write(&p, hnn::io::params::HNN_CORE_DEFAULT_JSON).unwrap();
        return Some(p);
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/hnn/param")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} absent (shared data folder)", p.display());
        None
    }
}

#[test]
fn converted_files_equal_hnn_core_conversions() {
    let text = std::fs::read_to_string(common::fixture("files/convert_summary.json")).unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    let dir = std::env::temp_dir().join("hnn_convert");
    std::fs::create_dir_all(&dir).unwrap();
    let mut checked = 0;
    for (name, expected) in want.as_object().unwrap() {
        let Some(src) = source(name) else { continue };
        let out = hnn::io::convert::convert_to_json(&src, &dir.join(name), true, true).unwrap();
        assert!(out.extension().is_some_and(|e| e == "json"));
        let got = summary(&out);
        if let Err(e) = same(expected, &got, name) {
            panic!("{e}");
        }
        // and the file loads back into the same network
        let net = hnn::io::network_json::read_network_configuration(&out).unwrap();
        assert_eq!(net.legacy_mode, name.ends_with(".param"));
        checked += 1;
    }
    assert!(checked >= 1);
}

/// The converted default.param network (legacy mode: drive cells for every cell type)
/// simulates like hnn-core's reading of its own conversion: every stored dipole sample to
/// 1e-9 of the range (the network runs bit-for-bit like NEURON otherwise).
#[test]
fn converted_default_param_simulates_like_hnn_core() {
    let Some(src) = source("default.param") else {
        return;
    };
    let out = std::env::temp_dir().join("hnn_convert_default_param.json");
    hnn::io::convert::convert_to_json(&src, &out, true, true).unwrap();
    let net = hnn::io::network_json::read_network_configuration(&out).unwrap();
    let sim = hnn::sim::network::simulate_dipole(&net, &hnn::sim::network::SimConfig::new(170.0))
        .unwrap();
    let text =
        std::fs::read_to_string(common::fixture("files/convert_default_param_dipole.txt")).unwrap();
    let mut header = text.lines().next().unwrap().split("spikes ");
    let n_spikes: usize = header.nth(1).unwrap().trim().parse().unwrap();
    let rows: Vec<(usize, f64)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<&str> = l.split_whitespace().collect();
            (v[0].parse().unwrap(), v[2].parse().unwrap())
        })
        .collect();
    let agg = sim.dipoles[0].layer("agg").unwrap();
    let (lo, hi) = rows
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (_, x)| {
            (a.min(*x), b.max(*x))
        });
    let worst = rows
        .iter()
        .map(|(k, x)| (agg[*k] - x).abs())
        .fold(0.0, f64::max);
    println!("worst |diff| / range: {:e}", worst / (hi - lo));
    assert!(worst <= 1e-9 * (hi - lo), "{worst}");
    assert_eq!(sim.cell_response.spike_times[0].len(), n_spikes);
}
