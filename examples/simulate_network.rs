//! Simulate a network from Rust, without scripts: hnn-core's ERP model on a 5 × 5 column,
//! two trials, then the averaged dipole's peak.
//!
//! `cargo run --release --example simulate_network`

use hnn::prelude::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let mut net = jones_2009_model((5, 5))?;
    add_erp_drives_to_jones_model(&mut net, 0.0)?;
    let mut cfg = SimConfig::new(170.0);
    cfg.run.n_trials = 2;
    // Ctrl-C (or any thread calling hnn::interrupt::request) stops the run at an epoch end
    hnn::interrupt::install_sigint_handler(true);
    let out = simulate_dipole(&net, &cfg)?;
    let mut avg = hnn::results::dipole::average_dipoles(&out.dipoles)?;
    avg.smooth(30.0)?.scale(3000.0)?;
    let agg = avg.layer("agg")?;
    let (k, peak) =
        agg.iter().enumerate().fold(
            (0, 0.0f64),
            |b, (k, &x)| if x.abs() > b.1.abs() { (k, x) } else { b },
        );
    println!(
        "{} cells, {} trials: {} spikes; averaged dipole peaks at {:.2} nAm, t = {:.2} ms",
        net.n_cells(),
        cfg.run.n_trials,
        out.cell_response
            .spike_times
            .iter()
            .map(Vec::len)
            .sum::<usize>(),
        peak,
        avg.times[k]
    );
    Ok(())
}
