//! The interactive `hnn` prompt: persistent history, multi-line input (an incomplete
//! statement continues on the next line), tab completion of the API's names and keywords,
//! `help()`, and values printed as summaries.

use std::borrow::Cow;

use rhai::{AST, Dynamic, Engine, Scope};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

use super::{ScriptContext, build_engine, diagnostics, help};

struct ReplHelper {
    words: Vec<String>,
    engine: Engine,
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let prefix = &line[start..pos];
        if prefix.is_empty() {
            return Ok((pos, vec![]));
        }
        let c = self
            .words
            .iter()
            .filter(|w| w.starts_with(prefix))
            .map(|w| Pair {
                display: w.clone(),
                replacement: w.clone(),
            })
            .collect();
        Ok((start, c))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        Cow::Borrowed(prompt)
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(
            match super::session::completeness(&self.engine, ctx.input()) {
                super::session::Completeness::Incomplete => ValidationResult::Incomplete,
                _ => ValidationResult::Valid(None),
            },
        )
    }
}

impl Helper for ReplHelper {}

fn history_path() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("HNN_HISTORY") {
        return p.into();
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| ".".into());
    std::path::Path::new(&home).join(".hnn_history")
}

/// Run the prompt until end of input or `exit`/`quit`.
pub fn run(ctx: &ScriptContext) -> Result<(), String> {
    let mut engine = build_engine();
    super::install_resolver(&mut engine, None)?;
    let helper = ReplHelper {
        words: help::completion_words(),
        engine: build_engine(),
    };
    let mut rl: Editor<ReplHelper, rustyline::history::DefaultHistory> =
        Editor::new().map_err(|e| format!("cannot start the prompt: {e}"))?;
    rl.set_helper(Some(helper));
    let hist = history_path();
    let _ = rl.load_history(&hist);
    println!(
        "hnn {} — hnn-core's API in Rhai. help() lists functions; exit or Ctrl-D quits.",
        env!("CARGO_PKG_VERSION")
    );
    let mut scope: Scope = ctx.scope();
    let mut ast_acc = AST::empty();
    loop {
        match rl.readline("hnn> ") {
            Ok(line) => {
                let code = line.trim();
                if code.is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.as_str());
                let _ = rl.save_history(&hist);
                if code == "exit" || code == "quit" || code == "exit()" || code == "quit()" {
                    break;
                }
                match engine.compile_with_scope(&scope, code) {
                    Err(e) => eprintln!("{}", diagnostics::parse_error("<repl>", code, &e)),
                    Ok(ast) => {
                        // keep functions defined earlier
                        let merged = ast_acc.merge(&ast);
                        crate::interrupt::clear();
                        let r = super::guard::guarded(|| {
                            engine.eval_ast_with_scope::<Dynamic>(&mut scope, &merged)
                        });
                        match r {
                            Ok(v) if !v.is_unit() && !code.ends_with(';') => {
                                println!("{}", super::show(&v))
                            }
                            Ok(_) => {}
                            Err(e) => {
                                eprintln!("{}", diagnostics::runtime_error("<repl>", code, &e))
                            }
                        }
                        ast_acc = ast_acc.merge(&ast.clone_functions_only());
                        super::api_shapes::clear_pending();
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(format!("prompt error: {e}")),
        }
    }
    let _ = rl.save_history(&hist);
    Ok(())
}
