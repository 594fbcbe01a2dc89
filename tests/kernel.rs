//! `hnn kernel` driven by jupyter's own client (`jupyter_client`, `nbclient`): the kernelspec
//! that `hnn kernel install` writes is what Jupyter starts; executions, figures, errors,
//! completion, interrupts (message and SIGINT), restart; and the tutorial notebook runs
//! headless with its figures.
//!
//! The Python side needs a Python with jupyter_client, nbclient and nbformat, named by
//! `HNN_JUPYTER_PYTHON` (`.ci/run` makes `target/ci-venv` and sets it). Without the variable
//! the tests say so and skip.
#![cfg(all(feature = "kernel", feature = "cli"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn python() -> Option<PathBuf> {
    match std::env::var_os("HNN_JUPYTER_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!(
                "SKIPPED: HNN_JUPYTER_PYTHON is not set (a python with jupyter_client, nbclient \
                 and nbformat; `python3 -m venv target/ci-venv && target/ci-venv/bin/pip install \
                 jupyter_client nbclient nbformat` then HNN_JUPYTER_PYTHON=target/ci-venv/bin/python)"
            );
            None
        }
    }
}

/// A kernelspec installed by the binary under test into a fresh prefix; JUPYTER_PATH for it.
fn install_kernelspec(tag: &str) -> PathBuf {
    let prefix = std::env::temp_dir().join(format!("hnn-kernel-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&prefix);
    let out = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .args(["kernel", "install", "--prefix"])
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hnn kernel install: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = prefix.join("share").join("jupyter");
    assert!(data.join("kernels/hnn/kernel.json").is_file());
    data
}

fn run_python(python: &Path, jupyter_path: &Path, args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t0 = Instant::now();
    let out = Command::new(python)
        .args(args)
        .current_dir(dir)
        .env("JUPYTER_PATH", jupyter_path)
        // no user-wide kernelspecs or runtime files of the machine interfere
        .env("JUPYTER_RUNTIME_DIR", jupyter_path.join("runtime"))
        .env("HNN_NO_PROGRESS", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} {args:?} failed ({:.1} s):\n{stdout}\n{stderr}",
        python.display(),
        t0.elapsed().as_secs_f64()
    );
    eprintln!("{stdout}({:.1} s)", t0.elapsed().as_secs_f64());
    stdout
}

#[test]
fn jupyter_client_drives_the_kernel() {
    let Some(py) = python() else { return };
    let data = install_kernelspec("drive");
    let out = run_python(&py, &data, &["tests/kernel/drive_kernel.py"]);
    assert!(out.contains("all ok"), "{out}");
    let _ = std::fs::remove_dir_all(data.parent().unwrap().parent().unwrap());
}

#[test]
fn the_tutorial_notebook_runs_headless_with_its_figures() {
    let Some(py) = python() else { return };
    let data = install_kernelspec("notebook");
    let executed = data.join("evoked_response.executed.ipynb");
    let out = run_python(
        &py,
        &data,
        &[
            "tests/kernel/run_notebook.py",
            "docs/notebooks/evoked_response.ipynb",
            executed.to_str().unwrap(),
        ],
    );
    assert!(out.contains("figures"), "{out}");
    let _ = std::fs::remove_dir_all(data.parent().unwrap().parent().unwrap());
}
