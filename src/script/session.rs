//! A persistent scripting session for front ends other than the terminal prompt (the Jupyter
//! kernel, the browser GUI): one engine and one scope kept across inputs, as at the prompt.
//! An input's value comes back as a [`Display`] (a figure as PNG and SVG, anything else as
//! the prompt's summary text), `print` goes to the session's output callback, and figures
//! made with `show: true` and never saved, or shown with `fig.show()`, come back with the
//! input that made them.
//!
//! The engine is single-threaded: a server keeps its session on one thread and sends it
//! code. A long statement stops when [`crate::interrupt::request`] is called from anywhere.
//!
//! ```
//! use hnn::script::{ScriptContext, session::{Display, Session}};
//! let mut s = Session::new(&ScriptContext::default(), |_| {}).unwrap();
//! s.execute("let x = 40;").unwrap();
//! match s.execute("x + 2").unwrap().value {
//!     Some(Display::Text(t)) => assert_eq!(t, "42"),
//!     other => panic!("{other:?}"),
//! }
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{AST, Dynamic, Engine, Scope};

use super::{ScriptContext, api_shapes, api_viz::FigHandle, build_engine, diagnostics, help};

/// A figure rendered for a front end.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureImage {
    /// PNG file bytes.
    pub png: Vec<u8>,
    /// The same figure as an SVG document.
    pub svg: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// What a front end shows for a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Display {
    /// The prompt's summary of the value.
    Text(String),
    /// A figure.
    Figure(FigureImage),
}

/// The outcome of one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Executed {
    /// The input's value, unless it is `()` or the input ends with `;` (as at the prompt).
    pub value: Option<Display>,
    /// Figures made with `show: true` by this input and not saved (nor its value), and
    /// figures shown with `fig.show()`.
    pub figures: Vec<Display>,
}

/// Whether an input is a whole statement (Jupyter's `is_complete_request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Ready to run.
    Complete,
    /// Open brackets or a trailing `\`: more lines are expected.
    Incomplete,
    /// A syntax error more lines cannot fix.
    Invalid,
}

/// One engine and one scope kept across inputs.
pub struct Session {
    engine: Engine,
    scope: Scope<'static>,
    functions: AST,
    words: Vec<String>,
    inputs: usize,
}

impl Session {
    /// A session with the constants of `ctx`; `print` output goes to `stdout` (one call per
    /// printed line, without its newline).
    pub fn new(ctx: &ScriptContext, stdout: impl FnMut(&str) + 'static) -> Result<Session, String> {
        let mut engine = build_engine();
        super::install_resolver(&mut engine, None)?;
        let out = Rc::new(RefCell::new(stdout));
        let o = out.clone();
        engine.on_print(move |s| (o.borrow_mut())(s));
        engine.on_debug(move |s, _, _| (out.borrow_mut())(s));
        // `fig.show()` shows the figure with the input's output instead of writing a file
        engine.register_fn("show", |f: &mut FigHandle| api_shapes::show_with_input(f));
        Ok(Session {
            engine,
            scope: ctx.scope(),
            functions: AST::empty(),
            words: help::completion_words(),
            inputs: 0,
        })
    }

    /// Run `code`; an error comes back as the positioned message the prompt prints.
    pub fn execute(&mut self, code: &str) -> Result<Executed, String> {
        self.inputs += 1;
        let file = format!("<input {}>", self.inputs);
        let ast = self
            .engine
            .compile_with_scope(&self.scope, code)
            .map_err(|e| diagnostics::parse_error(&file, code, &e))?;
        // functions defined by earlier inputs stay callable
        let merged = self.functions.merge(&ast);
        crate::interrupt::clear();
        api_shapes::clear_pending();
        let r = super::guard::guarded(|| {
            self.engine
                .eval_ast_with_scope::<Dynamic>(&mut self.scope, &merged)
        });
        self.functions = self.functions.merge(&ast.clone_functions_only());
        let shown = |v: &Dynamic| !v.is_unit() && !code.trim_end().ends_with(';');
        // a figure that is the value is shown once, as the value
        if let Ok(v) = &r
            && shown(v)
            && let Some(f) = v.read_lock::<FigHandle>()
        {
            api_shapes::written(&f);
        }
        let figures: Vec<Display> = api_shapes::take_pending()
            .iter()
            .map(figure_display)
            .collect();
        let v = r.map_err(|e| diagnostics::runtime_error(&file, code, &e))?;
        let value = shown(&v).then(|| display(&v));
        Ok(Executed { value, figures })
    }

    /// Evaluate `code` and hand back its value itself (a front end reading the session's
    /// state, e.g. to show it as JSON); errors as in [`Session::execute`]. Nothing is kept
    /// of the input but its effects on the scope.
    pub fn eval(&mut self, code: &str) -> Result<Dynamic, String> {
        let ast = self
            .engine
            .compile_with_scope(&self.scope, code)
            .map_err(|e| diagnostics::parse_error("<query>", code, &e))?;
        let merged = self.functions.merge(&ast);
        super::guard::guarded(|| {
            self.engine
                .eval_ast_with_scope::<Dynamic>(&mut self.scope, &merged)
        })
        .map_err(|e| diagnostics::runtime_error("<query>", code, &e))
    }

    /// The figure held by the session's variable `name`, drawn (a front end re-showing a
    /// figure that later inputs drew into); `None` when there is no such figure. The figure
    /// is not marked as written.
    pub fn figure(&self, name: &str) -> Option<FigureImage> {
        let v = self.scope.get_value::<FigHandle>(name)?;
        let fig = v.0.borrow();
        let png = fig.png_bytes().ok()?;
        let svg = fig.svg_string().ok()?;
        Some(FigureImage {
            png,
            svg,
            width: fig.size.0,
            height: fig.size.1,
        })
    }

    /// Whether `code` is ready to run or needs more lines.
    pub fn is_complete(&self, code: &str) -> Completeness {
        completeness(&self.engine, code)
    }

    /// Completions of the word that ends at byte `cursor`: (start byte of the word, the
    /// candidates). Candidates are the API's names and keywords, the session's variables and
    /// the functions its inputs defined.
    pub fn complete(&self, code: &str, cursor: usize) -> (usize, Vec<String>) {
        let cursor = floor_char_boundary(code, cursor);
        let start = word_start(code, cursor);
        let prefix = &code[start..cursor];
        if prefix.is_empty() {
            return (cursor, Vec::new());
        }
        let mut c: Vec<String> = self
            .words
            .iter()
            .map(String::as_str)
            .chain(self.scope.iter_raw().map(|(name, _, _)| name))
            .chain(self.functions.iter_functions().map(|f| f.name))
            .filter(|w| w.starts_with(prefix))
            .map(str::to_string)
            .collect();
        c.sort();
        c.dedup();
        (start, c)
    }

    /// The help text of the name at byte `cursor` (Jupyter's `inspect_request`).
    pub fn inspect(&self, code: &str, cursor: usize) -> Option<String> {
        let cursor = floor_char_boundary(code, cursor);
        let start = word_start(code, cursor);
        let end = code[cursor..]
            .find(|c: char| !is_word(c))
            .map_or(code.len(), |i| cursor + i);
        let name = &code[start..end];
        if let Some(d) = help::lookup(name) {
            return Some(format!("{}\n    {}", d.signature, d.doc));
        }
        self.scope
            .get(name)
            .map(|v| format!("{name}: {}", super::show(v)))
    }

    /// The session's variables: (name, type name).
    pub fn variables(&self) -> Vec<(String, String)> {
        self.scope
            .iter_raw()
            .map(|(n, _, v)| (n.to_string(), v.type_name().to_string()))
            .collect()
    }

    /// The session's engine (to register a front end's own functions).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// The session's scope.
    pub fn scope_mut(&mut self) -> &mut Scope<'static> {
        &mut self.scope
    }
}

/// How a front end shows `v`: a figure rendered, anything else as the prompt's summary.
pub fn display(v: &Dynamic) -> Display {
    if let Some(f) = v.read_lock::<FigHandle>() {
        return figure_display(&f);
    }
    Display::Text(super::show(v))
}

fn figure_display(f: &FigHandle) -> Display {
    api_shapes::written(f);
    let fig = f.0.borrow();
    let image = fig.png_bytes().and_then(|png| Ok((png, fig.svg_string()?)));
    match image {
        Ok((png, svg)) => Display::Figure(FigureImage {
            png,
            svg,
            width: fig.size.0,
            height: fig.size.1,
        }),
        Err(e) => Display::Text(format!("<Figure (could not be drawn: {e})>")),
    }
}

/// Whether `code` compiles, needs more lines, or is wrong (the prompt's continuation rule).
pub fn completeness(engine: &Engine, code: &str) -> Completeness {
    if code.trim_end().ends_with('\\') {
        return Completeness::Incomplete;
    }
    match engine.compile(code) {
        Ok(_) => Completeness::Complete,
        Err(e) if matches!(e.err_type(), rhai::ParseErrorType::UnexpectedEOF) => {
            Completeness::Incomplete
        }
        Err(e) => {
            let msg = e.err_type().to_string();
            if ["Expecting '}'", "Expecting ')'", "Expecting ']'"]
                .iter()
                .any(|m| msg.contains(m))
            {
                Completeness::Incomplete
            } else {
                Completeness::Invalid
            }
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn word_start(code: &str, cursor: usize) -> usize {
    code[..cursor]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> (Session, Rc<RefCell<Vec<String>>>) {
        let printed = Rc::new(RefCell::new(Vec::new()));
        let p = printed.clone();
        let s = Session::new(&ScriptContext::default(), move |l| {
            p.borrow_mut().push(l.to_string())
        })
        .unwrap();
        (s, printed)
    }

    #[test]
    fn keeps_variables_and_functions_and_captures_print() {
        let (mut s, printed) = session();
        s.execute("fn twice(x) { 2 * x }").unwrap();
        s.execute("let a = twice(21); print(a);").unwrap();
        assert_eq!(*printed.borrow(), vec!["42".to_string()]);
        assert_eq!(
            s.execute("a").unwrap().value,
            Some(Display::Text("42".into()))
        );
        assert_eq!(s.execute("a;").unwrap().value, None);
        let e = s.execute("let b = nope(1);").unwrap_err();
        assert!(e.contains("nope"), "{e}");
        // the failed input left the scope usable
        assert_eq!(
            s.execute("a + 1").unwrap().value,
            Some(Display::Text("43".into()))
        );
    }

    #[test]
    fn a_figure_variable_is_drawn_on_request() {
        let (mut s, _) = session();
        s.execute(
            "let f = figure(#{ nrows: 2, ncols: 1 }); f.axes[1].set_title(\"x\"); let n = 1;",
        )
        .unwrap();
        let img = s.figure("f").unwrap();
        assert_eq!(&img.png[1..4], b"PNG");
        assert!(img.svg.starts_with("<svg"));
        assert!(s.figure("n").is_none() && s.figure("nope").is_none());
        // an axes emptied by cla() keeps nothing drawn in it
        s.execute("f.axes[1].cla(); f.axes[0].clear();").unwrap();
        assert!(s.figure("f").is_some());
    }

    #[test]
    fn figures_come_back_rendered() {
        let (mut s, _) = session();
        let r = s.execute("let f = figure(); f").unwrap();
        match r.value {
            Some(Display::Figure(f)) => {
                assert_eq!(&f.png[1..4], b"PNG");
                assert!(f.svg.starts_with("<svg"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_figure_is_shown_once_and_show_shows_it_with_the_input() {
        let (mut s, _) = session();
        s.execute("let net = jones_2009_model(#{ mesh_shape: [3, 3] });")
            .unwrap();
        // the value of the input: not also among the pending figures
        let r = s.execute("plot_cells(net)").unwrap();
        assert!(matches!(r.value, Some(Display::Figure(_))), "{r:?}");
        assert!(r.figures.is_empty(), "{} figures", r.figures.len());
        // `;` drops the value: the figure made with show: true comes back instead
        let r = s.execute("plot_cells(net);").unwrap();
        assert_eq!((r.value.is_none(), r.figures.len()), (true, 1));
        // show() on a figure that was not to be shown, and twice: once
        let r = s
            .execute("let f = plot_cells(net, #{ show: false }); f.show(); f.show();")
            .unwrap();
        assert_eq!(r.figures.len(), 1);
        assert!(matches!(r.figures[0], Display::Figure(_)));
        assert!(s.execute("1;").unwrap().figures.is_empty());
    }

    #[test]
    fn completion_inspection_and_completeness() {
        let (mut s, _) = session();
        s.execute("let my_network = 1;").unwrap();
        let (start, c) = s.complete("let n = jones_2009_mo", 21);
        assert_eq!(start, 8);
        assert_eq!(c, vec!["jones_2009_model".to_string()]);
        assert_eq!(s.complete("my_ne", 5).1, vec!["my_network".to_string()]);
        s.execute("fn my_function(a) { a }").unwrap();
        assert_eq!(s.complete("my_f", 4).1, vec!["my_function".to_string()]);
        assert!(
            s.inspect("simulate_dipole(net)", 3)
                .unwrap()
                .contains("tstop")
        );
        assert_eq!(s.is_complete("let x = [1,"), Completeness::Incomplete);
        assert_eq!(s.is_complete("let x = 1;"), Completeness::Complete);
        assert_eq!(s.is_complete("let = ;"), Completeness::Invalid);
    }

    #[test]
    fn eval_returns_the_value_itself() {
        let (mut s, _) = session();
        s.execute("let a = 2;").unwrap();
        let v = s.eval("#{ b: a * 3 }").unwrap();
        let m = v.cast::<rhai::Map>();
        assert_eq!(m["b"].as_int(), Ok(6));
        assert!(s.eval("nope").is_err());
    }
}
