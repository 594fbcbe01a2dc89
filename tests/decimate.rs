//! `decim=` in plots: scipy's `signal.decimate` (order-8 Chebyshev I, filtfilt) against
//! scipy 1.17.1 (fixture: tests/reference/generate_decimate.py). The filter is designed and
//! run with the same operations; what remains is complex arithmetic and solver round-off,
//! so 1e-9 (signal range ~2) is required for the factors hnn-core's tutorials use (≤ 5). At
//! q = 13 (scipy's stated limit) the poles sit so close to the unit circle that round-off in
//! the coefficients (1e-16) grows to ~5e-8 in the output; 1e-6 is required there.

mod common;

use hnn::analysis::decimate::{cheby1_lowpass, decimate, decimate_plot_data};

fn get(v: &serde_json::Value, k: &str) -> Vec<f64> {
    v[k].as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn worst(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn decimation_equals_scipy() {
    let text = std::fs::read_to_string(common::fixture("analysis/decimate.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let x = get(&v, "x");
    let (b, a) = cheby1_lowpass(8, 0.05, 0.2);
    let (wb, wa) = (get(&v, "b4"), get(&v, "a4"));
    let rel = |p: &[f64], q: &[f64]| {
        p.iter()
            .zip(q)
            .map(|(s, t)| (s - t).abs() / t.abs().max(1e-300))
            .fold(0.0, f64::max)
    };
    println!("b rel {:e}, a rel {:e}", rel(&b, &wb), rel(&a, &wa));
    assert!(rel(&b, &wb) < 1e-9 && rel(&a, &wa) < 1e-12);
    for (q, key, tol) in [(3, "q3", 1e-9), (13, "q13", 1e-6)] {
        let w = worst(&decimate(&x, q).unwrap(), &get(&v, key));
        println!("q {q}: {w:e}");
        assert!(w < tol, "q {q}: {w}");
    }
    let times: Vec<f64> = (0..x.len()).map(|i| i as f64 * 0.025).collect();
    let (d, t) = decimate_plot_data(&[5, 4], &x, &times).unwrap();
    let w = worst(&d, &get(&v, "q5_4"));
    println!("[5, 4]: {w:e}");
    assert!(w < 1e-9, "{w}");
    assert_eq!(t.len(), d.len());
    assert_eq!(t[1], times[20]);
    assert!(decimate(&x[..20], 2).is_err(), "too short to filter");
    assert!(decimate(&x, 0).is_err());
}
