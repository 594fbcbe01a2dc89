//! What the page shows, kept on the server: the session's script (every statement run,
//! queued, failed or stopped), the runs, the recorded data, the figures, the last forms and
//! the log. The page is a view of it (`GET /api/state`).

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::Value;

/// Where a statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for the statement before it.
    Queued,
    /// Being run.
    Running,
    /// Ran without error.
    Done,
    /// Ran into an error.
    Failed,
    /// Stopped by the Stop button while running.
    Stopped,
    /// Dropped before it started (Stop, or what it needs did not run).
    Cancelled,
}

/// One statement of the session.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Job number.
    pub id: u64,
    /// What it is for ("run 2: default", "load data", ...).
    pub label: String,
    /// The Rhai code.
    pub code: String,
    /// Where it is.
    pub status: Status,
    /// Error message when it failed.
    pub message: Option<String>,
    /// Wall time [ms] once finished.
    pub wall_ms: Option<f64>,
    /// Whether the exported script includes it when done (queries that only read state
    /// are not part of the script).
    pub exported: bool,
}

/// One simulation run.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Run number (the variables are `net_<n>`, `dpls_<n>`).
    pub n: usize,
    /// The name given.
    pub name: String,
    /// Where its simulation is.
    pub status: Status,
    /// [ms]
    pub tstop: f64,
    /// Trials.
    pub n_trials: i64,
    /// Wall time of the simulation statement [ms].
    pub wall_ms: Option<f64>,
    /// The job of its simulation.
    pub job: u64,
}

/// A recorded dipole loaded from a file.
#[derive(Debug, Clone, Serialize)]
pub struct DataInfo {
    /// Data number (the variable is `data_<n>`).
    pub n: usize,
    /// The file's name.
    pub name: String,
    /// Path relative to the project folder.
    pub path: String,
}

/// A figure drawn by a statement.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Figure number (URL `/api/figures/<id>.png`).
    pub id: usize,
    /// Title shown above it.
    pub title: String,
    /// RMSE and correlation of data overlays: `[{ run, data, rmse, corr, axis }]`.
    pub metrics: Value,
    /// The session's variable holding it (`fig_3`, `fig_run_1`): "Add plot" draws into it.
    pub var: String,
    /// Its grid of axes (rows, columns).
    pub grid: (usize, usize),
    /// What each axis shows, axis by axis ("current dipole: default", "data: yes.txt").
    pub plots: Vec<Vec<String>>,
    /// Bumped whenever it is drawn again (the page reloads its image).
    pub rev: u64,
    /// PNG bytes.
    #[serde(skip)]
    pub png: Vec<u8>,
    /// SVG document.
    #[serde(skip)]
    pub svg: String,
}

/// The server's state.
#[derive(Debug, Default, Serialize)]
pub struct GuiState {
    /// Bumped on every change (the page refetches).
    pub version: u64,
    /// The session's statements in order.
    pub entries: Vec<Entry>,
    /// Runs in order.
    pub runs: Vec<RunInfo>,
    /// Loaded data.
    pub data: Vec<DataInfo>,
    /// Figures, oldest first.
    pub figures: Vec<Figure>,
    /// Files written into the project's `outputs/` (saved runs, fit histories), for the
    /// page to offer as downloads.
    pub saved: Vec<String>,
    /// The forms as last sent or loaded (`{ sim, drives, network }`).
    pub forms: Value,
    /// The job being run.
    pub running: Option<u64>,
    /// Last progress event of the running job.
    pub progress: Value,
    /// Printed output and messages, newest last.
    pub log: VecDeque<String>,
}

/// Lines of log kept.
pub const LOG_LINES: usize = 500;

impl GuiState {
    /// Append a log line (the oldest go beyond [`LOG_LINES`]).
    pub fn log(&mut self, line: impl Into<String>) {
        self.log.push_back(line.into());
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }

    /// The entry of job `id`.
    pub fn entry_mut(&mut self, id: u64) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// The run number `n`.
    pub fn run_mut(&mut self, n: usize) -> Option<&mut RunInfo> {
        self.runs.iter_mut().find(|r| r.n == n)
    }

    /// The script reproducing every statement that ran: a header, then each statement done
    /// in order.
    pub fn script(&self, project: &str) -> String {
        let mut s = format!(
            "// HNN session exported by `hnn gui` (hnn {}).\n// Run it from the project folder to reproduce every run:\n//   cd {project} && hnn run session.rhai\n\n",
            env!("CARGO_PKG_VERSION")
        );
        for e in &self.entries {
            if e.exported && e.status == Status::Done {
                s.push_str(&e.code);
                if !e.code.ends_with('\n') {
                    s.push('\n');
                }
                s.push('\n');
            }
        }
        s
    }
}
