//! hnn-core's optimiser objectives on the golden values of the optimisation reference
//! (../shared/docs/optimization-reference.md §1.4.4, computed with hnn-core 0.6.1 / scipy
//! 1.17.1) against HNN's recorded ERP (../shared/data; skipped when absent).
//! Tolerance 1e-9 relative: deterministic arithmetic with FFTs of different libraries.

use hnn::analysis::objective::{anticorr, resample, rmse};
use hnn::io::text::read_dipole;
use hnn::results::Dipole;

fn target() -> Option<Dipole> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/hnn/MEG_detection_data/yes_trial_S1_ERP_all_avg.txt");
    if !p.exists() {
        eprintln!("skipped: {} not found", p.display());
        return None;
    }
    Some(read_dipole(&p).unwrap())
}

fn synthetic(tstop: f64) -> Dipole {
    let n = ((tstop * (1.0 + 1e-11)) / 0.025 + 1e-9).floor() as usize;
    let times: Vec<f64> = (0..=n).map(|k| 0.025 * k as f64).collect();
    let agg: Vec<f64> = times
        .iter()
        .map(|t| 0.01 * (2.0 * std::f64::consts::PI * t / 100.0).sin() + 0.002 * t / 170.0)
        .collect();
    let half: Vec<f64> = agg.iter().map(|x| x / 2.0).collect();
    Dipole {
        times,
        data: vec![
            ("agg".into(), agg),
            ("L2".into(), half.clone()),
            ("L5".into(), half),
        ],
        nave: 1,
        scale_applied: 1.0,
    }
}

fn close(name: &str, got: f64, want: f64) {
    eprintln!("{name}: {got} (reference {want})");
    assert!(
        (got - want).abs() <= 1e-9 * want.abs(),
        "{name}: {got} vs {want}"
    );
}

#[test]
fn rmse_and_correlation_match_hnn_core() {
    let Some(target) = target() else { return };
    let t_end = *target.times.last().unwrap();
    assert_eq!(target.times.len(), 103);
    let raw = synthetic(t_end);
    close(
        "raw rmse",
        rmse(&raw, &target, 0.0, t_end, None).unwrap(),
        38.628582265667994,
    );
    let mut pp = raw.clone();
    pp.scale(3000.0).unwrap();
    pp.smooth(30.0).unwrap();
    close(
        "scaled+smoothed rmse",
        rmse(&pp, &target, 0.0, t_end, None).unwrap(),
        31.776327027057736,
    );
    close(
        "tstop 170 (clipped)",
        rmse(&pp, &target, 0.0, 170.0, None).unwrap(),
        31.776327027057736,
    );
    close(
        "tstart 50, tstop 120",
        rmse(&pp, &target, 50.0, 120.0, None).unwrap(),
        18.5157326788594,
    );
    close(
        "anticorr",
        anticorr(&pp, &target, 0.0, t_end, None).unwrap(),
        0.47355622819403353,
    );
    // the resampled raw dipole: first values and sum
    let n_sim = raw
        .times
        .iter()
        .position(|&t| (t - t_end).abs() < 0.0125)
        .unwrap();
    let d1 = resample(&raw.get("agg").unwrap()[..n_sim], 102);
    assert_eq!(d1.len(), 102);
    close("resampled[0]", d1[0], -0.00354382568747281);
    close("resampled[1]", d1[1], 0.00171770605506863);
    close("resampled[2]", d1[2], 0.00175787340593111);
    close("resampled sum", d1.iter().sum(), 0.2280796761496692);
}

/// hnn-core's `maximize_psd` on the reference's closed-form rhythm (§1.4.4): 300 ms of
/// sin(2π·10t) + 0.5 sin(2π·20t) + 0.2 sin(2π·47t), scaled by 3000 and smoothed by 20 ms,
/// bands (9, 11) and (19, 21) with weights [1, 2] and then 0.5 for both.
#[test]
fn maximize_psd_matches_hnn_core() {
    use hnn::analysis::objective::relative_bandpower;
    let tstop: f64 = 300.0;
    let n = ((tstop * (1.0 + 1e-11)) / 0.025 + 1e-9).floor() as usize;
    let times: Vec<f64> = (0..=n).map(|k| 0.025 * k as f64).collect();
    let two_pi = 2.0 * std::f64::consts::PI;
    let agg: Vec<f64> = times
        .iter()
        .map(|t| {
            let s = t / 1000.0;
            (two_pi * 10.0 * s).sin()
                + 0.5 * (two_pi * 20.0 * s).sin()
                + 0.2 * (two_pi * 47.0 * s).sin()
        })
        .collect();
    let half: Vec<f64> = agg.iter().map(|x| x / 2.0).collect();
    let mut d = Dipole {
        times,
        data: vec![
            ("agg".into(), agg),
            ("L2".into(), half.clone()),
            ("L5".into(), half),
        ],
        nave: 1,
        scale_applied: 1.0,
    };
    d.scale(3000.0).unwrap();
    d.smooth(20.0).unwrap();
    let bands = [(9.0, 11.0), (19.0, 21.0)];
    close(
        "psd [1, 2]",
        relative_bandpower(&d, &bands, &[1.0, 2.0]).unwrap(),
        -0.8531128823277898,
    );
    close(
        "psd 0.5",
        relative_bandpower(&d, &bands, &[0.5, 0.5]).unwrap(),
        -0.36421307139296577,
    );
}
