//! Every tutorial in scripts/ runs through the `hnn` binary and writes its outputs.

use std::path::PathBuf;
use std::process::Command;

fn hnn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hnn"))
}

#[test]
fn every_script_runs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 5, "expected the tutorials in scripts/");
    for s in scripts {
        let out = std::env::temp_dir().join(format!(
            "hnn_script_{}",
            s.file_stem().unwrap().to_string_lossy()
        ));
        std::fs::create_dir_all(&out).unwrap();
        // the fitting tutorials run with a smaller budget (their full size is documented)
        let small: &[&str] = match s.file_stem().unwrap().to_str().unwrap() {
            "optimize_evoked" => &["MAX_ITER=2", "N_TRIALS=1", "MESH=3"],
            "optimize_rhythmic" => &["MAX_ITER=2", "MESH=3", "TSTOP=100"],
            _ => &[],
        };
        let mut cmd = hnn();
        cmd.arg("run")
            .arg(&s)
            .arg("-D")
            .arg(format!("OUT={}", out.display()));
        for d in small {
            cmd.arg("-D").arg(d);
        }
        let r = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(r.status.success(), "{} failed:\n{stderr}", s.display());
        let files: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert!(!files.is_empty(), "{} wrote nothing into OUT", s.display());
    }
}

#[test]
fn joss_script_writes_hnn_core_files() {
    let out = std::env::temp_dir().join("hnn_joss_files");
    std::fs::create_dir_all(&out).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/joss_example.rhai");
    let r = hnn()
        .arg(&script)
        .arg("-D")
        .arg(format!("OUT={}", out.display()))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let dpl = hnn::io::text::read_dipole(&out.join("dpl.txt")).unwrap();
    assert_eq!(dpl.times.len(), 4001);
    assert_eq!(dpl.data.len(), 3);
    let spikes = std::fs::read_to_string(out.join("spk_0.txt")).unwrap();
    let first: Vec<&str> = spikes.lines().next().unwrap().split('\t').collect();
    assert_eq!(first.len(), 3);
    assert!(first[0].parse::<f64>().is_ok() && first[1].parse::<usize>().is_ok());
    // hnn-core 0.6.1 with NEURON 8.2.7 writes 343 spikes for the paper's code
    assert_eq!(
        spikes.lines().count(),
        343,
        "the JOSS example gives hnn-core's 343 spikes"
    );
    // the paper's three plots are shown, never saved: `hnn run` writes them into OUT
    for n in 1..=3 {
        let f = out.join(format!("hnn_figure_{n}.png"));
        assert!(f.exists(), "{} missing", f.display());
    }
}

#[test]
fn constants_args_and_eval() {
    let r = hnn()
        .args([
            "-D",
            "N=3",
            "-D",
            "NAME=abc",
            "-e",
            "print(N * 2); print(NAME); print(ARGS);",
            "--",
            "x",
            "y",
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let s = String::from_utf8_lossy(&r.stdout);
    assert!(
        s.contains('6') && s.contains("abc") && s.contains("\"x\""),
        "{s}"
    );
    let r = hnn().args(["--version"]).output().unwrap();
    assert!(r.status.success() && String::from_utf8_lossy(&r.stdout).contains("hnn"));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/joss_example.rhai");
    let r = hnn().arg("check").arg(&script).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn api_reference_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/api.md");
    let want = hnn::script::help::markdown();
    if std::env::var("HNN_UPDATE_DOCS").is_ok() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "docs/api.md is stale: run HNN_UPDATE_DOCS=1 cargo test --test scripts"
    );
}

#[test]
fn stdlib_modules_import_and_match_the_native_api() {
    let code = r#"
        import "hnn/erp" as erp;
        import "hnn/utils" as u;
        if u::linspace(0, 1, 3) != [0.0, 0.5, 1.0] { throw "linspace"; }
        let a = jones_2009_model(#{ mesh_shape: [3, 3] });
        erp::add_drives(a, 0.0);
        let b = jones_2009_model(#{ mesh_shape: [3, 3] });
        add_erp_drives_to_jones_model(b);
        let da = simulate_dipole(a, #{ tstop: 70.0 });
        let db = simulate_dipole(b, #{ tstop: 70.0 });
        if da[0].data.agg != db[0].data.agg { throw "the stdlib ERP drives differ from the native ones"; }
        print("same");
    "#;
    let r = hnn().args(["-e", code]).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(String::from_utf8_lossy(&r.stdout).contains("same"));
}

#[test]
fn one_thread_and_two_threads_write_identical_files() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/joss_example.rhai");
    let mut outs = Vec::new();
    for t in ["1", "2"] {
        let out = std::env::temp_dir().join(format!("hnn_threads_{t}"));
        std::fs::create_dir_all(&out).unwrap();
        let r = hnn()
            .args(["--threads", t, "run"])
            .arg(&script)
            .arg("-D")
            .arg(format!("OUT={}", out.display()))
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        outs.push((
            std::fs::read(out.join("dpl.txt")).unwrap(),
            std::fs::read(out.join("spk_0.txt")).unwrap(),
        ));
    }
    assert!(outs[0] == outs[1], "--threads 1 and --threads 2 differ");
}
