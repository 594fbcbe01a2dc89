//! Dipole post-processing against hnn-core / scipy (fixture from
//! tests/reference/generate_analysis.py). Tolerance 1e-9 of the signal's range: the
//! operations are deterministic; scipy solves the Savitzky–Golay least squares by SVD and
//! convolves by FFT where it is faster, we by QR and direct sums.

mod common;

use hnn::results::Dipole;

fn input() -> Dipole {
    let n = 4001;
    let times: Vec<f64> = (0..n).map(|k| k as f64 * 0.025).collect();
    let agg: Vec<f64> = (0..n)
        .map(|k| {
            let t = times[k] / 1000.0;
            (2.0 * std::f64::consts::PI * 10.0 * t).sin()
                + 0.3 * (2.0 * std::f64::consts::PI * 55.0 * t).sin()
                + 0.001 * k as f64
        })
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

fn read_cols() -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(common::fixture("analysis/postproc.txt")).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .trim_start_matches('#')
        .split_whitespace()
        .map(String::from)
        .collect();
    let mut cols = vec![Vec::new(); names.len()];
    for l in lines {
        for (c, x) in cols.iter_mut().zip(l.split('\t')) {
            c.push(x.parse::<f64>().unwrap());
        }
    }
    (names, cols)
}

fn close(name: &str, ours: &[f64], theirs: &[f64]) {
    let range = theirs.iter().cloned().fold(f64::MIN, f64::max)
        - theirs.iter().cloned().fold(f64::MAX, f64::min);
    let worst = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let at = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        .enumerate()
        .fold((0, 0.0), |m, (i, d)| if d > m.1 { (i, d) } else { m })
        .0;
    eprintln!(
        "{name}: max |diff| / range = {:.2e} at {at} (ours {} theirs {})",
        worst / range,
        ours[at],
        theirs[at]
    );
    assert!(worst <= 1e-9 * range, "{name}: {worst} vs range {range}");
}

#[test]
fn savgol_and_smooth_match_hnn_core() {
    let (names, cols) = read_cols();
    for (name, col) in names.iter().zip(&cols) {
        let mut d = input();
        if let Some(hf) = name.strip_prefix("savgol_") {
            d.savgol_filter(hf.parse().unwrap()).unwrap();
        } else if let Some(w) = name.strip_prefix("smooth_") {
            d.smooth(w.parse().unwrap()).unwrap();
        }
        close(name, d.get("agg").unwrap(), col);
    }
}

#[test]
fn psd_matches_plot_psd() {
    let text = std::fs::read_to_string(common::fixture("analysis/psd.txt")).unwrap();
    let rows: Vec<(f64, f64)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let mut it = l.split('\t').map(|x| x.parse::<f64>().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        })
        .collect();
    let (f, p) = hnn::analysis::psd::dipole_psd(&[input()], "agg", None, None).unwrap();
    assert_eq!(f.len(), rows.len());
    let pmax = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    for ((a, b), (rf, rp)) in f.iter().zip(&p).zip(&rows) {
        assert!(
            (a - rf).abs() <= 1e-9 * rf.abs().max(1.0),
            "freq {a} vs {rf}"
        );
        assert!((b - rp).abs() <= 1e-9 * pmax, "psd at {a} Hz: {b} vs {rp}");
    }
}

#[test]
fn morlet_power_matches_mne_through_plot_tfr_morlet() {
    let text = std::fs::read_to_string(common::fixture("analysis/tfr.txt")).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(|x| x.parse::<f64>().unwrap()).collect())
        .collect();
    let freqs = [40.0, 55.0, 70.0, 90.0];
    let (times, p) =
        hnn::analysis::tfr::dipole_tfr(&[input()], "agg", &freqs, &[4.0], None, None).unwrap();
    assert_eq!(times.len(), 4000);
    let pmax = rows
        .iter()
        .flat_map(|r| r[1..].iter())
        .cloned()
        .fold(0.0, f64::max);
    let mut worst: f64 = 0.0;
    for r in &rows {
        let k = r[0] as usize;
        for (j, want) in r[1..].iter().enumerate() {
            worst = worst.max((p[j][k] - want).abs());
        }
    }
    eprintln!("tfr: max |diff| / max power = {:.2e}", worst / pmax);
    assert!(worst <= 1e-9 * pmax);
}
