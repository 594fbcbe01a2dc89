//! `hnn kernel`: a Jupyter kernel speaking the messaging protocol 5.3 over ZeroMQ (pure Rust),
//! so that notebooks (JupyterLab, VS Code, classic) run Rhai cells with inline figures.
//!
//! One [`Session`](crate::script::session::Session) per kernel keeps variables across
//! cells, as the prompt does. The engine is single-threaded, so the session lives on the
//! thread that calls [`run`] and the sockets on a thread of their own: an
//! `interrupt_request` on the control socket (or SIGINT) stops a running simulation, fit or
//! batch at its next epoch end while the shell is busy.
//!
//! - [`connection`]: the connection file Jupyter writes;
//! - [`wire`]: message frames, HMAC-SHA256 signatures, headers;
//! - [`outbox`]: signed messages queued for the sockets from any thread;
//! - [`server`]: the sockets and the control channel;
//! - [`shell`]: the engine thread's answers (execute, complete, inspect, is_complete, ...);
//! - [`progress`]: simulation/fit progress as an updating display;
//! - [`install`]: the kernelspec (`hnn kernel install`).

pub mod connection;
pub mod install;
pub mod outbox;
pub mod progress;
pub mod server;
pub mod shell;
pub mod wire;

use std::path::Path;

use crate::script::ScriptContext;

/// Run a kernel on the sockets named in `connection_file` until a shutdown request.
pub fn run(connection_file: &Path, ctx: &ScriptContext) -> Result<(), String> {
    let info = connection::ConnectionInfo::read(connection_file)?;
    server::run(info, ctx)
}
