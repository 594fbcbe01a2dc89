//! hnn-core's text files both ways: files hnn-core 0.6.1 wrote (tests/fixtures/files, from
//! tests/reference/generate_files.py) read here; ours read back exactly. (hnn-core reading
//! ours is checked by `python tests/reference/generate_files.py OUTDIR`.)

mod common;

use hnn::io::text::{read_dipole, read_spikes, write_dipole, write_spikes};
use hnn::sim::network::{SimConfig, simulate_dipole};

#[test]
fn hnn_core_files_read_and_agree_with_our_simulation() {
    let net = common::joss_network();
    let out = simulate_dipole(&net, &SimConfig::new(100.0)).unwrap();

    let theirs = read_dipole(&common::fixture("files/joss_dpl.txt")).unwrap();
    let ours = &out.dipoles[0];
    assert_eq!(theirs.times.len(), ours.times.len());
    for key in ["agg", "L2", "L5"] {
        let (a, b) = (theirs.get(key).unwrap(), ours.get(key).unwrap());
        // hnn-core writes 4 decimals: the difference is its rounding
        let worst = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 0.5e-4 + 1e-9, "{key}: {worst}");
    }
    let spikes = read_spikes(common::fixture("files/joss_spk_*.txt").to_str().unwrap()).unwrap();
    assert_eq!(spikes.spike_times.len(), 1);
    let mut a: Vec<(usize, i64)> = spikes.spike_gids[0]
        .iter()
        .zip(&spikes.spike_times[0])
        .map(|(g, t)| (*g, (t * 1000.0).round() as i64))
        .collect();
    let mut b: Vec<(usize, i64)> = out.cell_response.spike_gids[0]
        .iter()
        .zip(&out.cell_response.spike_times[0])
        .map(|(g, t)| (*g, (t * 1000.0).round() as i64))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "spikes (rounded to hnn-core's 3 decimals)");
    assert!(spikes.cell_type_names.contains(&"L5_pyramidal".to_string()));
}

#[test]
fn multi_trial_spike_files_and_our_round_trip() {
    let cr = read_spikes(common::fixture("files/erp_spk_*.txt").to_str().unwrap()).unwrap();
    assert_eq!(cr.spike_times.len(), 2);
    let dir = std::env::temp_dir().join("hnn_files_rt");
    std::fs::create_dir_all(&dir).unwrap();
    let pattern = dir.join("spk_%d.txt");
    let files = write_spikes(&cr, pattern.to_str().unwrap()).unwrap();
    assert_eq!(files.len(), 2);
    let back = read_spikes(dir.join("spk_*.txt").to_str().unwrap()).unwrap();
    assert_eq!(back.spike_times, cr.spike_times);
    assert_eq!(back.spike_gids, cr.spike_gids);
    assert_eq!(back.spike_types, cr.spike_types);

    let d = read_dipole(&common::fixture("files/erp_dpl_1.txt")).unwrap();
    let p = dir.join("dpl.txt");
    write_dipole(&d, &p).unwrap();
    assert_eq!(
        read_dipole(&p).unwrap(),
        d,
        "our dipole files round-trip exactly"
    );
}

#[test]
fn bad_files_name_file_and_line() {
    let dir = std::env::temp_dir().join("hnn_bad_files");
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 5] = [
        ("d1.txt", b"0 1 2 3\n0.025 1 2\n", "line 2"),
        ("d2.txt", b"0 1 2\n", "3 columns"),
        ("d3.txt", b"0 1\n0.025 x\n", "line 2"),
        ("d4.txt", b"\xff\xfe\x00", "UTF-8"),
        ("d5.txt", b"0 1\n0.025 1e999\n", "finite"),
    ];
    for (name, bytes, want) in cases {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = read_dipole(&p).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains(want), "{name}: {e}");
    }
    let p = dir.join("s_0.txt");
    std::fs::write(&p, "1.0 5 L2_basket\n2.0 x L2_basket\n").unwrap();
    let e = read_spikes(dir.join("s_*.txt").to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("s_0.txt line 2"), "{e}");
    assert!(read_spikes(dir.join("nothing_*.txt").to_str().unwrap()).is_err());
}
