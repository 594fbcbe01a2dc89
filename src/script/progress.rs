//! A one-line progress bar on stderr while a simulation runs, shown only on a terminal; or,
//! when a front end (the Jupyter kernel, the GUI) has installed a [`set_sink`], the same
//! progress as [`ProgressEvent`]s handed to it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::sim::network::Progress;

/// Progress of the work a statement started, as a front end receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    /// A simulation to `tstop` ms is `fraction` (0–1) done.
    Simulation {
        /// Fraction of the time steps of all trials done.
        fraction: f64,
        /// The run's tstop [ms].
        tstop: f64,
    },
    /// A fit has done `done` of `planned` evaluations; the best objective so far.
    Fit {
        /// Evaluations done.
        done: usize,
        /// Evaluations planned.
        planned: usize,
        /// Best objective value so far.
        best: f64,
    },
    /// The simulation or fit finished (the bar is cleared).
    Finished,
}

/// Where progress goes instead of the terminal.
pub type Sink = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

static SINK: Mutex<Option<Sink>> = Mutex::new(None);

/// Send progress to `sink` (from any thread the engine uses) instead of stderr; `None`
/// restores the terminal bar.
pub fn set_sink(sink: Option<Sink>) {
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = sink;
}

fn sink() -> Option<Sink> {
    SINK.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn on_terminal() -> bool {
    // under MPI only rank 0 draws the bar
    crate::cluster::is_root()
        && std::io::stderr().is_terminal()
        && std::env::var_os("HNN_NO_PROGRESS").is_none()
}

/// The bar of one `simulate_dipole` call.
pub struct Bar {
    state: Option<Arc<AtomicUsize>>,
    tstop: f64,
    sink: Option<Sink>,
}

impl Bar {
    /// A bar for a run to `tstop` ms (inactive when stderr is not a terminal and no sink is
    /// installed).
    pub fn new(tstop: f64) -> Bar {
        let sink = sink();
        let on = sink.is_some() || on_terminal();
        Bar {
            state: on.then(|| Arc::new(AtomicUsize::new(0))),
            tstop,
            sink,
        }
    }

    /// The callback to hand to the simulation.
    pub fn callback(&self) -> Option<Progress> {
        let done = self.state.clone()?;
        let tstop = self.tstop;
        let sink = self.sink.clone();
        Some(Progress(Arc::new(move |steps, total| {
            let d = done.fetch_add(steps, Ordering::Relaxed) + steps;
            let frac = d as f64 / total.max(1) as f64;
            if let Some(s) = &sink {
                s(ProgressEvent::Simulation {
                    fraction: frac.min(1.0),
                    tstop,
                });
                return;
            }
            let width = 30;
            let filled = ((frac * width as f64) as usize).min(width);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r  simulating [{}{}] {:>3.0}% ({} ms)",
                "#".repeat(filled),
                " ".repeat(width - filled),
                frac * 100.0,
                tstop
            );
            let _ = err.flush();
        })))
    }

    /// Clear the line.
    pub fn finish(&self) {
        if let Some(s) = &self.sink {
            s(ProgressEvent::Finished);
        } else if self.state.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(60));
            let _ = err.flush();
        }
    }
}

/// The bar of a fit: evaluations done of those planned and the best objective so far.
pub struct FitBar {
    on: bool,
    sink: Option<Sink>,
}

impl FitBar {
    /// A bar on stderr (inactive when stderr is not a terminal or HNN_NO_PROGRESS is set),
    /// or the installed sink.
    pub fn new() -> FitBar {
        FitBar {
            on: on_terminal(),
            sink: sink(),
        }
    }

    /// Show `done` of `total` evaluations and the best value.
    pub fn update(&self, done: usize, total: usize, best: f64) {
        if let Some(s) = &self.sink {
            s(ProgressEvent::Fit {
                done,
                planned: total,
                best,
            });
            return;
        }
        if !self.on {
            return;
        }
        let width = 30;
        let filled = (done * width / total.max(1)).min(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r  fitting [{}{}] {done}/{total} evaluations, best {best:.4}",
            "#".repeat(filled),
            " ".repeat(width - filled),
        );
        let _ = err.flush();
    }

    /// Clear the line.
    pub fn finish(&self) {
        if let Some(s) = &self.sink {
            s(ProgressEvent::Finished);
        } else if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(78));
            let _ = err.flush();
        }
    }
}

impl Default for FitBar {
    fn default() -> Self {
        Self::new()
    }
}
