//! Per-phase cost of the group step, ns per compartment-step, one thread.
//!
//! `cargo bench --bench group_step` builds 16-cell groups (as networks step them) and single
//! cells of the L5 and L2 pyramidal templates, drives every cell with a somatic current clamp
//! of its own amplitude and every synapse with events every 5 ms (so cells spike at different
//! times and synapses are active), and steps them at dt = 0.025 ms. It prints, per phase of
//! `CellGroup::advance` (see `hnn::solver::group::Phase`), the median over repeats of the
//! time per compartment-step, the sum of the phases, and the plain step without timers.
//! `HNN_BENCH_MS` sets the simulated time (default 200 ms), `HNN_BENCH_REPEATS` the repeats
//! (default 5), `HNN_BENCH_CASE` one case only (`L5x16`, `L2x16`, `L5x1`, `L2x1`), `--json`
//! prints one JSON object.

use std::sync::Arc;
use std::time::Instant;

use hnn::lower::lower;
use hnn::mech::rates::Tables;
use hnn::solver::group::{CellGroup, Phase, PhaseTimes};
use hnn::template_by_name;

struct Case {
    name: &'static str,
    lanes: usize,
}

fn build(name: &str, lanes: usize, dt: f64, tables: &Tables) -> CellGroup {
    let cell = Arc::new(lower(&template_by_name(name).expect("template")).expect("lowering"));
    let mut g = CellGroup::new(cell.clone(), lanes, dt, tables, 0.0).expect("group");
    let soma = cell.soma_node;
    for c in 0..lanes {
        // 0.3 to 0.6 nA from 10 ms on: every cell fires, each at its own rate
        let amp = 0.3 + 0.3 * c as f64 / lanes.max(2) as f64;
        g.add_iclamp(c, soma, 10.0, 1e9, amp).expect("clamp");
    }
    g
}

fn run(
    g: &mut CellGroup,
    tables: &Tables,
    steps: usize,
    mut times: Option<&mut PhaseTimes>,
) -> f64 {
    let n_syn = g.syn.node.len();
    let mut spikes = Vec::new();
    let every = (5.0 / g.dt).round() as usize;
    let start = Instant::now();
    for s in 0..steps {
        if s % every == 0 {
            let t = g.t;
            for k in 0..n_syn {
                g.events
                    .push(t + 1.0 + (k % 7) as f64 * 0.3, k as u32, 1e-3);
            }
        }
        // `step` is `detect_spikes` followed by `advance`
        g.detect_spikes(&mut spikes);
        match times.as_deref_mut() {
            Some(times) => g.advance_timed(tables, times),
            None => g.advance(tables),
        }
        .expect("step");
    }
    assert!(!spikes.is_empty(), "the clamps make the cells fire");
    start.elapsed().as_secs_f64()
}

fn median(mut x: Vec<f64>) -> f64 {
    x.sort_by(f64::total_cmp);
    x[x.len() / 2]
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let ms = env("HNN_BENCH_MS", 200.0);
    let repeats = env("HNN_BENCH_REPEATS", 5.0) as usize;
    let dt = 0.025;
    let steps = (ms / dt) as usize;
    let tables = Tables::new(37.0);
    let cases = [
        Case {
            name: "L5_pyramidal",
            lanes: 16,
        },
        Case {
            name: "L2_pyramidal",
            lanes: 16,
        },
        Case {
            name: "L5_pyramidal",
            lanes: 1,
        },
        Case {
            name: "L2_pyramidal",
            lanes: 1,
        },
    ];
    // HNN_BENCH_CASE=L5x1 (say) runs only that case
    let only = std::env::var("HNN_BENCH_CASE").unwrap_or_default();
    let mut rows = Vec::new();
    for case in &cases {
        let label = format!("{}x{}", &case.name[..2], case.lanes);
        if !only.is_empty() && only != label {
            continue;
        }
        let probe = build(case.name, case.lanes, dt, &tables);
        let cs = (probe.n_mem() * steps) as f64; // compartment-steps
        let mut per_phase = vec![Vec::new(); Phase::ALL.len()];
        let mut plain = Vec::new();
        for _ in 0..repeats {
            let mut g = build(case.name, case.lanes, dt, &tables);
            plain.push(run(&mut g, &tables, steps, None) * 1e9 / cs);
            let mut g = build(case.name, case.lanes, dt, &tables);
            let mut times = PhaseTimes::default();
            run(&mut g, &tables, steps, Some(&mut times));
            for (k, v) in per_phase.iter_mut().enumerate() {
                v.push(times.ns[k] as f64 / cs);
            }
        }
        let phases: Vec<f64> = per_phase.into_iter().map(median).collect();
        rows.push((case, phases, median(plain)));
    }
    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|(c, p, plain)| {
                let ph: Vec<String> = Phase::ALL
                    .iter()
                    .zip(p)
                    .map(|(ph, v)| format!("\"{ph:?}\": {v:.3}"))
                    .collect();
                format!(
                    "\"{}x{}\": {{{}, \"sum\": {:.3}, \"step\": {plain:.3}}}",
                    c.name,
                    c.lanes,
                    ph.join(", "),
                    p.iter().sum::<f64>()
                )
            })
            .collect();
        println!("{{{}}}", items.join(", "));
        return;
    }
    println!("ns per compartment-step, one thread, {ms} ms at dt {dt}, median of {repeats}");
    print!("{:<14}", "phase");
    for (c, _, _) in &rows {
        print!("{:>12}", format!("{}x{}", &c.name[..2], c.lanes));
    }
    println!();
    for (k, ph) in Phase::ALL.iter().enumerate() {
        print!("{:<14}", format!("{ph:?}"));
        for (_, p, _) in &rows {
            print!("{:>12.2}", p[k]);
        }
        println!();
    }
    print!("{:<14}", "sum");
    for (_, p, _) in &rows {
        print!("{:>12.2}", p.iter().sum::<f64>());
    }
    println!();
    print!("{:<14}", "step (plain)");
    for (_, _, plain) in &rows {
        print!("{plain:>12.2}");
    }
    println!();
}
