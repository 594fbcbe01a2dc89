//! Fixture readers shared by the parity tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a fixture file.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A table written by the generators: a `# k<TAB>name...` header, then rows of a sample
/// index followed by values.
pub struct Table {
    pub names: Vec<String>,
    pub k: Vec<usize>,
    pub cols: Vec<Vec<f64>>,
}

impl Table {
    pub fn read(rel: &str) -> Table {
        let path = fixture(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header = lines.next().expect("header");
        let names: Vec<String> = header
            .trim_start_matches('#')
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect();
        let mut k = Vec::new();
        let mut cols = vec![Vec::new(); names.len()];
        for line in lines {
            let mut it = line.split('\t');
            k.push(it.next().unwrap().parse().unwrap());
            for (c, x) in cols.iter_mut().zip(it) {
                c.push(x.parse().unwrap());
            }
        }
        Table { names, k, cols }
    }

    /// A table without the leading sample-index column (`# name...` header, then values).
    pub fn read_plain(rel: &str) -> Table {
        let path = fixture(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header = lines.next().expect("header");
        let names: Vec<String> = header
            .trim_start_matches('#')
            .split_whitespace()
            .map(String::from)
            .collect();
        let mut cols = vec![Vec::new(); names.len()];
        let mut k = Vec::new();
        for (i, line) in lines.enumerate() {
            k.push(i);
            for (c, x) in cols.iter_mut().zip(line.split('\t')) {
                c.push(x.parse().unwrap());
            }
        }
        Table { names, k, cols }
    }

    pub fn col(&self, name: &str) -> &[f64] {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        &self.cols[i]
    }
}

/// Numbers, one per line.
pub fn read_list(rel: &str) -> Vec<f64> {
    let path = fixture(rel);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().unwrap())
        .collect()
}
