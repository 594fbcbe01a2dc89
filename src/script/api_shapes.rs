//! hnn-core's call shapes beyond the keyword map: optional parameters given positionally
//! (`jones_2009_model(params, #{ add_drives_from_params: true })`,
//! `dpl.plot_tfr_morlet(freqs, #{ n_cycles: 7 })`), positional parameters given by name
//! (`dpl.smooth(#{ window_len: 30 })`), `ax`/`show` on every plot, and figures made with
//! `show: true` (hnn-core's default) that a script never saves: `hnn run` writes them at the
//! end and prints their paths, as the prompt does for a figure value.

use std::cell::{Cell, RefCell};

use rhai::{Dynamic, Engine, Map};

use super::api_cell::CellHandle;
use super::api_viz::{FigHandle, fig, place, tfr};
use super::handles::{DipoleHandle, ExtracellularHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num};
use crate::viz::plots;

thread_local! {
    static SHOW: Cell<bool> = const { Cell::new(true) };
    static PENDING: RefCell<Vec<FigHandle>> = const { RefCell::new(Vec::new()) };
}

/// Note the `show` keyword of the plot call being made (read by the next new figure).
pub(super) fn note_show(map: &Map) {
    SHOW.with(|s| s.set(map.get("show").is_none_or(|v| v.as_bool() != Ok(false))));
}

/// A new figure of a plot call: remembered until saved when it is to be shown.
pub(super) fn made(f: &FigHandle) {
    if SHOW.with(|s| s.replace(true)) {
        PENDING.with(|p| p.borrow_mut().push(f.clone()));
    }
}

/// `f` was written (saved or shown): no longer pending.
pub(super) fn written(f: &FigHandle) {
    PENDING.with(|p| p.borrow_mut().retain(|x| !std::rc::Rc::ptr_eq(&x.0, &f.0)));
}

/// Forget pending figures (a new run starts).
pub fn clear_pending() {
    PENDING.with(|p| p.borrow_mut().clear());
}

/// Write every figure made with `show: true` and never saved, as the prompt writes a figure
/// value (`hnn_figure_<n>.png`), into `dir` (the working folder when `None`); returns the
/// messages naming the files.
pub fn write_pending(dir: Option<&std::path::Path>) -> Vec<String> {
    let figs: Vec<FigHandle> = PENDING.with(|p| p.borrow_mut().drain(..).collect());
    figs.iter()
        .filter(|f| f.0.borrow().panels.iter().any(|p| !p.is_empty()))
        .map(|f| super::write_figure(f, dir))
        .collect()
}

fn model_positional(name: &str, args: &[Dynamic], mut m: Map) -> RhaiResult<NetHandle> {
    const ORDER: [&str; 4] = [
        "params",
        "add_drives_from_params",
        "legacy_mode",
        "mesh_shape",
    ];
    for (k, v) in ORDER.iter().zip(args) {
        if m.insert((*k).into(), v.clone()).is_some() {
            return err(format!("{name}: '{k}' given both positionally and by name"));
        }
    }
    super::api_network::model_by_name(name, m)
}

fn plot_cells(net: &mut NetHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new("plot_cells", m, &["ax", "show"])?;
    let f = lib(plots::plot_cells(&net.0.borrow().net))?;
    match kw.get("ax") {
        None => fig(f),
        Some(ax) => place(f, Some(ax)),
    }
}

fn plot_morphology(c: &mut CellHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new("plot_morphology", m, &["ax", "show"])?;
    let f = lib(plots::plot_morphology(&c.template()?))?;
    match kw.get("ax") {
        None => fig(f),
        Some(ax) => place(f, Some(ax)),
    }
}

fn tfr_with_freqs(d: Dynamic, freqs: Dynamic, mut m: Map) -> RhaiResult<FigHandle> {
    if m.insert("freqs".into(), freqs).is_some() {
        return err("plot_tfr_morlet: 'freqs' given both positionally and by name");
    }
    tfr(d, m)
}

/// `f(#{ key: x })` for a method whose one positional parameter is `key`.
fn positional_from_map(func: &str, key: &'static str, m: Map) -> RhaiResult<f64> {
    let kw = Kw::new(func, m, &[key])?;
    num(kw.req(key)?, &kw.what(key))
}

/// Register the extra call shapes.
pub fn register(engine: &mut Engine) {
    for name in [
        "jones_2009_model",
        "neymotin_2020_model",
        "law_2021_model",
        "calcium_model",
    ] {
        engine.register_fn(name, move |a: Dynamic| {
            model_positional(name, &[a], Map::new())
        });
        engine.register_fn(name, move |a: Dynamic, m: Map| {
            model_positional(name, &[a], m)
        });
        engine.register_fn(name, move |a: Dynamic, b: Dynamic| {
            model_positional(name, &[a, b], Map::new())
        });
        engine.register_fn(name, move |a: Dynamic, b: Dynamic, m: Map| {
            model_positional(name, &[a, b], m)
        });
        engine.register_fn(name, move |a: Dynamic, b: Dynamic, c: Dynamic| {
            model_positional(name, &[a, b, c], Map::new())
        });
        engine.register_fn(
            name,
            move |a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
                model_positional(name, &[a, b, c, d], Map::new())
            },
        );
    }
    engine.register_fn("plot_cells", plot_cells);
    engine.register_fn("plot_morphology", plot_morphology);
    engine.register_fn(
        "plot_tfr_morlet",
        |d: &mut DipoleHandle, freqs: rhai::Array| {
            tfr_with_freqs(Dynamic::from(d.clone()), freqs.into(), Map::new())
        },
    );
    engine.register_fn(
        "plot_tfr_morlet",
        |d: &mut DipoleHandle, freqs: Dynamic, m: Map| {
            tfr_with_freqs(Dynamic::from(d.clone()), freqs, m)
        },
    );
    engine.register_fn("plot_tfr_morlet", |d: Dynamic, freqs: Dynamic, m: Map| {
        tfr_with_freqs(d, freqs, m)
    });
    engine.register_fn("plot_tfr_morlet", |d: Dynamic, freqs: rhai::Array| {
        tfr_with_freqs(d, freqs.into(), Map::new())
    });
    for (name, key) in [
        ("smooth", "window_len"),
        ("savgol_filter", "h_freq"),
        ("scale", "factor"),
    ] {
        engine.register_fn(
            name,
            move |d: &mut DipoleHandle, m: Map| -> RhaiResult<DipoleHandle> {
                let x = positional_from_map(name, key, m)?;
                let mut dpl = d.0.borrow_mut();
                lib(match name {
                    "smooth" => dpl.smooth(x).map(|_| ()),
                    "savgol_filter" => dpl.savgol_filter(x).map(|_| ()),
                    _ => dpl.scale(x).map(|_| ()),
                })?;
                Ok(d.clone())
            },
        );
    }
    engine.register_fn(
        "smooth",
        |a: &mut ExtracellularHandle, m: Map| -> RhaiResult<ExtracellularHandle> {
            let x = positional_from_map("smooth", "window_len", m)?;
            lib(a.0.borrow_mut().smooth(x).map(|_| ()))?;
            Ok(a.clone())
        },
    );
    // matplotlib's layout calls: our panels never overlap, so these only return the figure
    engine.register_fn("tight_layout", |f: &mut FigHandle| f.clone());
    engine.register_fn("tight_layout", |f: &mut FigHandle, _m: Map| f.clone());
    engine.register_fn("show", |f: &mut FigHandle| -> String {
        written(f);
        super::show_figure(f)
    });
}
