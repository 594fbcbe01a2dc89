//! Spike histograms against hnn-core's `plot_spikes_hist` (fixture from
//! tests/reference/generate_analysis.py: the bars hnn-core draws for the erp network
//! fixture's spikes). Edges to 1e-12 ms (they are numpy's `linspace`; we compute them the
//! same way, so they agree to the bit except the last edge of the `no_times` case, which the
//! generator reads back as x + width); counts, labels, colours and order identical.

mod common;

use hnn::analysis::spikes::HNN_CORE_BINS;
use hnn::results::CellResponse;
use hnn::viz::hist_colors::HistColors;
use hnn::viz::{parse_color, plots};
use serde_json::Value;

fn read_json(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::fixture(rel)).unwrap()).unwrap()
}

fn input(with_times: bool) -> CellResponse {
    let net = read_json("networks/erp.json");
    let ranges: Vec<(String, u64, u64)> = net["gid_ranges"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v[0].as_u64().unwrap(), v[1].as_u64().unwrap()))
        .collect();
    let mut cr = CellResponse::default();
    for trial in 0..2 {
        let t = common::Table::read_plain(&format!("networks/erp_spikes_trial{trial}.txt"));
        let gids: Vec<usize> = t.cols[1].iter().map(|g| *g as usize).collect();
        cr.spike_types.push(
            gids.iter()
                .map(|g| {
                    let r = ranges
                        .iter()
                        .find(|(_, a, b)| (*a..*b).contains(&(*g as u64)))
                        .unwrap();
                    r.0.clone()
                })
                .collect(),
        );
        cr.spike_times.push(t.cols[0].clone());
        cr.spike_gids.push(gids);
    }
    if with_times {
        cr.times = (0..6801).map(|k| k as f64 * 0.025).collect();
    }
    cr
}

fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        other => panic!("{other}"),
    }
}

#[test]
fn histograms_equal_hnn_core() {
    let fx = read_json("analysis/spikes_hist.json");
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    let mut worst_edge: f64 = 0.0;
    let mut n_counts = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let kw = &case["kwargs"];
        let cr = input(case["with_times"].as_bool().unwrap());
        let groups: Option<Vec<(String, Vec<String>)>> = kw.get("spike_types").map(|v| match v {
            Value::Object(m) => m.iter().map(|(k, x)| (k.clone(), strs(x))).collect(),
            other => strs(other)
                .into_iter()
                .map(|s| (s.clone(), vec![s]))
                .collect(),
        });
        let trials: Option<Vec<usize>> = kw.get("trial_idx").map(|v| match v {
            Value::Array(a) => a.iter().map(|x| x.as_u64().unwrap() as usize).collect(),
            x => vec![x.as_u64().unwrap() as usize],
        });
        let colors = match kw.get("color") {
            None => HistColors::default(),
            Some(v) => HistColors::Cycle(strs(v).iter().map(|c| parse_color(c).unwrap()).collect()),
        };
        let fig = plots::plot_spikes_hist(
            &cr,
            trials.as_deref(),
            groups.as_deref(),
            &colors,
            HNN_CORE_BINS,
        )
        .unwrap();
        let bars = &fig.panels[0].bars;
        let want = case["hists"].as_array().unwrap();
        assert_eq!(bars.len(), want.len(), "{name}: number of histograms");
        let edges: Vec<f64> = case["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        for (b, w) in bars.iter().zip(want) {
            assert_eq!(b.label.as_deref(), w["label"].as_str(), "{name}: label");
            let c: Vec<u8> = w["color"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(
                b.color,
                (c[0], c[1], c[2]),
                "{name}: colour of {:?}",
                b.label
            );
            assert_eq!(b.edges.len(), edges.len(), "{name}: number of edges");
            for (a, e) in b.edges.iter().zip(&edges) {
                worst_edge = worst_edge.max((a - e).abs());
                assert!((a - e).abs() <= 1e-12, "{name}: edge {a} vs {e}");
            }
            let counts: Vec<f64> = w["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            assert_eq!(b.counts, counts, "{name}: counts of {:?}", b.label);
            n_counts += counts.len();
        }
    }
    eprintln!("spike histograms: {n_counts} bins equal; worst edge difference {worst_edge:e} ms");
}
