//! `Optimizer` and `optimize_evoked` from scripts: a fit runs and leaves hnn-core's
//! attributes, and every kind of bad input is refused before anything is simulated.

use std::process::Command;

fn run(code: &str) -> (bool, String, String) {
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["-e", code])
        .output()
        .unwrap();
    (
        r.status.success(),
        String::from_utf8_lossy(&r.stdout).into_owned(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

/// A 3×3 network, a proximal drive whose mu and sigma are fitted, and a target simulated
/// at mu = 18, sigma = 2.5.
const SETUP: &str = r#"
let net = jones_2009_model(#{ mesh_shape: [3, 3] });
fn set_params(net, params) {
    net.add_evoked_drive("evprox", #{ mu: params.mu, sigma: params.sigma, numspikes: 1,
        location: "proximal", weights_ampa: #{ L2_pyramidal: 0.02, L5_pyramidal: 0.02 },
        synaptic_delays: #{ L2_pyramidal: 0.1, L5_pyramidal: 1.0 } });
}
let tnet = net.copy();
set_params(tnet, #{ mu: 18.0, sigma: 2.5 });
let target = simulate_dipole(tnet, #{ tstop: 40.0 })[0];
let constraints = #{ mu: [10.0, 30.0], sigma: [1.0, 5.0] };
"#;

#[test]
fn a_fit_leaves_hnn_core_attributes() {
    let code = format!(
        r#"{SETUP}
let optim = Optimizer(net, #{{ tstop: 40.0, constraints: constraints, set_params: Fn("set_params"),
    solver: "cobyla", max_iter: 6 }});
print(optim);
optim.fit(#{{ target: target }});
print(optim);
print(optim.obj_.len());
print(optim.history.len());
print(optim.obj_[5] <= optim.obj_[0]);
print(type_of(optim.net_));
print(optim.opt_params_.len());
let f = optim.plot_convergence(#{{ show: false }});
print(type_of(f));
"#
    );
    let (ok, out, err) = run(&code);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("solver=cobyla") && lines[0].contains("fit=False"),
        "{out}"
    );
    assert!(lines[1].contains("fit=True"), "{out}");
    assert_eq!(lines[2], "6", "obj_ has max_iter entries");
    assert_eq!(lines[3], "6", "every evaluation is in history");
    assert_eq!(lines[4], "true", "obj_ is a running best");
    assert_eq!(lines[5], "Network");
    assert_eq!(lines[6], "2");
    assert_eq!(lines[7], "Figure");
}

#[test]
fn bad_optimizer_input_is_refused_before_simulating() {
    let opt = |extra: &str| {
        format!(
            r#"{SETUP}
let optim = Optimizer(net, #{{ tstop: 40.0, constraints: constraints, set_params: Fn("set_params") {extra} }});
optim.fit(#{{ target: target }});"#
        )
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!(
                r#"{SETUP} Optimizer(net, #{{ tstop: 40.0, constraints: #{{ mu: [30.0, 10.0] }}, set_params: Fn("set_params") }});"#
            ),
            vec!["constraints['mu']", "lo < hi"],
        ),
        (
            opt(", initial_params: #{ mu: 50.0, sigma: 2.0 }"),
            vec!["initial_params['mu'] = 50", "outside"],
        ),
        (
            opt(", solver: \"newton\""),
            vec!["unknown solver 'newton'", "cobyla"],
        ),
        (
            opt(", obj_fun: \"rmse\""),
            vec!["unknown obj_fun 'rmse'", "dipole_rmse"],
        ),
        (opt(", max_iter: 0"), vec!["max_iter = 0", "≥ 1"]),
        (
            format!(
                r#"{SETUP} let o = Optimizer(net, #{{ tstop: 40.0, constraints: constraints, set_params: Fn("set_params") }}); o.fit();"#
            ),
            vec!["target must be specified"],
        ),
        (
            format!(
                r#"{SETUP}
fn bad(net, params) {{ net.add_evoked_drive("x", #{{ mu: params.mu, sigma: params.sgima, numspikes: 1, location: "proximal", weights_ampa: #{{ L2_pyramidal: 0.01 }} }}); }}
let o = Optimizer(net, #{{ tstop: 40.0, constraints: constraints, set_params: Fn("bad") }});
o.fit(#{{ target: target }});"#
            ),
            vec!["set_params failed", "line"],
        ),
        (
            format!(
                r#"{SETUP} let o = Optimizer(net, #{{ tstop: 40.0, constraints: constraints, set_params: Fn("set_params"), obj_fun: "maximize_psd" }}); o.fit(#{{ f_bands: [[9, 11]] }});"#
            ),
            vec!["f_bands and relative_bandpower"],
        ),
        (
            format!(r#"{SETUP} optimize_evoked(net, 40.0, 1, target, #{{ maxiter: 12 }});"#),
            vec!["initial_dpl must be given"],
        ),
        (
            format!(r#"{SETUP} optimize_evoked(net, 40.0, 1, target, target);"#),
            vec!["without evoked drives"],
        ),
    ];
    for (code, want) in cases {
        let (ok, _, err) = run(&code);
        assert!(!ok, "accepted: {code}");
        assert!(!err.contains("panicked"), "panic: {err}");
        for w in want {
            assert!(err.contains(w), "message lacks '{w}':\n{err}");
        }
        assert!(
            !err.contains("simulating ["),
            "simulated before refusing: {err}"
        );
    }
}

#[test]
fn optimize_evoked_returns_a_network_and_its_rmse_history() {
    let code = format!(
        r#"{SETUP}
let n2 = net.copy();
set_params(n2, #{{ mu: 24.0, sigma: 2.0 }});
let init = simulate_dipole(n2, #{{ tstop: 40.0 }})[0];
let r = optimize_evoked(n2, 40.0, 1, target, init, #{{ maxiter: 12, return_rmse: true }});
print(type_of(r[0]));
print(r[1].len());
"#
    );
    let (ok, out, err) = run(&code);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Network");
    // one chunk of 4 parameters (sigma, mu, ampa_L2_pyramidal, ampa_L5_pyramidal): 12 evaluations
    assert_eq!(lines[1], "12", "{out}");
}
