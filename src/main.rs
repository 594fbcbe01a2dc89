//! The `hnn` command line.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hnn::sim::RecordSections;
use hnn::sim::cell::{CurrentClamp, SynapticInput};
use hnn::{CellProtocol, Receptor, simulate_cell, template_by_name};

#[derive(Parser)]
#[command(
    name = "hnn",
    version,
    about = "hnn: the Human Neocortical Neurosolver, native"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate one cell template with a somatic current clamp and optional synaptic input.
    Cell {
        /// Template name (L2_pyramidal, L5_pyramidal, L2_basket, L5_basket, L5_pyramidal_calcium, ...).
        template: String,
        /// Stop time [ms].
        #[arg(long, default_value_t = 100.0)]
        tstop: f64,
        /// Time step [ms].
        #[arg(long, default_value_t = 0.025)]
        dt: f64,
        /// Somatic current clamp amplitude [nA].
        #[arg(long, default_value_t = 0.0)]
        amp: f64,
        /// Current clamp onset [ms].
        #[arg(long, default_value_t = 10.0)]
        delay: f64,
        /// Current clamp duration [ms].
        #[arg(long, default_value_t = 50.0)]
        dur: f64,
        /// A synaptic input LOC:RECEPTOR:TIME:WEIGHT (weight in µS, delay 0.1 ms), repeatable.
        #[arg(long = "input")]
        inputs: Vec<String>,
        /// Write t and v at every section centre to this tab-separated file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_input(s: &str) -> Result<SynapticInput, String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 4 {
        return Err(format!(
            "--input '{s}': expected LOC:RECEPTOR:TIME:WEIGHT, e.g. distal:ampa:20:0.01"
        ));
    }
    let num = |x: &str, what: &str| {
        x.parse::<f64>()
            .map_err(|_| format!("--input '{s}': {what} '{x}' is not a number"))
    };
    Ok(SynapticInput {
        loc: parts[0].into(),
        receptor: parts[1]
            .parse::<Receptor>()
            .map_err(|e| format!("--input '{s}': {e}"))?,
        times: vec![num(parts[2], "time")?],
        weight: num(parts[3], "weight")?,
        delay: 0.1,
    })
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Cell {
            template,
            tstop,
            dt,
            amp,
            delay,
            dur,
            inputs,
            out,
        } => {
            let t = template_by_name(&template).map_err(|e| e.to_string())?;
            let mut p = CellProtocol::new(tstop);
            p.dt = dt;
            p.record_vsec = RecordSections::All;
            if amp != 0.0 {
                p.iclamps.push(CurrentClamp {
                    section: "soma".into(),
                    loc: 0.5,
                    delay,
                    dur,
                    amp,
                });
            }
            for s in &inputs {
                p.inputs.push(parse_input(s)?);
            }
            let start = std::time::Instant::now();
            let trace = simulate_cell(&t, &p).map_err(|e| e.to_string())?;
            let elapsed = start.elapsed();
            println!(
                "{template}: {} steps of {dt} ms in {:.1} ms; {} spikes at soma",
                trace.times.len() - 1,
                elapsed.as_secs_f64() * 1e3,
                trace.spikes.len()
            );
            if !trace.spikes.is_empty() {
                let s: Vec<String> = trace.spikes.iter().map(|t| format!("{t:.3}")).collect();
                println!("spike times [ms]: {}", s.join(", "));
            }
            if let Some(path) = out {
                let mut f = std::io::BufWriter::new(
                    std::fs::File::create(&path)
                        .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
                );
                let names: Vec<&str> = trace.vsec.iter().map(|(n, _)| n.as_str()).collect();
                let w = |f: &mut std::io::BufWriter<std::fs::File>, s: String| {
                    f.write_all(s.as_bytes())
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))
                };
                w(&mut f, format!("t\t{}\n", names.join("\t")))?;
                for (k, t) in trace.times.iter().enumerate() {
                    let row: Vec<String> = trace
                        .vsec
                        .iter()
                        .map(|(_, v)| format!("{}", v[k]))
                        .collect();
                    w(&mut f, format!("{t}\t{}\n", row.join("\t")))?;
                }
                println!("wrote {}", path.display());
            }
            Ok(())
        }
    }
}
