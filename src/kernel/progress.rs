//! Progress of a running simulation or fit as one updating line under the cell: a
//! `display_data` with a transient display id, then `update_display_data` at most five
//! times a second, and a last update saying what was done. Runs shorter than the first
//! interval show nothing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::outbox::Outbox;
use super::wire::Header;
use crate::script::progress::ProgressEvent;

/// No display before a run has lasted this long, and no update sooner than this after the
/// previous one (five a second at most).
pub const INTERVAL: Duration = Duration::from_millis(200);

/// The progress display of the request being executed.
pub struct ProgressDisplay {
    out: Outbox,
    parent: Arc<Mutex<Option<Header>>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The display id once the line is shown.
    id: Option<String>,
    /// When the current run's first event came.
    started: Option<Instant>,
    /// When the line was last sent.
    sent: Option<Instant>,
    /// The newest line.
    text: String,
    /// What the run is: "simulated 170 ms" or "fit".
    done: String,
    /// Whether the last event said the work was all done (a simulation at 100 %).
    complete: bool,
}

impl ProgressDisplay {
    /// A display sending to `out`, as a child of the request in `parent`.
    pub fn new(out: Outbox, parent: Arc<Mutex<Option<Header>>>) -> ProgressDisplay {
        ProgressDisplay {
            out,
            parent,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, st: &mut State, now: Instant) {
        let parent = self
            .parent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (msg_type, id) = match &st.id {
            Some(id) => ("update_display_data", id.clone()),
            None => {
                let id = format!("hnn-progress-{}", uuid::Uuid::new_v4());
                st.id = Some(id.clone());
                ("display_data", id)
            }
        };
        self.out.publish(
            parent.as_ref(),
            msg_type,
            json!({
                "data": { "text/plain": st.text },
                "metadata": {},
                "transient": { "display_id": id },
            }),
        );
        st.sent = Some(now);
    }

    /// A progress event from the engine (any thread).
    pub fn event(&self, ev: ProgressEvent) {
        let now = Instant::now();
        let mut st = self.lock();
        let started = *st.started.get_or_insert(now);
        match ev {
            ProgressEvent::Simulation { fraction, tstop } => {
                st.text = format!("simulating {tstop} ms {}", bar(fraction));
                st.done = format!("simulated {tstop} ms");
                st.complete = fraction >= 1.0;
            }
            ProgressEvent::Fit {
                done,
                planned,
                best,
            } => {
                st.text = format!(
                    "fitting {} {done}/{planned} evaluations, best {best:.4}",
                    bar(done as f64 / planned.max(1) as f64)
                );
                st.done = format!("fit: {done} evaluations, best {best:.4},");
                st.complete = true;
            }
            ProgressEvent::Finished => {
                if st.id.is_some() {
                    let secs = now.duration_since(started).as_secs_f64();
                    st.text = if st.complete && !crate::interrupt::is_requested() {
                        format!("{} in {secs:.1} s", st.done)
                    } else {
                        format!("{} (stopped after {secs:.1} s)", st.text)
                    };
                    self.send(&mut st, now);
                }
                *st = State::default();
                return;
            }
        }
        let due = match st.sent {
            None => now.duration_since(started) >= INTERVAL,
            Some(t) => now.duration_since(t) >= INTERVAL,
        };
        if due {
            self.send(&mut st, now);
        }
    }

    /// The request ended: a line still open (the run did not finish) says so.
    pub fn close(&self) {
        let mut st = self.lock();
        if st.id.is_some() {
            st.text = format!("{} (stopped)", st.text);
            self.send(&mut st, Instant::now());
        }
        *st = State::default();
    }
}

fn bar(fraction: f64) -> String {
    let f = fraction.clamp(0.0, 1.0);
    let width = 30;
    let filled = ((f * width as f64) as usize).min(width);
    format!(
        "[{}{}] {:>3.0}%",
        "#".repeat(filled),
        "-".repeat(width - filled),
        f * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::wire::{Signer, decode};
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn throttles_to_five_a_second_and_closes_with_a_summary() {
        let (iopub, mut rx) = unbounded_channel();
        let (shell, _s) = unbounded_channel();
        let (control, _c) = unbounded_channel();
        let signer = Signer::new("k");
        let out = Outbox::new("sess".into(), signer.clone(), iopub, shell, control);
        let p = ProgressDisplay::new(out, Arc::new(Mutex::new(None)));
        let sim = |f| ProgressEvent::Simulation {
            fraction: f,
            tstop: 170.0,
        };
        // a run shorter than the interval shows nothing
        p.event(sim(0.5));
        p.event(ProgressEvent::Finished);
        assert!(rx.try_recv().is_err());
        // a long run: 1.2 s of events every 10 ms
        let t0 = Instant::now();
        let mut k = 0;
        while t0.elapsed() < Duration::from_millis(1200) {
            p.event(sim(k as f64 / 120.0));
            k += 1;
            std::thread::sleep(Duration::from_millis(10));
        }
        p.event(sim(1.0));
        p.event(ProgressEvent::Finished);
        let mut msgs = Vec::new();
        while let Ok(f) = rx.try_recv() {
            msgs.push(decode(f, &signer).unwrap());
        }
        assert!(
            msgs.len() >= 4 && msgs.len() <= 7,
            "{} messages",
            msgs.len()
        );
        assert_eq!(msgs[0].msg_type(), "display_data");
        let id = &msgs[0].content["transient"]["display_id"];
        for m in &msgs[1..] {
            assert_eq!(m.msg_type(), "update_display_data");
            assert_eq!(&m.content["transient"]["display_id"], id);
        }
        let last = msgs.last().unwrap().content["data"]["text/plain"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(last.starts_with("simulated 170 ms in 1."), "{last}");
        // a run that ends before 100 % says it stopped
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(300) {
            p.event(sim(0.25));
            std::thread::sleep(Duration::from_millis(10));
        }
        p.event(ProgressEvent::Finished);
        let mut last = None;
        while let Ok(f) = rx.try_recv() {
            last = Some(decode(f, &signer).unwrap());
        }
        let text = last.unwrap().content["data"]["text/plain"].clone();
        let text = text.as_str().unwrap();
        assert!(
            text.contains(" 25%") && text.contains("(stopped after 0.3 s)"),
            "{text}"
        );
    }
}
