//! Extracellular recordings against hnn-core 0.6.1 / NEURON 8.2.7
//! (fixtures: tests/reference/generate_extracellular.py → tests/fixtures/extracellular/).

mod common;

use common::fixture;
use hnn::network::electrodes::Method;
use hnn::network::models::jones_2009_model;
use hnn::sim::extracellular::{neuron_points, transfer_resistance};

/// One line of geometry.txt: a section of a built cell, a probe position and hnn-core's
/// transfer resistances from the section's segments to it.
struct GeomLine {
    gid: usize,
    section: String,
    nseg: usize,
    l: f64,
    pts: [[f64; 3]; 2],
    probe: [f64; 3],
    psa: Vec<f64>,
    lsa: Vec<f64>,
}

fn geometry() -> Vec<GeomLine> {
    let text = std::fs::read_to_string(fixture("extracellular/geometry.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.split('|').collect();
            let head: Vec<&str> = parts[0].split_whitespace().collect();
            let nums = |s: &str| -> Vec<f64> {
                s.split_whitespace().map(|x| x.parse().unwrap()).collect()
            };
            let p = nums(&head[4..].join(" "));
            let probe = nums(parts[1]);
            GeomLine {
                gid: head[0].parse().unwrap(),
                section: head[1].into(),
                nseg: head[2].parse().unwrap(),
                l: head[3].parse().unwrap(),
                pts: [[p[0], p[1], p[2]], [p[3], p[4], p[5]]],
                probe: [probe[0], probe[1], probe[2]],
                psa: nums(parts[2]),
                lsa: nums(parts[3]),
            }
        })
        .collect()
}

fn tutorial_network() -> hnn::network::Network {
    let mut net = jones_2009_model((10, 10)).unwrap();
    net.set_cell_positions(Some(30.0), None).unwrap();
    net
}

/// Section end points equal NEURON's bit for bit (float32 storage, rescaling, define_shape),
/// and the transfer resistances equal hnn-core's to round-off (1e-14 relative: the same
/// operations in the same order; numpy's dot may differ from our FMA chain in the last bit).
#[test]
fn geometry_and_transfer_resistances_equal_hnn_core() {
    let net = tutorial_network();
    let lines = geometry();
    assert!(lines.len() > 40, "{} lines", lines.len());
    let mut worst = (0.0f64, String::new());
    for g in &lines {
        let ty = net.gid_to_type(g.gid).unwrap();
        let ct = net.cell_types.iter().find(|c| c.name == ty).unwrap();
        let pos = net.gid_position(g.gid).unwrap();
        let secs = neuron_points(&ct.template, pos);
        let sp = secs.iter().find(|s| s.name == g.section).unwrap();
        assert_eq!(sp.nseg, g.nseg, "gid {} {}", g.gid, g.section);
        assert_eq!(sp.pts, g.pts, "gid {} {} end points", g.gid, g.section);
        assert!(
            (sp.L - g.l).abs() <= 1e-12 * g.l,
            "gid {} {} L {} vs {}",
            g.gid,
            g.section,
            sp.L,
            g.l
        );
        for (method, want) in [(Method::Psa, &g.psa), (Method::Lsa, &g.lsa)] {
            let got = transfer_resistance(sp, g.probe, 0.3, method, 0.5);
            assert_eq!(got.len(), want.len());
            for (a, b) in got.iter().zip(want.iter()) {
                let rel = (a - b).abs() / b.abs();
                if rel > worst.0 {
                    worst = (rel, format!("gid {} {} {:?}", g.gid, g.section, method));
                }
            }
        }
    }
    println!("worst transfer-resistance relative difference: {:?}", worst);
    assert!(worst.0 <= 1e-14, "{worst:?}");
}

/// Rows `k t v...` (whitespace-separated) of an extracellular fixture.
fn rows(rel: &str) -> Vec<(usize, Vec<f64>)> {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let mut it = l.split_whitespace();
            let k = it.next().unwrap().parse().unwrap();
            let _t: f64 = it.next().unwrap().parse().unwrap();
            (k, it.map(|x| x.parse().unwrap()).collect())
        })
        .collect()
}

fn electrodes() -> Vec<[f64; 3]> {
    (-325..2150)
        .step_by(100)
        .map(|z| [135.0, 135.0, z as f64])
        .collect()
}

/// The LFP of hnn-core's extracellular example network (ERP drives, cells 30 µm apart,
/// 25 contacts, 170 ms) for both methods. The bar is correlation ≥ 0.999 and RMS
/// ≤ 1% of each contact's range; the network runs bit-for-bit like NEURON's, so we hold
/// every stored sample to 1e-9 of the contact's range (the 12-digit fixture rounds at
/// ~1e-12 of it; the rest is the order of summation over ~6000 segments).
#[test]
fn laminar_lfp_equals_hnn_core() {
    use hnn::network::electrodes::ElectrodeArray;
    use hnn::network::models::add_erp_drives_to_jones_model;
    use hnn::sim::network::{SimConfig, simulate_dipole};
    let mut net = tutorial_network();
    add_erp_drives_to_jones_model(&mut net, 0.0).unwrap();
    for (name, m) in [("psa", Method::Psa), ("lsa", Method::Lsa)] {
        let arr = ElectrodeArray::new(name, electrodes(), 0.3, m, 0.5).unwrap();
        net.add_electrode_array(arr).unwrap();
    }
    let out = simulate_dipole(&net, &SimConfig::new(170.0)).unwrap();
    assert_eq!(out.rec_arrays.len(), 2);
    for arr in &out.rec_arrays {
        let want = rows(&format!("extracellular/lfp_{}.txt", arr.name));
        assert_eq!(arr.times.len(), 6801);
        let got = &arr.voltages[0];
        assert_eq!(got.len(), 25);
        let mut worst = 0.0f64;
        for c in 0..25 {
            let w: Vec<f64> = want.iter().map(|(_, v)| v[c]).collect();
            let g: Vec<f64> = want.iter().map(|(k, _)| got[c][*k]).collect();
            let range = w.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
                - w.iter().cloned().fold(f64::INFINITY, f64::min);
            let n = w.len() as f64;
            let (mw, mg) = (w.iter().sum::<f64>() / n, g.iter().sum::<f64>() / n);
            let cov: f64 = w.iter().zip(&g).map(|(a, b)| (a - mw) * (b - mg)).sum();
            let vw: f64 = w.iter().map(|a| (a - mw).powi(2)).sum();
            let vg: f64 = g.iter().map(|b| (b - mg).powi(2)).sum();
            let corr = cov / (vw * vg).sqrt();
            let rms = (w.iter().zip(&g).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n).sqrt();
            let max = w
                .iter()
                .zip(&g)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(corr >= 0.999, "{} contact {c}: corr {corr}", arr.name);
            assert!(rms <= 0.01 * range, "{} contact {c}: rms {rms}", arr.name);
            worst = worst.max(max / range);
        }
        println!("{}: worst max|diff|/range {worst:e}", arr.name);
        assert!(worst <= 1e-9, "{}: {worst:e}", arr.name);
    }
}

/// hnn-core's `calculate_csd2d` on the fixture's PSA potentials equals ours on the same
/// numbers to 1e-12 relative (same operations in the same order).
#[test]
fn csd_equals_hnn_core_on_the_same_potentials() {
    use hnn::results::extracellular::{calculate_csd2d, laminar_z_coords};
    let lfp_rows = rows("extracellular/lfp_psa.txt");
    let csd_rows = rows("extracellular/csd_psa.txt");
    let (z, delta) = laminar_z_coords(&electrodes()).unwrap();
    assert_eq!((z.len(), delta), (25, 100.0));
    let lfp: Vec<Vec<f64>> = (0..25)
        .map(|c| lfp_rows.iter().map(|(_, v)| v[c]).collect())
        .collect();
    let csd = calculate_csd2d(&lfp, delta).unwrap();
    let scale = csd_rows
        .iter()
        .flat_map(|(_, v)| v.iter())
        .fold(0.0f64, |m, x| m.max(x.abs()));
    let mut worst = 0.0f64;
    for (j, (_, want)) in csd_rows.iter().enumerate() {
        for c in 0..25 {
            worst = worst.max((csd[c][j] - want[c]).abs() / scale);
        }
    }
    println!("csd worst |diff| / max|csd|: {worst:e}");
    assert!(worst <= 1e-12, "{worst:e}");
}

/// Recording does not change the simulation, and the potentials are identical for any
/// number of threads.
#[test]
fn recording_is_passive_and_thread_independent() {
    use hnn::network::electrodes::ElectrodeArray;
    use hnn::network::models::add_erp_drives_to_jones_model;
    use hnn::sim::network::{SimConfig, simulate_dipole};
    let mut net = jones_2009_model((3, 3)).unwrap();
    net.set_cell_positions(Some(30.0), None).unwrap();
    add_erp_drives_to_jones_model(&mut net, -10.0).unwrap();
    let mut cfg = SimConfig::new(40.0);
    cfg.threads = Some(1);
    let plain = simulate_dipole(&net, &cfg).unwrap();
    assert!(plain.rec_arrays.is_empty());
    let arr = ElectrodeArray::new("e", electrodes(), 0.3, Method::Lsa, 0.5).unwrap();
    net.add_electrode_array(arr.clone()).unwrap();
    assert!(
        net.add_electrode_array(arr).is_err(),
        "duplicate name accepted"
    );
    let one = simulate_dipole(&net, &cfg).unwrap();
    cfg.threads = Some(2);
    let two = simulate_dipole(&net, &cfg).unwrap();
    assert_eq!(plain.dipoles, one.dipoles);
    assert_eq!(plain.cell_response, one.cell_response);
    assert_eq!(one.rec_arrays, two.rec_arrays);
    let v = &one.rec_arrays[0].voltages[0];
    assert!(
        v.iter().flatten().any(|x| x.abs() > 1.0),
        "no field recorded"
    );
    assert!(v.iter().all(|c| c[0] == 0.0), "t = 0 is defined as zero");
}
