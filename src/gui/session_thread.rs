//! The one thread that owns the Rhai [`Session`] (the engine is not `Send`): statements are
//! sent to it in order and run one after the other, so a run asked for while another runs
//! waits its turn. Simulation progress comes back through [`progress::set_sink`] and goes to
//! the page as events; Stop calls [`interrupt::request`] and drops what waits in the queue.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Value, json};
use tokio::sync::{broadcast, oneshot};

use super::state::{Entry, GuiState, Status};
use crate::interrupt;
use crate::script::ScriptContext;
use crate::script::progress::{self, ProgressEvent};
use crate::script::session::{Display, Executed, FigureImage, Session};

/// How a statement ended.
#[derive(Debug)]
pub enum Outcome {
    /// It ran.
    Done(Executed),
    /// It ran into an error (the message).
    Failed(String),
    /// Stop was pressed while it ran.
    Stopped,
    /// It never started.
    Cancelled,
}

/// What to do with the state when a statement ended (runs on the session thread, with the
/// state locked: it may read the session but must not print).
pub type OnDone = Box<dyn FnOnce(&mut Session, &mut GuiState, &Outcome) + Send>;

/// A statement for the session.
pub struct Job {
    /// What it is for.
    pub label: String,
    /// The Rhai code.
    pub code: String,
    /// Whether the exported script includes it.
    pub exported: bool,
    /// Worker threads for its simulations.
    pub threads: Option<usize>,
    /// A job that must have run without error first.
    pub needs: Option<u64>,
    /// Called when it ended.
    pub on_done: Option<OnDone>,
}

enum Msg {
    Job(u64, Job),
    Query(String, oneshot::Sender<Result<Value, String>>),
}

/// State shared by the server's tasks and the session thread.
pub struct Shared {
    state: Mutex<GuiState>,
    /// Events for the page (JSON text).
    pub events: broadcast::Sender<String>,
    next_id: AtomicU64,
    cancel_upto: AtomicU64,
    running: AtomicU64,
}

impl Shared {
    /// The state, locked (a panic elsewhere never makes it unreachable).
    pub fn lock(&self) -> MutexGuard<'_, GuiState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tell the page that the state changed.
    pub fn changed(&self, state: &mut GuiState) {
        state.version += 1;
        let _ = self
            .events
            .send(json!({ "type": "state", "version": state.version }).to_string());
    }
}

/// The server's way to the session thread.
#[derive(Clone)]
pub struct Handle {
    tx: mpsc::Sender<Msg>,
    /// State and events.
    pub shared: Arc<Shared>,
}

impl Handle {
    /// Start the session thread (its session has no constants: what it runs is all in its
    /// script).
    pub fn start() -> Result<Handle, String> {
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            state: Mutex::new(GuiState::default()),
            events,
            next_id: AtomicU64::new(1),
            cancel_upto: AtomicU64::new(0),
            running: AtomicU64::new(0),
        });
        install_progress(shared.clone());
        let (tx, rx) = mpsc::channel::<Msg>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let sh = shared.clone();
        std::thread::Builder::new()
            .name("hnn-gui-session".into())
            .spawn(move || {
                let printed = sh.clone();
                let session = Session::new(&ScriptContext::default(), move |line| {
                    // the state may be held by an `on_done` reading the session
                    if let Ok(mut st) = printed.state.try_lock() {
                        st.log(line);
                    }
                    let _ = printed
                        .events
                        .send(json!({ "type": "log", "line": line }).to_string());
                });
                match session {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(()));
                        serve(s, rx, sh);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            })
            .map_err(|e| format!("cannot start the session thread: {e}"))?;
        ready_rx
            .recv()
            .map_err(|_| "the session thread ended at start".to_string())??;
        Ok(Handle { tx, shared })
    }

    /// Queue `job`; its number.
    pub fn submit(&self, job: Job) -> u64 {
        let id = self.shared.next_id.fetch_add(1, Ordering::SeqCst);
        {
            let mut st = self.shared.lock();
            st.entries.push(Entry {
                id,
                label: job.label.clone(),
                code: job.code.clone(),
                status: Status::Queued,
                message: None,
                wall_ms: None,
                exported: job.exported,
            });
            self.shared.changed(&mut st);
        }
        if let Err(mpsc::SendError(Msg::Job(_, job))) = self.tx.send(Msg::Job(id, job)) {
            let mut st = self.shared.lock();
            if let Some(e) = st.entry_mut(id) {
                e.status = Status::Failed;
                e.message = Some("the session thread has ended".into());
            }
            finish(
                None,
                &mut st,
                job.on_done,
                &Outcome::Failed("no session".into()),
            );
            self.shared.changed(&mut st);
        }
        id
    }

    /// Evaluate `code` in the session (after what is queued) and hand back its value as
    /// JSON; not part of the script.
    pub async fn query(&self, code: String) -> Result<Value, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Msg::Query(code, tx))
            .map_err(|_| "the session thread has ended".to_string())?;
        rx.await
            .map_err(|_| "the session thread has ended".to_string())?
    }

    /// Stop the running statement at its next epoch end and drop every queued one.
    pub fn stop(&self) {
        let last = self.shared.next_id.load(Ordering::SeqCst).saturating_sub(1);
        self.shared.cancel_upto.fetch_max(last, Ordering::SeqCst);
        if self.shared.running.load(Ordering::SeqCst) != 0 {
            interrupt::request();
        }
    }
}

fn finish(session: Option<&mut Session>, st: &mut GuiState, on_done: Option<OnDone>, o: &Outcome) {
    if let (Some(f), Some(s)) = (on_done, session) {
        f(s, st, o);
    }
}

fn install_progress(shared: Arc<Shared>) {
    let last = Mutex::new(Instant::now());
    progress::set_sink(Some(Arc::new(move |ev: ProgressEvent| {
        let job = shared.running.load(Ordering::Relaxed);
        let msg = match ev {
            ProgressEvent::Simulation { fraction, tstop } => {
                json!({ "type": "progress", "job": job, "fraction": fraction, "tstop": tstop })
            }
            ProgressEvent::Fit {
                done,
                planned,
                best,
            } => {
                json!({ "type": "fit", "job": job, "done": done, "planned": planned,
                        "best": if best.is_finite() { json!(best) } else { Value::Null } })
            }
            ProgressEvent::Finished => json!({ "type": "progress", "job": job, "fraction": 1.0 }),
        };
        // at most 20 events a second, but every end and every fit step
        let fraction = msg.get("fraction").and_then(Value::as_f64);
        let now = Instant::now();
        {
            let mut l = last.lock().unwrap_or_else(|e| e.into_inner());
            if fraction.is_some_and(|f| f < 1.0) && now.duration_since(*l).as_millis() < 50 {
                return;
            }
            *l = now;
        }
        shared.lock().progress = msg.clone();
        let _ = shared.events.send(msg.to_string());
    })));
}

fn serve(mut session: Session, rx: mpsc::Receiver<Msg>, sh: Arc<Shared>) {
    let mut succeeded: HashSet<u64> = HashSet::new();
    for msg in rx {
        match msg {
            Msg::Query(code, reply) => {
                let r = session
                    .eval(&code)
                    .and_then(|v| serde_json::to_value(&v).map_err(|e| e.to_string()));
                let _ = reply.send(r);
            }
            Msg::Job(id, mut job) => {
                let cancelled = id <= sh.cancel_upto.load(Ordering::SeqCst)
                    || job.needs.is_some_and(|n| !succeeded.contains(&n));
                if cancelled {
                    let mut st = sh.lock();
                    if let Some(e) = st.entry_mut(id) {
                        e.status = Status::Cancelled;
                    }
                    finish(
                        Some(&mut session),
                        &mut st,
                        job.on_done.take(),
                        &Outcome::Cancelled,
                    );
                    sh.changed(&mut st);
                    continue;
                }
                {
                    let mut st = sh.lock();
                    st.running = Some(id);
                    st.progress = Value::Null;
                    if let Some(e) = st.entry_mut(id) {
                        e.status = Status::Running;
                    }
                    sh.changed(&mut st);
                }
                sh.running.store(id, Ordering::SeqCst);
                crate::script::set_threads(job.threads);
                let t0 = Instant::now();
                let r = session.execute(&job.code);
                let wall_ms = t0.elapsed().as_secs_f64() * 1e3;
                sh.running.store(0, Ordering::SeqCst);
                let outcome = match r {
                    Ok(x) => Outcome::Done(x),
                    Err(_) if interrupt::is_requested() => Outcome::Stopped,
                    Err(m) => Outcome::Failed(m),
                };
                interrupt::clear();
                let mut st = sh.lock();
                st.running = None;
                let (status, message) = match &outcome {
                    Outcome::Done(_) => {
                        succeeded.insert(id);
                        (Status::Done, None)
                    }
                    Outcome::Failed(m) => (Status::Failed, Some(m.clone())),
                    Outcome::Stopped => (Status::Stopped, Some("stopped".to_string())),
                    Outcome::Cancelled => (Status::Cancelled, None),
                };
                if let Some(m) = &message {
                    st.log(format!("{}: {m}", job.label));
                }
                if let Some(e) = st.entry_mut(id) {
                    e.status = status;
                    e.message = message;
                    e.wall_ms = Some(wall_ms);
                }
                finish(Some(&mut session), &mut st, job.on_done.take(), &outcome);
                sh.changed(&mut st);
                let _ = sh.events.send(
                    json!({ "type": "done", "job": id, "status": status, "wall_ms": wall_ms })
                        .to_string(),
                );
            }
        }
    }
}

/// The figures an input made: those shown, else its value when that is a figure.
pub fn figures_of(x: &Executed) -> Vec<FigureImage> {
    let mut out: Vec<FigureImage> = x
        .figures
        .iter()
        .filter_map(|d| match d {
            Display::Figure(f) => Some(f.clone()),
            Display::Text(_) => None,
        })
        .collect();
    if out.is_empty()
        && let Some(Display::Figure(f)) = &x.value
    {
        out.push(f.clone());
    }
    out
}
