//! Network benchmark: the JOSS example (tstop 100 ms), one ERP trial (tstop 170 ms), and the
//! ERP trial of hnn-core's extracellular example (cells 30 µm apart, a 25-contact PSA shank).
//!
//! `cargo bench --bench network -- [joss|erp|lfp] [--threads N] [--repeats R] [--json]` prints the
//! median wall time of `simulate_dipole` (lowering, drive events, the run, the dipole) and
//! the process's peak resident memory. `benches/compare_network.sh` runs every case in its
//! own process next to hnn-core (`benches/hnn_core_network.py`).

use std::time::Instant;

use hnn::network::Network;
use hnn::network::electrodes::{ElectrodeArray, Method};
#[path = "../tests/common/mod.rs"]
mod common;

use hnn::network::models::{add_erp_drives_to_jones_model, jones_2009_model};
use hnn::sim::network::{SimConfig, simulate_dipole};

fn case(name: &str) -> (Network, f64) {
    if name == "joss" {
        return (common::joss_network(), 100.0);
    }
    let mut net = jones_2009_model((10, 10)).expect("model");
    add_erp_drives_to_jones_model(&mut net, 0.0).expect("drives");
    if name == "lfp" {
        net.set_cell_positions(Some(30.0), None).expect("positions");
        let contacts = (-325..2150)
            .step_by(100)
            .map(|z| [135.0, 135.0, z as f64])
            .collect();
        let arr = ElectrodeArray::new("shank1", contacts, 0.3, Method::Psa, 0.5).expect("array");
        net.add_electrode_array(arr).expect("array");
    }
    (net, 170.0)
}

/// Peak resident set size of this process [MiB] (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.to_string())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let threads: usize = get("--threads").and_then(|s| s.parse().ok()).unwrap_or(1);
    let repeats: usize = get("--repeats").and_then(|s| s.parse().ok()).unwrap_or(5);
    let json = args.iter().any(|a| a == "--json");
    let cases: Vec<&str> = ["joss", "erp", "lfp"]
        .into_iter()
        .filter(|c| args.iter().any(|a| a == c))
        .collect();
    let cases = if cases.is_empty() {
        vec!["joss", "erp", "lfp"]
    } else {
        cases
    };
    for name in cases {
        let (net, tstop) = case(name);
        let mut cfg = SimConfig::new(tstop);
        cfg.threads = Some(threads);
        let mut times = Vec::new();
        let mut spikes = 0;
        for _ in 0..repeats {
            let start = Instant::now();
            let out = simulate_dipole(&net, &cfg).expect("simulation");
            times.push(start.elapsed().as_secs_f64());
            spikes = out.cell_response.spike_times[0].len();
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let rss = peak_rss_mib();
        if json {
            println!(
                "{{\"engine\": \"hnn-rs\", \"case\": \"{name}\", \"threads\": {threads}, \"median_s\": {median}, \"min_s\": {}, \"peak_rss_mib\": {rss}, \"spikes\": {spikes}}}",
                times[0]
            );
        } else {
            println!(
                "{name}: {:.3} s median ({:.3} s min, {repeats} runs, {threads} thread(s)), peak RSS {rss:.0} MiB, {spikes} spikes",
                median, times[0]
            );
        }
    }
}
