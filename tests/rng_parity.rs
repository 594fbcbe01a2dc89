//! Bit-exact parity of `hnn::rng` with NumPy (fixture tests/fixtures/rng/golden.json, written
//! by tests/reference/generate_rng.py with NumPy 2.4.6).
//!
//! Every value must match exactly: integers by value, floats by their bit pattern.

use hnn::rng::{Generator, RandomState, SeedSequence};
use serde_json::Value;
use std::path::PathBuf;

fn golden() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rng/golden.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("golden.json is valid JSON")
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("unsigned integer"))
        .collect()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Compares two float sequences bit for bit, naming the first mismatch.
fn assert_bits(what: &str, ours: &[f64], theirs: &[f64]) {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(
            a.to_bits(),
            b.to_bits(),
            "{what}[{i}]: ours {a:?}, numpy {b:?}"
        );
    }
}

fn draw<T>(n: usize, mut f: impl FnMut() -> T) -> Vec<T> {
    (0..n).map(|_| f()).collect()
}

#[test]
fn legacy_random_state_streams() {
    let g = golden();
    let cases = g["legacy"].as_array().expect("legacy cases");
    assert!(!cases.is_empty());
    for case in cases {
        let seed = u32::try_from(case["seed"].as_u64().expect("seed")).expect("u32 seed");
        let tag = |s: &str| format!("RandomState({seed}).{s}");

        let mut rs = RandomState::new(seed);
        let raw: Vec<u64> = draw(1260, || u64::from(rs.next_u32()));
        assert_eq!(
            raw[..20],
            u64s(&case["raw_u32_head"])[..],
            "{}",
            tag("raw[0..20]")
        );
        assert_eq!(
            raw[620..640],
            u64s(&case["raw_u32_620"])[..],
            "{}",
            tag("raw[620..640]")
        );
        assert_eq!(
            raw[1240..1260],
            u64s(&case["raw_u32_1240"])[..],
            "{}",
            tag("raw[1240..]")
        );

        let mut rs = RandomState::new(seed);
        let ours = draw(10, || rs.random_sample());
        assert_bits(&tag("random_sample"), &ours, &f64s(&case["random_sample"]));

        let mut rs = RandomState::new(seed);
        let ours = draw(15, || rs.standard_normal());
        assert_bits(
            &tag("standard_normal"),
            &ours,
            &f64s(&case["standard_normal"]),
        );

        if !case["standard_normal_long"].is_null() {
            let theirs = f64s(&case["standard_normal_long"]);
            let mut rs = RandomState::new(seed);
            let ours = draw(theirs.len(), || rs.standard_normal());
            assert_bits(&tag("standard_normal(long)"), &ours, &theirs);
        }

        let mut rs = RandomState::new(seed);
        let ours = draw(10, || rs.normal(63.53, 3.85));
        assert_bits(&tag("normal"), &ours, &f64s(&case["normal_63_53_3_85"]));

        let mut rs = RandomState::new(seed);
        let ours = draw(10, || rs.exponential(1000.0 / 10.0));
        assert_bits(&tag("exponential"), &ours, &f64s(&case["exponential_100"]));

        let mut rs = RandomState::new(seed);
        let ours = draw(10, || rs.uniform(-2.0, 5.0));
        assert_bits(&tag("uniform"), &ours, &f64s(&case["uniform_m2_5"]));

        let mut rs = RandomState::new(seed);
        for (i, op) in case["interleaved"]
            .as_array()
            .expect("ops")
            .iter()
            .enumerate()
        {
            let kind = op[0].as_str().expect("op kind");
            let theirs = op[1].as_f64().expect("op value");
            let ours = match kind {
                "normal" => rs.normal(63.53, 3.85),
                "normal0" => rs.normal(17.0, 0.0),
                "exponential" => rs.exponential(1.0 / 10.0) * 1000.0,
                "uniform" => rs.uniform(0.0, 1.0),
                other => panic!("unknown op {other}"),
            };
            assert_bits(
                &tag(&format!("interleaved[{i}] {kind}")),
                &[ours],
                &[theirs],
            );
        }
    }
}

#[test]
fn default_rng_streams() {
    let g = golden();
    let cases = g["pcg64"].as_array().expect("pcg64 cases");
    assert!(!cases.is_empty());
    for case in cases {
        let seed = case["seed"].as_u64().expect("u64 seed");
        let tag = |s: &str| format!("default_rng({seed}).{s}");

        let ss = SeedSequence::new(u128::from(seed));
        let pool: Vec<u64> = ss.pool().iter().map(|&w| u64::from(w)).collect();
        assert_eq!(pool, u64s(&case["pool"]), "{}", tag("SeedSequence.pool"));
        assert_eq!(
            ss.generate_state_u64(4),
            u64s(&case["state_u64"]),
            "{}",
            tag("state")
        );

        let mut rng = Generator::new(seed);
        assert_eq!(
            draw(10, || rng.next_u64()),
            u64s(&case["raw_u64"]),
            "{}",
            tag("raw")
        );

        let mut rng = Generator::new(seed);
        let ours = draw(10, || rng.random());
        assert_bits(&tag("random"), &ours, &f64s(&case["random"]));

        let mut rng = Generator::new(seed);
        for (i, op) in case["integers"].as_array().expect("ops").iter().enumerate() {
            if op[0].as_str() == Some("random") {
                let theirs = op[1].as_f64().expect("float");
                assert_bits(
                    &tag(&format!("integers[{i}] random")),
                    &[rng.random()],
                    &[theirs],
                );
                continue;
            }
            let low = op[0].as_i64().expect("low");
            let high = op[1].as_i64().expect("high");
            let theirs = op[2].as_i64().expect("value");
            let ours = rng.integers(low, high).expect("low < high");
            assert_eq!(
                ours,
                theirs,
                "{}",
                tag(&format!("integers[{i}]({low}, {high})"))
            );
        }
    }
}

#[test]
fn choice_without_replacement_matches_numpy() {
    let g = golden();
    assert_eq!(g["range_equals_int"], Value::Bool(true));
    let cases = g["choice"].as_array().expect("choice cases");
    let mut branches = std::collections::BTreeSet::new();
    for case in cases {
        let seed = case["seed"].as_u64().expect("seed");
        let n = case["n"].as_u64().expect("n") as usize;
        let k = case["k"].as_u64().expect("k") as usize;
        branches.insert(case["branch"].as_str().expect("branch").to_owned());
        let tag = format!("default_rng({seed}).choice(range({n}), {k}, replace=False)");

        let mut rng = Generator::new(seed);
        let ours: Vec<u64> = rng
            .choice_without_replacement(n, k)
            .expect("k <= n")
            .into_iter()
            .map(|v| v as u64)
            .collect();
        let theirs = u64s(&case["choice"]);
        assert_eq!(ours.len(), theirs.len(), "{tag}: length");
        if let Some(i) = ours.iter().zip(&theirs).position(|(a, b)| a != b) {
            panic!(
                "{tag}: first mismatch at {i}: ours {}, numpy {}",
                ours[i], theirs[i]
            );
        }

        // The generator (including its buffered half word) must be left as NumPy leaves it.
        let after: Vec<u64> = draw(3, || rng.integers(0, 1000).expect("range") as u64);
        assert_eq!(
            after,
            u64s(&case["after_integers_0_1000"]),
            "{tag}: integers after"
        );
        let theirs = case["after_random"].as_f64().expect("float");
        assert_bits(&format!("{tag}: random after"), &[rng.random()], &[theirs]);
    }
    assert!(branches.contains("floyd") && branches.contains("tail_shuffle"));
}

#[test]
fn choice_rejects_oversized_sample() {
    assert_eq!(Generator::new(0).choice_without_replacement(5, 6), None);
}
