//! The step is compiled for several vector widths and picked at run time; every variant must
//! give the same bits (no fused multiply-add, same operation order per lane). One test per
//! process, because the width is chosen through the `HNN_SIMD` environment variable.

use hnn::{CellProtocol, simulate_cell, template_by_name};

#[test]
fn every_vector_width_gives_identical_bits() {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cells/L5_pyramidal.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let p: CellProtocol = serde_json::from_value(meta["protocol"].clone()).unwrap();
    let t = template_by_name("L5_pyramidal").unwrap();
    let mut runs = Vec::new();
    for width in ["baseline", "avx2", "native"] {
        // SAFETY: this test binary runs this single test; nothing else reads the environment.
        unsafe { std::env::set_var("HNN_SIMD", width) };
        runs.push((width, simulate_cell(&t, &p).unwrap()));
    }
    let (_, first) = &runs[0];
    assert!(!first.spikes.is_empty());
    for (width, tr) in &runs[1..] {
        for ((name, a), (_, b)) in first.vsec.iter().zip(&tr.vsec) {
            let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(
                same,
                "{width}: voltage of {name} differs from the baseline build"
            );
        }
        assert_eq!(
            first.dipole.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            tr.dipole.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "{width}: dipole"
        );
        assert_eq!(first.spikes, tr.spikes);
    }
}
