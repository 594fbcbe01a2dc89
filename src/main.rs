//! The `hnn` command line: argument parsing only.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hnn::script::{self, ScriptContext};
use hnn::sim::RecordSections;
use hnn::sim::cell::{CurrentClamp, SynapticInput};
use hnn::{CellProtocol, Receptor, simulate_cell, template_by_name};

#[derive(Parser)]
#[command(
    name = "hnn",
    version,
    about = "hnn: the Human Neocortical Neurosolver, native, with hnn-core's API in Rhai"
)]
struct Cli {
    /// Worker threads for simulations (1 gives the same output as many).
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// Define a script constant NAME=VALUE (a number when it parses as one, else a string).
    #[arg(short = 'D', value_name = "NAME=VALUE", global = true)]
    define: Vec<String>,
    /// Run CODE instead of a file.
    #[arg(short = 'e', value_name = "CODE")]
    eval: Option<String>,
    /// A script to run (same as `hnn run FILE`).
    file: Option<PathBuf>,
    /// Arguments after `--` reach the script as ARGS.
    #[arg(last = true)]
    args: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a .rhai script.
    Run {
        /// The script.
        file: PathBuf,
        /// Arguments after `--` reach the script as ARGS.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Parse a script without running it.
    Check {
        /// The script.
        file: PathBuf,
    },
    /// Start the interactive prompt.
    Repl,
    /// Run as a Jupyter kernel (Jupyter starts it), or install the kernelspec.
    #[cfg(feature = "kernel")]
    Kernel {
        /// The connection file Jupyter wrote.
        #[arg(long, value_name = "FILE")]
        connection_file: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<KernelAction>,
    },
    /// Start hnn-core's GUI in the browser: a local web server for this machine's browser.
    #[cfg(feature = "gui")]
    #[command(after_help = "\
The server prints an address with a random token (like Jupyter); requests without the
token are refused. It listens on 127.0.0.1 only, unless --host says otherwise.

Remote use (the simulations run on a server, the page shows on your laptop): on the
server run
    hnn gui --port 8765 --no-browser
then on your laptop forward that port over ssh
    ssh -N -L 8765:localhost:8765 you@server
and open the printed address (http://127.0.0.1:8765/?token=...) in your browser.")]
    Gui {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Print the address only; do not open a browser.
        #[arg(long)]
        no_browser: bool,
        /// Project folder: uploads go to its data/, saved outputs to outputs/, the exported
        /// script to session.rhai.
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
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
        out: Option<PathBuf>,
    },
}

#[cfg(feature = "kernel")]
#[derive(Subcommand)]
enum KernelAction {
    /// Write the kernelspec `hnn` ("hnn (Rhai)") that starts this binary.
    Install {
        /// Into the user's Jupyter data folder (the default).
        #[arg(long, conflicts_with = "prefix")]
        user: bool,
        /// Into DIR/share/jupyter (a virtual environment, conda prefix, /usr/local).
        #[arg(long, value_name = "DIR")]
        prefix: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(feature = "gui")]
    let gui = matches!(cli.command, Some(Command::Gui { .. }));
    #[cfg(not(feature = "gui"))]
    let gui = false;
    // the prompt and the kernel never die of Ctrl-C: it stops the running statement
    let prompt = matches!(cli.command, Some(Command::Repl))
        || is_kernel(&cli.command)
        || (cli.command.is_none()
            && cli.eval.is_none()
            && cli.file.is_none()
            && std::io::stdin().is_terminal());
    // the GUI's Stop button stops runs; Ctrl-C ends the server
    if !gui {
        hnn::interrupt::install_sigint_handler(!prompt);
    }
    // a script started by mpirun/srun runs on every rank (feature `mpi`, docs/cluster.md)
    let script = matches!(cli.command, Some(Command::Run { .. }))
        || (cli.command.is_none() && (cli.eval.is_some() || cli.file.is_some()));
    if script && let Err(e) = hnn::cluster::init() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let result = run(cli);
    match &result {
        // every rank stops, with the message naming this rank
        Err(e) if hnn::cluster::size() > 1 => hnn::cluster::fail(e),
        // MPI_Finalize, when MPI was started
        _ => hnn::cluster::finish(),
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            if hnn::interrupt::is_requested() {
                // Ctrl-C: the shell's convention, 128 + SIGINT
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    if cli.threads == Some(0) {
        return Err("error: --threads must be at least 1".into());
    }
    script::set_threads(cli.threads);
    let mut ctx = ScriptContext::default();
    for d in &cli.define {
        ctx.define(d).map_err(|e| format!("error: {e}"))?;
    }
    match cli.command {
        Some(Command::Run { file, args }) => {
            ctx.args = args;
            script::run_file(&file, &ctx)
        }
        Some(Command::Check { file }) => {
            script::check_file(&file)?;
            println!("{}: ok", file.display());
            Ok(())
        }
        Some(Command::Repl) => script::repl::run(&ctx),
        #[cfg(feature = "kernel")]
        Some(Command::Kernel {
            connection_file,
            action,
        }) => kernel(connection_file, action, &ctx),
        #[cfg(feature = "gui")]
        Some(Command::Gui {
            port,
            host,
            no_browser,
            project,
        }) => hnn::gui::serve(hnn::gui::GuiOptions {
            host,
            port,
            open_browser: !no_browser,
            project,
            threads: cli.threads,
            assets_dir: std::env::var_os("HNN_GUI_ASSETS").map(PathBuf::from),
        }),
        Some(Command::Cell {
            template,
            tstop,
            dt,
            amp,
            delay,
            dur,
            inputs,
            out,
        }) => cell(template, tstop, dt, amp, delay, dur, inputs, out),
        None => {
            ctx.args = cli.args;
            if let Some(code) = cli.eval {
                script::run_code(&code, &ctx)
            } else if let Some(file) = cli.file {
                script::run_file(&file, &ctx)
            } else if std::io::stdin().is_terminal() {
                script::repl::run(&ctx)
            } else {
                let mut code = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut code)
                    .map_err(|e| format!("error: {e}"))?;
                script::run_code(&code, &ctx)
            }
        }
    }
}

#[cfg(feature = "kernel")]
fn is_kernel(c: &Option<Command>) -> bool {
    matches!(c, Some(Command::Kernel { .. }))
}

#[cfg(not(feature = "kernel"))]
fn is_kernel(_: &Option<Command>) -> bool {
    false
}

#[cfg(feature = "kernel")]
fn kernel(
    connection_file: Option<PathBuf>,
    action: Option<KernelAction>,
    ctx: &ScriptContext,
) -> Result<(), String> {
    use hnn::kernel::install::{Target, install};
    match (action, connection_file) {
        (Some(KernelAction::Install { prefix, .. }), _) => {
            let target = prefix.map_or(Target::User, Target::Prefix);
            let exe = std::env::current_exe()
                .and_then(|p| p.canonicalize())
                .map_err(|e| format!("error: cannot find this program's path: {e}"))?;
            let dir = install(&target, &exe).map_err(|e| format!("error: {e}"))?;
            println!("installed kernelspec hnn in {}", dir.display());
            Ok(())
        }
        (None, Some(file)) => hnn::kernel::run(&file, ctx).map_err(|e| format!("error: {e}")),
        (None, None) => Err(
            "error: hnn kernel needs --connection-file FILE (Jupyter starts it so once \
             `hnn kernel install` has written the kernelspec)"
                .into(),
        ),
    }
}

fn parse_input(s: &str) -> Result<SynapticInput, String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 4 {
        return Err(format!(
            "error: --input '{s}': expected LOC:RECEPTOR:TIME:WEIGHT, e.g. distal:ampa:20:0.01"
        ));
    }
    let num = |x: &str, what: &str| {
        x.parse::<f64>()
            .map_err(|_| format!("error: --input '{s}': {what} '{x}' is not a number"))
    };
    Ok(SynapticInput {
        loc: parts[0].into(),
        receptor: parts[1]
            .parse::<Receptor>()
            .map_err(|e| format!("error: --input '{s}': {e}"))?,
        times: vec![num(parts[2], "time")?],
        weight: num(parts[3], "weight")?,
        delay: 0.1,
    })
}

#[allow(clippy::too_many_arguments)]
fn cell(
    template: String,
    tstop: f64,
    dt: f64,
    amp: f64,
    delay: f64,
    dur: f64,
    inputs: Vec<String>,
    out: Option<PathBuf>,
) -> Result<(), String> {
    let t = template_by_name(&template).map_err(|e| format!("error: {e}"))?;
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
    let trace = simulate_cell(&t, &p).map_err(|e| format!("error: {e}"))?;
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
                .map_err(|e| format!("error: cannot create {}: {e}", path.display()))?,
        );
        let names: Vec<&str> = trace.vsec.iter().map(|(n, _)| n.as_str()).collect();
        let mut text = format!("t\t{}\n", names.join("\t"));
        for (k, t) in trace.times.iter().enumerate() {
            let row: Vec<String> = trace
                .vsec
                .iter()
                .map(|(_, v)| format!("{}", v[k]))
                .collect();
            text.push_str(&format!("{t}\t{}\n", row.join("\t")));
        }
        f.write_all(text.as_bytes())
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
