//! The HTTP side: routes, the token check, uploads, figures, the event stream. Every action
//! becomes a job for the session thread; handlers never wait for a simulation (uploads
//! wait for their own short statement, behind what is queued).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::actions::{
    CELL_TYPES, Errors, RunForm, SimForm, run_code, safe_file_name, save_code, saved_files,
};
use super::drives::{DriveForm, forms_from_network};
use super::figures::{
    AxisForm, COLORMAPS, FigureForm, Known, PLOT_TYPES, TEMPLATES, axis_code, figure_code,
};
use super::session_thread::{Handle, Job, Outcome, figures_of};
use super::state::{DataInfo, Figure, RunInfo, Status};
use super::{assets, optimize};

/// (number, name) of runs or data.
type Named = Vec<(usize, String)>;

/// Largest request body (uploads included) [bytes].
pub const MAX_BODY: usize = 16 << 20;

/// Numbers given out to runs, data and figures (never reused, so a failed statement's
/// variables are never referred to).
#[derive(Default)]
struct Counters {
    runs: usize,
    data: usize,
    figures: usize,
    fits: usize,
}

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    /// The session thread.
    pub h: Handle,
    token: Arc<String>,
    cookie: Arc<String>,
    project: Arc<PathBuf>,
    assets_dir: Option<Arc<PathBuf>>,
    counters: Arc<Mutex<Counters>>,
}

impl App {
    /// The server's shared state: the session thread `h`, the token, the project folder
    /// (uploads go to its `data/`), optionally a folder to read the page's files from
    /// instead of the embedded ones.
    pub fn new(
        h: Handle,
        token: String,
        port: u16,
        project: PathBuf,
        assets_dir: Option<PathBuf>,
    ) -> App {
        App {
            h,
            token: Arc::new(token),
            cookie: Arc::new(super::auth::cookie_name(port)),
            project: Arc::new(project),
            assets_dir: assets_dir.map(Arc::new),
            counters: Arc::new(Mutex::new(Counters::default())),
        }
    }

    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(|s| asset(s, "app.js")))
        .route("/style.css", get(|s| asset(s, "style.css")))
        .route("/api/state", get(state))
        .route("/api/run", post(run))
        .route("/api/stop", post(stop))
        .route("/api/drive_template", post(drive_template))
        .route("/api/upload", post(upload))
        .route("/api/figure", post(figure))
        .route("/api/axis", post(axis))
        .route("/api/data/remove", post(remove_data))
        .route("/api/save", post(save))
        .route("/api/optimize", post(optimize_run))
        .route("/api/export", get(export))
        .route("/api/figures/{file}", get(figure_file))
        .route("/api/outputs/{file}", get(output_file))
        .route("/api/events", get(events))
        .layer(from_fn_with_state(app.clone(), require_token))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

async fn require_token(State(app): State<App>, req: Request, next: Next) -> Response {
    let q = req.uri().query().map(str::to_string);
    let header = req
        .headers()
        .get("x-hnn-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let cookies = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let given = super::auth::given(
        q.as_deref(),
        header.as_deref(),
        cookies.as_deref(),
        &app.cookie,
    );
    if !given.is_some_and(|t| super::auth::same(t, &app.token)) {
        return (
            StatusCode::FORBIDDEN,
            "hnn gui: open the address with the token that `hnn gui` printed\n",
        )
            .into_response();
    }
    let mut resp = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict",
        app.cookie, app.token
    )) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

fn bad(errors: Errors) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "errors": errors })),
    )
        .into_response()
}

fn bad_msg(msg: String) -> Response {
    (StatusCode::BAD_REQUEST, axum::Json(json!({ "error": msg }))).into_response()
}

async fn index(s: State<App>) -> Response {
    asset(s, "index.html").await
}

async fn asset(State(app): State<App>, name: &'static str) -> Response {
    let kind = match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "text/html; charset=utf-8",
    };
    let body = match &app.assets_dir {
        Some(dir) => std::fs::read_to_string(dir.join(name)).unwrap_or_default(),
        None => assets::get(name).to_string(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn state(State(app): State<App>) -> Response {
    let mut st = app.h.shared.lock();
    // a run's wall time is its simulation statement's
    let walls: Vec<Option<f64>> = st
        .runs
        .iter()
        .map(|r| {
            st.entries
                .iter()
                .find(|e| e.id == r.job)
                .and_then(|e| e.wall_ms)
        })
        .collect();
    for (r, w) in st.runs.iter_mut().zip(walls) {
        r.wall_ms = w;
    }
    let mut v = serde_json::to_value(&*st).unwrap_or(Value::Null);
    v["plot_types"] = json!(PLOT_TYPES);
    v["templates"] = json!(TEMPLATES.iter().map(|t| t.name).collect::<Vec<_>>());
    v["colormaps"] = json!(COLORMAPS);
    v["project"] = json!(app.project.display().to_string());
    axum::Json(v).into_response()
}

async fn run(State(app): State<App>, axum::Json(form): axum::Json<RunForm>) -> Response {
    let n = app.counters().runs + 1;
    let code = match run_code(&form, n) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    app.counters().runs = n;
    let sim = code.sim.clone();
    {
        let mut st = app.h.shared.lock();
        st.forms = serde_json::to_value(&form).unwrap_or(Value::Null);
        st.runs.push(RunInfo {
            n,
            name: sim.name.clone(),
            status: Status::Queued,
            tstop: sim.tstop,
            n_trials: sim.n_trials,
            wall_ms: None,
            job: 0,
        });
    }
    let job = app.h.submit(Job {
        label: format!("run {n}: {}", sim.name),
        code: code.simulate,
        exported: true,
        threads: Some(sim.threads),
        needs: None,
        on_done: Some(Box::new(move |_, st, o| {
            if let Some(r) = st.run_mut(n) {
                r.status = status_of(o);
            }
        })),
    });
    let meta = FigMeta {
        id: next_figure(&app),
        title: format!("run {n}: {}", sim.name),
        var: format!("fig_run_{n}"),
        grid: (2, 1),
        plots: vec![
            vec![format!("input histogram: {}", sim.name)],
            vec![format!("current dipole: {}", sim.name)],
        ],
    };
    app.h.submit(Job {
        label: format!("figure of run {n}"),
        code: code.figure,
        exported: true,
        threads: None,
        needs: Some(job),
        on_done: Some(keep_figure(meta, None)),
    });
    if let Some(r) = app.h.shared.lock().run_mut(n) {
        r.job = job;
    }
    axum::Json(json!({ "run": n, "job": job })).into_response()
}

fn status_of(o: &Outcome) -> Status {
    match o {
        Outcome::Done(_) => Status::Done,
        Outcome::Failed(_) => Status::Failed,
        Outcome::Stopped => Status::Stopped,
        Outcome::Cancelled => Status::Cancelled,
    }
}

fn next_figure(app: &App) -> usize {
    let mut c = app.counters();
    c.figures += 1;
    c.figures
}

/// A figure about to be drawn: its number, title, variable, grid and what its axes show.
struct FigMeta {
    id: usize,
    title: String,
    var: String,
    grid: (usize, usize),
    plots: Vec<Vec<String>>,
}

/// An `on_done` keeping the figure a statement drew into `meta.var` (and the metrics
/// `metrics` evaluates to).
fn keep_figure(meta: FigMeta, metrics: Option<String>) -> super::session_thread::OnDone {
    Box::new(move |session, st, o| {
        let Outcome::Done(x) = o else {
            return;
        };
        let m = metrics
            .and_then(|code| session.eval(&code).ok())
            .and_then(|v| serde_json::to_value(&v).ok())
            .unwrap_or(Value::Null);
        let Some(img) = session
            .figure(&meta.var)
            .or_else(|| figures_of(x).into_iter().next())
        else {
            return;
        };
        st.figures.push(Figure {
            id: meta.id,
            title: meta.title,
            metrics: m,
            png: img.png,
            svg: img.svg,
            var: meta.var,
            grid: meta.grid,
            plots: meta.plots,
            rev: 0,
        });
    })
}

async fn stop(State(app): State<App>) -> Response {
    let running = app.h.shared.lock().running;
    app.h.stop();
    axum::Json(json!({ "stopped": running })).into_response()
}

#[derive(Deserialize)]
struct TemplateQuery {
    kind: String,
    location: String,
    index: usize,
    tstop: String,
}

async fn drive_template(axum::Json(q): axum::Json<TemplateQuery>) -> Response {
    match DriveForm::template(&q.kind, &q.location, q.index, &q.tstop) {
        Some(f) => axum::Json(f).into_response(),
        None => bad_msg(format!("unknown drive type '{}'", q.kind)),
    }
}

#[derive(Deserialize)]
struct UploadQuery {
    kind: String,
    name: String,
}

/// Write an upload into the project's `data/` under a name no other upload has taken
/// (same bytes: the same file); its path relative to the project.
fn keep_upload(app: &App, name: &str, body: &[u8]) -> Result<String, String> {
    let name = safe_file_name(name).ok_or_else(|| format!("'{name}' is not a file name"))?;
    let dir = app.project.join("data");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{name}: cannot keep it: {e}"))?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    for k in 1..1000 {
        let f = if k == 1 {
            name.clone()
        } else {
            format!("{stem}-{k}{ext}")
        };
        let p = dir.join(&f);
        match std::fs::read(&p) {
            Ok(old) if old == body => return Ok(format!("data/{f}")),
            Ok(_) => continue,
            Err(_) => {
                std::fs::write(&p, body).map_err(|e| format!("{name}: cannot keep it: {e}"))?;
                return Ok(format!("data/{f}"));
            }
        }
    }
    Err(format!("{name}: too many files of this name"))
}

async fn upload(State(app): State<App>, Query(q): Query<UploadQuery>, body: Bytes) -> Response {
    let shown = safe_file_name(&q.name).unwrap_or_else(|| q.name.chars().take(60).collect());
    if body.is_empty() {
        return bad_msg(format!("{shown}: the file is empty"));
    }
    if std::str::from_utf8(&body).is_err() && !q.name.ends_with(".hdf5") && !q.name.ends_with(".h5")
    {
        return bad_msg(format!("{shown}: not a text file"));
    }
    if !["data", "drives", "network"].contains(&q.kind.as_str()) {
        return bad_msg(format!("unknown upload kind '{}'", q.kind));
    }
    let path = match keep_upload(&app, &q.name, &body) {
        Ok(p) => p,
        Err(e) => return bad_msg(e),
    };
    // HNN's parameter files: `.param`, or a flat `.json` (the tutorials' drive files)
    let params = path.ends_with(".param")
        || (path.ends_with(".json")
            && super::actions::is_params_json(&String::from_utf8_lossy(&body)));
    match q.kind.as_str() {
        "data" => load_data(app, shown, path).await,
        "drives" => load_drives(app, shown, path, params).await,
        "network" => load_network(app, shown, path, params).await,
        _ => bad_msg(format!("unknown upload kind '{}'", q.kind)),
    }
}

async fn load_data(app: App, shown: String, path: String) -> Response {
    let n = {
        let mut c = app.counters();
        c.data += 1;
        c.data
    };
    let (tx, rx) = oneshot::channel::<Result<(), String>>();
    let name = shown.clone();
    let p = path.clone();
    app.h.submit(Job {
        label: format!("load data {shown}"),
        code: format!(
            "let data_{n} = read_dipole({});\n",
            super::actions::quote(&path)
        ),
        exported: true,
        threads: None,
        needs: None,
        on_done: Some(Box::new(move |_, st, o| {
            let r = match o {
                Outcome::Done(_) => {
                    st.data.push(DataInfo {
                        n,
                        name,
                        path: p.clone(),
                    });
                    Ok(())
                }
                Outcome::Failed(m) => Err(m.clone()),
                Outcome::Stopped | Outcome::Cancelled => Err("stopped before it was read".into()),
            };
            if r.is_err() {
                // a file that cannot be read is not kept
                let _ = std::fs::remove_file(&p);
            }
            let _ = tx.send(r);
        })),
    });
    match rx.await {
        Ok(Ok(())) => axum::Json(json!({ "data": n })).into_response(),
        Ok(Err(m)) => bad_msg(format!("{shown}: {}", first_line(&m))),
        Err(_) => bad_msg(format!("{shown}: the session ended")),
    }
}

/// A number for the log: six significant digits without trailing zeros (the fit's form keeps
/// the full value), so that 26.409999999999997 reads 26.41.
fn short_number(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    if !(1e-4..1e6).contains(&a) {
        return format!("{x:.5e}");
    }
    let decimals = (5 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn first_line(m: &str) -> String {
    m.lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string()
}

/// The expression describing a network's drives (`{ drives, starts }`) read from `reader`.
fn drives_query(reader: &str) -> String {
    format!(
        "{{ let n = {reader}; let starts = #{{}}; for k in n.external_drives.keys() {{ starts[k] = n.gid_ranges[k][0]; }} #{{ drives: n.external_drives, starts: starts, biases: n.external_biases }} }}"
    )
}

async fn load_drives(app: App, shown: String, path: String, params: bool) -> Response {
    let p = super::actions::quote(&path);
    let reader = if params {
        format!(
            "jones_2009_model(#{{ params: {p}, add_drives_from_params: true, legacy_mode: true }})"
        )
    } else {
        format!("read_network_configuration({p})")
    };
    match app.h.query(drives_query(&reader)).await {
        Ok(v) => {
            let forms = forms_from_network(&v);
            if forms.is_empty() {
                return bad_msg(format!("{shown}: no drives in this file"));
            }
            axum::Json(json!({ "drives": forms })).into_response()
        }
        Err(m) => bad_msg(format!("{shown}: {}", first_line(&m))),
    }
}

async fn figure(State(app): State<App>, axum::Json(f): axum::Json<FigureForm>) -> Response {
    let (runs, data) = known_now(&app);
    let k = app.counters().figures + 1;
    let code = match figure_code(
        &f,
        k,
        &Known {
            runs: &runs,
            data: &data,
        },
    ) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let k = next_figure(&app);
    let names = &code.drawn;
    let title = if names.is_empty() {
        format!("figure {k}: {}", f.template)
    } else {
        format!("figure {k}: {} — {}", f.template, names.join(", "))
    };
    let meta = FigMeta {
        id: k,
        title,
        var: format!("fig_{k}"),
        grid: code.grid,
        plots: code.plots,
    };
    let job = app.h.submit(Job {
        label: format!("figure {k}"),
        code: code.code,
        exported: true,
        threads: None,
        needs: None,
        on_done: Some(keep_figure(meta, code.metrics)),
    });
    axum::Json(json!({ "figure": k, "job": job })).into_response()
}

/// The finished runs and the loaded data, by number.
fn known_now(app: &App) -> (Named, Named) {
    let st = app.h.shared.lock();
    (
        st.runs
            .iter()
            .filter(|r| r.status == Status::Done)
            .map(|r| (r.n, r.name.clone()))
            .collect(),
        st.data.iter().map(|d| (d.n, d.name.clone())).collect(),
    )
}

/// "Add plot" or "Clear axis" on one axis of a figure: drawn into the figure's variable,
/// the figure drawn again.
async fn axis(State(app): State<App>, axum::Json(f): axum::Json<AxisForm>) -> Response {
    let (runs, data) = known_now(&app);
    let fig = {
        let st = app.h.shared.lock();
        st.figures
            .iter()
            .find(|x| x.id == f.figure)
            .map(|x| (x.var.clone(), x.plots.clone()))
    };
    let Some((var, plots)) = fig else {
        let mut e = Errors::default();
        e.add("ax.figure", "choose a figure");
        return bad(e);
    };
    let present = plots.get(f.axis).cloned().unwrap_or_default();
    let code = match axis_code(
        &f,
        &var,
        plots.len(),
        &present,
        &Known {
            runs: &runs,
            data: &data,
        },
    ) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let (id, axis, clear) = (f.figure, f.axis, f.action == "clear");
    let added = code.plots.get(axis).cloned().unwrap_or_default();
    let metrics = code.metrics;
    let label = if clear {
        format!("figure {id}: clear ax{axis}")
    } else {
        format!("figure {id}: add {} to ax{axis}", f.plot)
    };
    let job = app.h.submit(Job {
        label,
        code: code.code,
        exported: true,
        threads: None,
        needs: None,
        on_done: Some(Box::new(move |session, st, o| {
            if !matches!(o, Outcome::Done(_)) {
                return;
            }
            let m = metrics
                .and_then(|code| session.eval(&code).ok())
                .and_then(|v| serde_json::to_value(&v).ok());
            let img = session.figure(&var);
            let Some(fig) = st.figures.iter_mut().find(|x| x.id == id) else {
                return;
            };
            if let Some(img) = img {
                fig.png = img.png;
                fig.svg = img.svg;
                fig.rev += 1;
            }
            let mut kept: Vec<Value> = match fig.metrics.take() {
                Value::Array(a) => a,
                _ => Vec::new(),
            };
            if clear {
                if let Some(p) = fig.plots.get_mut(axis) {
                    p.clear();
                }
                kept.retain(|x| x["axis"].as_u64() != Some(axis as u64));
            } else {
                if let Some(p) = fig.plots.get_mut(axis) {
                    p.extend(added);
                }
                if let Some(Value::Array(a)) = m {
                    kept.extend(a);
                }
            }
            fig.metrics = if kept.is_empty() {
                Value::Null
            } else {
                Value::Array(kept)
            };
        })),
    });
    axum::Json(json!({ "figure": id, "job": job })).into_response()
}

#[derive(Deserialize)]
struct DataQuery {
    data: usize,
}

/// Remove a loaded recording: the page no longer offers it and the session lets go of it
/// (the file stays in the project's `data/`: earlier statements read it).
async fn remove_data(State(app): State<App>, axum::Json(q): axum::Json<DataQuery>) -> Response {
    let removed = {
        let mut st = app.h.shared.lock();
        let before = st.data.len();
        st.data.retain(|d| d.n != q.data);
        let gone = st.data.len() != before;
        if gone {
            app.h.shared.changed(&mut st);
        }
        gone
    };
    if !removed {
        return bad_msg(format!("there is no data_{}", q.data));
    }
    let job = app.h.submit(Job {
        label: format!("remove data_{}", q.data),
        code: format!("// remove data_{n}\ndata_{n} = ();\n", n = q.data),
        exported: true,
        threads: None,
        needs: None,
        on_done: None,
    });
    axum::Json(json!({ "removed": q.data, "job": job })).into_response()
}

#[derive(Deserialize)]
struct SaveQuery {
    run: usize,
}

async fn save(State(app): State<App>, axum::Json(q): axum::Json<SaveQuery>) -> Response {
    let run = {
        let st = app.h.shared.lock();
        st.runs
            .iter()
            .find(|r| r.n == q.run && r.status == Status::Done)
            .map(|r| (r.name.clone(), r.n_trials))
    };
    let Some((name, n_trials)) = run else {
        return bad_msg(format!("run {} has not finished", q.run));
    };
    if let Err(e) = std::fs::create_dir_all(app.project.join("outputs")) {
        return bad_msg(format!("cannot make outputs/: {e}"));
    }
    let job = app.h.submit(Job {
        label: format!("save run {}", q.run),
        code: save_code(q.run, &name),
        exported: true,
        threads: None,
        needs: None,
        on_done: Some(Box::new(move |_, st, o| {
            if let Outcome::Done(_) = o {
                saved(st, saved_files(q.run, &name, n_trials));
            }
        })),
    });
    axum::Json(json!({ "job": job })).into_response()
}

/// Note files written into `outputs/` (once each).
fn saved(st: &mut super::state::GuiState, files: Vec<String>) {
    for f in files {
        if !st.saved.contains(&f) {
            st.saved.push(f);
        }
    }
}

/// A file of the project's `outputs/`, as a download.
async fn output_file(State(app): State<App>, Path(file): Path<String>) -> Response {
    if safe_file_name(&file).as_deref() != Some(file.as_str()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(bytes) = std::fs::read(app.project.join("outputs").join(&file)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let kind = if file.ends_with(".json") {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn optimize_run(
    State(app): State<App>,
    axum::Json(f): axum::Json<optimize::OptimizeForm>,
) -> Response {
    let data: Named = app
        .h
        .shared
        .lock()
        .data
        .iter()
        .map(|d| (d.n, d.name.clone()))
        .collect();
    let (k, n) = {
        let c = app.counters();
        (c.fits + 1, c.runs + 1)
    };
    let code = match optimize::code(&f, k, n, &data) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    {
        let mut c = app.counters();
        c.fits = k;
        c.runs = n;
    }
    let name = format!("{}_optimized", f.run.sim.name.trim());
    {
        let mut st = app.h.shared.lock();
        st.runs.push(RunInfo {
            n,
            name: name.clone(),
            status: Status::Queued,
            tstop: code.tstop,
            n_trials: code.n_trials,
            wall_ms: None,
            job: 0,
        });
    }
    let params = code.params_query.clone();
    let conv = FigMeta {
        id: 0,
        title: format!("fit {k}: convergence"),
        var: format!("fig_conv_{k}"),
        grid: (1, 1),
        // drawn once, not edited axis by axis
        plots: Vec::new(),
    };
    let job = app.h.submit(Job {
        label: format!("fit {k} → run {n}: {name}"),
        code: code.code,
        exported: true,
        threads: Some(code.threads),
        needs: None,
        on_done: Some(Box::new(move |session, st, o| {
            if let Some(r) = st.run_mut(n) {
                r.status = status_of(o);
            }
            if let Outcome::Done(_) = o
                && let Ok(v) = session.eval(&params)
            {
                let v = serde_json::to_value(&v).unwrap_or(Value::Null);
                let shown: Vec<String> = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        format!(
                            "{}.{} = {}",
                            p["name"].as_str().unwrap_or("?"),
                            p["field"].as_str().unwrap_or("?"),
                            p["value"]
                                .as_f64()
                                .map_or(p["value"].to_string(), short_number)
                        )
                    })
                    .collect();
                st.log(format!("fit {k}: best parameters {}", shown.join(", ")));
                st.forms["fit_result"] = json!({ "fit": k, "params": v });
            }
        })),
    });
    let meta = FigMeta {
        id: next_figure(&app),
        title: format!("fit {k}: {name}"),
        var: format!("fig_fit_{k}"),
        grid: (if code.metrics.is_some() { 2 } else { 3 }, 1),
        plots: if code.metrics.is_some() {
            vec![
                vec![format!("input histogram: {name}")],
                vec![format!("current dipole: {name}"), "data".to_string()],
            ]
        } else {
            vec![
                vec![format!("input histogram: {name}")],
                vec![format!("current dipole: {name}")],
                vec![format!("PSD: {name}")],
            ]
        },
    };
    let fig_job = app.h.submit(Job {
        label: format!("figure of fit {k}"),
        code: code.figure,
        exported: true,
        threads: None,
        needs: Some(job),
        on_done: Some(keep_figure(meta, code.metrics)),
    });
    let keep_conv = keep_figure(
        FigMeta {
            id: next_figure(&app),
            ..conv
        },
        None,
    );
    app.h.submit(Job {
        label: format!("convergence of fit {k}"),
        code: code.convergence,
        exported: true,
        threads: None,
        needs: Some(fig_job),
        on_done: Some(Box::new(move |session, st, o| {
            if let Outcome::Done(_) = o {
                saved(st, vec![format!("fit_{k}_history.txt")]);
            }
            keep_conv(session, st, o);
        })),
    });
    if let Some(r) = app.h.shared.lock().run_mut(n) {
        r.job = job;
    }
    axum::Json(json!({ "run": n, "job": job })).into_response()
}

async fn export(State(app): State<App>) -> Response {
    let script = app
        .h
        .shared
        .lock()
        .script(&app.project.display().to_string());
    let saved = std::fs::write(app.project.join("session.rhai"), &script).is_ok();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"session.rhai\"".to_string(),
            ),
            (
                header::HeaderName::from_static("x-hnn-saved"),
                if saved { "session.rhai" } else { "" }.to_string(),
            ),
        ],
        script,
    )
        .into_response()
}

async fn figure_file(State(app): State<App>, Path(file): Path<String>) -> Response {
    let Some((id, ext)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(id) = id.parse::<usize>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let st = app.h.shared.lock();
    let Some(f) = st.figures.iter().find(|f| f.id == id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match ext {
        "png" => ([(header::CONTENT_TYPE, "image/png")], f.png.clone()).into_response(),
        "svg" => ([(header::CONTENT_TYPE, "image/svg+xml")], f.svg.clone()).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn events(State(app): State<App>) -> Response {
    let rx = app.h.shared.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(msg) => return Some((Ok::<Event, Infallible>(Event::default().data(msg)), rx)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The expression describing the network `model` (an expression; the ERP drives added
/// when `erp`): `{ drives, starts, connections, cells }`.
fn network_query(model: &str, erp: bool) -> String {
    let erp = if erp {
        "add_erp_drives_to_jones_model(b);"
    } else {
        ""
    };
    format!(
        "{{ let b = {model}; {erp}
        let starts = #{{}}; for k in b.external_drives.keys() {{ starts[k] = b.gid_ranges[k][0]; }}
        let conns = [];
        for c in b.connectivity {{ conns.push(#{{ src: c.src_type, target: c.target_type, loc: c.loc, receptor: c.receptor, weight: c.nc_dict.A_weight, gain: c.nc_dict.gain }}); }}
        let cells = [];
        for t in [\"L2_pyramidal\", \"L5_pyramidal\"] {{
            let cell = b.cell_types[t][\"cell_object\"];
            for s in cell.sections.keys() {{
                let sec = cell.sections[s];
                cells.push(#{{ cell: t, group: \"section\", owner: s, param: \"L\", value: sec.L }});
                cells.push(#{{ cell: t, group: \"section\", owner: s, param: \"diam\", value: sec.diam }});
                cells.push(#{{ cell: t, group: \"section\", owner: s, param: \"cm\", value: sec.cm }});
                cells.push(#{{ cell: t, group: \"section\", owner: s, param: \"Ra\", value: sec.Ra }});
                for m in sec.mechs.keys() {{
                    let mh = sec.mechs[m];
                    for p in mh.keys() {{
                        let v = mh[p];
                        if type_of(v) == \"f64\" {{ cells.push(#{{ cell: t, group: \"biophysics\", owner: s, param: m + \".\" + p, value: v }}); }}
                    }}
                }}
            }}
            for r in [\"ampa\", \"nmda\", \"gabaa\", \"gabab\"] {{
                let syn = cell.synapses[r];
                for p in [\"e\", \"tau1\", \"tau2\"] {{ cells.push(#{{ cell: t, group: \"synapse\", owner: r, param: p, value: syn[p] }}); }}
            }}
        }}
        #{{ drives: b.external_drives, starts: starts, connections: conns, cells: cells }} }}"
    )
}

/// The Network tab's form of a network described by [`network_query`], starting from the
/// network file `base` when given.
fn network_form(v: &Value, base: Option<&str>) -> Value {
    let text = |x: &Value| match x.as_f64() {
        Some(f) => format!("{f}"),
        None => String::new(),
    };
    // the drives' connections are the drives tab's
    let connections: Vec<Value> = v["connections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["src"].as_str().is_some_and(|s| CELL_TYPES.contains(&s)))
        .map(|c| {
            json!({ "src": c["src"], "target": c["target"], "loc": c["loc"], "receptor": c["receptor"],
                    "weight": text(&c["weight"]), "gain": text(&c["gain"]),
                    "base_weight": c["weight"], "base_gain": c["gain"] })
        })
        .collect();
    let cells: Vec<Value> = v["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            json!({ "cell": c["cell"], "group": c["group"], "owner": c["owner"], "param": c["param"],
                    "value": text(&c["value"]), "base": c["value"] })
        })
        .collect();
    let gains: BTreeMap<&str, &str> =
        [("e_e", "1"), ("e_i", "1"), ("i_e", "1"), ("i_i", "1")].into();
    json!({ "gains": gains, "connections": connections, "cells": cells, "base": base })
}

/// "Load local network connectivity": the network file's connections and cell parameters
/// become the Network tab (runs start from the file; its drives stay the drives tab's).
async fn load_network(app: App, shown: String, path: String, params: bool) -> Response {
    let model = super::actions::network_reader(&path, params);
    match app.h.query(network_query(&model, false)).await {
        Ok(v) => {
            let mut form = network_form(&v, Some(&path));
            form["base_params"] = json!(params);
            if form["connections"].as_array().is_none_or(|c| c.is_empty()) {
                return bad_msg(format!("{shown}: no connections in this file"));
            }
            axum::Json(json!({ "network": form, "path": path })).into_response()
        }
        Err(m) => {
            let _ = std::fs::remove_file(app.project.join(&path));
            bad_msg(format!("{shown}: {}", first_line(&m)))
        }
    }
}

/// The forms the page starts with: the Simulation tab's defaults (hnn-core's GUI), the ERP
/// drives and the network of `jones_2009_model`, read from the session.
pub async fn initial_forms(h: &Handle, threads: usize) -> Result<Value, String> {
    let v = h.query(network_query("jones_2009_model()", true)).await?;
    let drives = forms_from_network(&v);
    let sim = SimForm {
        name: "default".into(),
        tstop: "170".into(),
        dt: "0.025".into(),
        n_trials: "1".into(),
        threads: threads.to_string(),
        smooth: "30".into(),
        scale: "3000".into(),
    };
    Ok(json!({
        "sim": sim,
        "drives": drives,
        "network": network_form(&v, None),
    }))
}

#[cfg(test)]
mod tests {
    use super::short_number;

    #[test]
    fn log_numbers_are_short() {
        assert_eq!(short_number(26.409999999999997), "26.41");
        assert_eq!(short_number(0.001234567), "0.00123457");
        assert_eq!(short_number(-3.0), "-3");
        assert_eq!(short_number(1.5e-7), "1.50000e-7");
        assert_eq!(short_number(0.0), "0");
    }
}
