//! MPI itself (rsmpi): start and end, gather and broadcast bytes, abort the job.
//!
//! Messages travel as 64-bit words so that one rank may send up to 16 GiB (MPI counts are
//! 32-bit); each rank's exact byte length is exchanged first.

use std::sync::Mutex;

use mpi::datatype::PartitionMut;
use mpi::environment::{Threading, Universe};
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use crate::error::{Error, Result};

static UNIVERSE: Mutex<Option<Universe>> = Mutex::new(None);

/// Start MPI (calls from one thread at a time); returns (rank, size).
pub fn init() -> Result<(usize, usize)> {
    let (universe, level) = mpi::initialize_with_threading(Threading::Serialized)
        .ok_or_else(|| Error::invalid("MPI", "already started", "started once per process"))?;
    // the script's thread talks to MPI, and with --threads it may do so from a pool thread
    if matches!(level, Threading::Single | Threading::Funneled) {
        return Err(Error::invalid(
            "the MPI library's thread support",
            format!("{level:?}"),
            "MPI_THREAD_SERIALIZED or MPI_THREAD_MULTIPLE (build the MPI library with threads)",
        ));
    }
    let world = universe.world();
    let out = (world.rank() as usize, world.size() as usize);
    if let Ok(mut u) = UNIVERSE.lock() {
        *u = Some(universe);
    }
    Ok(out)
}

/// End MPI (MPI_Finalize).
pub fn finalize() {
    if let Ok(mut u) = UNIVERSE.lock() {
        u.take();
    }
}

/// Stop every rank of the job.
pub fn abort(code: i32) -> ! {
    SimpleCommunicator::world().abort(code)
}

fn words(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| {
            let mut a = [0u8; 8];
            a[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(a)
        })
        .collect()
}

fn too_large(n: usize) -> Error {
    Error::TooLarge {
        what: "message between ranks".into(),
        need: format!("{n} bytes"),
        limit: "16 GiB (MPI's 32-bit counts of 8-byte words)".into(),
    }
}

/// Every rank's bytes, in rank order.
pub fn allgather(mine: &[u8]) -> Result<Vec<Vec<u8>>> {
    let world = SimpleCommunicator::world();
    let n = world.size() as usize;
    let mut lens = vec![0u64; n];
    world.all_gather_into(&(mine.len() as u64), &mut lens[..]);
    let mut counts = Vec::with_capacity(n);
    let mut displs = Vec::with_capacity(n);
    let mut total: usize = 0;
    for &l in &lens {
        let w = (l as usize).div_ceil(8);
        displs.push(i32::try_from(total).map_err(|_| too_large(total * 8))?);
        counts.push(i32::try_from(w).map_err(|_| too_large(w * 8))?);
        total += w;
    }
    i32::try_from(total).map_err(|_| too_large(total * 8))?;
    let send = words(mine);
    let mut recv = vec![0u64; total];
    {
        let mut part = PartitionMut::new(&mut recv[..], &counts[..], &displs[..]);
        world.all_gather_varcount_into(&send[..], &mut part);
    }
    let mut out = Vec::with_capacity(n);
    for (k, &l) in lens.iter().enumerate() {
        let start = displs[k] as usize;
        let w = counts[k] as usize;
        let mut b: Vec<u8> = recv[start..start + w]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        b.truncate(l as usize);
        out.push(b);
    }
    Ok(out)
}

/// Rank 0's bytes on every rank.
pub fn broadcast(root: Option<Vec<u8>>) -> Result<Vec<u8>> {
    let world = SimpleCommunicator::world();
    let root_proc = world.process_at_rank(0);
    let mut len = root.as_ref().map_or(0, |b| b.len() as u64);
    root_proc.broadcast_into(&mut len);
    let w = (len as usize).div_ceil(8);
    i32::try_from(w).map_err(|_| too_large(len as usize))?;
    let mut buf = match &root {
        Some(b) => words(b),
        None => vec![0u64; w],
    };
    root_proc.broadcast_into(&mut buf[..]);
    let mut b: Vec<u8> = buf.iter().flat_map(|x| x.to_le_bytes()).collect();
    b.truncate(len as usize);
    Ok(b)
}
