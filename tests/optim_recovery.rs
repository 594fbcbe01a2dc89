//! Each solver recovers a target simulated from known parameters (a 3×3 network, an evoked
//! proximal and distal drive below firing threshold, so that the dipole is a smooth function
//! of the two drives' mu, 3 ms off at the start) within 100 evaluations: the
//! returned network's RMSE to the target is below 5 % of the starting network's. And a
//! seeded fit gives the same evaluations on one thread and on two.

use std::process::Command;

fn run(threads: &str, code: &str) -> String {
    let r = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["--threads", threads, "-e", code])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    String::from_utf8_lossy(&r.stdout).into_owned()
}

const SETUP: &str = r#"
let net = jones_2009_model(#{ mesh_shape: [3, 3] });
fn set_params(net, p) {
    net.add_evoked_drive("evprox", #{ mu: p.prox_mu, sigma: 2.0, numspikes: 1,
        location: "proximal", weights_ampa: #{ L2_pyramidal: 0.0005, L5_pyramidal: 0.0005 },
        synaptic_delays: #{ L2_pyramidal: 0.1, L5_pyramidal: 1.0 } });
    net.add_evoked_drive("evdist", #{ mu: p.dist_mu, sigma: 3.0, numspikes: 1,
        location: "distal", weights_ampa: #{ L2_pyramidal: 0.0005, L5_pyramidal: 0.0005 },
        synaptic_delays: #{ L2_pyramidal: 0.1, L5_pyramidal: 0.1 } });
}
let truth = #{ prox_mu: 17.0, dist_mu: 33.0 };
let constraints = #{ prox_mu: [14.0, 24.0], dist_mu: [28.0, 40.0] };
let start = #{ prox_mu: 20.0, dist_mu: 36.0 };
let tnet = net.copy();
set_params(tnet, truth);
let target = simulate_dipole(tnet, #{ tstop: 60.0 })[0].scale(3000);
let snet = net.copy();
set_params(snet, start);
let initial = rmse(simulate_dipole(snet, #{ tstop: 60.0 })[0].scale(3000), target, #{ tstop: 60.0 });
"#;

#[test]
fn every_solver_recovers_a_known_target_within_100_evaluations() {
    for (solver, max_iter, extra) in [
        ("cobyla", 100, ""),
        ("bayesian", 99, ""),
        // CMA: the standard population for two parameters, 4 + ⌊3 ln 2⌋ = 6, for 16 generations
        ("cma", 16, ", popsize: 6, seed: 7"),
    ] {
        let code = format!(
            r#"{SETUP}
let optim = Optimizer(net, #{{ tstop: 60.0, constraints: constraints, set_params: Fn("set_params"),
    initial_params: start, solver: "{solver}", max_iter: {max_iter} }});
optim.fit(#{{ target: target, scale_factor: 3000{extra} }});
let best = rmse(simulate_dipole(optim.net_, #{{ tstop: 60.0 }})[0].scale(3000), target, #{{ tstop: 60.0 }});
print(optim.history.len());
print(initial);
print(best);
"#
        );
        let out = run("2", &code);
        let v: Vec<f64> = out.lines().map(|l| l.trim().parse().unwrap()).collect();
        eprintln!(
            "{solver}: {} evaluations, RMSE {} -> {} ({:.2} %)",
            v[0],
            v[1],
            v[2],
            100.0 * v[2] / v[1]
        );
        assert!(v[0] <= 100.0, "{solver}: {} evaluations", v[0]);
        assert!(
            v[2] < 0.05 * v[1],
            "{solver}: RMSE {} of initial {}",
            v[2],
            v[1]
        );
    }
}

#[test]
fn a_seeded_fit_is_the_same_on_one_and_two_threads() {
    let code = format!(
        r#"{SETUP}
let optim = Optimizer(net, #{{ tstop: 60.0, constraints: constraints, set_params: Fn("set_params"),
    solver: "cma", max_iter: 2 }});
optim.fit(#{{ target: target, scale_factor: 3000, popsize: 6, seed: 3, n_trials: 2 }});
for e in optim.history {{ print(`${{e.params.prox_mu}} ${{e.params.dist_mu}} ${{e.obj}}`); }}
let b = Optimizer(net, #{{ tstop: 60.0, constraints: constraints, set_params: Fn("set_params"),
    solver: "bayesian", max_iter: 3 }});
b.fit(#{{ target: target, scale_factor: 3000, seed: 5 }});
for e in b.history {{ print(`${{e.params.prox_mu}} ${{e.obj}}`); }}
"#
    );
    let one = run("1", &code);
    let two = run("2", &code);
    assert_eq!(one.lines().count(), 12 + 4);
    assert_eq!(one, two);
}
