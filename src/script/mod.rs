//! The Rhai layer: one engine factory, thin adapters over the library, one diagnostics
//! printer, the REPL. Nothing else depends on this module and no numerics live here.

pub mod api_batch;
pub mod api_cell;
pub mod api_connection;
pub mod api_extracellular;
pub mod api_network;
pub mod api_optim;
pub mod api_paths;
pub mod api_results;
pub mod api_sbi;
pub mod api_shapes;
pub mod api_viz;
pub mod diagnostics;
pub mod guard;
pub mod handles;
pub mod help;
pub mod kwargs;
pub mod progress;
#[cfg(feature = "cli")]
pub mod repl;
pub mod session;

use std::cell::Cell;
use std::path::Path;

pub use rhai;
use rhai::{AST, Dynamic, Engine, Scope};

thread_local! {
    static THREADS: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Worker threads for simulations started from scripts (`hnn --threads N`).
pub fn set_threads(n: Option<usize>) {
    THREADS.with(|t| t.set(n));
}

pub(crate) fn threads() -> Option<usize> {
    THREADS.with(|t| t.get())
}

/// What a script run knows besides its source.
#[derive(Debug, Clone, Default)]
pub struct ScriptContext {
    /// Constants from `-D NAME=VALUE`.
    pub constants: Vec<(String, Dynamic)>,
    /// Arguments after `--` (the script's `ARGS`).
    pub args: Vec<String>,
}

impl ScriptContext {
    /// `-D NAME=VALUE`: a number when VALUE parses as one, else a string.
    pub fn define(&mut self, spec: &str) -> Result<(), String> {
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("-D {spec}: expected NAME=VALUE"))?;
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!("-D {spec}: '{name}' is not a valid constant name"));
        }
        let v = if let Ok(i) = value.parse::<i64>() {
            Dynamic::from(i)
        } else if let Ok(f) = value.parse::<f64>() {
            Dynamic::from(f)
        } else {
            Dynamic::from(value.to_string())
        };
        self.constants.push((name.to_string(), v));
        Ok(())
    }

    /// The folder of `-D OUT=...` (where `hnn run` writes figures that were shown, never
    /// saved).
    pub fn out_dir(&self) -> Option<std::path::PathBuf> {
        self.constants
            .iter()
            .find(|(k, _)| k == "OUT")
            .map(|(_, v)| std::path::PathBuf::from(v.to_string()))
    }

    /// A scope holding the constants and `ARGS`.
    pub fn scope(&self) -> Scope<'static> {
        let mut s = Scope::new();
        for (k, v) in &self.constants {
            s.push_constant_dynamic(k.clone(), v.clone());
        }
        s.push_constant(
            "ARGS",
            self.args
                .iter()
                .map(|a| Dynamic::from(a.clone()))
                .collect::<rhai::Array>(),
        );
        s
    }
}

/// The one place an `Engine` is assembled (runner, REPL and tests share it).
pub fn build_engine() -> Engine {
    let mut engine = Engine::new();
    engine.set_max_expr_depths(256, 256);
    api_network::register(&mut engine);
    api_results::register(&mut engine);
    api_cell::register(&mut engine);
    api_viz::register(&mut engine);
    api_extracellular::register(&mut engine);
    api_optim::register(&mut engine);
    api_batch::register(&mut engine);
    api_connection::register(&mut engine);
    api_paths::register(&mut engine);
    api_shapes::register(&mut engine);
    // after every other registration: it reads the engine's signatures
    api_shapes::register_positional(&mut engine);
    engine.register_fn("help", help::overview);
    engine.register_fn("help", |name: &str| -> String {
        match help::lookup(name) {
            Some(d) => format!("{}\n    {}", d.signature, d.doc),
            None => format!("no help for '{name}'; help() lists every function"),
        }
    });
    // under MPI every rank runs the script; rank 0 prints
    engine.on_print(|s| {
        if crate::cluster::is_root() {
            println!("{s}")
        }
    });
    guard::install(&mut engine);
    engine
}

/// Rhai modules shipped inside the binary, importable as `import "hnn/<name>"`.
pub const STDLIB: &[(&str, &str)] = &[
    ("hnn/utils", include_str!("../../stdlib/hnn/utils.rhai")),
    ("hnn/erp", include_str!("../../stdlib/hnn/erp.rhai")),
    ("hnn/rhythms", include_str!("../../stdlib/hnn/rhythms.rhai")),
];

/// Install the module resolver: the stdlib first, then files relative to `dir`.
pub fn install_resolver(engine: &mut Engine, dir: Option<&Path>) -> Result<(), String> {
    use rhai::module_resolvers::{
        FileModuleResolver, ModuleResolversCollection, StaticModuleResolver,
    };
    let mut stdlib = StaticModuleResolver::new();
    for (name, src) in STDLIB {
        let ast = engine
            .compile(src)
            .map_err(|e| diagnostics::parse_error(name, src, &e))?;
        let module = rhai::Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| diagnostics::runtime_error(name, src, &e))?;
        stdlib.insert(*name, module);
    }
    let mut all = ModuleResolversCollection::new();
    all.push(stdlib);
    all.push(match dir {
        Some(d) if !d.as_os_str().is_empty() => FileModuleResolver::new_with_path(d),
        _ => FileModuleResolver::new_with_path("."),
    });
    engine.set_module_resolver(all);
    Ok(())
}

/// Compile a script file (recording its path so relative imports resolve beside it).
pub fn compile_file(engine: &Engine, path: &Path) -> Result<AST, String> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut ast = engine
        .compile(&src)
        .map_err(|e| diagnostics::parse_error(&path.display().to_string(), &src, &e))?;
    ast.set_source(path.display().to_string());
    Ok(ast)
}

/// Run a script file; errors come back formatted with file, line, column and a caret.
pub fn run_file(path: &Path, ctx: &ScriptContext) -> Result<(), String> {
    let mut engine = build_engine();
    install_resolver(&mut engine, path.parent())?;
    let src = std::fs::read_to_string(path)
        .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    let ast = compile_file(&engine, path)?;
    let mut scope = ctx.scope();
    api_shapes::clear_pending();
    guard::guarded(|| engine.run_ast_with_scope(&mut scope, &ast))
        .map_err(|e| diagnostics::runtime_error(&path.display().to_string(), &src, &e))?;
    for msg in api_shapes::write_pending(ctx.out_dir().as_deref()) {
        if crate::cluster::is_root() {
            println!("{msg}");
        }
    }
    Ok(())
}

/// Run code given on the command line (`hnn -e CODE`).
pub fn run_code(code: &str, ctx: &ScriptContext) -> Result<(), String> {
    let mut engine = build_engine();
    install_resolver(&mut engine, None)?;
    let ast = engine
        .compile(code)
        .map_err(|e| diagnostics::parse_error("<-e>", code, &e))?;
    let mut scope = ctx.scope();
    api_shapes::clear_pending();
    guard::guarded(|| engine.run_ast_with_scope(&mut scope, &ast))
        .map_err(|e| diagnostics::runtime_error("<-e>", code, &e))?;
    for msg in api_shapes::write_pending(ctx.out_dir().as_deref()) {
        if crate::cluster::is_root() {
            println!("{msg}");
        }
    }
    Ok(())
}

/// Parse and resolve a file without running it (`hnn check`).
pub fn check_file(path: &Path) -> Result<(), String> {
    let mut engine = build_engine();
    install_resolver(&mut engine, path.parent())?;
    compile_file(&engine, path).map(|_| ())
}

/// A value as the REPL and `print` show it: hnn-core-like summaries for our types.
pub fn show(v: &Dynamic) -> String {
    if let Some(n) = v.read_lock::<handles::NetHandle>() {
        return n.0.borrow().net.summary();
    }
    if let Some(d) = v.read_lock::<handles::DipoleHandle>() {
        return api_results::dipole_summary(&d.0.borrow());
    }
    if let Some(f) = v.read_lock::<api_viz::FigHandle>() {
        return show_figure(&f);
    }
    if let Some(a) = v.read_lock::<handles::ExtracellularHandle>() {
        return api_extracellular::summary(&a.0.borrow());
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        let items: Vec<String> = m
            .iter()
            .map(|(k, x)| format!("{k:?}: {}", show(x)))
            .collect();
        return format!("#{{{}}}", items.join(", "));
    }
    if let Some(c) = v.read_lock::<handles::CellResponseHandle>() {
        return format!(
            "<CellResponse | {} simulation trials>",
            c.0.spike_times.len()
        );
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        let items: Vec<String> = a.iter().take(20).map(show).collect();
        let more = if a.len() > 20 {
            format!(", ... ({} items)", a.len())
        } else {
            String::new()
        };
        return format!("[{}{more}]", items.join(", "));
    }
    v.to_string()
}

thread_local! {
    static FIGURES: Cell<usize> = const { Cell::new(0) };
}

/// An inline image protocol of the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline {
    /// kitty's graphics protocol (the PNG itself).
    Kitty,
    /// DEC sixel (the pixels, at most 256 colours).
    Sixel,
}

/// Which inline images the terminal gets, from its environment (`var` looks a variable up):
/// `HNN_INLINE` decides when it is `kitty`, `sixel` or `off` (also `none`, `no`, `0`);
/// otherwise kitty when `KITTY_WINDOW_ID` is set or `TERM` contains `kitty`; sixel when
/// `TERM` contains `sixel` or starts with `foot`, `mlterm`, `contour` or `yaft`, or
/// `TERM_PROGRAM` is WezTerm, mlterm or iTerm.app; else none.
pub fn inline_mode(var: impl Fn(&str) -> Option<String>) -> Option<Inline> {
    match var("HNN_INLINE")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("kitty") => return Some(Inline::Kitty),
        Some("sixel") => return Some(Inline::Sixel),
        Some("off" | "none" | "no" | "0") => return None,
        _ => {}
    }
    let term = var("TERM").unwrap_or_default();
    if var("KITTY_WINDOW_ID").is_some() || term.contains("kitty") {
        return Some(Inline::Kitty);
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    if term.contains("sixel")
        || ["foot", "mlterm", "contour", "yaft"]
            .iter()
            .any(|t| term.starts_with(t))
        || ["WezTerm", "mlterm", "iTerm.app"].contains(&program.as_str())
    {
        return Some(Inline::Sixel);
    }
    None
}

/// At the prompt a figure value is written to `hnn_figure_<n>.png` in the working folder
/// (its path is printed) and, where the terminal shows images ([`inline_mode`]: kitty or
/// sixel), also shown inline.
pub(crate) fn show_figure(f: &api_viz::FigHandle) -> String {
    let msg = write_figure(f, None);
    if !msg.starts_with("figure written") {
        return msg;
    }
    let fig = f.0.borrow();
    let path = std::path::PathBuf::from(msg.trim_start_matches("figure written to "));
    match inline_mode(|k| std::env::var(k).ok()) {
        Some(Inline::Kitty) => {
            if let Ok(bytes) = std::fs::read(&path) {
                print!("{}", kitty_image(&bytes));
            }
        }
        Some(Inline::Sixel) => {
            if let Ok(rgb) = fig.render_rgb() {
                let (w, h) = fig.size;
                println!(
                    "{}",
                    crate::viz::sixel::encode(w as usize, h as usize, &rgb)
                );
            }
        }
        None => {}
    }
    format!("figure written to {}", path.display())
}

/// Write a figure to `hnn_figure_<n>.png` (numbered in order through the session) in `dir`
/// (the working folder when `None`); the message names the file.
pub(crate) fn write_figure(f: &api_viz::FigHandle, dir: Option<&Path>) -> String {
    api_shapes::written(f);
    let n = FIGURES.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let name = format!("hnn_figure_{n}.png");
    let path = dir.map_or_else(|| std::path::PathBuf::from(&name), |d| d.join(&name));
    match f.0.borrow().save(&path) {
        Ok(()) => format!("figure written to {}", path.display()),
        Err(e) => format!("<Figure (could not be written: {e})>"),
    }
}

/// The kitty graphics protocol: a PNG sent in base64 chunks of 4096 bytes.
fn kitty_image(png: &[u8]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut enc = String::with_capacity(png.len() * 4 / 3 + 4);
    for chunk in png.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                enc.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                enc.push('=');
            }
        }
    }
    let parts: Vec<&str> = enc
        .as_bytes()
        .chunks(4096)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let more = u8::from(i + 1 < parts.len());
        if i == 0 {
            out.push_str(&format!("\x1b_Ga=T,f=100,m={more};{part}\x1b\\"));
        } else {
            out.push_str(&format!("\x1b_Gm={more};{part}\x1b\\"));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn kitty_payload_is_base64() {
        let s = super::kitty_image(b"hello world");
        assert!(s.contains("aGVsbG8gd29ybGQ="), "{s:?}");
        assert!(s.starts_with("\x1b_Ga=T,f=100,m=0;"));
    }

    #[test]
    fn inline_mode_follows_the_environment() {
        use super::{Inline, inline_mode};
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(inline_mode(env(&[("TERM", "xterm-256color")])), None);
        assert_eq!(
            inline_mode(env(&[("TERM", "xterm-kitty")])),
            Some(Inline::Kitty)
        );
        assert_eq!(inline_mode(env(&[("TERM", "foot")])), Some(Inline::Sixel));
        assert_eq!(inline_mode(env(&[("TERM", "mlterm")])), Some(Inline::Sixel));
        assert_eq!(
            inline_mode(env(&[("TERM", "xterm-sixel")])),
            Some(Inline::Sixel)
        );
        assert_eq!(
            inline_mode(env(&[
                ("TERM", "xterm-256color"),
                ("TERM_PROGRAM", "WezTerm")
            ])),
            Some(Inline::Sixel)
        );
        assert_eq!(
            inline_mode(env(&[("TERM", "xterm"), ("HNN_INLINE", "sixel")])),
            Some(Inline::Sixel)
        );
        assert_eq!(
            inline_mode(env(&[("TERM", "xterm-kitty"), ("HNN_INLINE", "off")])),
            None
        );
        assert_eq!(
            inline_mode(env(&[("KITTY_WINDOW_ID", "1"), ("HNN_INLINE", "Kitty")])),
            Some(Inline::Kitty)
        );
        // an unknown value falls back to detection
        assert_eq!(
            inline_mode(env(&[("TERM", "foot"), ("HNN_INLINE", "maybe")])),
            Some(Inline::Sixel)
        );
    }
}
