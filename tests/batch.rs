//! Batch simulation (issue 12): hnn-core's batch example against its fixture
//! (tests/fixtures/batch, from tests/reference/generate_batch.py), batch rows equal to direct
//! simulations bit for bit, the .npz files, the matrix form (resume, failures), bad input.

#![allow(clippy::result_large_err)]

mod common;

use hnn::batch::matrix::{MatrixRun, Prior, SeedPolicy, Transform, run_matrix};
use hnn::batch::npz::read_batch;
use hnn::script::build_engine;
use rhai::{Array, Dynamic, Map};

/// The example's set_params and summary_func (as in scripts/batch_simulate.rhai).
const EXAMPLE: &str = r#"
fn set_params(net, p) {
    let wb = p.weight_basket;
    let wp = p.weight_pyr;
    net.add_evoked_drive("evprox", #{ mu: 40, sigma: 5, numspikes: 1, location: "proximal",
        weights_ampa: #{ L2_basket: wb, L2_pyramidal: wp, L5_basket: wb, L5_pyramidal: wp },
        synaptic_delays: #{ L2_basket: 0.1, L2_pyramidal: 0.1, L5_basket: 1.0, L5_pyramidal: 1.0 } });
}
fn summary_func(results) {
    let out = [];
    for r in results {
        let a = r.dpl[0].copy().smooth(30).data.agg;
        let mn = a[0]; let mx = a[0];
        for v in a { if v < mn { mn = v; } if v > mx { mx = v; } }
        out.push(#{ min_peak: mn, max_peak: mx });
    }
    out
}
fn logspace(n) { let v = []; for k in 0..n { v.push(10.0 ** (-4.0 + 3.0 * k / (n - 1))); } v }
"#;

fn eval(code: &str) -> Dynamic {
    let engine = build_engine();
    engine
        .eval::<Dynamic>(&format!("{EXAMPLE}\n{code}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn floats(v: &Dynamic) -> Vec<f64> {
    v.clone()
        .into_array()
        .unwrap()
        .iter()
        .map(|x| x.as_float().unwrap())
        .collect()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("hnn_batch_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// hnn-core's example: 20 zipped simulations, one batch. The summaries and the dipoles are
/// held to the network parity bar (the dipole is the same cross-engine computation as
/// tests/network_parity.rs): dipole correlation ≥ 0.999 and RMS ≤ 1 % of the range per
/// simulation; peaks within 1 % of the largest peak. Measured: round-off (printed).
#[test]
fn batch_example_matches_hnn_core() {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::fixture("batch/example.json")).unwrap(),
    )
    .unwrap();
    let r = eval(
        r#"
        let b = BatchSimulate(#{ net: jones_2009_model(#{ mesh_shape: [3, 3] }),
            set_params: Fn("set_params"), summary_func: Fn("summary_func") });
        let r = b.run(#{ weight_basket: logspace(20), weight_pyr: logspace(20) },
            #{ n_jobs: 2, combinations: false });
        let aggs = [];
        for x in r.simulated_data[0] { aggs.push(x.dpl[0].data.agg); }
        #{ summary: r.summary_statistics, aggs: aggs, n_batches: r.simulated_data.len() }
        "#,
    );
    let r = r.cast::<Map>();
    assert_eq!(r["n_batches"].as_int().unwrap(), 1);
    let summ = r["summary"].clone().into_array().unwrap()[0]
        .clone()
        .into_array()
        .unwrap();
    let sims = meta["simulations"].as_array().unwrap();
    assert_eq!(summ.len(), sims.len());
    let scale = sims
        .iter()
        .map(|s| s["max_peak"].as_f64().unwrap().abs())
        .fold(0.0, f64::max);
    let mut worst_peak: f64 = 0.0;
    for (ours, theirs) in summ.iter().zip(sims) {
        let ours = ours.clone().cast::<Map>();
        for k in ["min_peak", "max_peak"] {
            let d = (ours[k].as_float().unwrap() - theirs[k].as_f64().unwrap()).abs();
            worst_peak = worst_peak.max(d / scale);
        }
    }
    eprintln!("batch example: largest peak difference {worst_peak:.2e} of the largest peak");
    assert!(worst_peak <= 0.01);
    let tab = common::Table::read_plain("batch/example_dipoles.txt");
    let aggs = r["aggs"].clone().into_array().unwrap();
    let (sim, k) = (tab.col("sim"), tab.col("k"));
    for (s, agg) in aggs.iter().enumerate() {
        let ours = floats(agg);
        let rows: Vec<usize> = (0..sim.len()).filter(|&i| sim[i] as usize == s).collect();
        let a: Vec<f64> = rows.iter().map(|&i| ours[k[i] as usize]).collect();
        let b: Vec<f64> = rows.iter().map(|&i| tab.col("agg")[i]).collect();
        let range =
            b.iter().cloned().fold(f64::MIN, f64::max) - b.iter().cloned().fold(f64::MAX, f64::min);
        let rms =
            (a.iter().zip(&b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len() as f64).sqrt();
        eprintln!("batch example sim {s}: rms/range {:.2e}", rms / range);
        assert!(rms <= 0.01 * range, "sim {s}: rms {rms} range {range}");
    }
}

/// Every row of a batch equals a direct simulate_dipole of the same network, bit for bit,
/// whatever the number of jobs; the npz file holds the same numbers and numpy's layout.
#[test]
fn batch_rows_equal_direct_simulations_bit_for_bit() {
    let dir = tmp("rows");
    let r = eval(&format!(
        r#"
        let base = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        let grid = #{{ weight_basket: [1e-4, 2e-3, 5e-2], weight_pyr: [1e-3, 4e-3] }};
        let one = BatchSimulate(#{{ net: base, set_params: Fn("set_params"), tstop: 60,
            batch_size: 4, save_outputs: true, save_folder: "{d}", save_spiking: true }})
            .run(grid, #{{ n_jobs: 1 }});
        let two = BatchSimulate(#{{ net: base, set_params: Fn("set_params"), tstop: 60,
            batch_size: 4 }}).run(grid, #{{ n_jobs: 2 }});
        let same = true;
        let n = 0;
        for bi in 0..one.simulated_data.len() {{
            for i in 0..one.simulated_data[bi].len() {{
                let row = one.simulated_data[bi][i];
                let net = base.copy();
                set_params(net, row.param_values);
                let d = simulate_dipole(net, #{{ tstop: 60 }});
                if d[0].data.agg != row.dpl[0].data.agg {{ same = false; }}
                if d[0].data.L5 != row.dpl[0].data.L5 {{ same = false; }}
                if two.simulated_data[bi][i].dpl[0].data.agg != row.dpl[0].data.agg {{ same = false; }}
                n += 1;
            }}
        }}
        let loaded = one.simulated_data;
        #{{ same: same, n: n, first: one.simulated_data[0][1].param_values }}
        "#,
        d = dir.display()
    ))
    .cast::<Map>();
    assert!(r["same"].as_bool().unwrap());
    assert_eq!(r["n"].as_int().unwrap(), 6);
    // Cartesian product, last key fastest
    let first = r["first"].clone().cast::<Map>();
    assert_eq!(first["weight_basket"].as_float().unwrap(), 1e-4);
    assert_eq!(first["weight_pyr"].as_float().unwrap(), 4e-3);
    let b0 = read_batch(&dir.join("sim_run_0-4.npz")).unwrap();
    let b1 = read_batch(&dir.join("sim_run_4-6.npz")).unwrap();
    assert_eq!(b0.dpl.as_ref().unwrap().shape(), &[4, 1, 3, 2401]);
    assert_eq!(b1.param_values[[1, 0]], 5e-2);
    assert_eq!(b0.status, vec![1, 1, 1, 1]);
    assert!(b0.spikes.is_some());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn failing_set_params_marks_its_row_and_the_run_goes_on() {
    let r = eval(
        r#"
        let b = BatchSimulate(#{ net: jones_2009_model(#{ mesh_shape: [3, 3] }),
            set_params: |net, p| { if p.w > 1.0 { throw "too big"; } set_params(net, #{ weight_basket: p.w, weight_pyr: p.w }); },
            tstop: 30 });
        let r = b.run(#{ w: [1e-3, 5.0, 2e-3] });
        let rows = r.simulated_data[0];
        [("error" in rows[0]), rows[1].error, ("dpl" in rows[2])]
        "#,
    )
    .cast::<Array>();
    assert!(!r[0].as_bool().unwrap());
    let msg = r[1].clone().into_string().unwrap();
    assert!(msg.contains("too big") && msg.contains("line"), "{msg}");
    assert!(r[2].as_bool().unwrap());
}

#[test]
fn bad_grids_and_folders_are_clear_errors() {
    let engine = build_engine();
    let run = |code: &str| {
        engine
            .eval::<Dynamic>(&format!(
                "{EXAMPLE}\nlet b = BatchSimulate(#{{ net: jones_2009_model(#{{ mesh_shape: [3, 3] }}), set_params: Fn(\"set_params\"), tstop: 20 }});\n{code}"
            ))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let e = run(
        "b.run(#{ weight_basket: [1e-3, 2e-3], weight_pyr: [1e-3] }, #{ combinations: false })",
    )
    .unwrap_err();
    assert!(
        e.contains("weight_pyr") && e.contains("1 values") && e.contains("2 values"),
        "{e}"
    );
    let e = run("b.run(#{})").unwrap_err();
    assert!(e.contains("param_grid"), "{e}");
    let e = run("b.run(#{ w: [] })").unwrap_err();
    assert!(e.contains("param_grid.w"), "{e}");
    let e = run("b.run(#{ w: 3 })").unwrap_err();
    assert!(e.contains("array"), "{e}");
    let e = run("b.run(#{ a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6,7,8,9,10], d: [1,2,3,4,5,6,7,8,9,10], e: [1,2,3,4,5,6,7,8,9,10], f: [1,2,3,4,5,6,7,8,9,10], g: [1,2,3,4,5,6,7,8,9,10], h: [1,2,3,4,5,6,7,8,9,10], i: [1,2,3,4,5,6,7,8,9,10] })").unwrap_err();
    assert!(e.contains("at most"), "{e}");
    let e = run("BatchSimulate(#{ set_params: Fn(\"set_params\"), tstop: 1e300, dt: 1e-300 })")
        .unwrap_err();
    assert!(e.contains("steps"), "{e}");
    let e = run("BatchSimulate(#{ set_params: 3 })").unwrap_err();
    assert!(e.contains("set_params"), "{e}");
    let e = run("BatchSimulate(#{ set_params: Fn(\"set_params\"), tstop: 0.0/0.0 })").unwrap_err();
    assert!(e.contains("tstop"), "{e}");
    // a folder holding this run's file and overwrite false
    let dir = tmp("exists");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sim_run_0-1.npz"), b"x").unwrap();
    let e = run(&format!(
        "BatchSimulate(#{{ set_params: Fn(\"set_params\"), net: jones_2009_model(#{{ mesh_shape: [3, 3] }}), tstop: 20, save_outputs: true, overwrite: false, save_folder: \"{}\" }}).run(#{{ weight_basket: [1e-3], weight_pyr: [1e-3] }})",
        dir.display()
    ))
    .unwrap_err();
    assert!(e.contains("exists") && e.contains("overwrite"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

fn matrix_run(out: &std::path::Path, n: usize, chunk: usize) -> MatrixRun {
    let mut sim = hnn::sim::network::SimConfig::new(40.0);
    sim.run.dt = 0.5;
    MatrixRun {
        names: vec!["w".into(), "seed".into()],
        theta: (0..n)
            .flat_map(|r| [1e-4 * (1 + r) as f64, (r % 3) as f64])
            .collect(),
        prior: None,
        seeds: SeedPolicy::Column(1),
        features: hnn::batch::features::FeatureSpec {
            smooth: Some(5.0),
            decim: 4,
            bands: vec![[0.0, 50.0], [50.0, 200.0]],
            log_power: true,
            peaks: true,
            rates: true,
            ..Default::default()
        },
        out: out.to_path_buf(),
        chunk,
        sim,
        n_jobs: Some(2),
        overwrite: false,
        extra: serde_json::json!({ "model": "test" }),
    }
}

fn small_net(w: f64) -> std::result::Result<hnn::network::Network, String> {
    let mut net = hnn::network::models::jones_2009_model((3, 3)).map_err(|e| e.to_string())?;
    if w.is_nan() || w >= 5e-4 {
        return Err(format!("w = {w} refused by this test's set_params"));
    }
    let mut o = hnn::network::drives::DriveOptions::evoked("proximal");
    o.weights_ampa = vec![("L5_pyramidal".into(), w), ("L2_basket".into(), w)];
    o.synaptic_delays = vec![(None, 0.1)];
    net.add_drive(
        "evprox",
        hnn::network::drives::DriveDynamics::Evoked {
            mu: 15.0,
            sigma: 3.0,
            numspikes: 1,
        },
        &o,
    )
    .map_err(|e| e.to_string())?;
    Ok(net)
}

/// The matrix form: a run stopped after its first chunk resumes where it stopped and gives
/// the same files as an uninterrupted run; failed rows are NaN with status -1.
#[test]
fn matrix_runs_resume_and_mark_failures() {
    let probe = small_net(1e-4).unwrap();
    let full = tmp("full");
    let s = run_matrix(&matrix_run(&full, 7, 3), |_, v| small_net(v[0]), &probe).unwrap();
    assert_eq!((s.n, s.n_run, s.n_skipped), (7, 7, 0));
    assert_eq!(s.failures.len(), 3); // rows 4, 5, 6 (w >= 5e-4)
    // interrupted: the second chunk's set_params "crashes" the run
    let part = tmp("part");
    let mut calls = 0;
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_matrix(
            &matrix_run(&part, 7, 3),
            |_, v| {
                calls += 1;
                if calls > 3 {
                    panic!("interrupted");
                }
                small_net(v[0])
            },
            &probe,
        )
    }));
    assert!(r.is_err());
    let s2 = run_matrix(&matrix_run(&part, 7, 3), |_, v| small_net(v[0]), &probe).unwrap();
    assert_eq!((s2.n_run, s2.n_skipped), (4, 3));
    for f in ["x.npy", "theta.npy", "seeds.npy", "status.npy"] {
        assert_eq!(
            std::fs::read(full.join(f)).unwrap(),
            std::fs::read(part.join(f)).unwrap(),
            "{f}"
        );
    }
    let (shape, x) = hnn::batch::npy::read_matrix(&full.join("x.npy")).unwrap();
    assert_eq!(shape[0], 7);
    assert!(x[..shape[1]].iter().all(|v| v.is_finite()));
    assert!(x[5 * shape[1]..6 * shape[1]].iter().all(|v| v.is_nan()));
    let (_, st) = hnn::batch::npy::read_matrix(&full.join("status.npy")).unwrap();
    assert_eq!(st, vec![1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0]);
    // a third run skips everything; different settings without overwrite are refused
    let s3 = run_matrix(&matrix_run(&full, 7, 3), |_, v| small_net(v[0]), &probe).unwrap();
    assert_eq!(s3.n_skipped, 7);
    let e = run_matrix(&matrix_run(&full, 6, 3), |_, v| small_net(v[0]), &probe).unwrap_err();
    assert!(e.to_string().contains("overwrite"), "{e}");
    // one thread gives the same bits
    let one = tmp("one");
    let mut r1 = matrix_run(&one, 7, 2);
    r1.n_jobs = Some(1);
    run_matrix(&r1, |_, v| small_net(v[0]), &probe).unwrap();
    assert_eq!(
        std::fs::read(full.join("x.npy")).unwrap(),
        std::fs::read(one.join("x.npy")).unwrap()
    );
    for d in [full, part, one] {
        std::fs::remove_dir_all(&d).ok();
    }
}

#[test]
fn prior_samples_are_seeded_and_transformed() {
    let p = Prior {
        low: vec![-5.0, 0.0],
        high: vec![1.0, 2.0],
        transform: vec![Transform::Log10, Transform::Linear],
        seed: 7,
    };
    let a = p.sample(50).unwrap();
    assert_eq!(a, p.sample(50).unwrap());
    assert_eq!(a[..20], p.sample(10).unwrap()[..]);
    assert!(
        a.chunks(2)
            .all(|r| (1e-5..=10.0).contains(&r[0]) && (0.0..=2.0).contains(&r[1]))
    );
    let bad = Prior {
        low: vec![1.0],
        high: vec![f64::NAN],
        transform: vec![Transform::Linear],
        seed: 0,
    };
    assert!(bad.sample(3).is_err());
}

/// simulate_batch from a script: every drive parameter may come from θ as a float
/// (event_seed and numspikes included), seeds from a column, features read back.
#[test]
fn simulate_batch_script_takes_drive_parameters_as_floats() {
    let dir = tmp("script");
    let r = eval(&format!(
        r#"
        let net = jones_2009_model(#{{ mesh_shape: [3, 3] }});
        let s = simulate_batch(net, [[1e-3, 3.0, 1.0], [2e-3, 5.0, 2.0]], #{{
            set_params: |net, p| net.add_evoked_drive("ev", #{{ mu: 10.0, sigma: 2.0,
                numspikes: p.n, location: "proximal", weights_ampa: #{{ L5_pyramidal: p.w }},
                event_seed: p.seed }}),
            param_names: ["w", "seed", "n"], seeds: #{{ column: "seed" }},
            features: #{{ smooth: 5, peaks: true }}, out: "{d}", chunk: 1, tstop: 30, dt: 0.5 }});
        let again = simulate_batch(net, [[1e-3, 3.0, 1.0], [2e-3, 5.0, 2.0]], #{{
            set_params: |net, p| throw "not called", param_names: ["w", "seed", "n"],
            seeds: #{{ column: "seed" }}, features: #{{ smooth: 5, peaks: true }}, out: "{d}",
            chunk: 1, tstop: 30, dt: 0.5 }});
        [s.n_run, s.n_failed, again.n_skipped, read_npy("{d}/seeds.npy"), read_npy("{d}/x.npy").len()]
        "#,
        d = dir.display()
    ))
    .cast::<Array>();
    assert_eq!(r[0].as_int().unwrap(), 2);
    assert_eq!(r[1].as_int().unwrap(), 0);
    assert_eq!(r[2].as_int().unwrap(), 2);
    assert_eq!(floats(&r[3]), vec![3.0, 5.0]);
    assert_eq!(r[4].as_int().unwrap(), 2);
    std::fs::remove_dir_all(&dir).ok();
}
