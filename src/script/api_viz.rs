//! Plots from scripts: hnn-core's free functions and methods return a `Figure`; every plot
//! function also takes `ax` (an axes of `figure(#{ nrows, ncols })`, or an array of them)
//! and then draws into it. `fig.save("x.png")` (or `.svg`) writes the figure and returns the
//! path.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::{CellResponseHandle, DipoleHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::analysis::decimate::decimate_plot_data;
use crate::results::Dipole;
use crate::viz::plots;
use crate::viz::{Figure, LegendEntry, Panel, Rgb, parse_color};

/// A figure in scripts (shared: axes handles draw into it).
#[derive(Debug, Clone)]
pub struct FigHandle(pub Rc<RefCell<Figure>>);

/// One axes of a figure (matplotlib's `ax`).
#[derive(Debug, Clone)]
pub struct AxHandle {
    pub(super) fig: FigHandle,
    pub(super) index: usize,
}

/// Put a computed figure where `ax` says, or return it as a new figure.
/// Return `f` as a figure, or draw it into the given axes (hnn-core's `ax=`).
pub(super) fn place(f: Figure, ax: Option<&Dynamic>) -> RhaiResult<FigHandle> {
    let Some(ax) = ax else {
        return fig(f);
    };
    let axes: Vec<AxHandle> = if let Some(a) = ax.read_lock::<AxHandle>() {
        vec![a.clone()]
    } else if let Some(arr) = ax.read_lock::<Array>() {
        arr.iter()
            .map(|x| {
                x.read_lock::<AxHandle>()
                    .map(|a| a.clone())
                    .ok_or_else(|| "ax: expected axes from fig.axes".to_string().into())
            })
            .collect::<RhaiResult<Vec<_>>>()?
    } else {
        return err(format!(
            "ax: expected an axes (fig.axes[i]) or an array of axes, got {}",
            ax.type_name()
        ));
    };
    if axes.len() != f.panels.len() {
        return err(format!(
            "ax: {} axes given for {} panels",
            axes.len(),
            f.panels.len()
        ));
    }
    let fig = axes[0].fig.clone();
    for (a, p) in axes.iter().zip(f.panels) {
        a.fig.0.borrow_mut().panels[a.index].overlay(p);
    }
    Ok(fig)
}

fn color(kw: &Kw) -> RhaiResult<Option<Rgb>> {
    match kw.string("color")? {
        None => Ok(None),
        Some(c) => parse_color(&c).map(Some).ok_or_else(|| {
            format!(
                "color: unknown colour '{c}' (use k, r, g, b, C0..C9, tab:blue…, a name or #rrggbb)"
            )
            .into()
        }),
    }
}

/// A colour-map name (`cividis`, `viridis`, `jet`, ...) or a single colour.
pub(super) fn parse_trace_color(s: &str) -> RhaiResult<crate::viz::laminar::TraceColor> {
    use crate::viz::laminar::TraceColor;
    if let Some(m) = crate::viz::colormap::Colormap::parse(s) {
        return Ok(TraceColor::Map(m));
    }
    parse_color(s).map(TraceColor::Single).ok_or_else(|| {
        format!(
            "color: unknown colour or colour map '{s}' (use cividis, viridis, inferno, jet, \
             k, r, g, b, C0..C9, a name or #rrggbb)"
        )
        .into()
    })
}

fn recolor(f: &mut Figure, c: Option<Rgb>, label: Option<String>) {
    for p in &mut f.panels {
        if let Some(c) = c {
            for l in &mut p.lines {
                l.color = c;
            }
        }
        if let (Some(lab), Some(l)) = (&label, p.lines.last_mut()) {
            l.label = Some(lab.clone());
        }
    }
}

fn strings(v: &Dynamic, what: &str) -> RhaiResult<Vec<String>> {
    if let Some(a) = v.read_lock::<Array>() {
        a.iter().map(|x| string(x, what)).collect()
    } else {
        Ok(vec![string(v, what)?])
    }
}

fn dipoles(v: &Dynamic) -> RhaiResult<Vec<Dipole>> {
    if let Some(h) = v.read_lock::<DipoleHandle>() {
        return Ok(vec![h.0.borrow().clone()]);
    }
    if let Some(a) = v.read_lock::<Array>() {
        if a.is_empty() {
            return err("expected a Dipole or an array of Dipoles, got an empty array");
        }
        return a
            .iter()
            .map(|x| {
                x.read_lock::<DipoleHandle>()
                    .map(|h| h.0.borrow().clone())
                    .ok_or_else(|| {
                        format!(
                            "expected an array of Dipoles, got an element of type {}",
                            x.type_name()
                        )
                        .into()
                    })
            })
            .collect();
    }
    err(format!(
        "expected a Dipole or an array of Dipoles, got {}",
        v.type_name()
    ))
}

fn tlim(kw: &Kw) -> RhaiResult<(Option<f64>, Option<f64>)> {
    Ok((kw.num("tmin")?, kw.num("tmax")?))
}

fn plot_dipole(v: Dynamic, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_dipole",
        m,
        &[
            "layer", "average", "tmin", "tmax", "show", "ax", "color", "label", "decim",
        ],
    )?;
    let layers = kw
        .get("layer")
        .map(|l| strings(l, "layer"))
        .transpose()?
        .unwrap_or_else(|| vec!["agg".into()]);
    let average = kw.flag_or("average", false)?;
    let mut ds = dipoles(&v)?;
    if let Some(dec) = kw.get("decim") {
        let factors = decim_factors(dec)?;
        for d in &mut ds {
            let times = d.times.clone();
            for (_, trace) in &mut d.data {
                let (y, t) = lib(decimate_plot_data(&factors, trace, &times))?;
                *trace = y;
                d.times = t;
            }
        }
    }
    let end = ds[0].times.last().copied().unwrap_or(1.0);
    let lim = match tlim(&kw)? {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(0.0), b.unwrap_or(end))),
    };
    let refs: Vec<&str> = layers.iter().map(|s| s.as_str()).collect();
    let f = lib(plots::plot_dipole(
        &ds,
        &refs,
        average,
        lim,
        color(&kw)?.unwrap_or((0, 0, 0)),
        &kw.string("label")?.unwrap_or_else(|| "average".into()),
    ))?;
    place(f, kw.get("ax"))
}

/// hnn-core's `decim`: one factor or a list applied in turn (each a positive integer).
pub(super) fn decim_factors(v: &Dynamic) -> RhaiResult<Vec<usize>> {
    let items: Vec<Dynamic> = match v.read_lock::<Array>() {
        Some(a) => a.iter().cloned().collect(),
        None => vec![v.clone()],
    };
    items
        .iter()
        .map(|x| match uint(x, "decim") {
            Ok(q) if q >= 1 => Ok(q),
            _ => err(format!(
                "decim: each decimation factor must be a positive integer, got {x}"
            )),
        })
        .collect()
}

/// hnn-core's `trial_idx`: one trial or a list (`None`: all trials).
fn trial_list(kw: &Kw) -> RhaiResult<Option<Vec<usize>>> {
    Ok(match kw.get("trial_idx") {
        None => None,
        Some(v) => Some(match v.read_lock::<Array>() {
            Some(a) => a
                .iter()
                .map(|x| uint(x, "trial_idx"))
                .collect::<RhaiResult<Vec<_>>>()?,
            None => vec![uint(v, "trial_idx")?],
        }),
    })
}

fn raster(c: &mut CellResponseHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_spikes_raster",
        m,
        &[
            "trial_idx",
            "ax",
            "show",
            "cell_types",
            "colors",
            "show_legend",
            "marker_size",
            "dpl",
            "overlay_dipoles",
        ],
    )?;
    let mut o = plots::RasterOptions {
        trials: trial_list(&kw)?,
        ..Default::default()
    };
    if let Some(v) = kw.get("cell_types") {
        if v.read_lock::<Array>().is_none() {
            return err(format!(
                "plot_spikes_raster: cell_types must be an array of cell type names, got {}",
                v.type_name()
            ));
        }
        o.cell_types = Some(strings(v, "cell_types")?);
    }
    if let Some(v) = kw.get("colors") {
        if let Some(m) = v.read_lock::<Map>() {
            o.colors_by_type = m
                .iter()
                .map(|(k, x)| Ok((k.to_string(), named_color(&string(x, "colors")?)?)))
                .collect::<RhaiResult<_>>()?;
        } else if let Some(a) = v.read_lock::<Array>() {
            o.colors_list = Some(
                a.iter()
                    .map(|x| named_color(&string(x, "colors")?))
                    .collect::<RhaiResult<_>>()?,
            );
        } else {
            return err(format!(
                "plot_spikes_raster: colors must be an array of colours or a map of cell type to colour, got {}",
                v.type_name()
            ));
        }
    }
    o.show_legend = kw.flag_or("show_legend", true)?;
    o.marker_size = kw.num_or("marker_size", 1.0)?;
    if kw.flag_or("overlay_dipoles", false)? {
        let Some(d) = kw.get("dpl") else {
            return err("plot_spikes_raster: overlay_dipoles needs the dipoles: dpl: dpls");
        };
        o.overlay = Some(dipoles(d)?);
    } else if let Some(d) = kw.get("dpl") {
        // checked as hnn-core does not: a dpl that is not drawn is still a Dipole
        dipoles(d)?;
    }
    place(lib(plots::plot_spikes_raster_with(&c.0, &o))?, kw.get("ax"))
}

/// hnn-core's `spike_types`: a prefix, a list of prefixes (each its own label) or a map of
/// label → prefixes (Rhai maps iterate in key order, so colours follow the sorted labels).
fn spike_groups(v: &Dynamic) -> RhaiResult<Vec<(String, Vec<String>)>> {
    if let Some(m) = v.read_lock::<Map>() {
        return m
            .iter()
            .map(|(k, x)| {
                let what = format!("spike_types['{k}']");
                if x.read_lock::<Array>().is_none() {
                    return err(format!("{what}: expected an array of spike types"));
                }
                Ok((k.to_string(), strings(x, &what)?))
            })
            .collect();
    }
    Ok(strings(v, "spike_types")?
        .into_iter()
        .map(|s| (s.clone(), vec![s]))
        .collect())
}

fn named_color(c: &str) -> RhaiResult<Rgb> {
    parse_color(c).ok_or_else(|| {
        format!(
            "color: unknown colour '{c}' (use k, r, g, b, C0..C9, tab:blue…, a name or #rrggbb)"
        )
        .into()
    })
}

fn hist(c: &mut CellResponseHandle, m: Map) -> RhaiResult<FigHandle> {
    use crate::analysis::spikes::HNN_CORE_BINS;
    use crate::viz::hist_colors::HistColors;
    let kw = Kw::new(
        "plot_spikes_hist",
        m,
        &[
            "trial_idx",
            "ax",
            "spike_types",
            "color",
            "invert_spike_types",
            "show",
            "bins",
        ],
    )?;
    let invert = kw
        .get("invert_spike_types")
        .map(|v| {
            if v.is_string() || v.is_array() {
                strings(v, "invert_spike_types")
            } else {
                err(format!(
                    "plot_spikes_hist: invert_spike_types must be a string or an array of strings, got {}",
                    v.type_name()
                ))
            }
        })
        .transpose()?
        .unwrap_or_default();
    let groups = kw.get("spike_types").map(spike_groups).transpose()?;
    let trials = match kw.get("trial_idx") {
        None => None,
        Some(v) => Some(match v.read_lock::<Array>() {
            Some(a) => a
                .iter()
                .map(|x| uint(x, "trial_idx"))
                .collect::<RhaiResult<Vec<_>>>()?,
            None => vec![uint(v, "trial_idx")?],
        }),
    };
    let colors = match kw.get("color") {
        None => HistColors::default(),
        Some(v) => {
            if let Some(m) = v.read_lock::<Map>() {
                HistColors::ByLabel(
                    m.iter()
                        .map(|(k, x)| Ok((k.to_string(), named_color(&string(x, "color")?)?)))
                        .collect::<RhaiResult<_>>()?,
                )
            } else {
                HistColors::Cycle(
                    strings(v, "color")?
                        .iter()
                        .map(|c| named_color(c))
                        .collect::<RhaiResult<_>>()?,
                )
            }
        }
    };
    let bins = kw
        .get("bins")
        .map(|v| uint(v, "bins"))
        .transpose()?
        .unwrap_or(HNN_CORE_BINS);
    place(
        lib(plots::plot_spikes_hist_inverted(
            &c.0,
            trials.as_deref(),
            groups.as_deref(),
            &colors,
            bins,
            &invert,
        ))?,
        kw.get("ax"),
    )
}

pub(super) fn psd(v: Dynamic, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_psd",
        m,
        &[
            "fmin", "fmax", "tmin", "tmax", "layer", "show", "ax", "color", "label",
        ],
    )?;
    let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
    let mut f = lib(plots::plot_psd(
        &dipoles(&v)?,
        &layer,
        kw.num_or("fmin", 0.0)?,
        kw.num("fmax")?,
        tlim(&kw)?,
    ))?;
    recolor(&mut f, color(&kw)?, kw.string("label")?);
    place(f, kw.get("ax"))
}

pub(super) fn tfr(v: Dynamic, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_tfr_morlet",
        m,
        &[
            "freqs",
            "n_cycles",
            "tmin",
            "tmax",
            "layer",
            "decim",
            "padding",
            "ax",
            "colormap",
            "colorbar",
            "colorbar_inside",
            "show",
        ],
    )?;
    let freqs = super::kwargs::numbers(kw.req("freqs")?, "plot_tfr_morlet: freqs")?;
    let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
    let n_cycles: Vec<f64> = match kw.get("n_cycles") {
        None => vec![7.0],
        Some(v) if v.is_array() => v
            .read_lock::<Array>()
            .map(|a| {
                a.iter()
                    .map(|x| num(x, "n_cycles"))
                    .collect::<RhaiResult<Vec<_>>>()
            })
            .unwrap_or_else(|| err("plot_tfr_morlet: n_cycles"))?,
        Some(v) => vec![num(v, "n_cycles")?],
    };
    let padding = match kw.given("padding") {
        None => crate::analysis::tfr::Padding::Zeros,
        Some(v) if v.is_unit() => crate::analysis::tfr::Padding::None,
        Some(v) => lib(crate::analysis::tfr::Padding::parse(Some(&string(
            v,
            "plot_tfr_morlet: padding",
        )?)))?,
    };
    let o = plots::TfrOptions {
        decim: kw
            .get("decim")
            .map(decim_factors)
            .transpose()?
            .unwrap_or_default(),
        padding,
        cmap: colormap(&kw, "colormap", crate::viz::colormap::Colormap::Inferno)?,
        colorbar: kw.flag_or("colorbar", true)?,
        colorbar_inside: kw.flag_or("colorbar_inside", false)?,
    };
    let f = lib(plots::plot_tfr_morlet_with(
        &dipoles(&v)?,
        &layer,
        &freqs,
        &n_cycles,
        tlim(&kw)?,
        &o,
    ))?;
    place(f, kw.get("ax"))
}

/// A matplotlib colour-map name from keyword `key` (`default` when not given).
pub(super) fn colormap(
    kw: &Kw,
    key: &str,
    default: crate::viz::colormap::Colormap,
) -> RhaiResult<crate::viz::colormap::Colormap> {
    match kw.string(key)? {
        None => Ok(default),
        Some(n) => crate::viz::colormap::Colormap::parse(&n).ok_or_else(|| {
            format!(
                "{key}: colour map '{n}' is not one hnn draws (use one of {})",
                crate::viz::colormap::NAMES.join(", ")
            )
            .into()
        }),
    }
}

fn new_figure(m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "figure",
        m,
        &[
            "nrows",
            "ncols",
            "figsize",
            "sharex",
            "sharey",
            "constrained_layout",
            "layout",
            "gridspec_kw",
            "height_ratios",
        ],
    )?;
    let rows = kw
        .get("nrows")
        .map(|v| uint(v, "nrows"))
        .transpose()?
        .unwrap_or(1);
    let cols = kw
        .get("ncols")
        .map(|v| uint(v, "ncols"))
        .transpose()?
        .unwrap_or(1);
    if !(1..=10).contains(&rows) || !(1..=10).contains(&cols) {
        return err("figure: nrows and ncols must be from 1 to 10");
    }
    let mut f = Figure::grid(rows, cols);
    // panels are always laid out without overlap (matplotlib's constrained layout)
    let _ = (kw.get("constrained_layout"), kw.get("layout"));
    let ratios = match (kw.get("height_ratios"), kw.get("gridspec_kw")) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(g)) => {
            let g = g.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
                "figure: gridspec_kw must be a map, e.g. #{ height_ratios: [1, 2] }".to_string()
            })?;
            if let Some(k) = g.keys().find(|k| k.as_str() != "height_ratios") {
                return err(format!(
                    "figure: gridspec_kw key '{k}' is not supported (supported: height_ratios)"
                ));
            }
            g.get("height_ratios").cloned()
        }
        (None, None) => None,
    };
    if let Some(r) = ratios {
        let r = super::kwargs::numbers(&r, "height_ratios")?;
        if r.len() != rows || r.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
            return err(format!(
                "figure: height_ratios needs {rows} positive numbers (one per row), got {r:?}"
            ));
        }
        f.height_ratios = r;
    }
    if let Some(fs) = kw.get("figsize") {
        let a = fs
            .read_lock::<Array>()
            .map(|a| a.clone())
            .ok_or_else(|| "figsize: expected [width, height] in inches".to_string())?;
        if a.len() != 2 {
            return err("figsize: expected [width, height] in inches");
        }
        let (w, h) = (num(&a[0], "figsize")?, num(&a[1], "figsize")?);
        if !(1.0..=100.0).contains(&w) || !(1.0..=100.0).contains(&h) {
            return err("figsize: width and height must be from 1 to 100 inches");
        }
        f.size = ((w * 100.0) as u32, (h * 100.0) as u32);
    }
    fig(f)
}

fn voltages(c: &mut CellResponseHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new("plot_voltages", m, &["gids", "section", "trial_idx", "ax"])?;
    let gids: Vec<usize> = match kw.get("gids") {
        None => return err("plot_voltages: give gids: [...] (cells recorded with record_vsec)"),
        Some(v) if v.is_array() => v
            .read_lock::<Array>()
            .map(|a| {
                a.iter()
                    .map(|x| uint(x, "gids"))
                    .collect::<RhaiResult<Vec<_>>>()
            })
            .unwrap_or(Ok(vec![]))?,
        Some(v) => vec![uint(v, "gids")?],
    };
    let section = kw.string("section")?.unwrap_or_else(|| "soma".into());
    let trial = kw
        .get("trial_idx")
        .map(|v| uint(v, "trial_idx"))
        .transpose()?
        .unwrap_or(0);
    place(
        lib(plots::plot_voltages(&c.0, &gids, &section, trial))?,
        kw.get("ax"),
    )
}

type PanelSetter = fn(&mut Panel, String);

/// Register the plotting API.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<FigHandle>("Figure");
    engine.register_type_with_name::<AxHandle>("Axes");
    engine.register_fn("figure", || new_figure(Map::new()));
    engine.register_fn("figure", new_figure);
    engine.register_get("axes", |f: &mut FigHandle| -> Array {
        let n = f.0.borrow().panels.len();
        (0..n)
            .map(|i| {
                Dynamic::from(AxHandle {
                    fig: f.clone(),
                    index: i,
                })
            })
            .collect()
    });
    engine.register_fn(
        "save",
        |f: &mut FigHandle, path: &str| -> RhaiResult<String> {
            lib(f.0.borrow().save(std::path::Path::new(path)))?;
            super::api_shapes::written(f);
            Ok(path.to_string())
        },
    );
    engine.register_fn("to_string", |f: &mut FigHandle| {
        let f = f.0.borrow();
        format!(
            "<Figure | {}x{} axes, {}x{} px>",
            f.grid.0, f.grid.1, f.size.0, f.size.1
        )
    });
    engine.register_fn("to_string", |a: &mut AxHandle| {
        format!("<Axes {}>", a.index)
    });
    for (name, setter) in [
        (
            "set_title",
            (|p: &mut Panel, v: String| p.title = v) as PanelSetter,
        ),
        ("set_xlabel", |p, v| p.xlabel = v),
        ("set_ylabel", |p, v| p.ylabel = v),
    ] {
        engine.register_fn(name, move |a: &mut AxHandle, v: &str| -> AxHandle {
            setter(&mut a.fig.0.borrow_mut().panels[a.index], v.to_string());
            a.clone()
        });
    }
    // matplotlib's `ax.cla()` / `ax.clear()`: the axes emptied of everything drawn in it
    for name in ["cla", "clear"] {
        engine.register_fn(name, |a: &mut AxHandle| -> AxHandle {
            a.fig.0.borrow_mut().panels[a.index] = Panel::default();
            a.clone()
        });
    }
    engine.register_fn(
        "legend",
        |a: &mut AxHandle, labels: Array| -> RhaiResult<AxHandle> {
            let labels = labels
                .iter()
                .map(|l| string(l, "legend labels"))
                .collect::<RhaiResult<Vec<_>>>()?;
            let mut f = a.fig.0.borrow_mut();
            let p = &mut f.panels[a.index];
            if labels.len() > p.lines.len() {
                return err(format!(
                    "legend: {} labels for {} lines",
                    labels.len(),
                    p.lines.len()
                ));
            }
            for (l, lab) in p.lines.iter_mut().zip(labels) {
                l.label = Some(lab);
            }
            Ok(a.clone())
        },
    );
    engine.register_type_with_name::<LegendEntry>("Line2D");
    // matplotlib's Line2D, as hnn-core's tutorials build legend handles:
    // Line2D([0], [0], #{ color: "tab:blue", lw: 1.0 })
    engine.register_fn(
        "Line2D",
        |_x: Dynamic, _y: Dynamic, m: Map| -> RhaiResult<LegendEntry> {
            let kw = Kw::new("Line2D", m, &["color", "lw", "linewidth", "label"])?;
            let width = kw.num("lw")?.or(kw.num("linewidth")?).unwrap_or(1.0);
            if !(width.is_finite() && (0.0..=100.0).contains(&width)) {
                return err(format!("Line2D: lw {width} is not a width from 0 to 100"));
            }
            Ok(LegendEntry {
                color: color(&kw)?.unwrap_or((31, 119, 180)),
                width: (width.round() as u32).max(1),
                label: kw.string("label")?.unwrap_or_default(),
            })
        },
    );
    engine.register_fn(
        "legend",
        |a: &mut AxHandle, handles: Array, labels: Array| -> RhaiResult<AxHandle> {
            if handles.len() != labels.len() {
                return err(format!(
                    "legend: {} handles for {} labels",
                    handles.len(),
                    labels.len()
                ));
            }
            let entries = handles
                .iter()
                .zip(&labels)
                .map(|(h, l)| {
                    let mut e = h.clone().try_cast::<LegendEntry>().ok_or_else(|| {
                        format!(
                            "legend: a handle is a {}, expected a Line2D(xdata, ydata, #{{ color }})",
                            h.type_name()
                        )
                    })?;
                    e.label = string(l, "legend labels")?;
                    Ok(e)
                })
                .collect::<RhaiResult<Vec<_>>>()?;
            a.fig.0.borrow_mut().panels[a.index].legend_entries = Some(entries);
            Ok(a.clone())
        },
    );
    for (name, x_axis) in [("set_xlim", true), ("set_ylim", false)] {
        engine.register_fn(
            name,
            move |a: &mut AxHandle, lo: Dynamic, hi: Dynamic| -> RhaiResult<AxHandle> {
                let (lo, hi) = (num(&lo, name)?, num(&hi, name)?);
                if !(lo < hi) {
                    return err(format!(
                        "{name}: the lower limit must be below the upper one"
                    ));
                }
                let mut f = a.fig.0.borrow_mut();
                let p = &mut f.panels[a.index];
                if x_axis {
                    p.xlim = Some((lo, hi));
                } else {
                    p.ylim = Some((lo, hi));
                }
                Ok(a.clone())
            },
        );
    }
    engine.register_fn(
        "set_size",
        |f: &mut FigHandle, w: Dynamic, h: Dynamic| -> RhaiResult<FigHandle> {
            let (w, h) = (num(&w, "width")?, num(&h, "height")?);
            if !(100.0..=10000.0).contains(&w) || !(100.0..=10000.0).contains(&h) {
                return err("set_size: width and height must be between 100 and 10000 pixels");
            }
            f.0.borrow_mut().size = (w as u32, h as u32);
            Ok(f.clone())
        },
    );
    engine.register_fn("plot_dipole", |v: Dynamic| plot_dipole(v, Map::new()));
    engine.register_fn("plot_dipole", plot_dipole);
    engine.register_fn("plot", |d: &mut DipoleHandle| {
        plot_dipole(Dynamic::from(d.clone()), Map::new())
    });
    engine.register_fn("plot", |d: &mut DipoleHandle, m: Map| {
        plot_dipole(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("plot_tfr_morlet", tfr);
    engine.register_fn("plot_tfr_morlet", |d: &mut DipoleHandle, m: Map| {
        tfr(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("plot_psd", |v: Dynamic| psd(v, Map::new()));
    engine.register_fn("plot_psd", psd);
    engine.register_fn("plot_psd", |d: &mut DipoleHandle| {
        psd(Dynamic::from(d.clone()), Map::new())
    });
    engine.register_fn("plot_psd", |d: &mut DipoleHandle, m: Map| {
        psd(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("psd", |d: &mut DipoleHandle, m: Map| -> RhaiResult<Map> {
        let kw = Kw::new("psd", m, &["tmin", "tmax", "layer"])?;
        let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
        let (f, p) = lib(crate::analysis::psd::dipole_psd(
            &[d.0.borrow().clone()],
            &layer,
            kw.num("tmin")?,
            kw.num("tmax")?,
        ))?;
        let mut out = Map::new();
        out.insert(
            "freqs".into(),
            f.into_iter().map(Dynamic::from).collect::<Array>().into(),
        );
        out.insert(
            "psd".into(),
            p.into_iter().map(Dynamic::from).collect::<Array>().into(),
        );
        Ok(out)
    });
    engine.register_fn("plot_spikes_raster", |c: &mut CellResponseHandle| {
        raster(c, Map::new())
    });
    engine.register_fn("plot_spikes_raster", raster);
    engine.register_fn("plot_spikes_hist", |c: &mut CellResponseHandle| {
        hist(c, Map::new())
    });
    engine.register_fn("plot_spikes_hist", hist);
    engine.register_fn(
        "plot_cells",
        |net: &mut NetHandle| -> RhaiResult<FigHandle> {
            fig(lib(plots::plot_cells(&net.0.borrow().net))?)
        },
    );
    engine.register_fn(
        "plot_morphology",
        |c: &mut super::api_cell::CellHandle| -> RhaiResult<FigHandle> {
            fig(lib(plots::plot_morphology(&c.template()?))?)
        },
    );
    engine.register_fn("plot_voltages", voltages);
    engine.register_fn(
        "plot_connectivity_matrix",
        |net: &mut NetHandle, idx: Dynamic| connectivity_matrix(net, idx, Map::new()),
    );
    engine.register_fn("plot_connectivity_matrix", connectivity_matrix);
    engine.register_fn(
        "plot_cell_connectivity",
        |net: &mut NetHandle, idx: Dynamic| cell_connectivity(net, idx, Map::new()),
    );
    engine.register_fn("plot_cell_connectivity", cell_connectivity);
    engine.register_fn("plot_drive_strength", |net: &mut NetHandle| {
        drive_strength(net, Map::new())
    });
    engine.register_fn("plot_drive_strength", drive_strength);
}

/// A figure as a script value.
pub(super) fn fig(f: Figure) -> RhaiResult<FigHandle> {
    let h = FigHandle(Rc::new(RefCell::new(f)));
    super::api_shapes::made(&h);
    Ok(h)
}

fn connectivity_matrix(net: &mut NetHandle, idx: Dynamic, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_connectivity_matrix",
        m,
        &["ax", "show_weight", "colorbar", "colormap", "show"],
    )?;
    let idx = uint(&idx, "conn_idx")?;
    let f = lib(plots::plot_connectivity_matrix_with(
        &net.0.borrow().net,
        idx,
        kw.flag_or("show_weight", true)?,
        kw.flag_or("colorbar", true)?.then_some("Weight"),
        colormap(&kw, "colormap", crate::viz::colormap::Colormap::Greys)?,
    ))?;
    place(f, kw.get("ax"))
}

fn cell_connectivity(net: &mut NetHandle, idx: Dynamic, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_cell_connectivity",
        m,
        &["src_gid", "axes", "colorbar", "colormap", "show"],
    )?;
    let idx = uint(&idx, "conn_idx")?;
    let src = kw.get("src_gid").map(|v| uint(v, "src_gid")).transpose()?;
    let mut f = lib(plots::plot_cell_connectivity_with(
        &net.0.borrow().net,
        idx,
        src,
        colormap(&kw, "colormap", crate::viz::colormap::Colormap::Viridis)?,
        kw.flag_or("colorbar", true)?,
    ))?;
    let Some(axes) = kw.get("axes") else {
        return fig(f);
    };
    // hnn-core's `axes`: [source axes, target axes], or one axes for the targets only
    let axes: Array = match axes.read_lock::<Array>() {
        Some(a) => a.clone(),
        None => vec![axes.clone()],
    };
    match (axes.len(), f.panels.len()) {
        (1, 2) => {
            f.panels.remove(0);
        }
        (2, 1) => {
            // a drive as source: the first axes stays empty
            return place(f, Some(&axes[1]));
        }
        (1 | 2, _) => {}
        (n, _) => {
            return err(format!(
                "plot_cell_connectivity: axes must be one or two axes, got {n}"
            ));
        }
    }
    place(f, Some(&Dynamic::from(axes)))
}

fn drive_strength(net: &mut NetHandle, m: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new(
        "plot_drive_strength",
        m,
        &[
            "show_weight",
            "ax",
            "colorbar",
            "color_scale",
            "normalize",
            "show",
        ],
    )?;
    let normalize = kw.flag_or("normalize", true)?;
    let log = match kw.string("color_scale")?.as_deref() {
        None | Some("linear") => false,
        Some("log") => true,
        Some(other) => {
            return err(format!(
                "plot_drive_strength: color_scale must be \"linear\" or \"log\", not \"{other}\""
            ));
        }
    };
    let f = lib(plots::plot_drive_strength_with(
        &net.0.borrow().net,
        normalize,
        log,
        kw.flag_or("show_weight", true)?,
        kw.flag_or("colorbar", true)?,
    ))?;
    place(f, kw.get("ax"))
}
