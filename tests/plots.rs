//! Every plot function renders to PNG and SVG (fonts embedded; no system font needed).

use std::process::Command;

#[test]
fn every_plot_function_renders() {
    let dir = std::env::temp_dir().join("hnn_plots");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let code = format!(
        r#"
        let net = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        add_erp_drives_to_jones_model(net);
        net.add_electrode_array("e", [[0, 0, -100], [0, 0, 200], [0, 0, 500], [0, 0, 800], [0, 0, 1100]], #{{ method: "lsa" }});
        let dpls = simulate_dipole(net, #{{ tstop: 100.0, n_trials: 2 }});
        plot_dipole(dpls, #{{ average: true, layer: ["agg", "L2", "L5"] }}).save("{d}/a.png");
        dpls[0].plot(#{{ tmin: 10, tmax: 90 }}).save("{d}/b.svg");
        net.cell_response.plot_spikes_raster(#{{ trial_idx: 1 }}).save("{d}/c.png");
        net.cell_response.plot_spikes_hist(#{{ bins: 20 }}).save("{d}/d.svg");
        plot_psd(dpls, #{{ fmax: 200.0 }}).save("{d}/e.png");
        plot_tfr_morlet(dpls, #{{ freqs: [40.0, 60.0, 80.0], n_cycles: [4, 6, 8] }}).save("{d}/f.svg");
        let fig = figure(#{{ nrows: 2, ncols: 2, figsize: [8, 6] }});
        plot_dipole(dpls, #{{ ax: fig.axes[0], color: "C1", label: "trials" }});
        plot_psd(dpls[0], #{{ ax: fig.axes[1], fmax: 100 }});
        net.cell_response.plot_spikes_raster(#{{ ax: fig.axes[2] }});
        net.cell_response.plot_spikes_hist(#{{ ax: fig.axes[3], spike_types: ["evprox", "evdist"] }});
        fig.axes[0].set_title("ERP").set_xlim(0, 80).legend(["trial 0", "trial 1"]);
        net.cell_response.plot_spikes_hist(#{{ trial_idx: [1], spike_types: #{{ Evoked: ["ev"] }}, color: #{{ Evoked: "k" }} }}).save("{d}/n.svg");
        fig.save("{d}/g.png");
        plot_connectivity_matrix(net, 4).save("{d}/h.png");
        let net2 = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        add_erp_drives_to_jones_model(net2);
        simulate_dipole(net2, #{{ tstop: 40.0, record_vsec: "soma" }});
        net2.cell_response.plot_voltages(#{{ gids: [0, 20] }}).save("{d}/i.svg");
        plot_cells(net).save("{d}/j.png");
        plot_cell_connectivity(net, 0, #{{ src_gid: 7 }}).save("{d}/l.png");
        plot_drive_strength(net, #{{ color_scale: "log" }}).save("{d}/m.svg");
        net.cell_types["L5_pyramidal"].plot_morphology().save("{d}/k.svg");
        net.rec_arrays["e"].plot_lfp(#{{ trial_no: 1, tmin: 20 }}).save("{d}/p.png");
        net.rec_arrays["e"].plot_csd(#{{ interpolation: "none", sink: "r" }}).save("{d}/q.svg");
        let spec = dpls[0].psd(#{{ tmin: 10.0 }});
        if spec.freqs.len() != spec.psd.len() {{ throw "psd"; }}
        "#
    );
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", &code])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    for (f, magic) in [
        ("a.png", &b"\x89PNG"[..]),
        ("b.svg", b"<svg"),
        ("c.png", b"\x89PNG"),
        ("d.svg", b"<svg"),
        ("e.png", b"\x89PNG"),
        ("f.svg", b"<svg"),
        ("g.png", b"\x89PNG"),
        ("h.png", b"\x89PNG"),
        ("i.svg", b"<svg"),
        ("j.png", b"\x89PNG"),
        ("k.svg", b"<svg"),
        ("l.png", b"\x89PNG"),
        ("m.svg", b"<svg"),
        ("n.svg", b"<svg"),
        ("p.png", b"\x89PNG"),
        ("q.svg", b"<svg"),
    ] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.len() > 1000, "{f} is too small");
        assert!(
            bytes.windows(magic.len()).take(200).any(|w| w == magic),
            "{f} is not {magic:?}"
        );
    }
    let svg = std::fs::read_to_string(dir.join("b.svg")).unwrap();
    assert!(
        svg.contains("Time (ms)") && svg.contains("Dipole moment"),
        "labels are drawn"
    );
    let svg = std::fs::read_to_string(dir.join("n.svg")).unwrap();
    assert!(svg.contains("Evoked"), "the group label is the legend");
    // bad input
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", r#"let d = simulate_dipole(jones_2009_model(#{ mesh_shape: [3, 3] }), #{ tstop: 5.0 }); d[0].plot(#{ layer: "L9" }).save("/tmp/x.png");"#])
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("L9"));
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", r#"let d = simulate_dipole(jones_2009_model(#{ mesh_shape: [3, 3] }), #{ tstop: 5.0 }); d[0].plot().save("/tmp/x.jpg");"#])
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains(".png or .svg"));
    for (code, needle) in [
        ("plot_cell_connectivity(jones_2009_model(), -1)", "conn_idx"),
        (
            "plot_cell_connectivity(jones_2009_model(), 0, #{ src_gid: 0 })",
            "src_gid",
        ),
        ("plot_drive_strength(jones_2009_model())", "drives"),
        (
            "let f = figure(#{ nrows: 1, ncols: 1 }); f.axes[0].legend([\"a\"])",
            "1 labels for 0 lines",
        ),
        (
            "let n = jones_2009_model(#{ mesh_shape: [3, 3] }); add_erp_drives_to_jones_model(n); simulate_dipole(n, #{ tstop: 5.0 }); n.cell_response.plot_spikes_hist(#{ spike_types: [\"poisson\"] })",
            "poisson",
        ),
        (
            "let n = jones_2009_model(); add_erp_drives_to_jones_model(n); plot_drive_strength(n, #{ color_scale: \"cubic\" })",
            "cubic",
        ),
    ] {
        let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
            .args(["-e", code])
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && e.contains(needle), "{code}: {e}");
    }
}
