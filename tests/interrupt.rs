//! Ctrl-C: at the prompt it stops a running simulation within one epoch and the prompt comes
//! back with every variable kept (driven through tmux, as a user types); in `hnn run` it
//! ends the run with status 130 and leaves no partial files.

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux runs (.ci/run installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn screen(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

fn wait_for(session: &str, what: impl Fn(&str) -> bool, limit: Duration) -> Option<Duration> {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if what(&screen(session)) {
            return Some(t0.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn last_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim_end()
        .to_string()
}

fn send_line(session: &str, text: &str) {
    tmux(&["send-keys", "-t", session, "-l", text]);
    tmux(&["send-keys", "-t", session, "Enter"]);
}

#[test]
fn ctrl_c_stops_a_simulation_and_keeps_the_prompt() {
    let session = format!("hnn_interrupt_{}", std::process::id());
    let hist = std::env::temp_dir().join(format!("{session}.history"));
    let cmd = format!(
        "HNN_HISTORY={} {} repl",
        hist.display(),
        env!("CARGO_BIN_EXE_hnn")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "40",
        &cmd,
    ]);
    let kill = || {
        tmux(&["kill-session", "-t", &session]);
        let _ = std::fs::remove_file(&hist);
    };
    let prompt_back = |s: &str| last_line(s) == "hnn>";
    if wait_for(&session, prompt_back, Duration::from_secs(20)).is_none() {
        let s = screen(&session);
        kill();
        panic!("no prompt:\n{s}");
    }
    send_line(&session, "let x = 42;");
    send_line(
        &session,
        "let net = jones_2009_model(); add_erp_drives_to_jones_model(net); let dpls = simulate_dipole(net, #{ tstop: 400.0 });",
    );
    std::thread::sleep(Duration::from_millis(1500));
    let before = screen(&session);
    tmux(&["send-keys", "-t", &session, "C-c"]);
    let latency = wait_for(
        &session,
        |s| prompt_back(s) && s.contains("interrupted"),
        Duration::from_secs(10),
    );
    let after = screen(&session);
    send_line(&session, "print(`x = ${x}`); net");
    let kept = wait_for(
        &session,
        |s| s.contains("x = 42") && s.contains("<Network"),
        Duration::from_secs(10),
    );
    let end = screen(&session);
    kill();
    assert!(
        !prompt_back(&before),
        "the simulation had finished before Ctrl-C:\n{before}"
    );
    let latency = latency.unwrap_or_else(|| panic!("no prompt after Ctrl-C:\n{after}"));
    eprintln!("prompt back {latency:?} after Ctrl-C");
    assert!(
        latency < Duration::from_secs(1),
        "took {latency:?}:\n{after}"
    );
    assert!(kept.is_some(), "variables lost:\n{end}");
}

#[test]
fn ctrl_c_ends_a_run_with_130_and_no_partial_files() {
    let dir = std::env::temp_dir().join(format!("hnn_interrupt_run_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("long.rhai");
    std::fs::write(
        &script,
        "let net = jones_2009_model();\nadd_erp_drives_to_jones_model(net);\nlet dpls = simulate_dipole(net, #{ tstop: 2000.0 });\ndpls[0].write(`${OUT}/dpl.txt`);\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hnn"))
        .arg("run")
        .arg(&script)
        .arg("-D")
        .arg(format!("OUT={}", dir.display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: signalling our own child
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let t0 = Instant::now();
    let status = child.wait().unwrap();
    let waited = t0.elapsed();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "long.rhai")
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(status.code(), Some(130), "status {status:?}");
    assert!(waited < Duration::from_secs(2), "took {waited:?}");
    assert!(files.is_empty(), "left behind: {files:?}");
}
