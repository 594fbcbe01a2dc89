//! Embed hnn's Rhai engine in another program: hnn's types and functions plus a host
//! function of this program (`lab_scale`), a script that uses both, and values passed back.
//!
//! `cargo run --release --example embed_engine`

use hnn::script::rhai::{Dynamic, Scope};
use hnn::script::{build_engine, guard};

fn main() {
    let mut engine = build_engine();
    // the host's own function, next to hnn's
    engine.register_fn("lab_scale", |x: f64| x * 3000.0);
    let mut scope = Scope::new();
    scope.push("tstop", 60.0_f64);
    let script = r#"
        let net = jones_2009_model(#{ mesh_shape: [3, 3] });
        add_erp_drives_to_jones_model(net);
        let dpls = simulate_dipole(net, #{ tstop: tstop });
        let agg = dpls[0].data["agg"];
        let peak = 0.0;
        for x in agg { if x.abs() > peak.abs() { peak = x; } }
        #{ spikes: net.cell_response.spike_times[0].len(), peak: lab_scale(peak) }
    "#;
    // `guarded` turns a panic into an error and honours Ctrl-C (hnn::interrupt)
    match guard::guarded(|| engine.eval_with_scope::<Dynamic>(&mut scope, script)) {
        Ok(v) => {
            let m = v.cast::<hnn::script::rhai::Map>();
            println!(
                "from the script: {} spikes, scaled dipole peak {:.3}",
                m["spikes"], m["peak"]
            );
        }
        Err(e) => {
            eprintln!(
                "{}",
                hnn::script::diagnostics::runtime_error("<embedded>", script, &e)
            );
            std::process::exit(1);
        }
    }
}
