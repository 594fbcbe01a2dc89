//! hnn-core's network configuration JSON (issue 6): files hnn-core 0.6.1 wrote
//! (`tests/reference/generate_network_configs.py`) load into the same network and simulate
//! to the same dipole; what we write reads back identically.

mod common;

use common::Table;
use hnn::io::network_json::{
    network_configuration_json, parse_network_configuration, read_network_configuration,
};
use hnn::network::Network;
use hnn::network::models::{add_erp_drives_to_jones_model, jones_2009_model};
use hnn::sim::network::{SimConfig, simulate_dipole};

fn erp_built() -> Network {
    let mut net = jones_2009_model((3, 3)).unwrap();
    add_erp_drives_to_jones_model(&mut net, 0.0).unwrap();
    net
}

/// Where two values' debug forms first differ (assertion messages of large structures).
fn first_difference<T: std::fmt::Debug>(a: &T, b: &T) -> String {
    let (x, y) = (format!("{a:?}"), format!("{b:?}"));
    let i = x
        .bytes()
        .zip(y.bytes())
        .position(|(p, q)| p != q)
        .unwrap_or(x.len().min(y.len()));
    let around = |s: &str| s[i.saturating_sub(100)..(i + 100).min(s.len())].to_string();
    format!(
        " theirs: ...{}...\n ours:   ...{}...",
        around(&x),
        around(&y)
    )
}

fn round_trip(net: &Network) -> Network {
    parse_network_configuration(&network_configuration_json(net), "ours.json").unwrap()
}

/// hnn-core's file equals the network we build, field by field. Distance-dependent channel
/// densities are stored evaluated per segment, so our network passes through our writer
/// first: its per-segment values must equal hnn-core's bit for bit.
#[test]
fn hnn_core_erp_file_is_our_erp_network() {
    let theirs = read_network_configuration(&common::fixture("files/net_erp.json")).unwrap();
    let ours = round_trip(&erp_built());
    for (a, b) in theirs.cell_types.iter().zip(&ours.cell_types) {
        assert_eq!(a, b, "cell type {}\n{}", a.name, first_difference(a, b));
    }
    for (i, (a, b)) in theirs
        .connectivity
        .iter()
        .zip(&ours.connectivity)
        .enumerate()
    {
        assert_eq!(a, b, "connection {i}\n{}", first_difference(a, b));
    }
    assert_eq!(theirs.pos_dict, ours.pos_dict);
    assert_eq!(theirs.gid_ranges, ours.gid_ranges);
    assert_eq!(theirs.external_drives, ours.external_drives);
    assert_eq!(theirs.connectivity, ours.connectivity);
    assert_eq!(theirs, ours);
}

/// The network loaded from hnn-core's file simulates to exactly the dipole of the network
/// built with jones_2009_model() and its ERP drives (same arithmetic: bit-identical).
#[test]
fn hnn_core_erp_file_simulates_like_the_built_network() {
    let theirs = read_network_configuration(&common::fixture("files/net_erp.json")).unwrap();
    let cfg = SimConfig::new(170.0);
    let a = simulate_dipole(&theirs, &cfg).unwrap();
    let b = simulate_dipole(&erp_built(), &cfg).unwrap();
    assert_eq!(a.dipoles[0].get("agg"), b.dipoles[0].get("agg"));
    assert_eq!(a.cell_response.spike_times, b.cell_response.spike_times);
    assert!(
        a.cell_response.spike_times[0].len() > 50,
        "the ERP network spikes"
    );
}

/// Poisson, bursty (pruned, not cell-specific) and evoked drives, a pruned connection and a
/// tonic bias, all from hnn-core's file: same spikes and dipole as hnn-core simulated.
/// Tolerance: spike times 1e-9 ms and dipole RMS ≤ 1e-9 of its range (round-off only; the
/// network fixtures agree to 3e-13).
#[test]
fn hnn_core_drives_file_simulates_like_hnn_core() {
    let net = read_network_configuration(&common::fixture("files/net_drives.json")).unwrap();
    assert_eq!(net.external_drives.len(), 3);
    assert_eq!(net.external_biases.len(), 1);
    assert_eq!(round_trip(&net), net, "our writer keeps everything");
    let out = simulate_dipole(&net, &SimConfig::new(80.0)).unwrap();
    let sp = Table::read_plain("files/net_drives_spikes.txt");
    let mut ours: Vec<(f64, usize)> = out.cell_response.spike_times[0]
        .iter()
        .zip(&out.cell_response.spike_gids[0])
        .map(|(t, g)| (*t, *g))
        .collect();
    let mut theirs: Vec<(f64, usize)> = sp
        .col("time")
        .iter()
        .zip(sp.col("gid"))
        .map(|(t, g)| (*t, *g as usize))
        .collect();
    ours.sort_by(|a, b| a.partial_cmp(b).unwrap());
    theirs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(ours.len(), theirs.len(), "spike count");
    for (a, b) in ours.iter().zip(&theirs) {
        assert!(a.1 == b.1 && (a.0 - b.0).abs() <= 1e-9, "{a:?} vs {b:?}");
    }
    let dp = Table::read("files/net_drives_dipole.txt");
    for key in ["agg", "L2", "L5"] {
        let d = out.dipoles[0].get(key).unwrap();
        let r = dp.col(key);
        let range =
            r.iter().cloned().fold(f64::MIN, f64::max) - r.iter().cloned().fold(f64::MAX, f64::min);
        let rms = (dp
            .k
            .iter()
            .zip(r)
            .map(|(&k, v)| (d[k] - v).powi(2))
            .sum::<f64>()
            / r.len() as f64)
            .sqrt();
        eprintln!("net_drives {key}: rms/range {:.2e}", rms / range);
        assert!(rms <= 1e-9 * range, "{key}: rms {rms} vs range {range}");
    }
}

#[test]
fn bad_network_files_name_the_field() {
    let text = std::fs::read_to_string(common::fixture("files/net_erp.json")).unwrap();
    for (from, to, needle) in [
        ("\"N_pyr_x\": 3", "\"N_pyr_x\": -3", "N_pyr_x"),
        (
            "\"receptor\": \"nmda\"",
            "\"receptor\": \"glutamate\"",
            "connectivity[0].receptor",
        ),
        (
            "\"A_weight\": 0.0005",
            "\"A_weight\": \"heavy\"",
            "nc_dict.A_weight",
        ),
        (
            "\"object_type\": \"Network\"",
            "\"object_type\": \"Dipole\"",
            "object_type",
        ),
        ("\"mu\": 26.61", "\"mu\": null", "dynamics.mu"),
    ] {
        assert!(text.contains(from), "fixture has {from}");
        let bad = text.replacen(from, to, 1);
        let e = parse_network_configuration(&bad, "bad.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.json") && e.contains(needle), "{to}: {e}");
    }
    let truncated = &text[..text.len() / 2];
    let e = parse_network_configuration(truncated, "cut.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("cut.json") && e.contains("valid JSON"), "{e}");
}

/// The script functions: hnn-core's file in, ours out, and read back; bad input named.
#[test]
fn script_reads_and_writes_configurations() {
    let dir = std::env::temp_dir().join("hnn_netcfg");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("ours.json");
    let fixture = common::fixture("files/net_erp.json");
    let code = format!(
        r#"
        let net = read_network_configuration("{f}");
        if net.external_drives.len() != 3 {{ throw "drives"; }}
        net.write_configuration("{o}");
        let again = read_network_configuration("{o}", #{{ read_drives: false }});
        if again.external_drives.len() != 0 {{ throw "read_drives"; }}
        let d1 = simulate_dipole(net, #{{ tstop: 30.0 }});
        let d2 = simulate_dipole(read_network_configuration("{o}"), #{{ tstop: 30.0 }});
        if d1[0].data["agg"] != d2[0].data["agg"] {{ throw "dipoles differ"; }}
        "#,
        f = fixture.display(),
        o = out.display()
    );
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", &code])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let code = format!(
        r#"jones_2009_model().write_configuration("{}", #{{ overwrite: false }});"#,
        out.display()
    );
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", &code])
        .output()
        .unwrap();
    assert!(!r.status.success() && String::from_utf8_lossy(&r.stderr).contains("exists"));
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args([
            "-e",
            r#"read_network_configuration("/nonexistent/net.json");"#,
        ])
        .output()
        .unwrap();
    assert!(
        !r.status.success() && String::from_utf8_lossy(&r.stderr).contains("/nonexistent/net.json")
    );
}

/// Electrode arrays travel with the configuration as hnn-core stores them (their
/// description; recorded data is never read back, as in hnn-core); a bad method is named.
#[test]
fn electrode_arrays_round_trip() {
    use hnn::network::electrodes::{ElectrodeArray, Method};
    let mut net = erp_built();
    let pos = vec![[135.0, 135.0, -325.0], [135.0, 135.0, -225.0]];
    net.add_electrode_array(ElectrodeArray::new("shank1", pos, 0.3, Method::Lsa, 0.75).unwrap())
        .unwrap();
    let text = network_configuration_json(&net);
    assert!(
        text.contains("\"rec_arrays\": {\n    \"shank1\""),
        "{}",
        &text[..0]
    );
    let back = round_trip(&net);
    assert_eq!(back.rec_arrays, net.rec_arrays);
    let bad = text.replacen("\"method\": \"lsa\"", "\"method\": \"fem\"", 1);
    let e = parse_network_configuration(&bad, "bad.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("rec_arrays.shank1.method"), "{e}");
}
