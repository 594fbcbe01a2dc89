//! `hnn gui`: hnn-core's GUI as a page in the browser, served by a local web server from
//! this binary (the page's files are embedded; nothing is fetched from elsewhere).
//!
//! A thin layer over the scripting session: every action of the page (a run, a figure, a
//! file loaded, a fit) becomes Rhai statements run by one [`Session`] on its own thread, the
//! page shows those statements, and "Export .rhai" writes them as a script that `hnn run`
//! reproduces exactly. Simulations never run on a request's path: the page gets progress
//! as server-sent events, stays usable, and can stop a run.
//!
//! Modules by concern: [`server`] (routes), [`auth`] (the token), [`session_thread`] (the
//! session's thread and queue), [`state`] (what the page shows), [`actions`] (forms checked
//! and written as statements), [`drives`], [`figures`], [`optimize`] (the tabs' forms).
//!
//! [`Session`]: crate::script::session::Session

pub mod actions;
pub mod auth;
pub mod drives;
pub mod figures;
pub mod optimize;
pub mod server;
pub mod session_thread;
pub mod state;

use std::io::Write;
use std::path::PathBuf;

/// The page's files, embedded in the binary.
pub mod assets {
    /// The page.
    pub const INDEX_HTML: &str = include_str!("assets/index.html");
    /// Its script.
    pub const APP_JS: &str = include_str!("assets/app.js");
    /// Its style sheet.
    pub const STYLE_CSS: &str = include_str!("assets/style.css");

    /// The file called `name` (`index.html` for anything unknown).
    pub fn get(name: &str) -> &'static str {
        match name {
            "app.js" => APP_JS,
            "style.css" => STYLE_CSS,
            _ => INDEX_HTML,
        }
    }
}

/// How `hnn gui` was started.
#[derive(Debug, Clone)]
pub struct GuiOptions {
    /// Address to listen on (loopback by default).
    pub host: String,
    /// Port (0: any free one).
    pub port: u16,
    /// Open the page in the default browser.
    pub open_browser: bool,
    /// The project folder: uploads go to its `data/`, saved outputs to `outputs/`, the
    /// exported script to `session.rhai`; the session's relative paths start there.
    pub project: PathBuf,
    /// Worker threads of simulations (default: all cores).
    pub threads: Option<usize>,
    /// Serve the page's files from this folder instead of the embedded ones (to work on
    /// the page without rebuilding).
    pub assets_dir: Option<PathBuf>,
}

/// Serve the GUI until the process is ended (Ctrl-C).
pub fn serve(opts: GuiOptions) -> Result<(), String> {
    for sub in ["", "data", "outputs"] {
        std::fs::create_dir_all(opts.project.join(sub)).map_err(|e| {
            format!(
                "error: cannot make the project folder {}: {e}",
                opts.project.display()
            )
        })?;
    }
    let project = opts
        .project
        .canonicalize()
        .map_err(|e| format!("error: {}: {e}", opts.project.display()))?;
    let assets_dir = opts.assets_dir.as_ref().and_then(|d| d.canonicalize().ok());
    // the session's relative paths (data/..., outputs/...) are the exported script's
    std::env::set_current_dir(&project)
        .map_err(|e| format!("error: cannot enter {}: {e}", project.display()))?;
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("error: cannot start the server: {e}"))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind((opts.host.as_str(), opts.port))
            .await
            .map_err(|e| format!("error: cannot listen on {}:{}: {e}", opts.host, opts.port))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("error: {e}"))?
            .port();
        let h = session_thread::Handle::start()
            .map_err(|e| format!("error: {e}"))?;
        let forms = server::initial_forms(&h, threads)
            .await
            .map_err(|e| format!("error: the model's defaults: {e}"))?;
        {
            let mut st = h.shared.lock();
            st.forms = forms;
            h.shared.changed(&mut st);
        }
        let token = auth::new_token();
        let shown_host = if opts.host.contains(':') {
            format!("[{}]", opts.host)
        } else {
            opts.host.clone()
        };
        let url = format!("http://{shown_host}:{port}/?token={token}");
        let loopback = opts
            .host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
            || opts.host == "localhost";
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "hnn gui: project folder {}", project.display());
        if !loopback {
            let _ = writeln!(
                out,
                "hnn gui: listening on {} — anyone who reaches it with the token can run code as you",
                opts.host
            );
        }
        let _ = writeln!(out, "hnn gui: open this address in a browser (Ctrl-C stops the server):");
        let _ = writeln!(out, "    {url}");
        let _ = out.flush();
        drop(out);
        if opts.open_browser {
            open_browser(&url);
        }
        let app = server::App::new(h, token, port, project, assets_dir);
        axum::serve(listener, server::router(app))
            .await
            .map_err(|e| format!("error: the server stopped: {e}"))
    })
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        println!("hnn gui: could not start a browser ({cmd}); open the address above by hand");
    }
}
