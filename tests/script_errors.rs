//! Twenty kinds of wrong input: each gives a clear message with a position (or the file or
//! option at fault) and a non-zero exit, never a panic.

use std::process::Command;

fn run(code: &str) -> (bool, String) {
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", code])
        .output()
        .unwrap();
    (
        r.status.success(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

const NET: &str = "let net = jones_2009_model(#{ mesh_shape: [3, 3] }); ";

#[test]
fn wrong_inputs_fail_clearly() {
    let evoked = |extra: &str| {
        format!(
            "{NET} net.add_evoked_drive(\"d\", #{{ mu: 10.0, sigma: 1.0, numspikes: 1, location: \"proximal\", weights_ampa: #{{ L2_pyramidal: 0.01 }} {extra} }});"
        )
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            evoked(", sigam: 2"),
            vec!["unknown keyword 'sigam'", "did you mean 'sigma'"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: \"ten\", sigma: 1.0, numspikes: 1, location: \"proximal\", weights_ampa: #{{ L2_pyramidal: 0.01 }} }});"
            ),
            vec!["mu", "expected a number"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: 1, sigma: 1, numspikes: 1, location: \"proximal\", weights_ampa: #{{ L7_pyramidal: 0.1 }} }});"
            ),
            vec!["L7_pyramidal", "L2_basket"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: 1, sigma: 1, numspikes: 1, location: \"proximal\" }});"
            ),
            vec!["no weights"],
        ),
        (
            evoked(", event_seed: 2")
                + " net.add_evoked_drive(\"d\", #{ mu: 1, sigma: 1, numspikes: 1, location: \"proximal\", weights_ampa: #{ L2_pyramidal: 0.01 } });",
            vec!["already defined"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: 1, sigma: 1, numspikes: 1, location: \"distal\", weights_ampa: #{{ L5_basket: 0.01 }} }});"
            ),
            vec!["distal", "L5_basket"],
        ),
        (
            evoked(", synaptic_delays: -1.0"),
            vec!["synaptic delay", "> 0"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: 1, sigma: -1, numspikes: 1, location: \"proximal\", weights_ampa: #{{ L2_pyramidal: 0.01 }} }});"
            ),
            vec!["sigma"],
        ),
        (
            format!(
                "{NET} net.add_evoked_drive(\"d\", #{{ mu: 1, sigma: 1, location: \"proximal\", weights_ampa: #{{ L2_pyramidal: 0.01 }} }});"
            ),
            vec!["missing required keyword 'numspikes'"],
        ),
        (
            format!("{NET} simulate_dipole(net, #{{ tstop: -5.0 }});"),
            vec!["tstop", "> 0"],
        ),
        (
            format!("{NET} simulate_dipole(net, #{{ tstop: 5.0, n_trials: -1 }});"),
            vec!["n_trials"],
        ),
        (
            format!("{NET} simulate_dipole(net, #{{ tstop: 5.0, record_vsec: \"some\" }});"),
            vec!["record_vsec", "\"soma\""],
        ),
        (
            format!(
                "{NET} net.add_connection(\"L2_basket\", \"L2_pyramidal\", \"axon\", \"gabaa\", 0.01, 1.0, 3.0);"
            ),
            vec!["axon", "soma"],
        ),
        (
            format!(
                "{NET} net.add_connection(\"L2_basket\", \"L2_pyramidal\", \"soma\", \"glycine\", 0.01, 1.0, 3.0);"
            ),
            vec!["glycine", "ampa"],
        ),
        (
            format!(
                "{NET} net.add_connection(\"L2_basket\", \"L2_pyramidal\", \"soma\", \"gabaa\", -0.01, 1.0, 3.0);"
            ),
            vec!["weight"],
        ),
        (
            format!(
                "{NET} net.add_tonic_bias(#{{ amplitude: #{{ L2_pyramidal: 0.1 }}, section: \"axon\" }});"
            ),
            vec!["axon", "soma"],
        ),
        (
            "read_dipole(\"/nonexistent/dpl.txt\");".to_string(),
            vec!["/nonexistent/dpl.txt"],
        ),
        ("let x = 1 +;".to_string(), vec!["syntax error"]),
        (
            "jones_2009_model(#{ mesh_shape: [0, 3] });".to_string(),
            vec!["mesh_shape"],
        ),
        (
            "let d = undefined_thing;".to_string(),
            vec!["undefined_thing"],
        ),
        (
            format!("{NET} net.set_global_synaptic_gains(#{{ e_e: -1.0 }});"),
            vec!["e_e", "non-negative"],
        ),
        (
            format!("{NET} net.add_electrode_array(\"e\", [[0, 0, 0]], #{{ method: \"csd\" }});"),
            vec!["method", "'psa' or 'lsa'"],
        ),
        (
            format!("{NET} net.add_electrode_array(\"e\", [[0, 0, 1e999]]);"),
            vec!["electrode_pos[0]", "finite"],
        ),
        (
            format!("{NET} net.add_electrode_array(\"e\", [[0, 0]]);"),
            vec!["electrode_pos", "triplets"],
        ),
        (
            format!(
                "{NET} net.add_electrode_array(\"e\", [0, 0, 0]); net.add_electrode_array(\"e\", [1, 0, 0]);"
            ),
            vec!["'e'", "already exists"],
        ),
        (
            format!(
                "{NET} net.add_electrode_array(\"e\", [[0, 0, 0], [0, 0, 9]]); net.rec_arrays[\"e\"].plot_csd();"
            ),
            vec!["no data yet", "simulate_dipole"],
        ),
        (
            format!("{NET} net.add_electrode_array(\"e\", [0, 0, 0], #{{ conductivity: -1 }});"),
            vec!["conductivity", "positive"],
        ),
        (
            format!(
                "{NET} let d = simulate_dipole(net, #{{ tstop: 2.0 }}); d[0].plot(#{{ decim: [5, 0] }});"
            ),
            vec!["decim", "positive integer"],
        ),
    ];
    assert!(cases.len() >= 20);
    for (code, words) in cases {
        let (ok, err) = run(&code);
        assert!(!ok, "should fail: {code}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "panic for {code}:\n{err}"
        );
        assert!(
            err.contains("error") && err.contains("-->") && err.contains('^'),
            "no position for {code}:\n{err}"
        );
        for w in words {
            assert!(
                err.contains(w),
                "message for `{code}` should mention '{w}':\n{err}"
            );
        }
    }
}

#[test]
fn command_line_errors_exit_non_zero() {
    let hnn = || Command::new(env!("CARGO_BIN_EXE_hnn"));
    let r = hnn()
        .args(["run", "/nonexistent/script.rhai"])
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("/nonexistent/script.rhai"));
    let r = hnn().args(["-D", "1X=3", "-e", "1"]).output().unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("1X"));
    let r = hnn().args(["--threads", "0", "-e", "1"]).output().unwrap();
    assert!(!r.status.success());
    let r = hnn().args(["cell", "L9_pyramidal"]).output().unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("L5_pyramidal"));
}
