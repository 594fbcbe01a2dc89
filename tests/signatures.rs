//! hnn-core 0.6.1's call shapes (tests/fixtures/signatures/hnn_core_0.6.1.json, extracted by
//! tests/reference/extract_signatures.py) against the script engine. For every function and
//! method hnn-core has and we register, each call shape hnn-core accepts is tried: required
//! arguments positionally; then each optional parameter in the trailing map; each
//! keyword-only parameter in the map; optional parameters positionally in order. A shape is
//! refused when the engine finds no such function or the keyword map is refused; an error
//! about a value means the shape was accepted.
//!
//! What is not implemented (names and refused shapes) is written to docs/not-implemented.md;
//! the test keeps that page current (`HNN_UPDATE_DOCS=1` rewrites it).

use std::collections::BTreeSet;
use std::path::PathBuf;

use hnn::script::{build_engine, guard};
use rhai::{Engine, EvalAltResult, Scope};
use serde_json::Value;

const SETUP: &str = r#"
let net = jones_2009_model(#{ mesh_shape: [2, 2] });
net.add_evoked_drive("ev", #{ mu: 2.0, sigma: 1.0, numspikes: 1, location: "proximal",
    weights_ampa: #{ L5_pyramidal: 0.01 } });
net.add_electrode_array("sh", [[0, 0, 0], [0, 0, 100], [0, 0, 200], [0, 0, 300]]);
let dpls = simulate_dipole(net, #{ tstop: 6.0 });
let dpl = dpls[0];
let cr = net.cell_response;
let cell = net.cell_types["L5_pyramidal"];
let arr = net.rec_arrays["sh"];
let params = read_params("default.param");
"#;

/// A plausible value for a parameter of this name.
fn value(name: &str) -> &'static str {
    match name {
        "net" => "net",
        "dpl" => "dpl",
        "dpls" => "[dpl, dpl]",
        "cell_response" => "cr",
        "cell" => "cell",
        "fname" => "\"sig_out.txt\"",
        "params_fname" => "\"default.param\"",
        "out_fname" => "\"sig_conv.json\"",
        "output" => "\"sig_net.json\"",
        "tstop" => "5.0",
        "tmin" => "1.0",
        "tmax" => "5.0",
        "freqs" => "[400.0, 500.0]",
        "n_cycles" => "2",
        "window_len" => "0.5",
        "h_freq" => "1000.0",
        "factor" => "2.0",
        "name" => "\"d1\"",
        "mu" => "2.0",
        "sigma" => "1.0",
        "numspikes" => "1",
        "location" => "\"proximal\"",
        "weights_ampa" | "weights_nmda" => "#{ L5_pyramidal: 0.01 }",
        "synaptic_delays" => "#{ L5_pyramidal: 1.0 }",
        "rate_constant" | "burst_rate" => "10.0",
        "burst_std" | "tstart_std" | "tstart" | "t0" => "0.0",
        "spike_isi" => "5.0",
        "n_drive_cells" => "1",
        "cell_specific" => "false",
        "space_constant" => "100.0",
        "probability" => "1.0",
        "event_seed" => "2",
        "conn_seed" => "3",
        "spike_data" => "[[1.0, 0]]",
        "amplitude" => "#{ L5_pyramidal: 0.1 }",
        "section" => "\"soma\"",
        "bias_name" => "\"b\"",
        "cell_type" => "\"L5_pyramidal\"",
        "src_gids" => "\"L2_basket\"",
        "target_gids" => "\"L5_pyramidal\"",
        "loc" => "\"distal\"",
        "receptor" => "\"gabab\"",
        "weight" => "0.01",
        "delay" => "1.0",
        "lamtha" => "3.0",
        "threshold" => "0.0",
        "gain" => "1.0",
        "allow_autapses"
        | "include_drives"
        | "read_drives"
        | "read_external_biases"
        | "overwrite"
        | "colorbar" => "true",
        "electrode_pos" => "[[0, 0, 0]]",
        "conductivity" => "0.3",
        "method" => "\"psa\"",
        "min_distance" => "0.5",
        "inplane_distance" => "1.0",
        "layer_separation" => "1300.0",
        "e_e" | "e_i" | "i_e" | "i_i" => "1.0",
        "gid" | "conn_idx" | "src_gid" | "trial_idx" | "trial_no" | "contact_no" => "0",
        "ax" => "figure().axes[0]",
        "layer" => "\"agg\"",
        "decim" => "2",
        "color" => "\"k\"",
        "label" => "\"x\"",
        "average"
        | "show"
        | "add_drives_from_params"
        | "legacy_mode"
        | "postproc"
        | "verbose"
        | "normalize"
        | "record_vsec"
        | "record_isec"
        | "record_ca" => "false",
        "gid_ranges" => "net.gid_ranges",
        "mean_type" => "\"all\"",
        "sec_name" => "\"apical_1\"",
        "L" => "700.0",
        "diam" => "2.0",
        "cm" => "1.0",
        "Ra" => "200.0",
        "v0" => "-65.0",
        "mesh_shape" => "[2, 2]",
        "params" => "params",
        "dt" => "0.05",
        "n_trials" => "1",
        "fmin" => "10.0",
        "fmax" => "100.0",
        "delta" => "100.0",
        "lfp_data" => "arr.voltages[0]",
        "voltage_offset" => "50.0",
        "voltage_scalebar" => "200.0",
        "vmin" => "-1.0",
        "vmax" => "1.0",
        "sink" => "\"b\"",
        "interpolation" => "\"spline\"",
        "colormap" => "\"viridis\"",
        "color_scale" => "\"linear\"",
        _ => "1.0",
    }
}

fn receiver(class: &str) -> Option<(&'static str, &'static str)> {
    Some(match class {
        "Network" => ("net", "Network"),
        "Dipole" => ("dpl", "Dipole"),
        "CellResponse" => ("cr", "CellResponse"),
        "Cell" => ("cell", "Cell"),
        "ExtracellularArray" => ("arr", "ExtracellularArray"),
        "Params" => ("params", "Params"),
        _ => return None,
    })
}

struct P {
    name: String,
    kind: String,
    required: bool,
}

fn refused(e: &EvalAltResult) -> Option<String> {
    let mut cur = e;
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = cur {
        cur = inner;
    }
    let msg = cur.to_string();
    let first = msg.lines().next().unwrap_or("").to_string();
    if matches!(cur, EvalAltResult::ErrorFunctionNotFound(..))
        || msg.contains("unknown keyword")
        || msg.contains("missing required keyword")
        || msg.contains("given both")
    {
        Some(first.split(" (line ").next().unwrap_or("").to_string())
    } else {
        None
    }
}

fn run(engine: &Engine, code: &str) -> Option<String> {
    let mut scope = Scope::new();
    guard::guarded(|| engine.run_with_scope(&mut scope, SETUP)).expect("setup runs");
    match guard::guarded(|| engine.run_with_scope(&mut scope, code)) {
        Ok(()) => None,
        Err(e) => {
            let m = e.to_string();
            assert!(!m.contains(guard::INTERNAL), "{code}: {m}");
            refused(&e)
        }
    }
}

#[test]
fn hnn_core_call_shapes_are_accepted_or_listed() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/signatures/hnn_core_0.6.1.json"))
            .unwrap(),
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("hnn_signatures_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::env::set_current_dir(&dir).unwrap();
    hnn::script::set_threads(Some(1));
    let engine = build_engine();
    let ours: Vec<String> = engine.gen_fn_signatures(false);
    let registered = |name: &str, recv: Option<&str>| {
        ours.iter().any(|s| {
            s.split('(').next() == Some(name)
                && recv.is_none_or(|r| {
                    s.split('(')
                        .nth(1)
                        .and_then(|a| a.split([',', ')']).next())
                        .is_some_and(|a| a.ends_with(&format!("&mut {r}")) || a.ends_with(r))
                })
        })
    };
    let mut missing = Vec::new();
    let mut gaps = Vec::new();
    let mut accepted = 0;
    for e in fixture["entries"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let class = e["class"].as_str();
        let params: Vec<P> = e["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| P {
                name: p["name"].as_str().unwrap().into(),
                kind: p["kind"].as_str().unwrap().into(),
                required: p["required"].as_bool().unwrap(),
            })
            .collect();
        let py = format!(
            "{}{name}({})",
            class.map(|c| format!("{c}.")).unwrap_or_default(),
            params
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let recv = match class {
            None => None,
            Some(c) => match receiver(c) {
                Some(r) => Some(r),
                None => {
                    missing.push(py);
                    continue;
                }
            },
        };
        if !registered(name, recv.map(|r| r.1)) {
            missing.push(py);
            continue;
        }
        let call = |pos: &[&P], map: &[&P]| -> String {
            let mut args: Vec<String> = pos.iter().map(|p| value(&p.name).to_string()).collect();
            if !map.is_empty() {
                let items: Vec<String> = map
                    .iter()
                    .map(|p| format!("{}: {}", p.name, value(&p.name)))
                    .collect();
                args.push(format!("#{{ {} }}", items.join(", ")));
            }
            match recv {
                Some((var, _)) => format!("{var}.{name}({});", args.join(", ")),
                None => format!("{name}({});", args.join(", ")),
            }
        };
        let positional: Vec<&P> = params
            .iter()
            .filter(|p| p.kind == "positional_or_keyword" || p.kind == "positional_only")
            .collect();
        let required_pos: Vec<&P> = positional.iter().copied().filter(|p| p.required).collect();
        let optional_pos: Vec<&P> = positional.iter().copied().filter(|p| !p.required).collect();
        let kw_only: Vec<&P> = params.iter().filter(|p| p.kind == "keyword_only").collect();
        let required_kw: Vec<&P> = kw_only.iter().copied().filter(|p| p.required).collect();
        let mut shapes: Vec<String> = vec![call(&required_pos, &required_kw)];
        for o in optional_pos
            .iter()
            .chain(kw_only.iter().filter(|p| !p.required))
        {
            let mut m = required_kw.clone();
            m.push(o);
            shapes.push(call(&required_pos, &m));
        }
        for k in 1..=optional_pos.len() {
            let mut pos = required_pos.clone();
            pos.extend(&optional_pos[..k]);
            shapes.push(call(&pos, &required_kw));
        }
        let mut seen = BTreeSet::new();
        for code in shapes {
            if !seen.insert(code.clone()) {
                continue;
            }
            match run(&engine, &code) {
                None => accepted += 1,
                Some(why) => gaps.push(format!("`{code}` — {why}")),
            }
        }
    }
    let _ = std::env::set_current_dir(&root);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{accepted} call shapes accepted, {} refused; {} hnn-core names not implemented",
        gaps.len(),
        missing.len()
    );
    let mut page = String::from(
        "# What hnn does not implement of hnn-core 0.6.1's API\n\n\
         Generated by `tests/signatures.rs` from hnn-core's signatures\n\
         (`tests/fixtures/signatures/hnn_core_0.6.1.json`, made by\n\
         `tests/reference/extract_signatures.py`); the test keeps this page current\n\
         (`HNN_UPDATE_DOCS=1 cargo test --release --test signatures` rewrites it).\n\n\
         ## Functions and methods not implemented\n\n",
    );
    for m in &missing {
        page.push_str(&format!("- `{m}`\n"));
    }
    page.push_str(
        "\n## Call shapes hnn-core accepts that hnn refuses\n\n\
         Each line is a call built by the rule of docs/guide.md (required arguments \
         positionally, an optional one in the trailing map or positionally in order) with \
         the engine's answer.\n\n",
    );
    for g in &gaps {
        page.push_str(&format!("- {g}\n"));
    }
    let path = root.join("docs/not-implemented.md");
    if std::env::var("HNN_UPDATE_DOCS").is_ok() {
        std::fs::write(&path, &page).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, page,
        "docs/not-implemented.md is stale: HNN_UPDATE_DOCS=1 cargo test --release --test signatures"
    );
}

/// The call shapes issue #13 names run as written.
#[test]
fn the_literal_forms_of_the_tutorials_run() {
    let engine = build_engine();
    let dir = std::env::temp_dir().join(format!("hnn_literal_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let code = format!(
        r#"
        let params = read_params("default.param");
        let a = neymotin_2020_model(params);
        let net = jones_2009_model(params, #{{ add_drives_from_params: true, mesh_shape: [2, 2] }});
        net.plot_cells(#{{ show: false }});
        let cell = net.cell_types["L5_pyramidal"]["cell_object"];
        cell.plot_morphology(#{{ show: false }});
        cell.sections["apical_1"].L = 700;
        if net.cell_types["L5_pyramidal"].sections["apical_1"].L != 700.0 {{ throw "L"; }}
        cell.synapses["gabab"]["tau1"] = 45.0;
        if net.cell_types["L5_pyramidal"].synapses["gabab"]["tau1"] != 45.0 {{ throw "tau1"; }}
        let r = net.gid_ranges["L2_basket"];
        if r.len() != r.end - r.start || r.len() < 1 {{ throw "len"; }}
        let g = net.gid_ranges["L5_pyramidal"][1];
        if params["gbar_L*"].keys().len() < 8 {{ throw "wildcard"; }}
        let dpls = simulate_dipole(net, #{{ tstop: 10.0, record_vsec: "soma" }});
        if net.cell_response.vsec[0][g]["soma"].len() != dpls[0].data["agg"].len() {{ throw "vsec"; }}
        dpls[0].smooth(#{{ window_len: 2 }});
        dpls[0].plot_tfr_morlet(300..400, #{{ n_cycles: 2 }});
        let fig = figure(#{{ nrows: 2, constrained_layout: true, gridspec_kw: #{{ height_ratios: [1, 2] }} }});
        fig.tight_layout();
        fig.save("{}/f.png");
        let g = read_params("gamma_L5weak_L2weak.json");
        "#,
        dir.display()
    );
    let r = guard::guarded(|| engine.run(&code));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = r {
        panic!(
            "{}",
            hnn::script::diagnostics::runtime_error("<literal>", &code, &e)
        );
    }
    // an assignment into a copy is an error, not a silent no-op
    let e = guard::guarded(|| {
        engine.run(
            r#"let net = jones_2009_model(#{ mesh_shape: [2, 2] }); add_erp_drives_to_jones_model(net);
               net.external_drives["evprox1"]["dynamics"]["mu"] = 3.0;"#,
        )
    });
    assert!(e.is_err());
    // the same for the numbers of a dipole's layers, however deep the assignment reaches
    for target in [r#"d.data["agg"][0]"#, r#"d.data["L5"]"#] {
        let e = guard::guarded(|| {
            engine.run(&format!(
                r#"let net = jones_2009_model(#{{ mesh_shape: [2, 2] }});
                   let d = simulate_dipole(net, 2.0)[0]; {target} = 1.0;"#
            ))
        });
        assert!(e.is_err(), "{target} assigned");
    }
}

fn sine_dipole(n: usize) -> hnn::results::Dipole {
    let times: Vec<f64> = (0..n).map(|k| k as f64 * 0.025).collect();
    let x: Vec<f64> = times
        .iter()
        .map(|t| (2.0 * std::f64::consts::PI * 80.0 * t / 1000.0).sin() + 0.3 * (t / 7.0).cos())
        .collect();
    hnn::results::Dipole {
        times,
        data: vec![
            ("agg".into(), x.clone()),
            ("L2".into(), x.iter().map(|v| 0.4 * v).collect()),
            ("L5".into(), x.iter().map(|v| 0.6 * v).collect()),
        ],
        nave: 1,
        scale_applied: 1.0,
    }
}

/// `decim` halves the time-frequency columns; no padding equals zero padding (a linear
/// convolution pads with zeros anyway), mirror padding changes the edges.
#[test]
fn tfr_decim_and_padding() {
    use hnn::analysis::tfr::{Padding, dipole_tfr_with};
    let d = [sine_dipole(8000)];
    let freqs = [100.0, 150.0, 200.0];
    let run = |decim: &[usize], p| {
        dipole_tfr_with(&d, "agg", &freqs, &[4.0], (None, None), decim, p).unwrap()
    };
    let (t1, p1) = run(&[], Padding::Zeros);
    let (t2, p2) = run(&[2], Padding::Zeros);
    // samples with t < the last time, as hnn-core selects them
    assert_eq!(t1.len(), 7999);
    assert_eq!(t2.len(), 4000);
    assert_eq!(p2[0].len(), 4000);
    assert_eq!(t2[1], t1[2]);
    let (_, none) = run(&[], Padding::None);
    let (_, mirror) = run(&[], Padding::Mirror);
    let max = p1[1].iter().cloned().fold(0.0, f64::max);
    for (a, b) in p1[1].iter().zip(&none[1]) {
        assert!((a - b).abs() <= 1e-9 * max, "{a} {b}");
    }
    assert!((mirror[1][0] - p1[1][0]).abs() > 1e-6 * max);
    assert!((mirror[1][4000] - p1[1][4000]).abs() <= 1e-6 * max);
    // without padding a wavelet longer than the signal is refused
    assert!(
        dipole_tfr_with(
            &[sine_dipole(50)],
            "agg",
            &[10.0],
            &[7.0],
            (None, None),
            &[],
            Padding::None
        )
        .is_err()
    );
}

fn response() -> hnn::results::CellResponse {
    hnn::results::CellResponse {
        spike_times: vec![vec![1.0, 2.0, 2.5, 3.0, 8.0]],
        spike_gids: vec![vec![0, 3, 30, 31, 3]],
        spike_types: vec![
            [
                "L2_basket",
                "L2_pyramidal",
                "evprox1",
                "evdist1",
                "L2_pyramidal",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ],
        times: (0..=400).map(|k| k as f64 * 0.025).collect(),
        cell_type_names: vec!["L2_basket".into(), "L2_pyramidal".into()],
        ..Default::default()
    }
}

/// `invert_spike_types` hangs the named histograms from the top of a shared 0..max range.
#[test]
fn invert_spike_types_flips() {
    use hnn::viz::hist_colors::HistColors;
    let cr = response();
    let f = hnn::viz::plots::plot_spikes_hist_inverted(
        &cr,
        None,
        None,
        &HistColors::default(),
        49,
        &["evdist1".into()],
    )
    .unwrap();
    let p = &f.panels[0];
    let (_, top) = p.ylim.unwrap();
    let prox = p
        .bars
        .iter()
        .find(|b| b.label.as_deref() == Some("evprox1"))
        .unwrap();
    let dist = p
        .bars
        .iter()
        .find(|b| b.label.as_deref() == Some("evdist1"))
        .unwrap();
    assert_eq!(prox.base, 0.0);
    assert!(prox.counts.iter().all(|c| *c >= 0.0) && prox.counts.iter().sum::<f64>() == 1.0);
    assert_eq!(dist.base, top);
    assert!(dist.counts.iter().all(|c| *c <= 0.0) && dist.counts.iter().sum::<f64>() == -1.0);
    assert!((top - 1.05).abs() < 1e-12);
    assert!(
        hnn::viz::plots::plot_spikes_hist_inverted(
            &cr,
            None,
            None,
            &HistColors::default(),
            49,
            &["L5".into()]
        )
        .is_err()
    );
}

/// Raster options: cell types, colours, tick size, legend, dipole overlay.
#[test]
fn raster_options() {
    use hnn::viz::plots::{RasterOptions, plot_spikes_raster_with};
    let cr = response();
    let o = RasterOptions {
        cell_types: Some(vec!["L2_pyramidal".into()]),
        colors_list: Some(vec![(0, 0, 0)]),
        marker_size: 3.0,
        show_legend: false,
        overlay: Some(vec![sine_dipole(401)]),
        ..Default::default()
    };
    let f = plot_spikes_raster_with(&cr, &o).unwrap();
    let p = &f.panels[0];
    assert_eq!(p.ticks.len(), 1);
    assert_eq!(p.ticks[0].at, vec![(2.0, -3.0), (8.0, -3.0)]);
    assert_eq!((p.ticks[0].color, p.ticks[0].height), ((0, 0, 0), 3.0));
    assert!(p.hide_legend);
    assert_eq!(p.lines.len(), 2);
    assert!(p.lines[0].dashed && !p.lines[1].dashed);
    assert_eq!(p.lines[0].label.as_deref(), Some("L2 Dipole"));
    assert!(p.title.contains("Dipole Overlays"));
    // a colour list must name every cell type; cell types must be the response's
    let bad = RasterOptions {
        colors_list: Some(vec![(0, 0, 0)]),
        ..Default::default()
    };
    assert!(plot_spikes_raster_with(&cr, &bad).is_err());
    let bad = RasterOptions {
        cell_types: Some(vec!["L5_pyramidal".into()]),
        ..Default::default()
    };
    assert!(plot_spikes_raster_with(&cr, &bad).is_err());
}

/// Writers refuse an existing file with overwrite false; readers take hnn-core's extra
/// arguments; `copy` leaves the network alone; the new plot options render.
#[test]
fn new_call_shapes_behave() {
    let engine = build_engine();
    let dir = std::env::var("HNN_SHAPES_PNG")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            std::env::temp_dir().join(format!("hnn_shapes_{}", std::process::id()))
        });
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let code = format!(
        r#"
        let net = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        add_erp_drives_to_jones_model(net);
        let dpls = simulate_dipole(net, #{{ tstop: 60.0, n_trials: 2 }});
        let cr = net.cell_response;
        dpls[0].write("{d}/dpl.txt");
        let refused = false;
        try {{ dpls[0].write("{d}/dpl.txt", false); }} catch (e) {{ refused = `${{e}}`.contains("exists"); }}
        if !refused {{ throw "dpl.write overwrite false"; }}
        dpls[0].write("{d}/dpl.txt", #{{ overwrite: true }});
        net.write_configuration("{d}/net.json");
        refused = false;
        try {{ net.write_configuration("{d}/net.json", false); }} catch (e) {{ refused = `${{e}}`.contains("exists"); }}
        if !refused {{ throw "write_configuration overwrite false"; }}
        let net2 = net.set_global_synaptic_gains(#{{ e_e: 2.5, copy: true }});
        if net.get_global_synaptic_gains()["e_e"] == 2.5 || net2.get_global_synaptic_gains()["e_e"] != 2.5 {{ throw "copy"; }}
        net.set_global_synaptic_gains(1.5);
        if net.get_global_synaptic_gains()["e_e"] != 1.5 {{ throw "positional e_e"; }}
        let p = read_params("x.param", "tstop: 42.0\nN_trials: 3\n");
        if p["tstop"] != 42.0 {{ throw "file_contents"; }}
        write_text("{d}/spk.txt", "1.0 0\n2.0 40\n");
        let old = read_spikes("{d}/spk.txt", net.gid_ranges);
        if old.spike_types[0][1] != net.gid_to_type(40) {{ throw "legacy spikes"; }}
        // no search terms: no connections, as hnn-core answers
        if pick_connection(net).len() != 0 {{ throw "pick none"; }}
        if pick_connection(net, "L2_basket").len() == 0 {{ throw "pick src"; }}
        cr.plot_spikes_raster(#{{ dpl: dpls, overlay_dipoles: true, marker_size: 2.0 }}).save("{d}/raster_overlay.png");
        cr.plot_spikes_raster(0, (), false, ["L2_pyramidal", "L5_pyramidal"], ["k", "r"], false).save("{d}/raster_types.png");
        cr.plot_spikes_hist(#{{ invert_spike_types: "evdist1" }}).save("{d}/hist_inverted.png");
        dpls[0].plot_tfr_morlet(60..200, #{{ n_cycles: 4, colormap: "viridis", colorbar_inside: true, decim: 2 }}).save("{d}/tfr_viridis_inside.png");
        plot_tfr_morlet(dpls, 60..200, #{{ n_cycles: 4, padding: "mirror", colormap: "magma" }}).save("{d}/tfr_mirror.png");
        plot_connectivity_matrix(net, 4, #{{ colorbar: true }}).save("{d}/conn_matrix.png");
        plot_connectivity_matrix(net, 4, (), false, true, "viridis").save("{d}/conn_matrix_binary.png");
        plot_cell_connectivity(net, 0, 7, (), true, "plasma").save("{d}/cell_conn.png");
        plot_drive_strength(net, #{{ show_weight: false, normalize: false }}).save("{d}/drive_pairs.png");
        let fig = figure(#{{ ncols: 2 }});
        plot_drive_strength(net, true, fig.axes[0], false);
        plot_cell_connectivity(net, 0, #{{ axes: [fig.axes[1]] }});
        fig.save("{d}/axes.png");
        net.cell_types["L5_pyramidal"].plot_morphology(#{{ color: "r", pos: [100, 0, 0], zlim: [-100, 1800] }}).save("{d}/morph.png");
        let sm = smooth_waveform([0.0, 0.0, 1.0, 0.0, 0.0], 3.0, 1000.0);
        if sm.len() != 5 || (sm[1] - 0.08 / 1.16).abs() > 1e-12 || (sm[2] - 1.0 / 1.16).abs() > 1e-12 {{ throw `smooth_waveform ${{sm}}`; }}
        p.write("{d}/p.json");
        let q = read_params("{d}/p.json");
        if q["tstop"] != 42.0 || q["N_trials"] != 3 {{ throw "params.write"; }}
        net.cell_types["L2_pyramidal"].modify_section("apical_1", 300.0);
        if net.cell_types["L2_pyramidal"].sections["apical_1"].L != 300.0 {{ throw "modify_section"; }}
        "#
    );
    let r = guard::guarded(|| engine.run(&code));
    if std::env::var("HNN_SHAPES_PNG").is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if let Err(e) = r {
        panic!(
            "{}",
            hnn::script::diagnostics::runtime_error("<shapes>", &code, &e)
        );
    }
}
