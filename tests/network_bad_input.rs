//! Bad network input gives a clear error and leaves the network unchanged.
#![allow(clippy::result_large_err, clippy::type_complexity)]

use hnn::model::Receptor;
use hnn::network::Network;
use hnn::network::connectivity::{ConnectionOptions, Gids, Targets};
use hnn::network::drives::{DriveDynamics, DriveOptions};
use hnn::network::models::jones_2009_model;
use hnn::sim::network::{SimConfig, simulate_dipole};

fn net() -> Network {
    jones_2009_model((3, 3)).unwrap()
}

fn evoked() -> DriveDynamics {
    DriveDynamics::Evoked {
        mu: 10.0,
        sigma: 1.0,
        numspikes: 1,
    }
}

fn opts(loc: &str, weights: &[(&str, f64)]) -> DriveOptions {
    let mut o = DriveOptions::evoked(loc);
    o.weights_ampa = weights.iter().map(|(k, w)| (k.to_string(), *w)).collect();
    o
}

fn assert_err_unchanged(before: &Network, after: &Network, e: hnn::Error, words: &[&str]) {
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "error '{msg}' should mention '{w}'");
    }
    assert_eq!(
        before, after,
        "a failed call must not change the network ({msg})"
    );
}

#[test]
fn bad_drives_are_rejected_whole() {
    let base = {
        let mut n = net();
        n.add_drive(
            "evprox1",
            evoked(),
            &opts("proximal", &[("L2_pyramidal", 0.01)]),
        )
        .unwrap();
        n
    };
    let cases: Vec<(DriveOptions, &str, Vec<&str>)> = vec![
        (
            opts("distal", &[("L5_basket", 0.01), ("L2_pyramidal", 0.01)]),
            "d1",
            vec!["distal", "L5_basket"],
        ),
        (
            opts("proximal", &[("L7_pyramidal", 0.01)]),
            "d2",
            vec!["L7_pyramidal", "L2_basket", "L5_pyramidal"],
        ),
        (
            opts("proximal", &[("L2_pyramidal", -0.01)]),
            "d3",
            vec!["weight", "L2_pyramidal", ">= 0"],
        ),
        (opts("proximal", &[]), "d4", vec!["no weights"]),
        (
            opts("apical_9", &[("L2_pyramidal", 0.01)]),
            "d5",
            vec!["apical_9", "proximal", "apical_tuft"],
        ),
        (
            opts("proximal", &[("L2_pyramidal", 0.01)]),
            "evprox1",
            vec!["evprox1", "already defined"],
        ),
    ];
    for (o, name, words) in cases {
        let mut n = base.clone();
        let e = n.add_drive(name, evoked(), &o).unwrap_err();
        assert_err_unchanged(&base, &n, e, &words);
    }
    let mut n = base.clone();
    let mut o = opts("proximal", &[("L2_pyramidal", 0.01)]);
    o.synaptic_delays = vec![(Some("L5_pyramidal".into()), 0.1)];
    let e = n.add_drive("d6", evoked(), &o).unwrap_err();
    assert_err_unchanged(&base, &n, e, &["synaptic_delays", "L2_pyramidal"]);
    let mut n = base.clone();
    let e = n
        .add_drive(
            "d7",
            DriveDynamics::Evoked {
                mu: 10.0,
                sigma: -1.0,
                numspikes: 1,
            },
            &opts("proximal", &[("L2_pyramidal", 0.01)]),
        )
        .unwrap_err();
    assert_err_unchanged(&base, &n, e, &["sigma"]);
    let mut n = base.clone();
    let bursty = DriveDynamics::Bursty {
        tstart: 0.0,
        tstart_std: 0.0,
        tstop: None,
        burst_rate: 50.0,
        burst_std: 0.0,
        numspikes: 5,
        spike_isi: 10.0,
    };
    let mut b = DriveOptions::bursty("distal");
    b.weights_ampa = vec![("L2_pyramidal".into(), 0.01)];
    let e = n.add_drive("d8", bursty, &b).unwrap_err();
    assert_err_unchanged(&base, &n, e, &["burst duration", "period"]);
}

#[test]
fn bad_connections_are_rejected() {
    let base = net();
    let all = |t: &str| Targets::All(Gids::Type(t.into()));
    let src = |t: &str| Gids::Type(t.into());
    let o = ConnectionOptions::default();
    let cases: Vec<(Gids, Targets, &str, Receptor, f64, f64, Vec<&str>)> = vec![
        (
            src("L9_basket"),
            all("L2_pyramidal"),
            "soma",
            Receptor::Gabaa,
            0.01,
            1.0,
            vec!["L9_basket", "L2_basket"],
        ),
        (
            src("L2_basket"),
            all("L2_pyramidal"),
            "axon",
            Receptor::Gabaa,
            0.01,
            1.0,
            vec!["axon", "soma", "proximal"],
        ),
        (
            src("L2_basket"),
            all("L5_basket"),
            "distal",
            Receptor::Gabaa,
            0.01,
            1.0,
            vec!["distal", "L5_basket"],
        ),
        (
            src("L2_basket"),
            all("L2_pyramidal"),
            "soma",
            Receptor::Ampa,
            0.01,
            1.0,
            vec!["ampa", "soma", "gabaa"],
        ),
        (
            src("L2_basket"),
            all("L2_pyramidal"),
            "soma",
            Receptor::Gabaa,
            -0.01,
            1.0,
            vec!["weight"],
        ),
        (
            src("L2_basket"),
            all("L2_pyramidal"),
            "soma",
            Receptor::Gabaa,
            0.01,
            0.0,
            vec!["delay"],
        ),
        (
            Gids::One(100_000),
            all("L2_pyramidal"),
            "soma",
            Receptor::Gabaa,
            0.01,
            1.0,
            vec!["100000"],
        ),
    ];
    for (s, t, loc, r, w, d, words) in cases {
        let mut n = base.clone();
        let e = n.add_connection(&s, &t, loc, r, w, d, 3.0, &o).unwrap_err();
        assert_err_unchanged(&base, &n, e, &words);
    }
    let mut n = base.clone();
    let bad = ConnectionOptions {
        probability: 1.5,
        conn_seed: Some(1),
        ..ConnectionOptions::default()
    };
    let e = n
        .add_connection(
            &src("L2_basket"),
            &all("L2_pyramidal"),
            "soma",
            Receptor::Gabaa,
            0.01,
            1.0,
            3.0,
            &bad,
        )
        .unwrap_err();
    assert_err_unchanged(&base, &n, e, &["probability", "(0, 1)"]);
    let mut n = base.clone();
    let e = n
        .set_global_synaptic_gains(Some(-1.0), None, None, None)
        .unwrap_err();
    assert_err_unchanged(&base, &n, e, &["e_e", "non-negative"]);
    let mut n = base.clone();
    let e = n
        .add_tonic_bias(
            &[("L2_pyramidal".into(), 0.1)],
            0.0,
            None,
            "dendrite",
            "tonic",
        )
        .unwrap_err();
    assert_err_unchanged(&base, &n, e, &["dendrite", "soma"]);
}

#[test]
fn delays_below_dt_run_and_bad_run_settings_fail_at_simulate() {
    // a delay shorter than dt is delivered as NEURON delivers it (issue 12), not refused
    let mut n = net();
    let mut o = opts("proximal", &[("L2_pyramidal", 0.01)]);
    o.synaptic_delays = vec![(None, 0.01)];
    n.add_drive("fast", evoked(), &o).unwrap();
    assert!(simulate_dipole(&n, &SimConfig::new(20.0)).is_ok());
    let n = net();
    for (tstop, dt, trials) in [
        (-1.0, 0.025, 1),
        (f64::NAN, 0.025, 1),
        (10.0, 0.0, 1),
        (10.0, 0.025, 0),
    ] {
        let mut cfg = SimConfig::new(tstop);
        cfg.run.dt = dt;
        cfg.run.n_trials = trials;
        assert!(simulate_dipole(&n, &cfg).is_err());
    }
}
