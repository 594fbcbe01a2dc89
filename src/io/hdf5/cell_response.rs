//! The `cell_response` group of a results bundle: spike times, gids and types, and the
//! recorded section traces, per trial.

use std::collections::BTreeMap;

use hdf5_pure::{AttrValue, FileBuilder};

use super::reader::Reader;
use crate::error::Result;
use crate::results::CellResponse;
use crate::results::cell_response::Traces;

/// The `cell_response` group of a results bundle: spikes and recorded traces per trial.
pub(super) fn write_cell_response(b: &mut FileBuilder, cr: &CellResponse) {
    let mut g = b.create_group("cell_response");
    let n = cr.spike_times.len();
    g.set_attr("n_trials", AttrValue::I64(n as i64));
    g.set_attr(
        "cell_type_names",
        AttrValue::VarLenStringArray(cr.cell_type_names.clone()),
    );
    g.create_dataset("times").with_f64_data(&cr.times);
    for k in 0..n {
        let mut tg = g.create_group(&format!("trial_{k}"));
        tg.create_dataset("spike_times")
            .with_f64_data(&cr.spike_times[k]);
        let gids: Vec<i64> = cr.spike_gids[k].iter().map(|&x| x as i64).collect();
        tg.create_dataset("spike_gids").with_i64_data(&gids);
        let types: Vec<&str> = cr.spike_types[k].iter().map(|s| s.as_str()).collect();
        tg.create_dataset("spike_types").with_vlen_strings(&types);
        for (name, per_trial) in [("vsec", &cr.vsec), ("isec", &cr.isec), ("ca", &cr.ca)] {
            if let Some(t) = per_trial.get(k).filter(|t| !t.is_empty()) {
                traces_group(&mut tg, name, t);
            }
        }
        g.add_group(tg.finish());
    }
    b.add_group(g.finish());
}

/// One kind of recorded traces (`vsec`, `isec`, `ca`) of one trial: a group per gid.
fn traces_group(parent: &mut hdf5_pure::GroupBuilder, name: &str, traces: &Traces) {
    let mut g = parent.create_group(name);
    for (gid, secs) in traces {
        let mut cg = g.create_group(&gid.to_string());
        cg.set_attr(
            "sections",
            AttrValue::VarLenStringArray(secs.iter().map(|(s, _)| s.clone()).collect()),
        );
        for (s, v) in secs {
            cg.create_dataset(s).with_f64_data(v);
        }
        g.add_group(cg.finish());
    }
    parent.add_group(g.finish());
}

/// A bundle's `cell_response` group.
pub(super) fn read_cell_response(r: &Reader) -> Result<CellResponse> {
    let g = r.group("/cell_response")?;
    let n = r.attr_count(&g, "/cell_response", "n_trials")?;
    let mut cr = CellResponse {
        cell_type_names: r.attr_strings(&g, "/cell_response", "cell_type_names")?,
        times: r.f64s("/cell_response/times")?,
        ..CellResponse::default()
    };
    for k in 0..n {
        let p = format!("/cell_response/trial_{k}");
        let tg = r.group(&p)?;
        let t = r.f64s(&format!("{p}/spike_times"))?;
        let gp = format!("{p}/spike_gids");
        let gids = r.i64s(&gp)?;
        r.same_len(&gp, gids.len(), t.len())?;
        let gids = gids
            .into_iter()
            .map(|x| {
                usize::try_from(x).map_err(|_| r.err(&format!("dataset '{gp}'"), x, "gids ≥ 0"))
            })
            .collect::<Result<Vec<_>>>()?;
        let tp = format!("{p}/spike_types");
        let types = r.strings(&tp)?;
        r.same_len(&tp, types.len(), t.len())?;
        cr.spike_times.push(t);
        cr.spike_gids.push(gids);
        cr.spike_types.push(types);
        let subgroups = r.members(&tg, &p, true)?;
        for (name, dest) in [
            ("vsec", &mut cr.vsec),
            ("isec", &mut cr.isec),
            ("ca", &mut cr.ca),
        ] {
            let traces = if subgroups.iter().any(|s| s == name) {
                read_traces(r, &format!("{p}/{name}"), cr.times.len())?
            } else {
                Traces::new()
            };
            dest.push(traces);
        }
    }
    // trials without any recording are stored as nothing: keep hnn's in-memory shape
    for v in [&mut cr.vsec, &mut cr.isec, &mut cr.ca] {
        if v.iter().all(|t| t.is_empty()) {
            v.clear();
        }
    }
    Ok(cr)
}

/// The traces of one kind (`vsec`, `isec`, `ca`) of one trial, `n_times` samples each.
fn read_traces(r: &Reader, p: &str, n_times: usize) -> Result<Traces> {
    let g = r.group(p)?;
    let mut out = BTreeMap::new();
    for gid in r.members(&g, p, true)? {
        let gp = format!("{p}/{gid}");
        let id: usize = gid.parse().map_err(|_| {
            r.err(
                &format!("group '{gp}'"),
                "a name that is not a gid",
                "a cell gid",
            )
        })?;
        let cg = r.group(&gp)?;
        let mut secs = Vec::new();
        for s in r.attr_strings(&cg, &gp, "sections")? {
            let sp = format!("{gp}/{s}");
            let v = r.f64s(&sp)?;
            r.same_len(&sp, v.len(), n_times)?;
            secs.push((s, v));
        }
        out.insert(id, secs);
    }
    Ok(out)
}
