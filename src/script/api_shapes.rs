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
use super::handles::{CellResponseHandle, DipoleHandle, ExtracellularHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, numbers, string};
use crate::viz::plots;

/// A call being forwarded by a positional shape: name and argument types.
type Forward = (String, Vec<std::any::TypeId>);

thread_local! {
    /// Calls being forwarded by the positional shapes: a shape entered again with the same
    /// arguments would forward forever (no typed form takes them), so it answers "not found".
    static FORWARDING: RefCell<Vec<Forward>> = const { RefCell::new(Vec::new()) };
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
pub(crate) fn written(f: &FigHandle) {
    PENDING.with(|p| p.borrow_mut().retain(|x| !std::rc::Rc::ptr_eq(&x.0, &f.0)));
}

/// `f.show()` in a front end's session: shown with the input's output (once).
pub(crate) fn show_with_input(f: &mut FigHandle) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if !p.iter().any(|x| std::rc::Rc::ptr_eq(&x.0, &f.0)) {
            p.push(f.clone());
        }
    });
}

/// Forget pending figures (a new run starts).
pub fn clear_pending() {
    PENDING.with(|p| p.borrow_mut().clear());
}

/// Take the figures made with `show: true`, never saved and not empty (a front end shows
/// them).
pub fn take_pending() -> Vec<FigHandle> {
    let figs: Vec<FigHandle> = PENDING.with(|p| p.borrow_mut().drain(..).collect());
    figs.into_iter()
        .filter(|f| f.0.borrow().panels.iter().any(|p| !p.is_empty()))
        .collect()
}

/// Write every figure made with `show: true` and never saved, as the prompt writes a figure
/// value (`hnn_figure_<n>.png`), into `dir` (the working folder when `None`); returns the
/// messages naming the files.
pub fn write_pending(dir: Option<&std::path::Path>) -> Vec<String> {
    take_pending()
        .iter()
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

/// Two numbers `[lo, hi]` (hnn-core's limit tuples).
fn pair(v: &Dynamic, what: &str) -> RhaiResult<(f64, f64)> {
    match numbers(v, what)?.as_slice() {
        [a, b] if a.is_finite() && b.is_finite() && a < b => Ok((*a, *b)),
        other => err(format!(
            "{what}: expected [low, high] with low < high, got {other:?}"
        )),
    }
}

fn plot_morphology(c: &mut CellHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_morphology",
        m,
        &["ax", "color", "pos", "xlim", "ylim", "zlim", "show"],
    )?;
    let mut o = plots::MorphologyOptions::default();
    if let Some(v) = kw.get("color") {
        let colour = |x: &Dynamic| -> RhaiResult<crate::viz::Rgb> {
            let c = string(x, "plot_morphology: color")?;
            crate::viz::parse_color(&c).ok_or_else(|| {
                format!("plot_morphology: color: unknown colour '{c}' (use k, r, g, b, C0..C9, tab:blue…, a name or #rrggbb)").into()
            })
        };
        if let Some(m) = v.read_lock::<Map>() {
            o.section_colors = Some(
                m.iter()
                    .map(|(k, x)| Ok((k.to_string(), colour(x)?)))
                    .collect::<RhaiResult<_>>()?,
            );
        } else {
            o.color = Some(colour(v)?);
        }
    }
    if let Some(v) = kw.get("pos") {
        match numbers(v, "plot_morphology: pos")?.as_slice() {
            [x, y, z] if [x, y, z].iter().all(|q| q.is_finite()) => o.pos = Some([*x, *y, *z]),
            other => {
                return err(format!(
                    "plot_morphology: pos must be 3 numbers [x, y, z], got {other:?}"
                ));
            }
        }
    }
    o.xlim = kw
        .get("xlim")
        .map(|v| pair(v, "plot_morphology: xlim"))
        .transpose()?;
    o.ylim = kw
        .get("ylim")
        .map(|v| pair(v, "plot_morphology: ylim"))
        .transpose()?;
    o.zlim = kw
        .get("zlim")
        .map(|v| pair(v, "plot_morphology: zlim"))
        .transpose()?;
    let f = lib(plots::plot_morphology_with(&c.template()?, &o))?;
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
    register_io_shapes(engine);
    // matplotlib's layout calls: our panels never overlap, so these only return the figure
    engine.register_fn("tight_layout", |f: &mut FigHandle| f.clone());
    engine.register_fn("tight_layout", |f: &mut FigHandle, _m: Map| f.clone());
    engine.register_fn("show", |f: &mut FigHandle| -> String {
        written(f);
        super::show_figure(f)
    });
}

/// hnn-core 0.6.1's parameters of every public function and method, in order
/// (`tests/reference/extract_signatures.py`).
const HNN_CORE_SIGNATURES: &str =
    include_str!("../../tests/fixtures/signatures/hnn_core_0.6.1.json");

/// The script type of an hnn-core class whose methods we register.
fn script_type(class: &str) -> Option<&'static str> {
    Some(match class {
        "Network" => "Network",
        "Dipole" => "Dipole",
        "CellResponse" => "CellResponse",
        "Cell" => "Cell",
        "ExtracellularArray" => "ExtracellularArray",
        "Params" => "Params",
        _ => return None,
    })
}

/// The parameter types of a signature line of `gen_fn_signatures`.
fn param_types(sig: &str) -> Vec<String> {
    let head = sig.split(" -> ").next().unwrap_or(sig);
    let inner = head
        .split_once('(')
        .and_then(|(_, r)| r.rsplit_once(')'))
        .map_or("", |(a, _)| a);
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in inner.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|p| {
            let p = p.trim();
            p.split_once(": ").map_or(p, |(_, t)| t).to_string()
        })
        .collect()
}

/// hnn-core's optional parameters given positionally, generically: for every function and
/// method whose keyword form we register (`f(recv, a, ..., #{ ... })`), calls with more
/// positional arguments than that form move the extra ones into the map under hnn-core's
/// parameter names, in hnn-core's order (`cr.mean_rates(0, 170, net.gid_ranges)`). Arities
/// already registered are left alone.
pub fn register_positional(engine: &mut Engine) {
    let Ok(fixture) = serde_json::from_str::<serde_json::Value>(HNN_CORE_SIGNATURES) else {
        return;
    };
    let ours = engine.gen_fn_signatures(false);
    let Some(entries) = fixture["entries"].as_array() else {
        return;
    };
    for e in entries {
        let Some(name) = e["name"].as_str() else {
            continue;
        };
        let recv = match e["class"].as_str() {
            None => None,
            Some(c) => match script_type(c) {
                Some(t) => Some(t),
                None => continue,
            },
        };
        let params = e["params"].as_array().cloned().unwrap_or_default();
        let kind = |p: &serde_json::Value| p["kind"].as_str().unwrap_or("").to_string();
        let positional: Vec<String> = params
            .iter()
            .filter(|p| kind(p).starts_with("positional_o"))
            .filter_map(|p| p["name"].as_str().map(String::from))
            .collect();
        let all_names: Vec<String> = params
            .iter()
            .filter_map(|p| p["name"].as_str().map(String::from))
            .collect();
        let mine: Vec<Vec<String>> = ours
            .iter()
            .filter(|s| s.split('(').next() == Some(name))
            .map(|s| param_types(s))
            .collect();
        let method = recv.is_some();
        let receiver_ok = |t: &[String]| {
            recv.is_none_or(|r| {
                t.first()
                    .is_some_and(|a| a.trim_start_matches("&mut ") == r)
            })
        };
        // our keyword form: the receiver, n positionals, then a map
        let Some(base) = mine
            .iter()
            .filter(|t| receiver_ok(t) && t.last().is_some_and(|l| l.eq_ignore_ascii_case("map")))
            .map(Vec::len)
            .min()
        else {
            continue;
        };
        let n_ours = base - 1 - usize::from(method);
        if positional.len() <= n_ours {
            continue;
        }
        let taken: std::collections::BTreeSet<usize> = mine
            .iter()
            .filter(|t| t.iter().all(|x| x.ends_with("Dynamic")))
            .map(Vec::len)
            .collect();
        let max = positional.len() + usize::from(method) + 1;
        // from the keyword form's own arity: `dpl.plot(tmin)` beside `dpl.plot(#{ tmin })`
        // (a call with a map there still reaches the typed keyword form first)
        for arity in base..=max {
            if taken.contains(&arity) {
                continue;
            }
            let (fname, positional, all_names) =
                (name.to_string(), positional.clone(), all_names.clone());
            engine.register_raw_fn(
                name,
                vec![std::any::TypeId::of::<Dynamic>(); arity],
                move |ctx: rhai::NativeCallContext, args: &mut [&mut Dynamic]| -> RhaiResult<Dynamic> {
                    let key: Forward = (fname.clone(), args.iter().map(|a| a.type_id()).collect());
                    if FORWARDING.with(|f| f.borrow().contains(&key)) {
                        let types: Vec<&str> = args
                            .iter()
                            .map(|a| ctx.engine().map_type_name(a.type_name()))
                            .collect();
                        return Err(rhai::EvalAltResult::ErrorFunctionNotFound(
                            format!("{fname} ({})", types.join(", ")),
                            rhai::Position::NONE,
                        )
                        .into());
                    }
                    let mut vals: Vec<Dynamic> = args.iter().map(|a| (**a).clone()).collect();
                    let recv = if method { Some(vals.remove(0)) } else { None };
                    let mut map = Map::new();
                    if let Some(m) = vals.last().and_then(|v| v.read_lock::<Map>().map(|m| m.clone()))
                        && vals.len() > n_ours
                        && m.keys().all(|k| all_names.iter().any(|n| n == k.as_str()))
                    {
                        map = m;
                        vals.pop();
                    }
                    if vals.len() > positional.len() {
                        return err(format!(
                            "{fname}: {} positional arguments given, hnn-core's {fname} takes {} ({})",
                            vals.len(),
                            positional.len(),
                            positional.join(", ")
                        ));
                    }
                    for (i, v) in vals.drain(n_ours.min(vals.len())..).enumerate() {
                        let key = positional[n_ours + i].as_str();
                        if map.insert(key.into(), v).is_some() {
                            return err(format!(
                                "{fname}: '{key}' given both positionally and by name"
                            ));
                        }
                    }
                    let mut call: Vec<Dynamic> = recv.into_iter().chain(vals).collect();
                    call.push(map.into());
                    let mut refs: Vec<&mut Dynamic> = call.iter_mut().collect();
                    FORWARDING.with(|f| f.borrow_mut().push(key));
                    let r = ctx.call_fn_raw(&fname, method, method, &mut refs);
                    FORWARDING.with(|f| f.borrow_mut().pop());
                    r
                },
            );
        }
    }
    // simulate_dipole(net, tstop): tstop is positional in hnn-core
    engine.register_fn(
        "simulate_dipole",
        |ctx: rhai::NativeCallContext,
         net: &mut NetHandle,
         tstop: Dynamic|
         -> RhaiResult<Dynamic> {
            let mut m = Map::new();
            m.insert("tstop".into(), tstop);
            ctx.call_fn("simulate_dipole", (net.clone(), m))
        },
    );
}

/// hnn-core's `gid_ranges` argument: a map of cell type → range (or contiguous gids).
fn gid_ranges_arg(v: &Dynamic) -> RhaiResult<Vec<(String, std::ops::Range<usize>)>> {
    let Some(m) = v.read_lock::<Map>() else {
        return err(format!(
            "read_spikes: gid_ranges must be a map of cell type to gid range (net.gid_ranges), got {}",
            v.type_name()
        ));
    };
    m.iter()
        .map(|(k, x)| {
            let what = format!("read_spikes: gid_ranges['{k}']");
            if let Some(r) = x.read_lock::<std::ops::Range<i64>>() {
                if r.start < 0 || r.end < r.start {
                    return err(format!("{what}: expected a range of gids >= 0"));
                }
                return Ok((k.to_string(), r.start as usize..r.end as usize));
            }
            let g: Vec<usize> = numbers(x, &what)?
                .iter()
                .map(|q| {
                    if q.fract() == 0.0 && *q >= 0.0 && *q < 9e15 {
                        Ok(*q as usize)
                    } else {
                        err(format!("{what}: {q} is not a gid"))
                    }
                })
                .collect::<RhaiResult<_>>()?;
            match (g.first(), g.last()) {
                (Some(&a), Some(&b)) if g.windows(2).all(|w| w[1] == w[0] + 1) => {
                    Ok((k.to_string(), a..b + 1))
                }
                (None, _) => Ok((k.to_string(), 0..0)),
                _ => err(format!("{what}: expected consecutive gids")),
            }
        })
        .collect()
}

/// Call shapes of hnn-core's readers, writers and setters that the keyword forms elsewhere
/// do not cover (the positional ones then follow from [`register_positional`]).
fn register_io_shapes(engine: &mut Engine) {
    // read_params(params_fname, file_contents)
    engine.register_fn(
        "read_params",
        |path: &str, m: Map| -> RhaiResult<crate::network::params::Params> {
            let kw = Kw::new("read_params", m, &["file_contents"])?;
            match kw.get("file_contents") {
                None => lib(crate::network::params::Params::read(std::path::Path::new(
                    path,
                ))),
                Some(c) => lib(crate::network::params::Params::from_contents(
                    path,
                    &string(c, "read_params: file_contents")?,
                )),
            }
        },
    );
    // read_spikes(fname, gid_ranges): net.gid_ranges is itself a map, so a map that is not
    // `#{ gid_ranges: ... }` is the gid ranges given positionally
    engine.register_fn(
        "read_spikes",
        |path: &str, m: Map| -> RhaiResult<CellResponseHandle> {
            let ranges: Dynamic = if m.is_empty() {
                Dynamic::UNIT
            } else if m.len() == 1 && m.contains_key("gid_ranges") {
                m["gid_ranges"].clone()
            } else {
                m.into()
            };
            let ranges = if ranges.is_unit() {
                None
            } else {
                Some(gid_ranges_arg(&ranges)?)
            };
            Ok(CellResponseHandle(std::rc::Rc::new(lib(
                crate::io::text::read_spikes_with(path, ranges.as_deref()),
            )?)))
        },
    );
    // dpl.write(fname, overwrite=True)
    engine.register_fn(
        "write",
        |d: &mut DipoleHandle, path: &str, m: Map| -> RhaiResult<()> {
            let kw = Kw::new("write", m, &["overwrite"])?;
            if !kw.flag_or("overwrite", true)? && std::path::Path::new(path).exists() {
                return err(format!(
                    "write: {path} exists: rename the file or pass #{{ overwrite: true }}"
                ));
            }
            lib(crate::io::write_dipole(
                &d.0.borrow(),
                std::path::Path::new(path),
            ))
        },
    );
    // smooth_waveform(data, window_len, sfreq) and params.write(fname)
    engine.register_fn(
        "smooth_waveform",
        |data: Dynamic, window_len: Dynamic, sfreq: Dynamic| -> RhaiResult<rhai::Array> {
            let x = numbers(&data, "smooth_waveform: data")?;
            let y = lib(crate::results::dipole::smooth_waveform(
                &x,
                num(&window_len, "smooth_waveform: window_len")?,
                num(&sfreq, "smooth_waveform: sfreq")?,
            ))?;
            Ok(y.into_iter().map(Dynamic::from).collect())
        },
    );
    engine.register_fn(
        "write",
        |p: &mut crate::network::params::Params, path: &str| -> RhaiResult<()> {
            lib(p.write(std::path::Path::new(path)))
        },
    );
    // pick_connection(net) and net.set_cell_positions(): every keyword optional
    engine.register_fn(
        "pick_connection",
        |ctx: rhai::NativeCallContext, net: &mut NetHandle| -> RhaiResult<Dynamic> {
            ctx.call_fn("pick_connection", (net.clone(), Map::new()))
        },
    );
    engine.register_fn(
        "set_cell_positions",
        |ctx: rhai::NativeCallContext, net: &mut NetHandle| -> RhaiResult<Dynamic> {
            ctx.call_fn("set_cell_positions", (net.clone(), Map::new()))
        },
    );
    // net.set_global_synaptic_gains(e_e, e_i, i_e, i_i, copy): with copy true a changed
    // copy is returned and the network is left as it was
    let gains = |net: &mut NetHandle, m: Map| -> RhaiResult<NetHandle> {
        let kw = Kw::new(
            "set_global_synaptic_gains",
            m,
            &["e_e", "e_i", "i_e", "i_i", "copy"],
        )?;
        let target = if kw.flag_or("copy", false)? {
            NetHandle::new(net.0.borrow().net.copy())
        } else {
            net.clone()
        };
        lib(target.0.borrow_mut().net.set_global_synaptic_gains(
            kw.num("e_e")?,
            kw.num("e_i")?,
            kw.num("i_e")?,
            kw.num("i_i")?,
        ))?;
        Ok(target)
    };
    engine.register_fn("set_global_synaptic_gains", gains);
    engine.register_fn("set_global_synaptic_gains", move |net: &mut NetHandle| {
        gains(net, Map::new())
    });
    // cell.modify_section(sec_name): nothing to change, but the section must exist
    engine.register_fn(
        "modify_section",
        |ctx: rhai::NativeCallContext, c: &mut CellHandle, sec: &str| -> RhaiResult<Dynamic> {
            ctx.call_fn("modify_section", (c.clone(), sec.to_string(), Map::new()))
        },
    );
}
