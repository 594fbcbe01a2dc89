//! The step is compiled for several vector widths and picked at run time, and on AVX-512
//! CPUs the rate tables can be read eight nodes at a time and the gates advanced with an
//! AVX-512 kernel; every variant must give the same bits (no fused multiply-add, same
//! operation order per lane). The tests take turns, because the variant is chosen through
//! the `HNN_SIMD`, `HNN_GATHER` and `HNN_SCALEF` environment variables.

use hnn::network::drives::{DriveDynamics, DriveOptions};
use hnn::network::models::jones_2009_model;
use hnn::sim::network::{SimConfig, simulate_dipole};
use hnn::{CellProtocol, simulate_cell, template_by_name};

/// (HNN_SIMD, HNN_GATHER, HNN_SCALEF): the widths, and the widest with scalar and vector
/// lookups and with and without the AVX-512 cnexp kernel (where the CPU lacks AVX-512 the
/// last three are the same path).
const VARIANTS: [(&str, &str, &str); 5] = [
    ("baseline", "0", "0"),
    ("avx2", "0", "0"),
    ("native", "0", "0"),
    ("native", "0", "1"),
    ("native", "1", "1"),
];

/// Held by each test for its whole run: the variant is process-wide.
static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn set_variant((width, gather, scalef): (&str, &str, &str)) {
    // SAFETY: the tests of this binary hold `ENV` while they run, so no other thread reads or
    // writes the environment meanwhile.
    unsafe {
        std::env::set_var("HNN_SIMD", width);
        std::env::set_var("HNN_GATHER", gather);
        std::env::set_var("HNN_SCALEF", scalef);
    }
}

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
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let mut runs = Vec::new();
    for variant in VARIANTS {
        set_variant(variant);
        runs.push((variant, simulate_cell(&t, &p).unwrap()));
    }
    let (_, first) = &runs[0];
    assert!(!first.spikes.is_empty());
    for (width, tr) in &runs[1..] {
        for ((name, a), (_, b)) in first.vsec.iter().zip(&tr.vsec) {
            let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(
                same,
                "{width:?}: voltage of {name} differs from the baseline build"
            );
        }
        assert_eq!(
            first.dipole.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            tr.dipole.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "{width:?}: dipole"
        );
        assert_eq!(first.spikes, tr.spikes);
    }
}

/// A 3×3 network (cell groups of 9: blocks that do not fill the vector width) gives the same
/// dipoles and spikes with every variant.
#[test]
fn every_variant_gives_identical_network_bits() {
    let mut net = jones_2009_model((3, 3)).unwrap();
    let mut o = DriveOptions::evoked("proximal");
    o.weights_ampa = vec![
        ("L2_pyramidal".into(), 0.02),
        ("L5_pyramidal".into(), 0.02),
        ("L2_basket".into(), 0.08),
    ];
    o.synaptic_delays = vec![(None, 0.1)];
    let drive = DriveDynamics::Evoked {
        mu: 10.0,
        sigma: 2.0,
        numspikes: 1,
    };
    net.add_drive("evprox", drive, &o).unwrap();
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let mut runs = Vec::new();
    for variant in VARIANTS {
        set_variant(variant);
        let mut cfg = SimConfig::new(40.0);
        cfg.threads = Some(1);
        runs.push((variant, simulate_dipole(&net, &cfg).unwrap()));
    }
    let (_, first) = &runs[0];
    assert!(!first.cell_response.spike_times[0].is_empty());
    let bits = |o: &hnn::sim::network::SimOutput| -> Vec<u64> {
        o.dipoles[0]
            .data
            .iter()
            .flat_map(|(_, x)| x.iter().map(|v| v.to_bits()))
            .collect()
    };
    for (variant, out) in &runs[1..] {
        assert_eq!(bits(first), bits(out), "{variant:?}: dipole");
        assert_eq!(
            first.cell_response.spike_times, out.cell_response.spike_times,
            "{variant:?}: spikes"
        );
    }
}
