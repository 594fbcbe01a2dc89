//! The engine thread: one [`Session`] (the Rhai engine is not `Send`) answering the shell
//! requests in order — execute, complete, inspect, is_complete, kernel_info, history,
//! comm_info — with status busy/idle around each.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{Value, json};

use super::outbox::{Channel, Outbox};
use super::progress::ProgressDisplay;
use super::wire::{Header, Message, PROTOCOL_VERSION};
use crate::script::ScriptContext;
use crate::script::session::{Completeness, Display, Session};

/// The content of a `kernel_info_reply`.
pub fn kernel_info() -> Value {
    json!({
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "hnn",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "rhai",
            "version": "1",
            "mimetype": "text/x-rhai",
            "file_extension": ".rhai",
            // Rhai's syntax is close enough to Rust's for highlighting
            "pygments_lexer": "rust",
            "codemirror_mode": "rust",
        },
        "banner": format!(
            "hnn {} — hnn-core's API in Rhai. help() lists functions.",
            env!("CARGO_PKG_VERSION")
        ),
        "help_links": [],
        "debugger": false,
    })
}

/// The session and the state of the shell protocol.
pub struct Kernel {
    session: Session,
    out: Outbox,
    /// Executions counted so far (`In [n]`).
    count: u64,
    /// The header of the request being handled (`print` and progress are its children).
    parent: Arc<Mutex<Option<Header>>>,
    progress: Arc<ProgressDisplay>,
}

impl Kernel {
    /// A kernel with a new session; `print` and progress go to `out` as children of the
    /// request being executed.
    pub fn new(ctx: &ScriptContext, out: Outbox) -> Result<Kernel, String> {
        let parent: Arc<Mutex<Option<Header>>> = Arc::new(Mutex::new(None));
        let (o, p) = (out.clone(), parent.clone());
        let session = Session::new(ctx, move |line| {
            let h = p.lock().unwrap_or_else(|e| e.into_inner()).clone();
            o.publish(
                h.as_ref(),
                "stream",
                json!({ "name": "stdout", "text": format!("{line}\n") }),
            );
        })?;
        let progress = Arc::new(ProgressDisplay::new(out.clone(), parent.clone()));
        Ok(Kernel {
            session,
            out,
            count: 0,
            parent,
            progress,
        })
    }

    /// Handle requests until the sockets are gone.
    pub fn run(&mut self, requests: Receiver<Message>) {
        let sink = self.progress.clone();
        crate::script::progress::set_sink(Some(Arc::new(move |ev| sink.event(ev))));
        while let Ok(msg) = requests.recv() {
            // as ipykernel does: executions queued behind a failed one are not run (those
            // that came before its reply was sent)
            for queued in self.handle(&msg, &requests) {
                if queued.msg_type() == "execute_request" {
                    self.abort(&queued);
                } else {
                    self.handle(&queued, &requests);
                }
            }
        }
        crate::script::progress::set_sink(None);
    }

    fn set_parent(&self, h: Option<&Header>) {
        *self.parent.lock().unwrap_or_else(|e| e.into_inner()) = h.cloned();
    }

    /// Handle one shell request. When it was an execution that failed (and stops on
    /// errors), the requests that were queued behind it are returned, not handled.
    pub fn handle(&mut self, msg: &Message, requests: &Receiver<Message>) -> Vec<Message> {
        let reply_type = match msg.msg_type() {
            "execute_request" => "execute_reply",
            "complete_request" => "complete_reply",
            "inspect_request" => "inspect_reply",
            "is_complete_request" => "is_complete_reply",
            "kernel_info_request" => "kernel_info_reply",
            "history_request" => "history_reply",
            "comm_info_request" => "comm_info_reply",
            // no comm targets: a comm opened by a client is closed again
            "comm_open" => {
                if let Some(id) = msg.content["comm_id"].as_str() {
                    self.out.publish(
                        Some(&msg.header),
                        "comm_close",
                        json!({ "comm_id": id, "data": {} }),
                    );
                }
                return Vec::new();
            }
            "comm_msg" | "comm_close" => return Vec::new(),
            other => {
                eprintln!("[hnn kernel] ignored shell message of type '{other}'");
                return Vec::new();
            }
        };
        self.out.status(Some(&msg.header), "busy");
        let mut queued = Vec::new();
        let content = match msg.msg_type() {
            "execute_request" => {
                let (c, ok) = self.execute(msg);
                if !ok && msg.content["stop_on_error"].as_bool().unwrap_or(true) {
                    queued = requests.try_iter().collect();
                }
                c
            }
            "complete_request" => self.complete(&msg.content),
            "inspect_request" => self.inspect(&msg.content),
            "is_complete_request" => self.is_complete(&msg.content),
            "kernel_info_request" => kernel_info(),
            "history_request" => json!({ "status": "ok", "history": [] }),
            _ => json!({ "status": "ok", "comms": {} }),
        };
        self.out.reply(Channel::Shell, msg, reply_type, content);
        self.out.status(Some(&msg.header), "idle");
        queued
    }

    fn abort(&mut self, msg: &Message) {
        self.out.status(Some(&msg.header), "busy");
        self.out.reply(
            Channel::Shell,
            msg,
            "execute_reply",
            json!({ "status": "aborted", "execution_count": self.count }),
        );
        self.out.status(Some(&msg.header), "idle");
    }

    /// Run a cell: (the reply's content, whether it succeeded).
    fn execute(&mut self, msg: &Message) -> (Value, bool) {
        let c = &msg.content;
        let Some(code) = c["code"].as_str() else {
            return self.error(
                msg,
                "MessageError",
                "error: execute_request without a 'code' string".into(),
            );
        };
        let silent = c["silent"].as_bool().unwrap_or(false);
        if !silent && c["store_history"].as_bool().unwrap_or(true) {
            self.count += 1;
        }
        if !silent {
            self.out.publish(
                Some(&msg.header),
                "execute_input",
                json!({ "code": code, "execution_count": self.count }),
            );
        }
        if matches!(code.trim(), "exit" | "quit" | "exit()" | "quit()") {
            // as at the prompt: the front end is asked to close (jupyter console does)
            let ask_exit = json!([{ "source": "ask_exit", "keepkernel": false }]);
            let mut ok = ok_reply(self.count);
            ok["payload"] = ask_exit;
            return (ok, true);
        }
        self.set_parent(Some(&msg.header));
        let r = self.session.execute(code);
        self.progress.close();
        self.set_parent(None);
        match r {
            Ok(done) => {
                if !silent {
                    for f in &done.figures {
                        self.out
                            .publish(Some(&msg.header), "display_data", display_content(f));
                    }
                    if let Some(v) = &done.value {
                        let mut content = display_content(v);
                        content["execution_count"] = json!(self.count);
                        self.out
                            .publish(Some(&msg.header), "execute_result", content);
                    }
                }
                (ok_reply(self.count), true)
            }
            Err(text) => {
                let ename = if text.lines().next().unwrap_or("").contains("syntax error") {
                    "SyntaxError"
                } else if crate::interrupt::is_requested() {
                    "Interrupted"
                } else {
                    "ScriptError"
                };
                self.error(msg, ename, text)
            }
        }
    }

    /// An `error` broadcast and the reply content of a failed execution.
    fn error(&self, msg: &Message, ename: &str, text: String) -> (Value, bool) {
        let evalue = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_string();
        let traceback: Vec<&str> = text.lines().collect();
        let e = json!({ "ename": ename, "evalue": evalue, "traceback": traceback });
        self.out.publish(Some(&msg.header), "error", e.clone());
        let mut reply = e;
        reply["status"] = json!("error");
        reply["execution_count"] = json!(self.count);
        (reply, false)
    }

    fn complete(&self, c: &Value) -> Value {
        let code = c["code"].as_str().unwrap_or("");
        let cursor = cursor_byte(code, &c["cursor_pos"]);
        let (start, matches) = self.session.complete(code, cursor);
        json!({
            "status": "ok",
            "matches": matches,
            "cursor_start": code[..start].chars().count(),
            "cursor_end": code[..cursor].chars().count(),
            "metadata": {},
        })
    }

    fn inspect(&self, c: &Value) -> Value {
        let code = c["code"].as_str().unwrap_or("");
        let cursor = cursor_byte(code, &c["cursor_pos"]);
        match self.session.inspect(code, cursor) {
            Some(text) => json!({
                "status": "ok", "found": true, "data": { "text/plain": text }, "metadata": {},
            }),
            None => json!({ "status": "ok", "found": false, "data": {}, "metadata": {} }),
        }
    }

    fn is_complete(&self, c: &Value) -> Value {
        let code = c["code"].as_str().unwrap_or("");
        match self.session.is_complete(code) {
            Completeness::Complete => json!({ "status": "complete" }),
            Completeness::Incomplete => json!({ "status": "incomplete", "indent": "" }),
            Completeness::Invalid => json!({ "status": "invalid" }),
        }
    }
}

fn ok_reply(count: u64) -> Value {
    json!({ "status": "ok", "execution_count": count, "payload": [], "user_expressions": {} })
}

/// The byte offset of a cursor given in code points (the protocol counts characters);
/// missing means the end.
fn cursor_byte(code: &str, pos: &Value) -> usize {
    match pos.as_u64() {
        Some(n) => code
            .char_indices()
            .nth(n as usize)
            .map_or(code.len(), |(i, _)| i),
        None => code.len(),
    }
}

/// A value or figure as a mime bundle (`display_data`/`execute_result` content).
fn display_content(d: &Display) -> Value {
    match d {
        Display::Text(t) => json!({ "data": { "text/plain": t }, "metadata": {} }),
        Display::Figure(f) => json!({
            "data": {
                "image/png": base64::engine::general_purpose::STANDARD.encode(&f.png),
                "image/svg+xml": f.svg,
                "text/plain": format!("<Figure size {}x{}>", f.width, f.height),
            },
            "metadata": {},
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_count_characters() {
        let code = "let µ = jon";
        assert_eq!(cursor_byte(code, &json!(11)), code.len());
        // µ is two bytes: the characters after it are one byte further
        assert_eq!(cursor_byte(code, &json!(4)), 4);
        assert_eq!(cursor_byte(code, &json!(5)), 6);
        assert_eq!(cursor_byte(code, &json!(99)), code.len());
        assert_eq!(cursor_byte(code, &Value::Null), code.len());
    }
}
