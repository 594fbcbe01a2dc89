//! hnn-core's text formats: dipoles (`time agg L2 L5`, tab-separated) and spikes (one file
//! per trial, `time gid type` per line). We write every number with enough digits to
//! round-trip; hnn-core reads them with `numpy.loadtxt`.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::results::{CellResponse, Dipole, ExtracellularArray};

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
    super::write_atomic(path, s).map_err(|e| io_err(path, e))
}

/// Read a dipole text file (hnn-core's `read_dipole`): 2 columns (time, agg) or 4 (time,
/// agg, L2, L5), whitespace-separated.
pub fn read_dipole(path: &Path) -> Result<Dipole> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    parse_dipole(&bytes, path)
}

/// Parse the contents of a dipole text file (`path` names it in errors).
pub fn parse_dipole(bytes: &[u8], path: &Path) -> Result<Dipole> {
    let text = std::str::from_utf8(bytes).map_err(|_| io_err(path, "not UTF-8 text"))?;
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
        super::write_atomic(Path::new(&name), s).map_err(|e| io_err(Path::new(&name), e))?;
        files.push(name);
    }
    Ok(files)
}

/// Write extracellular potentials: per trial, one row per sample with the time [ms] then
/// one column per contact [µV], tab-separated. A single trial goes to `pattern` itself
/// unless it holds `%d`/`{}`; several trials need one file each (see [`trial_file`]).
/// Returns the files written.
pub fn write_extracellular(arr: &ExtracellularArray, pattern: &str) -> Result<Vec<String>> {
    if arr.voltages.is_empty() {
        return Err(Error::invalid(
            format!("extracellular array '{}'", arr.name),
            "no data",
            "a simulated array (run simulate_dipole first)",
        ));
    }
    let templated = pattern.contains("%d") || pattern.contains("{}");
    let mut files = Vec::new();
    for (k, trial) in arr.voltages.iter().enumerate() {
        let name = if arr.voltages.len() == 1 && !templated {
            pattern.to_string()
        } else {
            trial_file(pattern, k)
        };
        let mut s = String::with_capacity(arr.times.len() * (1 + trial.len()) * 22);
        for (i, t) in arr.times.iter().enumerate() {
            let _ = write!(s, "{t:?}");
            for c in trial {
                let _ = write!(s, "\t{:?}", c[i]);
            }
            s.push('\n');
        }
        super::write_atomic(Path::new(&name), s).map_err(|e| io_err(Path::new(&name), e))?;
        files.push(name);
    }
    Ok(files)
}

/// Files matching `pattern`, sorted (hnn-core's `sorted(glob(pattern))`): `*` and `?`
/// wildcards in the file name; the directory part is literal.
pub fn glob_files(pattern: &str) -> Result<Vec<std::path::PathBuf>> {
    let p = Path::new(pattern);
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let entries = std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))?;
    let mut out: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|f| wildcard(name.as_bytes(), f.as_bytes()))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

fn wildcard(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => wildcard(&p[1..], s) || (!s.is_empty() && wildcard(p, &s[1..])),
        (Some(b'?'), Some(_)) => wildcard(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => wildcard(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Read spike files (hnn-core's `read_spikes`): every file matching the glob `pattern` is a
/// trial with `time gid type` per line.
pub fn read_spikes(pattern: &str) -> Result<CellResponse> {
    read_spikes_with(pattern, None)
}

/// hnn-core's `read_spikes(fname, gid_ranges)`: with `gid_ranges` (cell type → gids, which
/// must not overlap) every spike's type is set from its gid (a gid in no range gets an
/// empty type), and files of two columns (legacy HNN `spk.txt`: time gid) are read too.
pub fn read_spikes_with(
    pattern: &str,
    gid_ranges: Option<&[(String, std::ops::Range<usize>)]>,
) -> Result<CellResponse> {
    if let Some(r) = gid_ranges {
        for (i, (a, ra)) in r.iter().enumerate() {
            if let Some((b, _)) = r[i + 1..]
                .iter()
                .find(|(_, rb)| ra.start < rb.end && rb.start < ra.end)
            {
                return Err(Error::invalid(
                    "gid_ranges",
                    format!("'{a}' and '{b}' overlap"),
                    "disjoint sets of gids",
                ));
            }
        }
    }
    let files = glob_files(pattern)?;
    if files.is_empty() {
        return Err(Error::invalid(
            format!("spike files '{pattern}'"),
            "no match",
            "at least one file",
        ));
    }
    let mut cr = CellResponse::default();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| io_err(&f, e))?;
        let (t, g, mut ty) = parse_spike_columns(&bytes, &f, gid_ranges.is_some())?;
        if let Some(r) = gid_ranges {
            ty = g
                .iter()
                .map(|gid| {
                    r.iter()
                        .find(|(_, range)| range.contains(gid))
                        .map_or_else(String::new, |(n, _)| n.clone())
                })
                .collect();
        }
        cr.spike_times.push(t);
        cr.spike_gids.push(g);
        cr.spike_types.push(ty);
    }
    let known = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"];
    cr.cell_type_names = known
        .iter()
        .filter(|k| cr.spike_types.iter().flatten().any(|t| t == *k))
        .map(|s| s.to_string())
        .collect();
    Ok(cr)
}

/// One trial's spikes: times, gids and types.
pub type TrialSpikes = (Vec<f64>, Vec<usize>, Vec<String>);

/// Parse one spike file's contents (`f` names it in errors).
pub fn parse_spikes(bytes: &[u8], f: &Path) -> Result<TrialSpikes> {
    parse_spike_columns(bytes, f, false)
}

/// [`parse_spikes`], also accepting two columns (time gid, an empty type) when `two_ok`.
fn parse_spike_columns(bytes: &[u8], f: &Path, two_ok: bool) -> Result<TrialSpikes> {
    let text = std::str::from_utf8(bytes).map_err(|_| io_err(f, "not UTF-8 text"))?;
    let (mut t, mut g, mut ty) = (Vec::new(), Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        let at = || format!("{} line {}", f.display(), i + 1);
        if cols.len() != 3 && !(two_ok && cols.len() == 2) {
            return Err(Error::invalid(
                at(),
                format!("{} columns", cols.len()),
                if two_ok {
                    "3 columns (time gid type) or 2 (time gid)"
                } else {
                    "3 columns: time gid type (a legacy 2-column file needs gid_ranges)"
                },
            ));
        }
        let time: f64 = cols[0]
            .parse()
            .map_err(|_| Error::invalid(at(), cols[0], "a spike time"))?;
        if !time.is_finite() {
            return Err(Error::invalid(at(), cols[0], "a finite spike time"));
        }
        let gid: usize = cols[1]
            .parse()
            .map_err(|_| Error::invalid(at(), cols[1], "a non-negative integer gid"))?;
        t.push(time);
        g.push(gid);
        ty.push(cols.get(2).map_or_else(String::new, |s| s.to_string()));
    }
    Ok((t, g, ty))
}
