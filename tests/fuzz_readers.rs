//! Every file reader is fed arbitrary and near-valid input: it must return a value or an
//! error, never panic, and what it returns must be well-formed. CI runs 2,000 cases per
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

/// hnn-core's network file with one span replaced by a plausible wrong token.
fn mutated_network_file() -> impl Strategy<Value = String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/files/net_drives.json"),
    )
    .unwrap();
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
