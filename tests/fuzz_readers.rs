//! Every file reader is fed arbitrary and near-valid input: it must return a value or an
//! error, never panic, and what it returns must be well-formed. The HDF5 dipole reader gets
//! valid files (one hnn-core wrote, one ours) with bytes overwritten, bits flipped or the
//! end cut off. CI runs 2,000 cases per
//! reader; `PROPTEST_CASES=1000000 cargo test --release --test fuzz_readers` runs a million
//! (the count is recorded in the notes).

use std::path::Path;

use hnn::io::params::Params;
use hnn::io::text::{parse_dipole, parse_spikes};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// Text that is usually almost right: lines of numbers and words, with noise.
fn near_valid() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        any::<f64>().prop_map(|x| format!("{x}")),
        (0u32..400).prop_map(|x| x.to_string()),
        Just("L2_basket".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("1e999".to_string()),
        Just(":".to_string()),
        Just("{".to_string()),
        "[a-z_:.0-9-]{0,8}",
    ];
    let line = prop::collection::vec(token, 0..6)
        .prop_map(|t| t.join(if t.len() % 2 == 0 { "\t" } else { " " }));
    (
        prop::collection::vec(line, 0..12),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(lines, junk)| {
            let mut b = lines.join("\n").into_bytes();
            if !junk.is_empty() && b.len() > 1 {
                let at = junk[0] as usize % b.len();
                b.splice(at..at, junk);
            }
            b
        })
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..256), near_valid()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn dipole_reader_never_panics(b in bytes()) {
        if let Ok(d) = parse_dipole(&b, Path::new("fuzz.txt")) {
            prop_assert!(d.times.len() >= 2);
            prop_assert!(d.data.iter().all(|(_, v)| v.len() == d.times.len() && v.iter().all(|x| x.is_finite())));
        }
    }

    #[test]
    fn spike_reader_never_panics(b in bytes()) {
        if let Ok((t, g, ty)) = parse_spikes(&b, Path::new("fuzz_0.txt")) {
            prop_assert!(t.len() == g.len() && g.len() == ty.len());
            prop_assert!(t.iter().all(|x| x.is_finite()));
        }
    }

    #[test]
    fn param_readers_never_panic(b in bytes()) {
        if let Ok(text) = std::str::from_utf8(&b) {
            if let Ok(p) = Params::from_param(text, "fuzz.param") {
                for v in p.values.values() {
                    if let hnn::io::params::ParamValue::Num(x) = v { prop_assert!(x.is_finite()); }
                }
            }
            let _ = Params::from_json(text, "fuzz.json");
        }
    }
}

/// hnn-core's network file (made a legacy-mode file with an electrode array, so those
/// readers are exercised too) with one span replaced by a plausible wrong token.
fn mutated_network_file() -> impl Strategy<Value = String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/files/net_drives.json"),
    )
    .unwrap()
    .replacen("\"legacy_mode\": false", "\"legacy_mode\": true", 1)
    .replacen(
        "\"rec_arrays\": {}",
        "\"rec_arrays\": {\"e\": {\"positions\": [[0, 0, 100], [0, 0, 600]], \"conductivity\": 0.3, \"method\": \"lsa\", \"min_distance\": 0.5, \"times\": [], \"voltages\": []}}",
        1,
    );
    assert!(text.contains("\"method\": \"lsa\"") && text.contains("\"legacy_mode\": true"));
    let token = prop_oneof![
        Just("-1"),
        Just("1e999"),
        Just("null"),
        Just("\"x\""),
        Just("[]"),
        Just("{}"),
        Just("99999"),
        Just("0.5"),
        Just("true"),
        Just(""),
        Just("\"soma,2\""),
        Just("0"),
    ];
    (0..text.len(), 0usize..12, token).prop_map(move |(at, len, tok)| {
        let mut b = text.as_bytes().to_vec();
        let end = (at + len).min(b.len());
        b.splice(at..end, tok.bytes());
        String::from_utf8_lossy(&b).into_owned()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// A file that loads must also simulate (no panic on a loaded network).
    #[test]
    fn network_file_reader_never_panics(t in mutated_network_file()) {
        if let Ok(net) = hnn::io::network_json::parse_network_configuration(&t, "fuzz.json") {
            let _ = hnn::sim::network::simulate_dipole(&net, &hnn::sim::network::SimConfig::new(1.0));
        }
    }
}

/// The seeds of the HDF5 fuzz: hnn-core's (h5py/libhdf5 layout) and ours (hdf5-pure).
fn hdf5_seeds() -> Vec<Vec<u8>> {
    let theirs = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/files/tiny_dpl.hdf5"),
    )
    .unwrap();
    let d = hnn::io::hdf5::parse_dipole(theirs.clone(), Path::new("tiny_dpl.hdf5")).unwrap();
    let ours = hnn::io::hdf5::dipole_bytes(&d, Path::new("ours.hdf5")).unwrap();
    vec![theirs, ours]
}

/// A small results bundle: 2×2 column, 2 trials of 5 ms with somatic voltages.
fn bundle_seed() -> Vec<Vec<u8>> {
    let mut net = hnn::network::models::jones_2009_model((2, 2)).unwrap();
    hnn::network::models::add_erp_drives_to_jones_model(&mut net, 0.0).unwrap();
    let shank = vec![[0.0, 0.0, 0.0], [0.0, 0.0, 500.0]];
    let arr = hnn::network::electrodes::ElectrodeArray::new(
        "shank",
        shank,
        0.3,
        hnn::network::electrodes::Method::Psa,
        0.5,
    )
    .unwrap();
    net.add_electrode_array(arr).unwrap();
    let mut cfg = hnn::sim::network::SimConfig::new(5.0);
    cfg.run.n_trials = 2;
    cfg.run.record_vsec = hnn::sim::RecordSections::Soma;
    let out = hnn::sim::network::simulate_dipole(&net, &cfg).unwrap();
    let res = hnn::io::hdf5::Results {
        network: net,
        run: Some(hnn::io::hdf5::RunSettings::from_config(&cfg)),
        dipoles: out.dipoles,
        cell_response: Some(out.cell_response),
        rec_arrays: out.rec_arrays,
        hnn_version: String::new(),
    };
    vec![hnn::io::hdf5::results_bytes(&res, Path::new("bundle.h5")).unwrap()]
}

/// A valid HDF5 file from `seeds` with a few bytes overwritten, bits flipped, or cut short.
fn mutated_hdf5(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let seeds = std::sync::Arc::new(seeds);
    let edit = prop_oneof![
        // overwrite 1-8 bytes anywhere
        (any::<u32>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| (0u8, at, b)),
        // flip one bit
        (any::<u32>(), 0u8..8).prop_map(|(at, bit)| (1u8, at, vec![1u8 << bit])),
        // a plausible size or address: 0, 0xff.., or a small number, little-endian
        (
            any::<u32>(),
            prop_oneof![Just(0u64), Just(u64::MAX), 0u64..70000]
        )
            .prop_map(|(at, x)| (2u8, at, x.to_le_bytes().to_vec())),
        // truncate
        any::<u32>().prop_map(|at| (3u8, at, vec![])),
    ];
    let n = seeds.len();
    (0..n, prop::collection::vec(edit, 1..4)).prop_map(move |(which, edits)| {
        let mut b = seeds[which].clone();
        for (kind, at, bytes) in edits {
            let at = at as usize % b.len().max(1);
            match kind {
                1 => b[at] ^= bytes[0],
                3 => b.truncate(at),
                _ => {
                    for (i, x) in bytes.into_iter().enumerate() {
                        if let Some(y) = b.get_mut(at + i) {
                            *y = x;
                        }
                    }
                }
            }
            if b.is_empty() {
                break;
            }
        }
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// hnn-core's and our HDF5 dipoles, damaged: an error naming the file, or a well-formed
    /// dipole; never a panic.
    #[test]
    fn hdf5_dipole_reader_never_panics(b in mutated_hdf5(hdf5_seeds())) {
        match hnn::io::hdf5::parse_dipole(b, Path::new("fuzz.hdf5")) {
            Ok(d) => {
                prop_assert!(d.times.len() >= 2 && d.nave >= 1);
                prop_assert!(d.data.iter().all(|(_, v)| v.len() == d.times.len() && v.iter().all(|x| x.is_finite())));
            }
            Err(e) => prop_assert!(e.to_string().contains("fuzz.hdf5"), "{}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// A damaged results bundle: an error naming the file, or results whose shapes agree.
    #[test]
    fn results_bundle_reader_never_panics(b in mutated_hdf5(bundle_seed())) {
        match hnn::io::hdf5::parse_results(b, Path::new("fuzz.h5")) {
            Ok(r) => {
                for d in &r.dipoles {
                    prop_assert!(d.data.iter().all(|(_, v)| v.len() == d.times.len()));
                }
                if let Some(cr) = &r.cell_response {
                    for k in 0..cr.spike_times.len() {
                        prop_assert!(cr.spike_gids[k].len() == cr.spike_times[k].len());
                        prop_assert!(cr.spike_types[k].len() == cr.spike_times[k].len());
                    }
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("fuzz.h5"), "{}", e),
        }
    }
}
