//! Size limits checked before allocating or running: a request that would need more memory
//! than the machine has, or more time steps or drive events than a limit, is refused with
//! the numbers instead of aborting or running for days. `simulate_dipole`'s keywords
//! `max_steps` and `max_events` raise the limits for one run; [`set_defaults`] changes
//! them for the process.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

static MAX_STEPS: AtomicU64 = AtomicU64::new(20_000_000);
static MAX_EVENTS: AtomicU64 = AtomicU64::new(50_000_000);

/// The default limits on time steps per trial and drive events per trial.
pub fn defaults() -> (u64, u64) {
    (
        MAX_STEPS.load(Ordering::Relaxed),
        MAX_EVENTS.load(Ordering::Relaxed),
    )
}

/// Change the default limits on time steps per trial and drive events per trial.
pub fn set_defaults(max_steps: u64, max_events: u64) {
    MAX_STEPS.store(max_steps, Ordering::Relaxed);
    MAX_EVENTS.store(max_events, Ordering::Relaxed);
}

/// Physical memory of the machine, in bytes (`/proc/meminfo`; 16 GiB when unknown).
pub fn total_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(16 << 30, |kb| kb * 1024)
}

/// Refuse to allocate `count` values of `bytes_each` bytes for `what` when that is more than
/// the machine's memory (or overflows).
pub fn check_alloc(what: &str, count: f64, bytes_each: usize) -> Result<()> {
    let need = count * bytes_each as f64;
    let have = total_memory() as f64;
    if !(need.is_finite() && need <= have) {
        return Err(Error::TooLarge {
            what: what.into(),
            need: format!("{count:.3e} values ({})", bytes(need)),
            limit: format!("the machine's memory ({})", bytes(have)),
        });
    }
    Ok(())
}

/// Refuse `count` when it is above `limit` (`keyword` is how a script raises the limit).
pub fn check_count(what: &str, count: f64, limit: u64, keyword: &str) -> Result<()> {
    if !(count.is_finite() && count <= limit as f64) {
        return Err(Error::TooLarge {
            what: what.into(),
            need: format!("{count:.3e}"),
            limit: format!("{limit:.3e} (raise it with {keyword})"),
        });
    }
    Ok(())
}

fn bytes(x: f64) -> String {
    if !x.is_finite() {
        return "more than can be counted".into();
    }
    let gib = x / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.1} MiB", x / (1u64 << 20) as f64)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refuses_with_numbers() {
        let e = super::check_alloc("smoothing window", 4e10, 8)
            .unwrap_err()
            .to_string();
        assert!(e.contains("4.000e10"), "{e}");
        assert!(super::check_alloc("x", 10.0, 8).is_ok());
        let e = super::check_count("time steps", 1e24, 100, "max_steps")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_steps"), "{e}");
    }
}
