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
}
