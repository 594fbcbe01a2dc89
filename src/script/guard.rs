//! No panic reaches the user: script evaluation runs under [`guarded`], which turns a panic
//! inside any registered function into a script error at the position being evaluated, and
//! a stop request ([`crate::interrupt`], Ctrl-C) into an `interrupted` error.
//!
//! The position comes from Rhai's debugger hook, which records the node about to run (the
//! one mechanism that covers every registered function without wrapping each one). The hook
//! is off unless `HNN_PANIC_POSITIONS=1`: with a debugger registered Rhai copies every
//! argument of every function call into its call stack, so a loop such as
//! `for k in 0..n { idx.push(k) }` costs O(n²) and hnn-core's batch example ran 2.2× slower.
//! Without it an internal error names the Rust location of the panic and says how to get the
//! script line.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use rhai::{Dynamic, Engine, EvalAltResult, Position};

thread_local! {
    static LAST_POS: Cell<Position> = const { Cell::new(Position::NONE) };
}

/// How many [`guarded`] evaluations are running (the panic hook stays quiet while > 0).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static MESSAGE: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Text that starts the message of an error made from a panic (the API fuzz looks for it).
pub const INTERNAL: &str = "internal error";

/// The environment variable that turns on [`track_positions`] in [`super::build_engine`].
pub const POSITIONS_ENV: &str = "HNN_PANIC_POSITIONS";

/// Stop on request, and record positions when [`POSITIONS_ENV`] is `1`: installed by
/// [`super::build_engine`].
pub fn install(engine: &mut Engine) {
    if std::env::var(POSITIONS_ENV).as_deref() == Ok("1") {
        track_positions(engine);
    }
    engine.on_progress(|_| {
        if crate::interrupt::is_requested() {
            Some(Dynamic::from("interrupted"))
        } else {
            None
        }
    });
}

/// Record the position of every node about to run, so that an internal error names its
/// script line. Costly: Rhai then copies every call's arguments (see the module docs).
// `register_debugger` is marked "volatile" (deprecated-as-warning) by Rhai, not deprecated.
#[allow(deprecated)]
pub fn track_positions(engine: &mut Engine) {
    engine.register_debugger(
        |_, dbg| dbg,
        |_, _, _, _, pos| {
            if !pos.is_none() {
                LAST_POS.with(|p| p.set(pos));
            }
            Ok(rhai::debugger::DebuggerCommand::StepInto)
        },
    );
}

fn install_hook() {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) > 0 {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                if let Ok(mut m) = MESSAGE.lock() {
                    *m = Some(format!("{msg}{at}"));
                }
            } else {
                default(info);
            }
        }));
    });
}

/// Run `f` (an evaluation with `engine`): a panic becomes an [`INTERNAL`] error at the
/// script position that was running, and a termination by a stop request becomes
/// `interrupted`.
pub fn guarded<T>(
    f: impl FnOnce() -> Result<T, Box<EvalAltResult>>,
) -> Result<T, Box<EvalAltResult>> {
    install_hook();
    LAST_POS.with(|p| p.set(Position::NONE));
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    let r = catch_unwind(AssertUnwindSafe(f));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    match r {
        Ok(Err(e)) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => Err(Box::new(
            EvalAltResult::ErrorRuntime("interrupted".into(), e.position()),
        )),
        Ok(r) => r,
        Err(_) => {
            let msg = MESSAGE
                .lock()
                .ok()
                .and_then(|mut m| m.take())
                .unwrap_or_else(|| "panic".into());
            let pos = LAST_POS.with(|p| p.get());
            let hint = if pos.is_none() {
                format!("; run again with {POSITIONS_ENV}=1 to see the script line")
            } else {
                String::new()
            };
            Err(Box::new(EvalAltResult::ErrorRuntime(
                format!("{INTERNAL} (a bug in hnn, please report it): {msg}{hint}").into(),
                pos,
            )))
        }
    }
}

/// Whether `e` is (or wraps) a stop request.
pub fn is_interrupt(e: &EvalAltResult) -> bool {
    let mut cur = e;
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = cur {
        cur = inner;
    }
    match cur {
        EvalAltResult::ErrorRuntime(v, _) => {
            v.clone().into_string().is_ok_and(|s| s == "interrupted")
        }
        EvalAltResult::ErrorTerminated(..) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error_at_the_call() {
        let mut engine = super::super::build_engine();
        engine.register_fn("boom", |x: i64| -> i64 {
            let v: Vec<i64> = Vec::new();
            v[x as usize]
        });
        let script = "let a = 1;\nlet b = boom(3);\nb";
        // by default: an error naming the panic and how to get the line
        let e = super::guarded(|| engine.eval::<i64>(script)).unwrap_err();
        assert!(e.to_string().contains(super::INTERNAL), "{e}");
        assert!(e.to_string().contains(super::POSITIONS_ENV), "{e}");
        // with positions tracked: the line of the call
        super::track_positions(&mut engine);
        let e = super::guarded(|| engine.eval::<i64>(script)).unwrap_err();
        assert!(e.to_string().contains(super::INTERNAL), "{e}");
        assert_eq!(e.position().line(), Some(2), "{e}");
        // the engine still works afterwards
        assert_eq!(super::guarded(|| engine.eval::<i64>("40 + 2")).unwrap(), 42);
    }

    #[test]
    fn a_stop_request_ends_a_loop() {
        let engine = super::super::build_engine();
        // this thread only: a process-wide request would stop the tests running beside it
        crate::interrupt::request_here(true);
        let e = super::guarded(|| engine.run("let i = 0; loop { i += 1; }"));
        crate::interrupt::request_here(false);
        let e = e.unwrap_err();
        assert!(super::is_interrupt(&e), "{e}");
    }
}
