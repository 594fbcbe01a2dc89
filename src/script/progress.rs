//! A one-line progress bar on stderr while a simulation runs, shown only on a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::sim::network::Progress;

/// The bar of one `simulate_dipole` call.
pub struct Bar {
    state: Option<Arc<AtomicUsize>>,
    tstop: f64,
}

impl Bar {
    /// A bar for a run to `tstop` ms (inactive when stderr is not a terminal).
    pub fn new(tstop: f64) -> Bar {
        let on = std::io::stderr().is_terminal() && std::env::var_os("HNN_NO_PROGRESS").is_none();
        Bar {
            state: on.then(|| Arc::new(AtomicUsize::new(0))),
            tstop,
        }
    }

    /// The callback to hand to the simulation.
    pub fn callback(&self) -> Option<Progress> {
        let done = self.state.clone()?;
        let tstop = self.tstop;
        Some(Progress(Arc::new(move |steps, total| {
            let d = done.fetch_add(steps, Ordering::Relaxed) + steps;
            let frac = d as f64 / total.max(1) as f64;
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
        if self.state.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(60));
            let _ = err.flush();
        }
    }
}

/// The bar of a fit: evaluations done of those planned and the best objective so far.
pub struct FitBar {
    on: bool,
}

impl FitBar {
    /// A bar on stderr (inactive when stderr is not a terminal or HNN_NO_PROGRESS is set).
    pub fn new() -> FitBar {
        FitBar {
            on: std::io::stderr().is_terminal() && std::env::var_os("HNN_NO_PROGRESS").is_none(),
        }
    }

    /// Show `done` of `total` evaluations and the best value.
    pub fn update(&self, done: usize, total: usize, best: f64) {
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
        if self.on {
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
