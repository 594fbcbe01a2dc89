//! Ranks: one script run by every process of an MPI job (`mpirun -n N hnn run s.rhai`,
//! cargo feature `mpi`).
//!
//! Every rank runs the same script, so every rank reaches the same simulation calls in the
//! same order; those calls are *collective*: [`crate::sim::network::simulate_dipole`] steps
//! a share of the network's cell groups on each rank, batches and an optimiser's parallel
//! evaluations give each rank a share of their rows ([`share`]), and the results are
//! gathered so that every rank holds what one process would hold, to the last bit. Files
//! are written by rank 0 ([`root_writes`]), `print` prints on rank 0.
//!
//! Only the thread that started MPI (the script's thread) talks to the other ranks; work
//! running on other threads, or inside [`local`], is never collective. Without the `mpi`
//! feature, or when the process was not started by an MPI launcher, there is one rank and
//! every function here is a plain local call.

pub mod wire;
#[cfg(feature = "mpi")]
mod world;

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use wire::Wire;

static RANK: AtomicUsize = AtomicUsize::new(0);
static SIZE: AtomicUsize = AtomicUsize::new(1);
static COLLECTIVE_THREAD: OnceLock<std::thread::ThreadId> = OnceLock::new();

thread_local! {
    static LOCAL_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// This process's rank (0 without MPI).
pub fn rank() -> usize {
    RANK.load(Ordering::Relaxed)
}

/// The number of ranks (1 without MPI).
pub fn size() -> usize {
    SIZE.load(Ordering::Relaxed)
}

/// True on rank 0, the rank that writes files and prints.
pub fn is_root() -> bool {
    rank() == 0
}

/// True when this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI
/// or PMIx), judged by the variables those set; `HNN_MPI=1` forces it.
pub fn launched_by_mpi() -> bool {
    std::env::var("HNN_MPI").is_ok_and(|v| v == "1")
        || [
            "OMPI_COMM_WORLD_SIZE",
            "PMI_SIZE",
            "PMI_RANK",
            "PMIX_RANK",
            "MPI_LOCALNRANKS",
        ]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

/// Start MPI when this build has the `mpi` feature and the process was started by an MPI
/// launcher; the calling thread becomes the one that talks to the other ranks. Returns the
/// number of ranks. Call once, before the script runs, and [`finish`] after it.
pub fn init() -> Result<usize> {
    #[cfg(feature = "mpi")]
    if launched_by_mpi() {
        let (rank, size) = world::init()?;
        RANK.store(rank, Ordering::Relaxed);
        SIZE.store(size, Ordering::Relaxed);
        let _ = COLLECTIVE_THREAD.set(std::thread::current().id());
        return Ok(size);
    }
    Ok(1)
}

/// End MPI normally (every rank must call it, after the script succeeded everywhere).
pub fn finish() {
    #[cfg(feature = "mpi")]
    world::finalize();
}

/// End the whole job after an error on this rank: the message, naming the rank, goes to
/// stderr and every rank stops (MPI_Abort), so no rank is left waiting for another. A rank
/// other than 0 waits a moment first, so that an error every rank meets is printed once,
/// by rank 0. With one rank this only prints.
pub fn fail(message: &str) -> ! {
    let (r, n) = (rank(), size());
    if n > 1 {
        if r != 0 {
            std::thread::sleep(std::time::Duration::from_millis(1500));
        }
        eprintln!("hnn: error on rank {r} of {n}; stopping every rank\n{message}");
        #[cfg(feature = "mpi")]
        world::abort(1);
    }
    eprintln!("{message}");
    std::process::exit(1)
}

/// Is a call made here collective: more than one rank, on the thread that talks to the
/// other ranks, and not inside [`local`]?
pub fn collective() -> bool {
    size() > 1
        && COLLECTIVE_THREAD.get() == Some(&std::thread::current().id())
        && LOCAL_DEPTH.with(|d| d.get()) == 0
}

/// Run `f` as a purely local computation: simulation calls inside it do not involve the
/// other ranks (a batch row, an optimiser's candidate).
pub fn local<R>(f: impl FnOnce() -> R) -> R {
    struct Undo;
    impl Drop for Undo {
        fn drop(&mut self) {
            LOCAL_DEPTH.with(|d| d.set(d.get() - 1));
        }
    }
    LOCAL_DEPTH.with(|d| d.set(d.get() + 1));
    let _undo = Undo;
    f()
}

/// The items of `0..n` this rank evaluates when `n` items are shared over `size` ranks:
/// every `size`-th item from `rank` on (neighbouring rows of a sweep cost alike).
pub fn my_items(n: usize, rank: usize, size: usize) -> Vec<usize> {
    (rank..n).step_by(size.max(1)).collect()
}

/// Evaluate `n` items with the work shared over the ranks: `eval` gets the indices this
/// rank does (all of them with one rank), returns their values in that order (running them
/// in parallel on threads as it likes, and never collectively), and every rank receives
/// all `n` values in index order.
pub fn share<T: Wire>(n: usize, eval: impl FnOnce(&[usize]) -> Vec<T>) -> Result<Vec<T>> {
    if !collective() {
        let all: Vec<usize> = (0..n).collect();
        return Ok(local(|| eval(&all)));
    }
    let (r, s) = (rank(), size());
    let mine = my_items(n, r, s);
    let values = local(|| eval(&mine));
    if values.len() != mine.len() {
        return Err(Error::invalid(
            "values of this rank's share",
            values.len(),
            format!("{} (one per item)", mine.len()),
        ));
    }
    let parts = allgather(&wire::encode(&values))?;
    let mut per_rank = Vec::with_capacity(s);
    for (k, p) in parts.iter().enumerate() {
        let v: Vec<T> = wire::decode(p).map_err(|e| Error::OnRank {
            rank: k,
            message: e.to_string(),
        })?;
        if v.len() != my_items(n, k, s).len() {
            return Err(Error::OnRank {
                rank: k,
                message: format!("sent {} values for {} items", v.len(), n),
            });
        }
        per_rank.push(v.into_iter());
    }
    // item i is the (i / s)-th item of rank i % s
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        match per_rank[i % s].next() {
            Some(v) => out.push(v),
            None => {
                return Err(Error::OnRank {
                    rank: i % s,
                    message: format!("sent too few values for {n} items"),
                });
            }
        }
    }
    Ok(out)
}

/// Run `f` on rank 0 only and hand its outcome to every rank (a decision that reads files,
/// e.g. which chunks of a batch are done). Off the collective path it simply runs `f`.
pub fn root_decides<T: Wire>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    if !collective() {
        return f();
    }
    let outcome: std::result::Result<T, String> = if is_root() {
        f().map_err(|e| e.to_string())
    } else {
        Err(String::new())
    };
    let bytes = broadcast(is_root().then(|| wire::encode(&outcome)))?;
    let outcome: std::result::Result<T, String> = wire::decode(&bytes)?;
    outcome.map_err(|message| Error::OnRank { rank: 0, message })
}

/// Write files on rank 0 only: `f` runs there; on the collective path every rank waits for
/// it and gets its outcome (so a file written is there for every rank to read, and a write
/// that fails fails everywhere: `remote` makes the other ranks' error from rank 0's
/// message); elsewhere the other ranks skip it. With one process this is `f()`.
pub fn root_writes<E: std::fmt::Display>(
    f: impl FnOnce() -> std::result::Result<(), E>,
    remote: impl FnOnce(String) -> E,
) -> std::result::Result<(), E> {
    if !collective() {
        return if is_root() { f() } else { Ok(()) };
    }
    let mut mine = None;
    let outcome = root_decides(|| {
        f().map_err(|e| {
            let m = e.to_string();
            mine = Some(e);
            Error::OnRank {
                rank: 0,
                message: m,
            }
        })
    });
    match (outcome, mine) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e),
        (Err(Error::OnRank { message, .. }), None) => Err(remote(message)),
        (Err(e), None) => Err(remote(e.to_string())),
    }
}

/// Every rank's bytes, in rank order (collective; with one rank, just `mine`).
pub fn allgather(mine: &[u8]) -> Result<Vec<Vec<u8>>> {
    if size() == 1 {
        return Ok(vec![mine.to_vec()]);
    }
    #[cfg(feature = "mpi")]
    {
        world::allgather(mine)
    }
    #[cfg(not(feature = "mpi"))]
    Err(Error::invalid(
        "ranks",
        size(),
        "1 (built without the mpi feature)",
    ))
}

/// Rank 0's bytes on every rank (collective; rank 0 passes `Some`).
pub fn broadcast(root: Option<Vec<u8>>) -> Result<Vec<u8>> {
    if size() == 1 {
        return Ok(root.unwrap_or_default());
    }
    #[cfg(feature = "mpi")]
    {
        world::broadcast(root)
    }
    #[cfg(not(feature = "mpi"))]
    Err(Error::invalid(
        "ranks",
        size(),
        "1 (built without the mpi feature)",
    ))
}

/// A fault injected for the tests of what a failing rank does: with
/// `HNN_FAULT=<point>:<rank>[:<nth>]` (e.g. `row:1:2`) that rank panics the `nth` time
/// (default: the first) it reaches `point`. Points: `row` (a batch row about to be
/// simulated).
pub fn fault_point(point: &str) {
    static HITS: AtomicUsize = AtomicUsize::new(0);
    let Ok(spec) = std::env::var("HNN_FAULT") else {
        return;
    };
    let mut parts = spec.split(':');
    if parts.next() != Some(point) || parts.next() != Some(rank().to_string().as_str()) {
        return;
    }
    let nth: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    if HITS.fetch_add(1, Ordering::SeqCst) + 1 == nth {
        panic!("fault injected at '{point}' on rank {} (HNN_FAULT)", rank());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_dealt_round_robin() {
        assert_eq!(my_items(7, 0, 3), vec![0, 3, 6]);
        assert_eq!(my_items(7, 2, 3), vec![2, 5]);
        assert_eq!(my_items(2, 2, 3), Vec::<usize>::new());
        let all: usize = (0..4).map(|r| my_items(10, r, 4).len()).sum();
        assert_eq!(all, 10);
    }

    #[test]
    fn one_rank_is_local() {
        assert!(!collective());
        let v = share(4, |idx| idx.iter().map(|&i| i as u64 * 2).collect()).unwrap();
        assert_eq!(v, vec![0, 2, 4, 6]);
        assert_eq!(root_decides(|| Ok(5u64)).unwrap(), 5);
        assert_eq!(
            root_writes(|| Err::<(), _>("disk full"), |_| "other"),
            Err("disk full")
        );
        // a simulation inside `local` is local
        assert_eq!(local(|| LOCAL_DEPTH.with(|d| d.get())), 1);
        assert_eq!(LOCAL_DEPTH.with(|d| d.get()), 0);
    }
}
