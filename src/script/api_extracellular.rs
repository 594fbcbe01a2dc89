//! Electrode arrays in scripts: `net.add_electrode_array`, `net.rec_arrays`,
//! `ExtracellularArray` and `calculate_csd2d`.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, Map};

use super::api_viz::{FigHandle, decim_factors, parse_trace_color, place};
use super::handles::{ExtracellularHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::analysis::decimate::decimate_plot_data;
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::results::ExtracellularArray;
use crate::results::extracellular::calculate_csd2d;
use crate::viz::laminar::{CsdOptions, LfpOptions, plot_laminar_csd, plot_laminar_lfp};

fn position(v: &Dynamic, what: &str) -> RhaiResult<[f64; 3]> {
    let a = v
        .read_lock::<Array>()
        .ok_or_else(|| format!("{what}: expected [x, y, z], got {}", v.type_name()))?;
    if a.len() != 3 {
        return err(format!(
            "{what}: positions are (x, y, z) triplets, got {} values",
            a.len()
        ));
    }
    Ok([num(&a[0], what)?, num(&a[1], what)?, num(&a[2], what)?])
}

/// One `[x, y, z]` or an array of them.
fn positions(v: &Dynamic) -> RhaiResult<Vec<[f64; 3]>> {
    let a = v.read_lock::<Array>().ok_or_else(|| {
        format!(
            "electrode_pos: expected [x, y, z] or an array of them, got {}",
            v.type_name()
        )
    })?;
    if a.len() == 3 && a.iter().all(|x| !x.is_array()) {
        return Ok(vec![position(v, "electrode_pos")?]);
    }
    a.iter()
        .enumerate()
        .map(|(i, p)| position(p, &format!("electrode_pos[{i}]")))
        .collect()
}

fn add_array(net: &mut NetHandle, name: &str, pos: Dynamic, m: Map) -> RhaiResult<()> {
    let kw = Kw::new(
        "add_electrode_array",
        m,
        &["conductivity", "method", "min_distance"],
    )?;
    let method = lib(Method::parse(
        &kw.string("method")?.unwrap_or_else(|| "psa".into()),
    ))?;
    let arr = lib(ElectrodeArray::new(
        name,
        positions(&pos)?,
        kw.num_or("conductivity", 0.3)?,
        method,
        kw.num_or("min_distance", 0.5)?,
    ))?;
    lib(net.0.borrow_mut().net.add_electrode_array(arr))
}

/// `net.rec_arrays`: name → array (the recorded data after `simulate_dipole`).
fn rec_arrays(net: &mut NetHandle) -> Map {
    let mut state = net.0.borrow_mut();
    let specs = state.net.rec_arrays.clone();
    let mut out = Map::new();
    for spec in &specs {
        let h = match state
            .rec_data
            .iter()
            .find(|h| h.0.borrow().name == spec.name)
        {
            Some(h) => h.clone(),
            None => {
                let h = ExtracellularHandle(Rc::new(RefCell::new(
                    crate::sim::network::empty_recording(spec),
                )));
                state.rec_data.push(h.clone());
                h
            }
        };
        out.insert(spec.name.as_str().into(), Dynamic::from(h));
    }
    out
}

/// hnn-core's `<ExtracellularArray | ...>` summary.
pub fn summary(a: &ExtracellularArray) -> String {
    let mut s = format!(
        "<ExtracellularArray | {} electrodes, conductivity={}, method={}",
        a.n_contacts(),
        a.conductivity,
        a.method.name()
    );
    if a.voltages.is_empty() {
        s.push_str(" (no data recorded yet)>");
    } else {
        s.push_str(&format!(
            " | {} trials, {} times>",
            a.voltages.len(),
            a.times.len()
        ));
    }
    s
}

fn floats(v: &[f64]) -> Array {
    v.iter().map(|x| Dynamic::from(*x)).collect()
}

fn matrix(rows: &[Vec<f64>]) -> Array {
    rows.iter().map(|r| floats(r).into()).collect()
}

fn read_matrix(v: &Dynamic, what: &str) -> RhaiResult<Vec<Vec<f64>>> {
    let a = v
        .read_lock::<Array>()
        .ok_or_else(|| format!("{what}: expected an array of arrays (channels × samples)"))?;
    a.iter()
        .enumerate()
        .map(|(i, row)| {
            let r = row
                .read_lock::<Array>()
                .ok_or_else(|| format!("{what}[{i}]: expected an array of numbers"))?;
            r.iter().map(|x| num(x, &format!("{what}[{i}]"))).collect()
        })
        .collect()
}

/// Trial indices from an int or an array of ints.
fn indices(v: &Dynamic, what: &str) -> RhaiResult<Vec<usize>> {
    if let Some(a) = v.read_lock::<Array>() {
        a.iter().map(|x| uint(x, what)).collect()
    } else {
        Ok(vec![uint(v, what)?])
    }
}

fn no_data(a: &ExtracellularArray) -> RhaiResult<()> {
    if a.voltages.is_empty() {
        return err(format!(
            "extracellular array '{}' has no data yet: run simulate_dipole first",
            a.name
        ));
    }
    Ok(())
}

fn plot_lfp(a: &mut ExtracellularHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_lfp",
        m,
        &[
            "trial_no",
            "contact_no",
            "tmin",
            "tmax",
            "ax",
            "color",
            "voltage_offset",
            "voltage_scalebar",
            "decim",
            "show",
        ],
    )?;
    let arr = a.0.borrow();
    no_data(&arr)?;
    let trials = match kw.get("trial_no") {
        Some(v) => indices(v, "plot_lfp: trial_no")?,
        None => (0..arr.n_trials()).collect(),
    };
    let (z, _) = lib(arr.laminar_z())?;
    let contacts = match kw.get("contact_no") {
        Some(v) => indices(v, "plot_lfp: contact_no")?,
        None => (0..arr.n_contacts()).collect(),
    };
    if let Some(&c) = contacts.iter().find(|&&c| c >= arr.n_contacts()) {
        return err(format!(
            "plot_lfp: contact_no {c} is out of range ({} contacts)",
            arr.n_contacts()
        ));
    }
    let mut opts = LfpOptions {
        tmin: kw.num("tmin")?,
        tmax: kw.num("tmax")?,
        ..LfpOptions::default()
    };
    if let Some(c) = kw.get("color") {
        opts.color = parse_trace_color(&string(c, "plot_lfp: color")?)?;
    }
    if let Some(v) = kw.get("voltage_offset") {
        opts.voltage_offset = if v.is_unit() {
            None
        } else {
            Some(num(v, "plot_lfp: voltage_offset")?)
        };
    }
    if let Some(v) = kw.get("voltage_scalebar") {
        opts.voltage_scalebar = Some(num(v, "plot_lfp: voltage_scalebar")?);
    }
    let labels: Vec<f64> = contacts.iter().map(|&c| z[c]).collect();
    // one figure per trial, drawn into the same axes when `ax` is given (as hnn-core)
    let mut last = None;
    for t in trials {
        let trial = arr.voltages.get(t).ok_or_else(|| {
            format!(
                "plot_lfp: trial_no {t} is out of range ({} trials)",
                arr.n_trials()
            )
        })?;
        let mut data: Vec<Vec<f64>> = contacts.iter().map(|&c| trial[c].clone()).collect();
        let mut times = arr.times.clone();
        if let Some(dec) = kw.get("decim") {
            let factors = decim_factors(dec)?;
            for d in &mut data {
                let (y, t) = lib(decimate_plot_data(&factors, d, &arr.times))?;
                *d = y;
                times = t;
            }
        }
        let f = lib(plot_laminar_lfp(&times, &data, &labels, &opts))?;
        last = Some(place(f, kw.get("ax"))?);
    }
    last.ok_or_else(|| "plot_lfp: no trial selected".to_string().into())
}

fn plot_csd(a: &mut ExtracellularHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_csd",
        m,
        &[
            "vmin",
            "vmax",
            "interpolation",
            "sink",
            "colorbar",
            "ax",
            "show",
        ],
    )?;
    let arr = a.0.borrow();
    no_data(&arr)?;
    let (z, delta) = lib(arr.laminar_z())?;
    let csd = lib(calculate_csd2d(&arr.voltages[0], delta))?;
    let spline = match kw.get("interpolation") {
        None => true,
        Some(v) if v.is_unit() => false,
        Some(v) => match string(v, "plot_csd: interpolation")?.as_str() {
            "spline" => true,
            "none" => false,
            other => {
                return err(format!(
                    "plot_csd: interpolation must be \"spline\" or \"none\", not \"{other}\""
                ));
            }
        },
    };
    let opts = CsdOptions {
        vmin: kw.num("vmin")?,
        vmax: kw.num("vmax")?,
        sink: kw.string("sink")?.unwrap_or_else(|| "b".into()),
        spline,
        colorbar: kw.flag_or("colorbar", true)?,
    };
    let f = lib(plot_laminar_csd(&arr.times, &csd, &z, &opts))?;
    place(f, kw.get("ax"))
}

/// Register the extracellular API.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ExtracellularHandle>("ExtracellularArray");
    engine.register_fn(
        "add_electrode_array",
        |net: &mut NetHandle, name: &str, pos: Dynamic| add_array(net, name, pos, Map::new()),
    );
    engine.register_fn("add_electrode_array", add_array);
    engine.register_get("rec_arrays", rec_arrays);
    engine.register_fn("to_string", |a: &mut ExtracellularHandle| {
        summary(&a.0.borrow())
    });
    engine.register_fn("to_debug", |a: &mut ExtracellularHandle| {
        summary(&a.0.borrow())
    });
    engine.register_get("times", |a: &mut ExtracellularHandle| {
        floats(&a.0.borrow().times)
    });
    engine.register_get("voltages", |a: &mut ExtracellularHandle| -> Array {
        a.0.borrow()
            .voltages
            .iter()
            .map(|t| matrix(t).into())
            .collect()
    });
    engine.register_get("positions", |a: &mut ExtracellularHandle| -> Array {
        a.0.borrow()
            .positions
            .iter()
            .map(|p| floats(p).into())
            .collect()
    });
    engine.register_get("n_contacts", |a: &mut ExtracellularHandle| {
        a.0.borrow().n_contacts() as i64
    });
    engine.register_get("conductivity", |a: &mut ExtracellularHandle| {
        a.0.borrow().conductivity
    });
    engine.register_get("method", |a: &mut ExtracellularHandle| {
        a.0.borrow().method.name().to_string()
    });
    engine.register_get("min_distance", |a: &mut ExtracellularHandle| {
        a.0.borrow().min_distance
    });
    engine.register_get(
        "sfreq",
        |a: &mut ExtracellularHandle| -> RhaiResult<Dynamic> {
            Ok(lib(a.0.borrow().sfreq())?.map_or(Dynamic::UNIT, Dynamic::from))
        },
    );
    engine.register_fn("len", |a: &mut ExtracellularHandle| {
        a.0.borrow().n_trials() as i64
    });
    engine.register_indexer_get(
        |a: &mut ExtracellularHandle, idx: Dynamic| -> RhaiResult<ExtracellularHandle> {
            let arr = a.0.borrow();
            let t = lib(arr.trials(&indices(&idx, "trial index")?))?;
            Ok(ExtracellularHandle(Rc::new(RefCell::new(t))))
        },
    );
    engine.register_fn("copy", |a: &mut ExtracellularHandle| {
        ExtracellularHandle(Rc::new(RefCell::new(a.0.borrow().clone())))
    });
    engine.register_fn(
        "smooth",
        |a: &mut ExtracellularHandle, w: Dynamic| -> RhaiResult<ExtracellularHandle> {
            lib(a
                .0
                .borrow_mut()
                .smooth(num(&w, "smooth: window_len")?)
                .map(|_| ()))?;
            Ok(a.clone())
        },
    );
    engine.register_fn(
        "write",
        |a: &mut ExtracellularHandle, path: &str| -> RhaiResult<Array> {
            Ok(
                lib(crate::io::text::write_extracellular(&a.0.borrow(), path))?
                    .into_iter()
                    .map(Dynamic::from)
                    .collect(),
            )
        },
    );
    engine.register_fn("plot_lfp", |a: &mut ExtracellularHandle| {
        plot_lfp(a, Map::new())
    });
    engine.register_fn("plot_lfp", plot_lfp);
    engine.register_fn("plot_csd", |a: &mut ExtracellularHandle| {
        plot_csd(a, Map::new())
    });
    engine.register_fn("plot_csd", plot_csd);
    engine.register_fn(
        "calculate_csd2d",
        |lfp: Dynamic, delta: Dynamic| -> RhaiResult<Array> {
            let data = read_matrix(&lfp, "calculate_csd2d: lfp_data")?;
            Ok(matrix(&lib(calculate_csd2d(
                &data,
                num(&delta, "calculate_csd2d: delta")?,
            ))?))
        },
    );
    engine.register_fn("calculate_csd2d", |lfp: Dynamic| -> RhaiResult<Array> {
        let data = read_matrix(&lfp, "calculate_csd2d: lfp_data")?;
        Ok(matrix(&lib(calculate_csd2d(&data, 1.0))?))
    });
}
