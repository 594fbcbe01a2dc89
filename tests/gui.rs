//! `hnn gui` from the outside: the token, field checks, uploads, runs with progress, Stop,
//! the queue, figures with RMSE, the exported script reproducing the GUI's dipoles byte for
//! byte under `hnn run`, twenty runs in a row, a fuzz of the HTTP API, and — when the
//! Playwright venv made by `.ci/run` is there — a real browser through the ERP tutorial.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The tests start servers that simulate: one at a time (timings stay meaningful).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Server {
    child: Child,
    port: u16,
    token: String,
    url: String,
    project: PathBuf,
    initial: Value,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hnn() -> &'static str {
    env!("CARGO_BIN_EXE_hnn")
}

fn project_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Resident memory of a process in kB, from /proc (Linux).
fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

fn start(name: &str) -> Server {
    let project = project_dir(name);
    let mut child = Command::new(hnn())
        .args(["gui", "--port", "0", "--no-browser", "--project"])
        .arg(&project)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start hnn gui");
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("hnn gui ended before printing its address")
            .unwrap();
        if let Some(u) = line.trim().strip_prefix("http://") {
            break format!("http://{u}");
        }
    };
    // keep draining stdout so the server never blocks on it
    std::thread::spawn(move || for _ in lines {});
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
    let (port, q) = rest.split_once('/').unwrap();
    let token = q.strip_prefix("?token=").unwrap().to_string();
    let mut s = Server {
        child,
        port: port.parse().unwrap(),
        token,
        url,
        project,
        initial: Value::Null,
    };
    s.initial = s.state()["forms"].clone();
    s
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(end) = b[i..].windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            std::str::from_utf8(&b[i..i + end]).unwrap_or("0").trim(),
            16,
        )
        .unwrap_or(0);
        i += end + 2;
        if size == 0 || i + size > b.len() {
            break;
        }
        out.extend_from_slice(&b[i..i + size]);
        i += size + 2;
    }
    out
}

impl Server {
    fn raw(&self, request: &[u8]) -> Option<Reply> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(600))).ok()?;
        // a refused upload may be answered before it is all sent: read the answer anyway
        let _ = s.write_all(request);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&buf[..split]).into_owned();
        let status = headers.split_whitespace().nth(1)?.parse().ok()?;
        let mut body = buf[split + 4..].to_vec();
        if headers
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        Some(Reply {
            status,
            headers,
            body,
        })
    }

    fn request(&self, method: &str, path: &str, body: &[u8], token: Option<&str>) -> Reply {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = token {
            req.push_str(&format!("X-HNN-Token: {t}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes).expect("the server answers")
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, b"", Some(&self.token.clone()))
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.request(
            "POST",
            path,
            body.to_string().as_bytes(),
            Some(&self.token.clone()),
        )
    }

    fn state(&self) -> Value {
        self.get("/api/state").json()
    }

    /// Wait until job `id` has ended; its entry.
    fn wait_job(&self, id: u64) -> Value {
        let t0 = Instant::now();
        loop {
            let st = self.state();
            if let Some(e) = st["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == id)
            {
                let s = e["status"].as_str().unwrap();
                if !["queued", "running"].contains(&s) {
                    return e.clone();
                }
            }
            assert!(
                t0.elapsed() < Duration::from_secs(600),
                "job {id} never ended"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_idle(&self) {
        let t0 = Instant::now();
        while self.state()["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| ["queued", "running"].contains(&e["status"].as_str().unwrap()))
        {
            assert!(t0.elapsed() < Duration::from_secs(600));
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The forms the server started with, changed by `f`.
fn forms_with(s: &Server, f: impl FnOnce(&mut Value)) -> Value {
    let mut forms = s.initial.clone();
    f(&mut forms);
    forms
}

fn data_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/yes_trial_S1_ERP_all_avg.txt")
}

#[test]
fn token_checks_uploads_runs_stop_queue_figures_and_exact_export() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = start("gui-api");

    // the token
    for path in ["/", "/api/state", "/app.js", "/api/export"] {
        assert_eq!(s.request("GET", path, b"", None).status, 403, "{path}");
        assert_eq!(
            s.request("GET", path, b"", Some("wrong")).status,
            403,
            "{path}"
        );
    }
    let page = s.request(
        "GET",
        &s.url.replace(&format!("http://127.0.0.1:{}", s.port), ""),
        b"",
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page.text().contains("HUMAN NEOCORTICAL NEUROSOLVER"));
    assert!(
        page.headers
            .contains(&format!("hnn_token_{}={}", s.port, s.token))
    );

    // the defaults: hnn-core's GUI, the ERP drives
    let st = s.state();
    let names: Vec<&str> = st["forms"]["drives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["evdist1", "evprox1", "evprox2"]);
    assert_eq!(st["forms"]["sim"]["tstop"], "170");
    assert!(
        st["forms"]["network"]["connections"]
            .as_array()
            .unwrap()
            .len()
            > 10
    );

    // bad fields: a message at each, nothing queued
    let bad = forms_with(&s, |f| {
        f["sim"]["tstop"] = json!("0");
        f["sim"]["dt"] = json!("abc");
        f["sim"]["n_trials"] = json!("-1");
        f["sim"]["name"] = json!("");
        f["drives"][1]["fields"]["mu"] = json!("");
        f["drives"][0]["targets"]["weights_ampa"]["L2_basket"] = json!("x");
    });
    let r = s.post("/api/run", &bad);
    assert_eq!(r.status, 400);
    let e = &r.json()["errors"];
    for key in [
        "sim.tstop",
        "sim.dt",
        "sim.n_trials",
        "sim.name",
        "drive.1.mu",
        "drive.0.weights_ampa.L2_basket",
    ] {
        assert!(e[key].is_string(), "no message for {key}: {e}");
    }
    assert!(s.state()["entries"].as_array().unwrap().is_empty());

    // uploads: malformed (named), too large, then the tutorial's ERP
    let r = s.request(
        "POST",
        "/api/upload?kind=data&name=bad.txt",
        b"0.0 1.0\nnot numbers\n",
        Some(&s.token.clone()),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"].as_str().unwrap().starts_with("bad.txt"),
        "{}",
        r.text()
    );
    let big = vec![b'1'; 17 << 20];
    let r = s.request(
        "POST",
        "/api/upload?kind=data&name=big.txt",
        &big,
        Some(&s.token.clone()),
    );
    assert_eq!(r.status, 413);
    let erp = std::fs::read(data_file()).unwrap();
    let r = s.request(
        "POST",
        "/api/upload?kind=data&name=yes_trial_S1_ERP_all_avg.txt",
        &erp,
        Some(&s.token.clone()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let data_n = r.json()["data"].as_u64().unwrap();

    // the default ERP run, its figure, the data overlaid with RMSE and correlation
    let run = forms_with(&s, |f| f["sim"]["name"] = json!("ERPyes"));
    let r = s.post("/api/run", &run);
    assert_eq!(r.status, 200, "{}", r.text());
    let job = r.json()["job"].as_u64().unwrap();
    let e = s.wait_job(job);
    assert_eq!(e["status"], "done", "{e}");
    s.wait_idle();
    let st = s.state();
    assert_eq!(st["runs"][0]["status"], "done");
    let fig = &st["figures"][0];
    let png = s.get(&format!("/api/figures/{}.png", fig["id"]));
    assert_eq!(&png.body[1..4], b"PNG");
    let r = s.post(
        "/api/figure",
        &json!({ "template": "Drive-Dipole (2x1)", "runs": [1], "data": data_n,
                  "smooth": "30", "scale": "3000", "fmin": "10", "fmax": "100" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.wait_idle();
    let st = s.state();
    let m = &st["figures"].as_array().unwrap().last().unwrap()["metrics"][0];
    let rmse = m["rmse"].as_f64().unwrap();
    let corr = m["corr"].as_f64().unwrap();
    assert!(
        rmse > 0.0 && rmse.is_finite() && (-1.0..=1.0).contains(&corr),
        "{m}"
    );
    println!("ERP run vs data: RMSE {rmse:.3}, corr {corr:.3}");
    // a bad figure request names its fields
    let r = s.post(
        "/api/figure",
        &json!({ "template": "nope", "runs": [9], "smooth": "-1", "scale": "1", "fmin": "10", "fmax": "x" }),
    );
    assert_eq!(r.status, 400);
    for key in ["fig.template", "fig.runs", "fig.smooth", "fig.fmax"] {
        assert!(r.json()["errors"][key].is_string(), "{key}: {}", r.text());
    }

    // a run asked for while one runs waits; Stop stops the running one within an epoch
    let long = forms_with(&s, |f| {
        f["sim"]["name"] = json!("long");
        f["sim"]["tstop"] = json!("5000");
        f["sim"]["smooth"] = json!("0");
    });
    let first = s.post("/api/run", &long).json()["job"].as_u64().unwrap();
    let queued = s.post("/api/run", &long).json()["job"].as_u64().unwrap();
    let t0 = Instant::now();
    loop {
        let st = s.state();
        let running = st["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == first && e["status"] == "running");
        if running && st["progress"]["fraction"].as_f64().is_some_and(|f| f > 0.0) {
            let q = st["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == queued)
                .unwrap()
                .clone();
            assert_eq!(q["status"], "queued");
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    let t_stop = Instant::now();
    assert_eq!(s.post("/api/stop", &json!({})).status, 200);
    let e = s.wait_job(first);
    let stop_ms = t_stop.elapsed().as_secs_f64() * 1e3;
    assert_eq!(e["status"], "stopped", "{e}");
    assert_eq!(s.wait_job(queued)["status"], "cancelled");
    println!("Stop: the running simulation ended {stop_ms:.0} ms after the request");
    assert!(stop_ms < 3000.0, "Stop took {stop_ms} ms");

    // a changed weight and gain, a second run, the two compared
    let edited = forms_with(&s, |f| {
        f["sim"]["name"] = json!("stronger");
        f["network"]["gains"]["e_e"] = json!("1.5");
        f["network"]["connections"][0]["weight"] = json!("0.0007");
        // a channel density of the Network tab's biophysics
        let cells = f["network"]["cells"].as_array_mut().unwrap();
        let k = cells
            .iter()
            .position(|c| {
                c["cell"] == "L5_pyramidal"
                    && c["group"] == "biophysics"
                    && c["owner"] == "soma"
                    && c["param"] == "hh2.gkbar_hh2"
            })
            .expect("the L5 soma's gkbar_hh2 is offered");
        let v: f64 = cells[k]["value"].as_str().unwrap().parse().unwrap();
        cells[k]["value"] = json!(format!("{}", v * 1.1));
    });
    let r = s.post("/api/run", &edited);
    assert_eq!(r.status, 200, "{}", r.text());
    let code = s.state()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["label"].as_str().unwrap().contains("stronger"))
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        code.contains("set_global_synaptic_gains(#{ e_e: 1.5, e_i: 1.0, i_e: 1.0, i_i: 1.0 })"),
        "{code}"
    );
    assert!(code.contains("[\"A_weight\"] = 0.0007"), "{code}");
    assert!(
        code.contains(".sections[\"soma\"].mechs[\"hh2\"][\"gkbar_hh2\"] = "),
        "{code}"
    );
    s.wait_idle();
    let stronger = s.state()["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "stronger")
        .unwrap()["n"]
        .as_u64()
        .unwrap();
    assert_eq!(s.post("/api/save", &json!({ "run": 1 })).status, 200);
    assert_eq!(s.post("/api/save", &json!({ "run": stronger })).status, 200);
    let r = s.post(
        "/api/figure",
        &json!({ "template": "Compare runs (dipoles)", "runs": [1, stronger], "data": data_n,
                  "smooth": "30", "scale": "3000", "fmin": "10", "fmax": "100" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.wait_idle();
    let st = s.state();
    assert_eq!(
        st["figures"].as_array().unwrap().last().unwrap()["metrics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // hnn-core's per-axis editing: a blank layout, a dipole against smoothed and scaled
    // data on ax1 (RMSE), a refused mixture, a cleared axis
    let opts = json!({ "smooth": "30", "scale": "3000", "data_smooth": "10", "data_scale": "1.5",
                       "fmin": "10", "fmax": "100", "cmap": "magma", "marker_size": "3" });
    let with = |extra: Value| {
        let mut v = opts.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let r = s.post(
        "/api/figure",
        &with(json!({ "template": "[Blank] 2row x 1col (1:3)", "runs": [] })),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let blank = r.json()["figure"].as_u64().unwrap();
    s.wait_idle();
    let r = s.post(
        "/api/axis",
        &with(
            json!({ "figure": blank, "axis": 1, "action": "add", "plot": "current dipole", "run": 1, "data": data_n }),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.wait_idle();
    let r = s.post(
        "/api/axis",
        &with(json!({ "figure": blank, "axis": 0, "action": "add", "plot": "spikes with dipoles", "run": 1 })),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.wait_idle();
    let fig_of = |st: &Value| {
        st["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == blank)
            .unwrap()
            .clone()
    };
    let f = fig_of(&s.state());
    assert_eq!(f["rev"], 2, "{f}");
    assert_eq!(f["plots"][0][0], "spikes with dipoles: ERPyes");
    let m = &f["metrics"][0];
    assert!(m["axis"] == 1 && m["rmse"].as_f64().unwrap() > 0.0, "{f}");
    let code = s.state()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| {
            e["label"]
                .as_str()
                .unwrap()
                .contains("add current dipole to ax1")
        })
        .unwrap()["code"]
        .clone();
    assert!(
        code.as_str()
            .unwrap()
            .contains(&format!("data_{data_n}.copy().smooth(10.0).scale(1.5)")),
        "{code}"
    );
    let r = s.post(
        "/api/axis",
        &with(json!({ "figure": blank, "axis": 0, "action": "add", "plot": "current dipole", "run": 1 })),
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["errors"]["ax.plot"].is_string(), "{}", r.text());
    let r = s.post(
        "/api/axis",
        &with(json!({ "figure": blank, "axis": 1, "action": "clear" })),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.wait_idle();
    let f = fig_of(&s.state());
    assert!(
        f["plots"][1].as_array().unwrap().is_empty() && f["metrics"].is_null(),
        "{f}"
    );

    // maximize_psd's bands and CMA's settings are checked field by field
    let r = s.post(
        "/api/optimize",
        &json!({ "run": s.initial, "solver": "cma", "obj_fun": "maximize_psd", "max_iter": "3",
                  "data": null, "params": [{ "drive": 1, "field": "mu", "min_pct": "50", "max_pct": "150" }],
                  "band1": ["25", "15"], "prop1": "0.5", "use_band2": true, "band2": ["9", "14"],
                  "prop2": "0.2", "cma_seed": "-1", "popsize": "x", "sigma0": "0.25" }),
    );
    assert_eq!(r.status, 400);
    for key in ["opt.band1.hi", "opt.prop2", "opt.cma_seed", "opt.popsize"] {
        assert!(r.json()["errors"][key].is_string(), "{key}: {}", r.text());
    }

    // a network file (connectivity) with its drives of every type and a tonic bias, run
    // from the page's forms: the same dipole as the file simulated directly
    let netfile = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/files/net_drives.json"),
    )
    .unwrap();
    let token = s.token.clone();
    let load = |kind: &str| {
        let r = s.request(
            "POST",
            &format!("/api/upload?kind={kind}&name=net_drives.json"),
            &netfile,
            Some(&token),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    let net = load("network")["network"].clone();
    let drives = load("drives")["drives"].clone();
    let kinds: Vec<&str> = drives
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["poisson", "bursty", "evoked", "tonic"]);
    let from_file = forms_with(&s, |f| {
        f["sim"]["name"] = json!("netfile");
        f["sim"]["tstop"] = json!("60");
        f["network"] = net;
        f["drives"] = drives;
    });
    let r = s.post("/api/run", &from_file);
    assert_eq!(r.status, 200, "{}", r.text());
    let netrun = r.json()["run"].as_u64().unwrap();
    s.wait_idle();
    assert_eq!(s.post("/api/save", &json!({ "run": netrun })).status, 200);
    s.wait_idle();
    let file = format!("{netrun}_netfile_dipole_trial0.txt");
    assert!(
        s.state()["saved"]
            .as_array()
            .unwrap()
            .contains(&json!(file)),
        "the saved files are listed"
    );
    let dl = s.get(&format!("/api/outputs/{file}"));
    assert_eq!(dl.status, 200);
    assert_eq!(
        dl.body,
        std::fs::read(s.project.join("outputs").join(&file)).unwrap()
    );
    assert_eq!(s.get("/api/outputs/..%2Fsession.rhai").status, 404);
    std::fs::write(
        s.project.join("direct.rhai"),
        "let d = simulate_dipole(read_network_configuration(\"data/net_drives.json\"), #{ tstop: 60.0, dt: 0.025, n_trials: 1 });\nd[0].write(\"direct_dipole.txt\");\n",
    )
    .unwrap();
    let st = Command::new(hnn())
        .args(["run", "direct.rhai"])
        .current_dir(&s.project)
        .env("HNN_NO_PROGRESS", "1")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let direct = std::fs::read(s.project.join("direct_dipole.txt")).unwrap();
    let gui = std::fs::read(
        s.project
            .join(format!("outputs/{netrun}_netfile_dipole_trial0.txt")),
    )
    .unwrap();
    assert!(
        direct == gui,
        "the network file rebuilt by the page differs from the file simulated directly"
    );

    // removing the data: no longer offered
    assert_eq!(
        s.post("/api/data/remove", &json!({ "data": data_n }))
            .status,
        200
    );
    assert_eq!(
        s.post("/api/data/remove", &json!({ "data": data_n }))
            .status,
        400
    );
    let r = s.post(
        "/api/figure",
        &with(json!({ "template": "Drive-Dipole (2x1)", "runs": [1], "data": data_n })),
    );
    assert!(r.json()["errors"]["fig.data"].is_string(), "{}", r.text());
    s.wait_idle();
    assert!(s.state()["data"].as_array().unwrap().is_empty());

    let st = s.state();
    let failed: Vec<&Value> = st["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "failed" && !e["label"].as_str().unwrap().contains("bad.txt"))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");

    // the exported script, run by `hnn run`, writes the same files byte for byte
    let r = s.get("/api/export");
    assert_eq!(r.status, 200);
    let script = r.text();
    assert!(script.contains(
        "let dpls_1 = simulate_dipole(net_1, #{ tstop: 170.0, dt: 0.025, n_trials: 1 });"
    ));
    assert!(
        !script.contains("tstop: 5000.0"),
        "a stopped run is not exported"
    );
    let outputs = s.project.join("outputs");
    let gui_outputs = s.project.join("outputs_gui");
    std::fs::rename(&outputs, &gui_outputs).unwrap();
    std::fs::create_dir_all(&outputs).unwrap();
    let st = Command::new(hnn())
        .args(["run", "session.rhai"])
        .current_dir(&s.project)
        .env("HNN_NO_PROGRESS", "1")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let mut names: Vec<_> = std::fs::read_dir(&gui_outputs)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for n in &names {
        let a = std::fs::read(gui_outputs.join(n)).unwrap();
        let b = std::fs::read(outputs.join(n)).unwrap_or_default();
        assert!(
            a == b,
            "{n:?} differs between the GUI and `hnn run session.rhai`"
        );
    }
    println!(
        "exported script reproduced {} files byte for byte",
        names.len()
    );
}

#[test]
fn twenty_runs_in_a_row_and_a_fuzzed_api() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = start("gui-twenty");
    let base = forms_with(&s, |f| {
        f["sim"]["tstop"] = json!("60");
        f["sim"]["smooth"] = json!("0");
    });
    let mut walls = Vec::new();
    let mut e2e = Vec::new();
    let mut rss_kb = Vec::new();
    for k in 0..20 {
        let mut f = base.clone();
        f["sim"]["name"] = json!(format!("r{k}"));
        let t0 = Instant::now();
        let r = s.post("/api/run", &f);
        assert_eq!(r.status, 200);
        let e = s.wait_job(r.json()["job"].as_u64().unwrap());
        assert_eq!(e["status"], "done");
        e2e.push(t0.elapsed().as_secs_f64() * 1e3);
        walls.push(e["wall_ms"].as_f64().unwrap());
        s.wait_idle();
        rss_kb.push(resident_kb(s.child.id()));
    }
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "20 runs (tstop 60 ms), simulation statement wall ms: {}",
        fmt(&walls)
    );
    println!("20 runs, request to done ms: {}", fmt(&e2e));
    println!("20 runs, server resident memory kB after each: {rss_kb:?}");
    // Runs must not get heavier as they pile up (the original GUI slowed down run after run
    // because it kept and redrew everything). Timing is left to benchmarks; what is checked
    // here is that the server's memory grows by no more than what a run is meant to keep:
    // its session variables (`net_<n>` with its results, `dpls_<n>`) and its figure, about
    // 1.3 MB for these 60 ms runs (measured 2026-12-06: 56.7 MB after run 5, 76.7 MB after
    // run 20). The bound, 3 MB a run over runs 6-20, catches anything more kept per run,
    // such as a second copy of each network or every earlier run's figure drawn again.
    let grown_kb = rss_kb[19].saturating_sub(rss_kb[4]);
    assert!(
        grown_kb <= 15 * 3072,
        "the server grows by {grown_kb} kB over runs 6-20: {rss_kb:?}"
    );

    // fuzz: random bodies to every endpoint; never a 5xx, never a crash
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let pieces: [&str; 16] = [
        "{",
        "}",
        "[",
        "]",
        "\"sim\":",
        "\"drives\":",
        "\"tstop\":",
        "\"1e309\"",
        "-1",
        "null",
        ",",
        "\"x\"",
        "{\"kind\":\"tonic\"}",
        "\u{0}",
        "\"runs\":[1,2]",
        "true",
    ];
    let paths = [
        "/api/run",
        "/api/figure",
        "/api/axis",
        "/api/data/remove",
        "/api/upload?kind=network&name=a.json",
        "/api/save",
        "/api/optimize",
        "/api/drive_template",
        "/api/upload?kind=data&name=a.txt",
        "/api/upload?kind=drives&name=a.json",
        "/api/upload?kind=x&name=../../etc/passwd",
        "/api/upload",
        "/api/figures/1.png",
        "/api/figures/..%2F..%2Fx.svg",
        "/api/outputs/..%2F..%2Fx.txt",
        "/api/nope",
    ];
    for i in 0..300 {
        let path = paths[(next() % paths.len() as u64) as usize];
        let mut body = String::new();
        for _ in 0..(next() % 12) {
            body.push_str(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let method = if i % 7 == 0 { "GET" } else { "POST" };
        let r = s.request(method, path, body.as_bytes(), Some(&s.token.clone()));
        assert!(
            r.status < 500,
            "{method} {path} {body:?} → {} {}",
            r.status,
            r.text()
        );
    }
    // structurally valid forms with wild values
    let wild = [
        "",
        "abc",
        "-1",
        "0",
        "1e309",
        "NaN",
        "inf",
        "99999999999999999999",
        "0.5",
        "1",
    ];
    for i in 0..60 {
        let v = wild[i % wild.len()];
        let f = forms_with(&s, |f| {
            f["sim"]["tstop"] = json!(v);
            f["sim"]["n_trials"] = json!(wild[(i + 3) % wild.len()]);
            f["drives"][0]["fields"]["sigma"] = json!(wild[(i + 5) % wild.len()]);
            f["network"]["gains"]["i_i"] = json!(wild[(i + 7) % wild.len()]);
        });
        let r = s.post("/api/run", &f);
        assert!(r.status == 400 || r.status == 200, "{}", r.text());
        if r.status == 200 {
            s.post("/api/stop", &json!({}));
        }
    }
    s.wait_idle();
    assert_eq!(s.get("/api/state").status, 200, "the server still answers");
    assert!(s.child.try_wait().unwrap().is_none(), "the server is alive");
}

/// The Python of the Playwright venv `.ci/run` makes, if there.
fn playwright_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HNN_PLAYWRIGHT_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/venv-gui/bin/python");
    p.exists().then_some(p)
}

#[test]
fn browser_journey_through_the_erp_tutorial() {
    let Some(python) = playwright_python() else {
        assert!(
            std::env::var_os("HNN_REQUIRE_PLAYWRIGHT").is_none(),
            "HNN_REQUIRE_PLAYWRIGHT is set but there is no Playwright venv (.ci/venv-gui)"
        );
        println!(
            "SKIPPED browser_journey_through_the_erp_tutorial: no Playwright venv at .ci/venv-gui (made by .ci/run; or set HNN_PLAYWRIGHT_PYTHON)"
        );
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = start("gui-browser");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-screens");
    let _ = std::fs::create_dir_all(&shots);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gui_browser.py");
    let t0 = Instant::now();
    let st = Command::new(python)
        .arg(script)
        .env("HNN_GUI_URL", &s.url)
        .env("HNN_GUI_PROJECT", &s.project)
        .env("HNN_BIN", hnn())
        .env("HNN_DATA", data_file())
        .env(
            "HNN_PARAM",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("data/param/ERPYes100Trials.param"),
        )
        .env(
            "HNN_NETFILE",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/files/net_drives.json"),
        )
        .env("HNN_SHOTS", &shots)
        .status()
        .expect("run the Playwright journey");
    println!(
        "browser journey: {:.1} s, screenshots in {}",
        t0.elapsed().as_secs_f64(),
        shots.display()
    );
    assert!(st.success(), "the browser journey failed");
}
