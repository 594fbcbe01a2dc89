//! A process-wide request to stop (Ctrl-C): simulations check it at every epoch end and
//! return [`Error::Interrupted`](crate::Error::Interrupted); loops that run many simulations
//! (an optimiser, a batch) check [`is_requested`] between evaluations.
//!
//! The `hnn` binary sets it from SIGINT; an embedder may set it from anything (a GUI's stop
//! button, a timeout thread):
//!
//! ```
//! use hnn::interrupt;
//! interrupt::clear();
//! assert!(!interrupt::is_requested());
//! interrupt::request();
//! assert!(interrupt::check().is_err());
//! interrupt::clear();
//! ```

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Ask every running simulation to stop at its next epoch end. Async-signal-safe.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Withdraw the request (before starting new work).
pub fn clear() {
    REQUESTED.store(false, Ordering::SeqCst);
}

/// Whether a stop was requested.
pub fn is_requested() -> bool {
    REQUESTED.load(Ordering::Relaxed) || requested_here()
}

#[cfg(test)]
thread_local! {
    static HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A request seen by this thread only, so that a unit test of stopping does not stop the
/// tests running beside it in the same process.
#[cfg(test)]
pub(crate) fn request_here(on: bool) {
    HERE.with(|h| h.set(on));
}

#[cfg(test)]
fn requested_here() -> bool {
    HERE.with(|h| h.get())
}

#[cfg(not(test))]
#[inline(always)]
fn requested_here() -> bool {
    false
}

/// `Err(Error::Interrupted)` when a stop was requested.
pub fn check() -> crate::Result<()> {
    if is_requested() {
        Err(crate::Error::Interrupted)
    } else {
        Ok(())
    }
}

static EXIT_ON_SECOND: AtomicBool = AtomicBool::new(false);

/// Make SIGINT (Ctrl-C) call [`request`]. With `exit_on_second`, a second Ctrl-C while a
/// stop is pending ends the process at once with status 130 (a script that never checks);
/// the prompt passes `false` so that it never dies.
#[cfg(unix)]
pub fn install_sigint_handler(exit_on_second: bool) {
    extern "C" fn on_sigint(_: libc::c_int) {
        if EXIT_ON_SECOND.load(Ordering::SeqCst) && REQUESTED.load(Ordering::SeqCst) {
            // SAFETY: _exit is async-signal-safe
            unsafe { libc::_exit(130) }
        }
        request();
    }
    EXIT_ON_SECOND.store(exit_on_second, Ordering::SeqCst);
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: the handler only touches atomics (and _exit), which is async-signal-safe
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
    }
}

/// Without Unix signals there is nothing to install (the embedder calls [`request`]).
#[cfg(not(unix))]
pub fn install_sigint_handler(_exit_on_second: bool) {}
