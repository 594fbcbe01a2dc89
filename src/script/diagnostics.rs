//! The one printer for script errors: file, line and column, the source line with a caret,
//! then the message (and the chain of function calls it came through).

use rhai::{EvalAltResult, ParseError, Position};

fn snippet(file: &str, src: &str, pos: Position, msg: &str) -> String {
    match (pos.line(), pos.position()) {
        (Some(line), col) => {
            let text = src.lines().nth(line - 1).unwrap_or("");
            let col = col.unwrap_or(1);
            let gutter = format!("{line}");
            format!(
                "error: {msg}\n  --> {file}:{line}:{col}\n{pad} |\n{gutter} | {text}\n{pad} | {caret}^",
                pad = " ".repeat(gutter.len()),
                caret = " ".repeat(col.saturating_sub(1)),
            )
        }
        _ => format!("error: {msg}\n  --> {file}"),
    }
}

/// A syntax error.
pub fn parse_error(file: &str, src: &str, e: &ParseError) -> String {
    snippet(
        file,
        src,
        e.position(),
        &format!("syntax error: {}", e.err_type()),
    )
}

/// A runtime error, unwrapping calls into script functions.
pub fn runtime_error(file: &str, src: &str, e: &EvalAltResult) -> String {
    let mut chain = Vec::new();
    let mut cur = e;
    while let EvalAltResult::ErrorInFunctionCall(name, _, inner, pos) = cur {
        chain.push(format!("in call to '{name}' at {pos}"));
        cur = inner;
    }
    let msg = match cur {
        EvalAltResult::ErrorRuntime(v, _) => v.to_string(),
        other => {
            let s = other.to_string();
            // Rhai appends " (line x, position y)"; the snippet shows it
            s.split(" (line ").next().unwrap_or(&s).to_string()
        }
    };
    let pos = if cur.position().is_none() {
        e.position()
    } else {
        cur.position()
    };
    let msg = format!("{msg}{}", hint(cur));
    let mut out = snippet(file, src, pos, &msg);
    for c in chain {
        out.push_str(&format!("\n  note: {c}"));
    }
    out
}

/// What to write instead: the accepted call forms of a name from the help table, or the
/// closest known names.
fn hint(e: &EvalAltResult) -> String {
    let name = match e {
        EvalAltResult::ErrorFunctionNotFound(sig, _) => {
            sig.split([' ', '(']).next().unwrap_or("").to_string()
        }
        EvalAltResult::ErrorPropertyNotFound(p, _) => p.clone(),
        EvalAltResult::ErrorAssignmentToConstant(..) => {
            return "\n  note: this value is a read-only copy (drive parameters, dipole data, \
                    cell metadata, gid ranges); change the network with its methods \
                    (help() lists them)"
                .into();
        }
        _ => return String::new(),
    };
    let name = name.trim_start_matches("get$").trim_start_matches("set$");
    let forms: Vec<&str> = super::help::API
        .iter()
        .filter(|d| d.name == name)
        .map(|d| d.signature)
        .collect();
    if !forms.is_empty() {
        return format!("\n  accepted: {}", forms.join("\n            "));
    }
    let mut close: Vec<(usize, &str)> = super::help::API
        .iter()
        .map(|d| (super::kwargs::edit_distance(d.name, name), d.name))
        .filter(|(d, n)| *d <= 3.max(name.len() / 3) || n.contains(name) && name.len() > 3)
        .collect();
    close.sort();
    close.dedup_by(|a, b| a.1 == b.1);
    if close.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = close.iter().take(4).map(|(_, n)| *n).collect();
    format!("\n  did you mean: {}?", names.join(", "))
}
