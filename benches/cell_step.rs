//! Single-thread cost of the solver per compartment-step, on the parity fixtures' protocols.
//!
//! `cargo bench --bench cell_step` prints, for the L5 and L2 pyramidal cells, the median wall
//! time of a run and the cost per compartment-step. `benches/neuron_cell.py` runs the same
//! simulations in NEURON through hnn-core; `benches/compare_cell.sh` runs both side by side.
//! Runs are 5× the fixture's 80 ms (same inputs, longer tail), recording soma v and spikes.

use std::time::Instant;

use hnn::sim::RecordSections;
use hnn::{CellProtocol, simulate_cell, template_by_name};

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let repeats: usize = std::env::var("HNN_BENCH_REPEATS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let scale = 5.0;
    let mut out = Vec::new();
    let cells =
        std::env::var("HNN_BENCH_CELLS").unwrap_or_else(|_| "L5_pyramidal,L2_pyramidal".into());
    for name in cells.split(',') {
        let path = format!(
            "{}/tests/fixtures/cells/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
        let mut p: CellProtocol =
            serde_json::from_value(meta["protocol"].clone()).expect("protocol");
        p.tstop *= scale;
        p.record_vsec = RecordSections::Soma;
        p.record_isec = RecordSections::None;
        p.record_ca = RecordSections::None;
        let t = template_by_name(name).expect("template");
        let compartments: usize = t.sections.iter().map(|(_, s)| s.nseg).sum();
        let mut times = Vec::with_capacity(repeats);
        let mut steps = 0;
        let mut spikes = 0;
        for _ in 0..repeats {
            let start = Instant::now();
            let tr = simulate_cell(&t, &p).expect("simulation");
            times.push(start.elapsed().as_secs_f64());
            steps = tr.times.len() - 1;
            spikes = tr.spikes.len();
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let ns = median * 1e9 / (steps * compartments) as f64;
        if !json {
            println!(
                "{name}: {ns:.1} ns per compartment-step (median {:.2} ms, min {:.2} ms over {repeats} runs; {steps} steps x {compartments} compartments; {spikes} spikes)",
                median * 1e3,
                times[0] * 1e3
            );
        }
        out.push(format!(
            "\"{name}\": {{\"ns_per_compartment_step\": {ns}, \"median_s\": {median}, \"min_s\": {}, \"steps\": {steps}, \"compartments\": {compartments}, \"spikes\": {spikes}}}",
            times[0]
        ));
    }
    if json {
        println!("{{{}}}", out.join(", "));
    }
}
