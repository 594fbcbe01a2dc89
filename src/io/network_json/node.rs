//! A JSON value with the path that reached it, so that every error names the file and the
//! field.

use serde_json::Value;

use crate::error::{Error, Result};

/// A JSON value with the path that reached it, for error messages.
pub(super) struct Node<'a> {
    /// The value.
    pub(super) v: &'a Value,
    /// The file (or source) it came from.
    pub(super) file: &'a str,
    /// Its JSON path (`a.b.0.c`).
    pub(super) path: String,
}

impl<'a> Node<'a> {
    /// The error for this value: file, JSON path, the value (shortened) and what was expected.
    pub(super) fn error(&self, expected: &str) -> Error {
        let mut shown = self.v.to_string();
        if shown.len() > 60 {
            shown.truncate(57);
            shown.push_str("...");
        }
        Error::invalid(format!("{}: {}", self.file, self.path), shown, expected)
    }

    pub(super) fn bad<T>(&self, expected: &str) -> Result<T> {
        Err(self.error(expected))
    }

    pub(super) fn field(&self, key: &str) -> Result<Node<'a>> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        match self.v.get(key) {
            Some(v) => Ok(Node {
                v,
                file: self.file,
                path,
            }),
            None => Err(Error::invalid(
                format!("{}: {path}", self.file),
                "missing",
                "a value",
            )),
        }
    }

    pub(super) fn opt(&self, key: &str) -> Option<Node<'a>> {
        self.field(key).ok().filter(|n| !n.v.is_null())
    }

    pub(super) fn obj(&self) -> Result<Vec<(String, Node<'a>)>> {
        match self.v.as_object() {
            Some(m) => Ok(m
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Node {
                            v,
                            file: self.file,
                            path: format!("{}.{k}", self.path),
                        },
                    )
                })
                .collect()),
            None => self.bad("an object"),
        }
    }

    pub(super) fn arr(&self) -> Result<Vec<Node<'a>>> {
        match self.v.as_array() {
            Some(a) => Ok(a
                .iter()
                .enumerate()
                .map(|(i, v)| Node {
                    v,
                    file: self.file,
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            None => self.bad("an array"),
        }
    }

    pub(super) fn num(&self) -> Result<f64> {
        match self.v.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => self.bad("a finite number"),
        }
    }

    pub(super) fn uint(&self) -> Result<usize> {
        match self.v.as_u64() {
            Some(x) if x < (1 << 40) => Ok(x as usize),
            _ => self.bad("a non-negative integer"),
        }
    }

    pub(super) fn int(&self) -> Result<i64> {
        self.v.as_i64().map_or_else(|| self.bad("an integer"), Ok)
    }

    pub(super) fn str(&self) -> Result<String> {
        self.v
            .as_str()
            .map_or_else(|| self.bad("a string"), |s| Ok(s.to_string()))
    }

    pub(super) fn boolean(&self) -> Result<bool> {
        match self.v {
            Value::Bool(b) => Ok(*b),
            Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
            Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
            _ => self.bad("true or false"),
        }
    }

    pub(super) fn point(&self) -> Result<[f64; 3]> {
        let a = self.arr()?;
        if a.len() != 3 {
            return self.bad("[x, y, z]");
        }
        Ok([a[0].num()?, a[1].num()?, a[2].num()?])
    }

    pub(super) fn f(&self, key: &str) -> Result<f64> {
        self.field(key)?.num()
    }
}
