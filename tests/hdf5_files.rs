//! HDF5 files: hnn-core's HDF5 dipoles (tests/fixtures/files/*.hdf5, from
//! tests/reference/generate_hdf5.py) read exactly; ours and the results bundle read back
//! equal; bad files give errors naming the file and the object. (hnn-core and h5py reading
//! ours is checked by hand with tests/reference/check_hdf5_reads_ours.py.)

mod common;

use std::path::{Path, PathBuf};

use hdf5_pure::{AttrValue, FileBuilder};
use hnn::io::hdf5::{Results, RunSettings, read_results, write_results};
use hnn::io::network_json::{network_configuration_json, parse_network_configuration};
use hnn::io::{read_dipole, text, write_dipole};
use hnn::results::dipole::average_dipoles;
use hnn::sim::RecordSections;
use hnn::sim::network::{SimConfig, simulate_dipole};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("hnn_hdf5_files");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn hnn_core_hdf5_dipoles_equal_the_text_fixture_bit_for_bit() {
    let theirs = read_dipole(&common::fixture("files/erp_dpl_0.hdf5")).unwrap();
    let text = text::read_dipole(&common::fixture("files/erp_dpl_0.txt")).unwrap();
    assert_eq!(theirs, text);
    let keys: Vec<&str> = theirs.data.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["agg", "L2", "L5"], "hnn-core's layer order");

    // average of both trials scaled by 3000: nave 2, h5io's integer scale_applied
    let avg = read_dipole(&common::fixture("files/erp_avg.hdf5")).unwrap();
    let d1 = text::read_dipole(&common::fixture("files/erp_dpl_1.txt")).unwrap();
    let mut ours = average_dipoles(&[text, d1]).unwrap();
    ours.scale(3000.0).unwrap();
    assert_eq!(avg.nave, 2);
    assert_eq!(avg.scale_applied, 3000.0);
    assert_eq!(avg, ours);
}

#[test]
fn our_hdf5_dipoles_round_trip_exactly() {
    let mut d = text::read_dipole(&common::fixture("files/erp_dpl_1.txt")).unwrap();
    d.smooth(5.0).unwrap().scale(0.1).unwrap();
    d.nave = 3;
    for name in ["dpl.hdf5", "dpl.h5"] {
        let p = tmp(name);
        write_dipole(&d, &p).unwrap();
        assert_eq!(&std::fs::read(&p).unwrap()[..8], b"\x89HDF\r\n\x1a\n");
        assert_eq!(read_dipole(&p).unwrap(), d, "{name}");
    }
    // a 2-column dipole (agg only) too
    let mut agg = d.clone();
    agg.data.truncate(1);
    let p = tmp("agg.hdf5");
    write_dipole(&agg, &p).unwrap();
    assert_eq!(read_dipole(&p).unwrap(), agg);
}

#[test]
fn results_bundle_round_trips() {
    let mut net = hnn::network::models::jones_2009_model((3, 3)).unwrap();
    hnn::network::models::add_erp_drives_to_jones_model(&mut net, 0.0).unwrap();
    let shank: Vec<[f64; 3]> = (0..5).map(|i| [0.0, 0.0, 300.0 * i as f64]).collect();
    net.add_electrode_array(
        hnn::network::electrodes::ElectrodeArray::new(
            "shank",
            shank,
            0.3,
            hnn::network::electrodes::Method::Lsa,
            0.5,
        )
        .unwrap(),
    )
    .unwrap();
    let mut cfg = SimConfig::new(30.0);
    cfg.run.n_trials = 2;
    cfg.run.record_vsec = RecordSections::Soma;
    cfg.run.record_isec = RecordSections::Soma;
    cfg.run.record_ca = RecordSections::All;
    let out = simulate_dipole(&net, &cfg).unwrap();
    let cr = out.cell_response.clone();
    assert!(!cr.vsec[0].is_empty() && !cr.isec[1].is_empty() && !cr.ca[0].is_empty());
    let res = Results {
        network: net.clone(),
        run: Some(RunSettings::from_config(&cfg)),
        dipoles: out.dipoles.clone(),
        cell_response: Some(cr),
        rec_arrays: out.rec_arrays.clone(),
        hnn_version: env!("CARGO_PKG_VERSION").into(),
    };
    let p = tmp("results.h5");
    write_results(&res, &p).unwrap();
    let back = read_results(&p).unwrap();
    let expected = Results {
        // the network passes through hnn-core's configuration JSON
        network: parse_network_configuration(&network_configuration_json(&net), "net").unwrap(),
        ..res.clone()
    };
    assert_eq!(back, expected);
    assert_eq!(
        network_configuration_json(&back.network),
        network_configuration_json(&net)
    );

    // enough to re-run: the same network and settings give the same results
    let again = simulate_dipole(&back.network, &back.run.unwrap().to_config()).unwrap();
    assert_eq!(again.dipoles, back.dipoles);
    assert_eq!(Some(again.cell_response), back.cell_response);
    assert_eq!(again.rec_arrays, back.rec_arrays);
    assert_eq!(back.rec_arrays[0].voltages.len(), 2);

    // without run settings or a cell response, and with no spikes at all
    let mut bare = expected.clone();
    bare.run = None;
    bare.cell_response = Some(hnn::results::CellResponse {
        spike_times: vec![vec![]],
        spike_gids: vec![vec![]],
        spike_types: vec![vec![]],
        ..Default::default()
    });
    let p = tmp("bare.hdf5");
    write_results(&bare, &p).unwrap();
    assert_eq!(read_results(&p).unwrap(), bare);
    bare.cell_response = None;
    bare.dipoles.clear();
    write_results(&bare, &p).unwrap();
    assert_eq!(read_results(&p).unwrap(), bare);
}

/// An h5io dipole file built by hand, with `edit` changing it.
fn h5io_file(path: &Path, edit: impl FnOnce(&mut hdf5_pure::GroupBuilder)) {
    let t = |s: &str| AttrValue::VarLenString(s.into());
    let mut b = FileBuilder::new();
    let mut g = b.create_group("h5io");
    g.set_attr("TITLE", t("dict"));
    g.create_dataset("key_object_type")
        .with_u8_data(b"Dipole")
        .set_attr("TITLE", t("unicode"));
    g.create_dataset("key_sfreq")
        .with_f64_data(&[40000.0])
        .set_attr("TITLE", t("float"));
    g.create_dataset("key_nave")
        .with_i64_data(&[1])
        .set_attr("TITLE", t("int"));
    g.create_dataset("key_scale_applied")
        .with_i64_data(&[1])
        .set_attr("TITLE", t("int"));
    let mut data = g.create_group("key_data");
    data.set_attr("TITLE", t("dict"));
    data.create_dataset("key_agg")
        .with_f64_data(&[1.0, 2.0, 3.0])
        .set_attr("TITLE", t("ndarray"));
    g.add_group(data.finish());
    edit(&mut g);
    b.add_group(g.finish());
    b.write(path).unwrap();
}

#[test]
fn bad_hdf5_files_name_file_and_object() {
    let good = tmp("good.hdf5");
    h5io_file(&good, |g| {
        g.create_dataset("key_times")
            .with_f64_data(&[0.0, 0.025, 0.05]);
    });
    assert_eq!(read_dipole(&good).unwrap().times.len(), 3);
    let bytes = std::fs::read(&good).unwrap();

    let mut cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.hdf5", vec![], "no HDF5 signature"),
        (
            "text.hdf5",
            b"0.0\t1.0\n0.025\t2.0\n".to_vec(),
            "no HDF5 signature",
        ),
        ("cut.hdf5", bytes[..bytes.len() / 2].to_vec(), "truncated"),
        ("head.hdf5", bytes[..64].to_vec(), "HDF5"),
    ];
    let mut garbage = bytes.clone();
    for b in garbage.iter_mut().skip(8) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    cases.push(("garbage.hdf5", garbage, "HDF5"));
    for (name, b, want) in cases {
        let p = tmp(name);
        std::fs::write(&p, b).unwrap();
        let e = read_dipole(&p).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains(want), "{name}: {e}");
    }

    type Edit = fn(&mut hdf5_pure::GroupBuilder);
    let edits: [(&str, Edit, &str); 5] = [
        ("missing.hdf5", |_| {}, "dataset '/h5io/key_times'"),
        (
            "shape.hdf5",
            |g| {
                g.create_dataset("key_times")
                    .with_f64_data(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
                    .with_shape(&[3, 2]);
            },
            "shape [3, 2]",
        ),
        (
            "type.hdf5",
            |g| {
                g.create_dataset("key_times").with_i64_data(&[0, 1, 2]);
            },
            "floating-point",
        ),
        (
            "length.hdf5",
            |g| {
                g.create_dataset("key_times").with_f64_data(&[0.0, 1.0]);
            },
            "dataset '/h5io/key_data/key_agg' = 3 samples",
        ),
        (
            "nan.hdf5",
            |g| {
                g.create_dataset("key_times")
                    .with_f64_data(&[0.0, f64::NAN, 1.0]);
            },
            "finite",
        ),
    ];
    for (name, edit, want) in edits {
        let p = tmp(name);
        h5io_file(&p, edit);
        let e = read_dipole(&p).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains(want), "{name}: {e}");
    }

    // a results bundle is not a dipole file, and the other way round
    let e = read_results(&good).unwrap_err().to_string();
    assert!(e.contains("good.hdf5") && e.contains("read_dipole"), "{e}");
    let e = read_results(&tmp("missing.hdf5")).unwrap_err().to_string();
    assert!(e.contains("missing.hdf5"), "{e}");
    let b = tmp("bundle.h5");
    let net = hnn::network::models::jones_2009_model((2, 2)).unwrap();
    let res = Results {
        network: net,
        run: None,
        dipoles: vec![],
        cell_response: None,
        rec_arrays: vec![],
        hnn_version: String::new(),
    };
    write_results(&res, &b).unwrap();
    let e = read_dipole(&b).unwrap_err().to_string();
    assert!(e.contains("bundle.h5") && e.contains("read_results"), "{e}");
    // a bundle without its dipoles
    let mut g = FileBuilder::new();
    g.set_attr("format", AttrValue::VarLenString("hnn-rs results".into()));
    g.set_attr("format_version", AttrValue::I64(1));
    g.set_attr("hnn_version", AttrValue::VarLenString("0.1.0".into()));
    let json = network_configuration_json(&res.network);
    g.create_dataset("network_configuration")
        .with_vlen_strings(&[json.as_str()]);
    let p = tmp("nodipoles.h5");
    g.write(&p).unwrap();
    let e = read_results(&p).unwrap_err().to_string();
    assert!(
        e.contains("nodipoles.h5") && e.contains("group '/dipoles' = missing"),
        "{e}"
    );
}

/// The script API: `dpl.write`/`read_dipole` choose HDF5 by the extension;
/// `write_results`/`read_results` give back a network that runs again to the same numbers.
#[test]
fn script_api_writes_and_reads_hdf5() {
    let dir = tmp("script");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let script = format!(
        r#"let net = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        add_erp_drives_to_jones_model(net);
        let dpls = simulate_dipole(net, #{{ tstop: 20.0, n_trials: 2, record_vsec: "soma" }});
        dpls[1].scale(3000);
        dpls[1].write("{d}/dpl.hdf5");
        write_results("{d}/run.h5", net, dpls);
        let back = read_dipole("{d}/dpl.hdf5");
        print(back.data.L2 == dpls[1].data.L2 && back.scale_applied == 3000.0);
        let r = read_results("{d}/run.h5");
        print(r.settings.n_trials == 2 && r.settings.record_vsec == "soma" && r.hnn_version != "");
        print(r.dpls[1].data.agg == dpls[1].data.agg && r.dpls[1].scale_applied == 3000.0);
        print(r.net.cell_response.vsec[1]["20"]["soma"] == net.cell_response.vsec[1]["20"]["soma"]);
        let again = simulate_dipole(r.net, r.settings);
        print(again[0].data.agg == dpls[0].data.agg);
        print(r.net.cell_response.spike_times == net.cell_response.spike_times);"#
    );
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_hnn"))
        .arg("-e")
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(stdout.lines().collect::<Vec<_>>(), ["true"; 6], "{stdout}");

    std::fs::write(dir.join("junk.hdf5"), "not hdf5").unwrap();
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_hnn"))
        .arg("-e")
        .arg(format!(r#"read_dipole("{d}/junk.hdf5")"#))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        !r.status.success() && stderr.contains("junk.hdf5") && stderr.contains("HDF5"),
        "{stderr}"
    );
}
