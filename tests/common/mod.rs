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
    /// A table whose first column is the sample index (`# k name...` header).
    pub fn read(rel: &str) -> Table {
        let mut t = Table::read_plain(rel);
        t.names.remove(0);
        let k = t.cols.remove(0);
        t.k = k.into_iter().map(|x| x as usize).collect();
        t
    }

    /// A table without the sample-index column (`# name...` header, then values).
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

/// The JOSS paper example: jones_2009_model plus its proximal evoked drive.
pub fn joss_network() -> hnn::network::Network {
    use hnn::network::drives::{DriveDynamics, DriveOptions};
    let mut net = hnn::network::models::jones_2009_model((10, 10)).unwrap();
    let mut o = DriveOptions::evoked("proximal");
    o.weights_ampa = vec![
        ("L2_pyramidal".into(), 0.0008),
        ("L5_pyramidal".into(), 0.0075),
    ];
    o.synaptic_delays = vec![
        (Some("L2_pyramidal".into()), 0.1),
        (Some("L5_pyramidal".into()), 1.0),
    ];
    net.add_drive(
        "evprox1",
        DriveDynamics::Evoked {
            mu: 20.0,
            sigma: 3.0,
            numspikes: 1,
        },
        &o,
    )
    .unwrap();
    net
}
