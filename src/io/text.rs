//! hnn-core's text formats: dipoles (`time agg L2 L5`, tab-separated) and spikes (one file
//! per trial, `time gid type` per line). We write every number with enough digits to
//! round-trip; hnn-core reads them with `numpy.loadtxt`.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::results::{CellResponse, Dipole};

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::invalid(
        format!("file '{}'", path.display()),
        e.to_string(),
        "a readable/writable file",
    )
}

/// Write a dipole as hnn-core's `Dipole.write(...txt)`: time then each trace per row.
pub fn write_dipole(d: &Dipole, path: &Path) -> Result<()> {
    let mut s = String::with_capacity(d.times.len() * 80);
    for (k, t) in d.times.iter().enumerate() {
        let _ = write!(s, "{t:?}");
        for (_, v) in &d.data {
            let _ = write!(s, "\t{:?}", v[k]);
        }
        s.push('\n');
    }
    std::fs::write(path, s).map_err(|e| io_err(path, e))
}

/// Read a dipole text file (hnn-core's `read_dipole`): 2 columns (time, agg) or 4 (time,
/// agg, L2, L5), whitespace-separated.
pub fn read_dipole(path: &Path) -> Result<Dipole> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let text = String::from_utf8(bytes).map_err(|_| io_err(path, "not UTF-8 text"))?;
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let vals: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            if vals.len() != 2 && vals.len() != 4 {
                return Err(Error::invalid(
                    format!("{} line {}", path.display(), i + 1),
                    format!("{} columns", vals.len()),
                    "2 (time, agg) or 4 (time, agg, L2, L5) columns",
                ));
            }
            cols = vec![Vec::new(); vals.len()];
        }
        if vals.len() != cols.len() {
            return Err(Error::invalid(
                format!("{} line {}", path.display(), i + 1),
                format!("{} columns", vals.len()),
                format!("{} columns like the first line", cols.len()),
            ));
        }
        for (c, v) in cols.iter_mut().zip(vals) {
            let x: f64 = v.parse().map_err(|_| {
                Error::invalid(format!("{} line {}", path.display(), i + 1), v, "a number")
            })?;
            if !x.is_finite() {
                return Err(Error::invalid(
                    format!("{} line {}", path.display(), i + 1),
                    v,
                    "a finite number",
                ));
            }
            c.push(x);
        }
    }
    if cols.is_empty() || cols[0].len() < 2 {
        return Err(Error::invalid(
            format!("file '{}'", path.display()),
            "fewer than 2 samples",
            "a dipole time course",
        ));
    }
    let times = cols.remove(0);
    let names = ["agg", "L2", "L5"];
    Ok(Dipole {
        times,
        data: cols
            .into_iter()
            .enumerate()
            .map(|(i, c)| (names[i].to_string(), c))
            .collect(),
        nave: 1,
        scale_applied: 1.0,
    })
}

/// The file name for trial `k` from a pattern with `%d` or `{}` (hnn-core's convention).
pub fn trial_file(pattern: &str, k: usize) -> String {
    if pattern.contains("%d") {
        pattern.replacen("%d", &k.to_string(), 1)
    } else if pattern.contains("{}") {
        pattern.replacen("{}", &k.to_string(), 1)
    } else {
        pattern.replacen(".txt", &format!("_{k}.txt"), 1)
    }
}

/// Write spikes, one file per trial (hnn-core's `CellResponse.write`). Returns the files.
pub fn write_spikes(cr: &CellResponse, pattern: &str) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for k in 0..cr.spike_times.len() {
        let name = trial_file(pattern, k);
        let mut s = String::new();
        for ((t, g), ty) in cr.spike_times[k]
            .iter()
            .zip(&cr.spike_gids[k])
            .zip(&cr.spike_types[k])
        {
            let _ = writeln!(s, "{t:?}\t{g}\t{ty}");
        }
        std::fs::write(&name, s).map_err(|e| io_err(Path::new(&name), e))?;
        files.push(name);
    }
    Ok(files)
}
