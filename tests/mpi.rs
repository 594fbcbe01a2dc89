//! `mpirun -n K hnn run ...` (feature `mpi`): the files written on 1, 2 and 3 ranks (and
//! threads within them) equal one process's byte for byte; a rank that fails ends the job
//! with a message naming it, never a hang.
//!
//! Needs Open MPI's `mpirun` on PATH (Debian: openmpi-bin); `HNN_MPI_RANKS=2,3` limits the
//! rank counts tried.
#![cfg(feature = "mpi")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const HNN: &str = env!("CARGO_BIN_EXE_hnn");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hnn-mpi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ranks() -> Vec<usize> {
    std::env::var("HNN_MPI_RANKS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 3])
}

/// `mpirun` with the flags a container needs: root, more ranks than cores.
fn mpirun(n: usize) -> Command {
    let mut c = Command::new("mpirun");
    c.args([
        "--allow-run-as-root",
        "--oversubscribe",
        "-n",
        &n.to_string(),
    ]);
    c
}

/// Wait for `child` at most `limit`; kill it (and fail) if it takes longer.
fn wait(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what}: still running after {limit:?} (a hang)\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(mut c: Command, what: &str) -> Output {
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start ({e}); is mpirun on PATH?"));
    let out = wait(child, Duration::from_secs(600), what);
    assert!(
        out.status.success(),
        "{what} failed: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file below `dir`, relative path → bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Run `script` as one process, then under mpirun with each rank count (threads per rank
/// varying), and compare every file written, and what rank 0 printed.
fn same_files_on_ranks(script: &Path, name: &str, expect_files: usize) {
    let one = scratch(&format!("{name}-one"));
    let mut c = Command::new(HNN);
    c.args(["--threads", "2", "run"])
        .arg(script)
        .arg("-D")
        .arg(format!("OUT={}", one.display()));
    let single = run(c, &format!("{name}: one process"));
    let reference = files(&one);
    assert!(
        reference.len() >= expect_files,
        "{name}: only {} files written: {:?}",
        reference.len(),
        reference.keys().collect::<Vec<_>>()
    );
    for n in ranks() {
        let threads = if n == 3 { 1 } else { 2 };
        let dir = scratch(&format!("{name}-{n}"));
        let mut c = mpirun(n);
        c.arg(HNN)
            .args(["--threads", &threads.to_string(), "run"])
            .arg(script)
            .arg("-D")
            .arg(format!("OUT={}", dir.display()));
        let out = run(c, &format!("{name}: {n} ranks"));
        let got = files(&dir);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>(),
            "{name}: {n} ranks wrote other files"
        );
        for (k, v) in &reference {
            assert!(
                got[k] == *v,
                "{name}: {} differs on {n} ranks x {threads} threads",
                k.display()
            );
        }
        // rank 0 prints, the others do not
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).replace(&dir.display().to_string(), "OUT"),
            String::from_utf8_lossy(&single.stdout).replace(&one.display().to_string(), "OUT"),
            "{name}: printed output on {n} ranks"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&one);
}

#[test]
fn erp_example_is_identical_on_ranks() {
    same_files_on_ranks(&root().join("scripts/evoked_response.rhai"), "erp", 8);
}

#[test]
fn recordings_and_lock_step_are_identical_on_ranks() {
    same_files_on_ranks(&root().join("tests/mpi/recordings.rhai"), "rec", 4);
}

#[test]
fn batch_sweep_is_identical_on_ranks() {
    same_files_on_ranks(&root().join("tests/mpi/sweep.rhai"), "sweep", 8);
}

/// A panic on rank 1 inside its share of a batch (its second row: in simulate_batch's
/// second chunk, after the first was written): every rank stops, the message names rank 1,
/// and the chunk written before stays valid, so a plain re-run resumes (skipping it) and
/// ends with the same files as one undisturbed process.
#[test]
fn a_failing_rank_stops_every_rank_and_the_batch_resumes() {
    let dir = scratch("fault");
    let script = root().join("tests/mpi/sweep.rhai");
    let mut c = mpirun(2);
    c.env("HNN_FAULT", "row:1:2")
        .arg(HNN)
        .args(["--threads", "1", "run"])
        .arg(&script)
        .arg("-D")
        .arg(format!("OUT={}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = wait(
        c.spawn().unwrap(),
        Duration::from_secs(300),
        "fault on rank 1",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the job succeeded despite the fault");
    assert!(
        err.contains("error on rank 1 of 2") && err.contains("fault injected"),
        "stderr does not name rank 1:\n{err}"
    );
    // the run again, undisturbed, on 2 ranks, then compared with one process
    let mut c = mpirun(2);
    c.arg(HNN)
        .args(["--threads", "1", "run"])
        .arg(&script)
        .arg("-D")
        .arg(format!("OUT={}", dir.display()));
    let again = run(c, "re-run after the fault");
    let printed = String::from_utf8_lossy(&again.stdout);
    assert!(
        printed.contains("matrix: 3 run, 0 failed"),
        "the re-run did not resume after the first chunk:\n{printed}"
    );
    let one = scratch("fault-one");
    let mut c = Command::new(HNN);
    c.arg("run")
        .arg(&script)
        .arg("-D")
        .arg(format!("OUT={}", one.display()));
    run(c, "one process");
    assert_eq!(files(&dir), files(&one));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&one);
}

/// The pid of the `hnn` process that is rank `rank` of a job whose command line holds
/// `marker`.
fn rank_pid(marker: &str, rank: usize) -> Option<u32> {
    for e in std::fs::read_dir("/proc").ok()? {
        let p = e.ok()?.path();
        let Some(pid) = p.file_name().and_then(|n| n.to_str()?.parse::<u32>().ok()) else {
            continue;
        };
        let cmd = std::fs::read(p.join("cmdline")).unwrap_or_default();
        let env = std::fs::read(p.join("environ")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd);
        let env = String::from_utf8_lossy(&env);
        if cmd.starts_with(HNN)
            && cmd.contains(marker)
            && env
                .split('\0')
                .any(|v| v == format!("OMPI_COMM_WORLD_RANK={rank}"))
        {
            return Some(pid);
        }
    }
    None
}

/// A rank killed in the middle of a simulation: the job ends on every rank, and mpirun
/// names the rank.
#[test]
fn a_killed_rank_ends_the_job() {
    let dir = scratch("kill");
    let script = dir.join("long.rhai");
    std::fs::write(
        &script,
        "let net = jones_2009_model();\nadd_erp_drives_to_jones_model(net);\n\
         simulate_dipole(net, #{ tstop: 170.0, n_trials: 20 });\n",
    )
    .unwrap();
    let marker = script.display().to_string();
    let mut c = mpirun(2);
    c.arg(HNN)
        .args(["--threads", "1", "run"])
        .arg(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    let start = Instant::now();
    let pid = loop {
        if let Some(p) = rank_pid(&marker, 1) {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "rank 1 never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // let it get into the simulation
    std::thread::sleep(Duration::from_secs(3));
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = wait(child, Duration::from_secs(120), "job with a killed rank");
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("rank 1"),
        "the message does not name rank 1:\n{all}"
    );
    assert!(
        rank_pid(&marker, 0).is_none(),
        "rank 0 is still running after the job ended"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
