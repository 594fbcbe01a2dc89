//! hnn-core's plots as [`Figure`]s: `plot_dipole`, `plot_spikes_raster`, `plot_spikes_hist`.

use super::hist_colors::HistColors;
use super::{Bars, Figure, Heat, Line, Marker, Points, Rgb, Series3d, TAB10, Ticks};
use crate::error::{Error, Result};
use crate::results::dipole::average_dipoles;
use crate::results::{CellResponse, Dipole};

/// The samples inside `tlim` (all when `None`): the y range then follows what is shown.
fn in_window(t: &[f64], y: &[f64], tlim: Option<(f64, f64)>) -> (Vec<f64>, Vec<f64>) {
    let (lo, hi) = tlim.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    t.iter()
        .zip(y)
        .filter(|(t, _)| **t >= lo && **t <= hi)
        .map(|(t, y)| (*t, *y))
        .unzip()
}

fn lighten(c: Rgb, amount: f64) -> Rgb {
    let l = |x: u8| (x as f64 + (255.0 - x as f64) * amount).round() as u8;
    (l(c.0), l(c.1), l(c.2))
}

/// Dipoles of one or more trials per layer (hnn-core's `plot_dipole`): every trial in
/// `color` lightened halfway to white (and at half opacity over white when `average`), their
/// average in `color`, thicker and labelled `label`, when `average`. Several layers share
/// one y range.
pub fn plot_dipole(
    dpls: &[Dipole],
    layers: &[&str],
    average: bool,
    tlim: Option<(f64, f64)>,
    color: Rgb,
    label: &str,
) -> Result<Figure> {
    let first = dpls
        .first()
        .ok_or_else(|| Error::invalid("dipoles", "none", "at least one Dipole"))?;
    let mut fig = Figure::new(layers.len());
    let avg = if average {
        Some(average_dipoles(dpls)?)
    } else {
        None
    };
    for (panel, layer) in fig.panels.iter_mut().zip(layers) {
        first.layer(layer)?;
        for d in dpls {
            if d.scale_applied != first.scale_applied {
                return Err(Error::invalid(
                    "dipole scale_applied",
                    d.scale_applied,
                    "all dipoles scaled equally",
                ));
            }
            let (x, y) = in_window(&d.times, d.get(layer).unwrap_or(&[]), tlim);
            panel.lines.push(Line {
                x,
                y,
                color: if average {
                    lighten(lighten(color, 0.5), 0.5)
                } else {
                    lighten(color, 0.5)
                },
                width: 1,
                label: None,
                dashed: false,
            });
        }
        if let Some(a) = &avg {
            let (x, y) = in_window(&a.times, a.get(layer).unwrap_or(&[]), tlim);
            panel.lines.push(Line {
                x,
                y,
                color,
                width: 2,
                label: Some(label.into()),
                dashed: false,
            });
        }
        panel.title = match *layer {
            "agg" => "Aggregate (L2/3 + L5)".into(),
            "L2" => "L2/3".into(),
            other => other.to_string(),
        };
        panel.xlabel = "Time (ms)".into();
        panel.ylabel = if first.scale_applied == 1.0 {
            "Dipole moment (nAm)".into()
        } else {
            format!("Dipole moment (nAm × {:.0})", first.scale_applied)
        };
        panel.xlim = Some(tlim.unwrap_or((0.0, *first.times.last().unwrap_or(&1.0))));
    }
    // several layers share one y range (hnn-core's `sharey=True`)
    if layers.len() > 1 {
        let ys = fig
            .panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.y.iter().copied()))
            .filter(|y| y.is_finite());
        let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        if hi > lo {
            let pad = 0.05 * (hi - lo);
            for p in &mut fig.panels {
                p.ylim = Some((lo - pad, hi + pad));
            }
        }
    }
    Ok(fig)
}

const CELL_TYPES: [&str; 4] = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"];

/// Spike raster of one trial (hnn-core's `plot_spikes_raster` with its defaults).
pub fn plot_spikes_raster(cr: &CellResponse, trial: usize) -> Result<Figure> {
    plot_spikes_raster_with(
        cr,
        &RasterOptions {
            trials: Some(vec![trial]),
            ..RasterOptions::default()
        },
    )
}

/// hnn-core's `plot_spikes_raster` options.
#[derive(Debug, Clone)]
pub struct RasterOptions {
    /// Trials whose spikes are drawn together (`None`: all, hnn-core's default).
    pub trials: Option<Vec<usize>>,
    /// Cell types drawn, in order (`None`: the four of the Jones model); each must be one of
    /// the response's cell types.
    pub cell_types: Option<Vec<String>>,
    /// Colours: one per cell type in order (`colors` as a list) …
    pub colors_list: Option<Vec<Rgb>>,
    /// … or for some cell types by name (`colors` as a map; a type not in `cell_types` is
    /// then drawn too, as hnn-core's `dict.update` adds it).
    pub colors_by_type: Vec<(String, Rgb)>,
    /// Draw the legend.
    pub show_legend: bool,
    /// Tick length in rows (matplotlib's `linelengths`; ≤ 0 means 1).
    pub marker_size: f64,
    /// Dipoles whose trial-mean L2 and L5 traces are overlaid (`overlay_dipoles` with `dpl`).
    pub overlay: Option<Vec<Dipole>>,
}

impl Default for RasterOptions {
    fn default() -> Self {
        RasterOptions {
            trials: None,
            cell_types: None,
            colors_list: None,
            colors_by_type: Vec::new(),
            show_legend: true,
            marker_size: 1.0,
            overlay: None,
        }
    }
}

/// matplotlib's automatic tick step for `span` (MaxNLocator with at most 9 intervals and the
/// steps 1, 2, 2.5, 5, 10).
fn nice_step(span: f64) -> f64 {
    let raw = span / 9.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|s| s * mag)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag)
}

/// Spike raster (hnn-core's `plot_spikes_raster`): one row per gid, one colour per cell type
/// (matplotlib's default cycle), legend "`<type> Spikes`", title "Raster Plot"; as in
/// hnn-core, gid `g` is drawn at y = −g (the first cells on top) and the y axis has no tick
/// labels. With `overlay`, the trial-mean L2 (dashed) and L5 dipoles are drawn in grey over
/// the upper and lower half of the rows, scaled by 0.95 until they fit half the rows'
/// extent (the rows' extent is the lowest automatic y tick, as hnn-core reads it).
pub fn plot_spikes_raster_with(cr: &CellResponse, o: &RasterOptions) -> Result<Figure> {
    let n_trials = cr.spike_times.len();
    let trials: Vec<usize> = o.trials.clone().unwrap_or_else(|| (0..n_trials).collect());
    if let Some(t) = trials.iter().find(|t| **t >= n_trials) {
        return Err(Error::invalid(
            "trial_idx",
            t,
            format!("below the number of trials, {n_trials}"),
        ));
    }
    let check = |names: &mut dyn Iterator<Item = &String>| -> Result<()> {
        for c in names {
            if !cr.cell_type_names.contains(c) {
                return Err(Error::invalid(
                    "cell_types",
                    c,
                    format!("one of the response's cell types {:?}", cr.cell_type_names),
                ));
            }
        }
        Ok(())
    };
    let types: Vec<String> = match &o.cell_types {
        Some(t) if !t.is_empty() => {
            check(&mut t.iter())?;
            t.clone()
        }
        _ => CELL_TYPES.iter().map(|s| s.to_string()).collect(),
    };
    let mut colors: Vec<(String, Rgb)> = types
        .iter()
        .zip(TAB10.iter().cycle())
        .map(|(t, c)| (t.clone(), *c))
        .collect();
    if let Some(list) = &o.colors_list {
        if list.len() != types.len() {
            return Err(Error::invalid(
                "colors",
                format!("{} colours", list.len()),
                format!("one per cell type ({})", types.len()),
            ));
        }
        for (c, l) in colors.iter_mut().zip(list) {
            c.1 = *l;
        }
    }
    check(&mut o.colors_by_type.iter().map(|(t, _)| t))?;
    for (t, c) in &o.colors_by_type {
        match colors.iter_mut().find(|(n, _)| n == t) {
            Some(e) => e.1 = *c,
            None => colors.push((t.clone(), *c)),
        }
    }
    let height = if o.marker_size > 0.0 && o.marker_size.is_finite() {
        o.marker_size
    } else {
        1.0
    };
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    let (mut ylo, mut yhi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (ct, color) in &colors {
        let at: Vec<(f64, f64)> = trials
            .iter()
            .flat_map(|&tr| {
                cr.spike_times[tr]
                    .iter()
                    .zip(&cr.spike_gids[tr])
                    .zip(&cr.spike_types[tr])
            })
            .filter(|(_, ty)| *ty == ct)
            .map(|((t, g), _)| (*t, -(*g as f64)))
            .collect();
        for (_, y) in &at {
            ylo = ylo.min(y - height / 2.0);
            yhi = yhi.max(y + height / 2.0);
        }
        // every cell type is in the legend, spiking or not (as hnn-core draws it)
        p.ticks.push(Ticks {
            at,
            height,
            color: *color,
            label: Some(format!("{ct} Spikes")),
        });
    }
    p.title = "Raster Plot".into();
    p.hide_ytick_labels = true;
    p.hide_legend = !o.show_legend;
    p.xlabel = "Time (ms)".into();
    p.ylabel = "Cell ID".into();
    if let Some(t) = cr.times.last() {
        p.xlim = Some((0.0, *t));
    }
    if let Some(dpls) = &o.overlay {
        let avg = average_dipoles(dpls)?;
        let (mut l2, mut l5) = (avg.layer("L2")?.to_vec(), avg.layer("L5")?.to_vec());
        if !ylo.is_finite() {
            // no spikes: matplotlib's empty axes span 0..1 (hnn-core's blank events at -1)
            (ylo, yhi) = (-1.5, -0.5);
        }
        let margin = 0.05 * (yhi - ylo);
        let (vlo, vhi) = (ylo - margin, yhi + margin);
        let raster_min = (vlo / nice_step(vhi - vlo)).floor() * nice_step(vhi - vlo);
        // numpy's round half to even, as Python's round
        let round = |x: f64| {
            let r = x.round();
            if (x - x.trunc()).abs() == 0.5 {
                2.0 * (x / 2.0).round()
            } else {
                r
            }
        };
        let mid = round(raster_min / 2.0).abs();
        let quarter = round(raster_min / 4.0).abs();
        let fin = |v: &[f64]| {
            v.iter()
                .filter(|x| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                    (a.min(*x), b.max(*x))
                })
        };
        let ((a2, b2), (a5, b5)) = (fin(&l2), fin(&l5));
        let span = b2.max(b5) - a2.min(a5);
        if span.is_finite() && span > mid {
            if mid <= 0.0 {
                return Err(Error::invalid(
                    "overlay_dipoles",
                    "a raster without rows to overlay",
                    "spikes of cells with gids above 2",
                ));
            }
            // hnn-core multiplies by 0.95 until the traces span at most `mid`
            let k = ((mid / span).ln() / 0.95f64.ln()).ceil().max(0.0);
            let mut f = 0.95f64.powf(k);
            while span * f > mid {
                f *= 0.95;
            }
            l2.iter_mut().for_each(|v| *v *= f);
            l5.iter_mut().for_each(|v| *v *= f);
        }
        l2.iter_mut().for_each(|v| *v = *v - mid + quarter);
        l5.iter_mut().for_each(|v| *v = *v - mid - quarter);
        let grey = (128, 128, 128);
        for (y, label, dashed) in [(l2, "L2 Dipole", true), (l5, "L5 Dipole", false)] {
            p.lines.push(Line {
                x: dpls[0].times.clone(),
                y,
                color: grey,
                width: 1,
                label: Some(label.into()),
                dashed,
            });
        }
        p.title = "Raster Plot with Layer-Specific Dipole Overlays".into();
    }
    Ok(fig)
}

/// Histogram of drive (or cell) spikes (hnn-core's `plot_spikes_hist`): the bins, counts,
/// labels of [`crate::analysis::spikes::spikes_hist`] and the colours of
/// [`HistColors::for_labels`], one bar set per label, drawn in label order; x from 0 to the
/// last sample time, y "Counts", no title.
pub fn plot_spikes_hist(
    cr: &CellResponse,
    trials: Option<&[usize]>,
    groups: Option<&[(String, Vec<String>)]>,
    colors: &HistColors,
    bins: usize,
) -> Result<Figure> {
    plot_spikes_hist_inverted(cr, trials, groups, colors, bins, &[])
}

/// [`plot_spikes_hist`] with hnn-core's `invert_spike_types`: the histograms of these labels
/// hang from the top of the axes (matplotlib's inverted twin axis, which shares the y range
/// 0 to the larger of both axes' automatic upper limits); each must be one of the labels.
pub fn plot_spikes_hist_inverted(
    cr: &CellResponse,
    trials: Option<&[usize]>,
    groups: Option<&[(String, Vec<String>)]>,
    colors: &HistColors,
    bins: usize,
    invert: &[String],
) -> Result<Figure> {
    let spikes = crate::analysis::spikes::spike_labels(cr, trials, groups, bins)?;
    let label_colors = colors.for_labels(spikes.labels())?;
    let h = spikes.histogram()?;
    if let Some(bad) = invert
        .iter()
        .find(|i| !h.hists.iter().any(|l| &l.label == *i))
    {
        return Err(Error::invalid(
            "invert_spike_types",
            bad,
            format!(
                "one of the plotted labels {:?}",
                h.hists.iter().map(|l| l.label.as_str()).collect::<Vec<_>>()
            ),
        ));
    }
    // matplotlib's automatic upper limit of each axis: the tallest bar and a 5 % margin (an
    // axis without bars spans 0..1)
    let top = |inv: bool| {
        let m = h
            .hists
            .iter()
            .filter(|l| invert.contains(&l.label) == inv)
            .flat_map(|l| l.counts.iter().map(|c| *c as f64))
            .fold(f64::NAN, f64::max);
        if m.is_nan() {
            1.0
        } else if m == 0.0 {
            0.055
        } else {
            1.05 * m
        }
    };
    let y_max = if invert.is_empty() {
        None
    } else {
        Some(top(false).max(top(true)))
    };
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    for l in h.hists {
        let inv = invert.contains(&l.label);
        let base = if inv { y_max.unwrap_or(0.0) } else { 0.0 };
        p.bars.push(Bars {
            edges: h.edges.clone(),
            counts: l
                .counts
                .iter()
                .map(|c| if inv { -(*c as f64) } else { *c as f64 })
                .collect(),
            color: label_colors[l.order],
            label: Some(l.label),
            base,
        });
    }
    if let Some(m) = y_max {
        p.ylim = Some((0.0, m));
    }
    p.ylabel = "Counts".into();
    p.xlim = Some((0.0, *h.edges.last().unwrap_or(&1.0)));
    Ok(fig)
}

/// Power spectral density of the dipole(s) (hnn-core's `plot_psd`; the mean over trials),
/// drawn from `fmin` to `fmax` (the line interpolated to both edges, as matplotlib's clipped
/// line reaches them).
pub fn plot_psd(
    dpls: &[Dipole],
    layer: &str,
    fmin: f64,
    fmax: Option<f64>,
    tlim: (Option<f64>, Option<f64>),
) -> Result<Figure> {
    let (f, p) = crate::analysis::psd::dipole_psd(dpls, layer, tlim.0, tlim.1)?;
    let fmax = fmax.unwrap_or_else(|| f.last().copied().unwrap_or(1.0));
    if !(fmax > fmin) {
        return Err(Error::invalid("fmax", fmax, format!("above fmin = {fmin}")));
    }
    let keep: Vec<usize> = (0..f.len())
        .filter(|&i| f[i] >= fmin && f[i] <= fmax)
        .collect();
    let mut x: Vec<f64> = keep.iter().map(|&i| f[i]).collect();
    let mut y: Vec<f64> = keep.iter().map(|&i| p[i]).collect();
    // matplotlib draws the whole spectrum and clips it at fmin/fmax: the line reaches both
    // edges, so end it there (linear between the neighbouring frequencies)
    let at = |a: usize, b: usize, fx: f64| p[a] + (p[b] - p[a]) * (fx - f[a]) / (f[b] - f[a]);
    if let (Some(&lo), Some(&hi)) = (keep.first(), keep.last()) {
        if lo > 0 && f[lo] > fmin {
            x.insert(0, fmin);
            y.insert(0, at(lo - 1, lo, fmin));
        }
        if hi + 1 < f.len() && f[hi] < fmax {
            x.push(fmax);
            y.push(at(hi, hi + 1, fmax));
        }
    }
    let mut fig = Figure::new(1);
    let panel = &mut fig.panels[0];
    panel.lines.push(Line {
        x,
        y,
        color: TAB10[0],
        width: 2,
        label: None,
        dashed: false,
    });
    let scale = dpls[0].scale_applied;
    panel.xlabel = "Frequency (Hz)".into();
    panel.ylabel = if scale == 1.0 {
        "Power spectral density (nAm² Hz⁻¹)".into()
    } else {
        format!("Power spectral density ([nAm × {scale:.0}]² Hz⁻¹)")
    };
    panel.xlim = Some((fmin, fmax));
    Ok(fig)
}

/// Morlet time-frequency power of the dipole(s) (hnn-core's `plot_tfr_morlet` with its
/// defaults), colour-coded with inferno (normalised to the maximum power).
pub fn plot_tfr_morlet(
    dpls: &[Dipole],
    layer: &str,
    freqs: &[f64],
    n_cycles: &[f64],
    tlim: (Option<f64>, Option<f64>),
) -> Result<Figure> {
    plot_tfr_morlet_with(dpls, layer, freqs, n_cycles, tlim, &TfrOptions::default())
}

/// hnn-core's further `plot_tfr_morlet` options.
#[derive(Debug, Clone)]
pub struct TfrOptions {
    /// Decimation factors applied in turn before the transform (`decim`).
    pub decim: Vec<usize>,
    /// Padding of the signal (`padding`).
    pub padding: crate::analysis::tfr::Padding,
    /// Colour map (`colormap`).
    pub cmap: super::colormap::Colormap,
    /// Draw a colour bar (`colorbar`) …
    pub colorbar: bool,
    /// … small, inside the map (`colorbar_inside`).
    pub colorbar_inside: bool,
}

impl Default for TfrOptions {
    fn default() -> Self {
        TfrOptions {
            decim: Vec::new(),
            padding: crate::analysis::tfr::Padding::Zeros,
            cmap: super::colormap::Colormap::Inferno,
            colorbar: true,
            colorbar_inside: false,
        }
    }
}

/// [`plot_tfr_morlet`] with [`TfrOptions`].
pub fn plot_tfr_morlet_with(
    dpls: &[Dipole],
    layer: &str,
    freqs: &[f64],
    n_cycles: &[f64],
    tlim: (Option<f64>, Option<f64>),
    o: &TfrOptions,
) -> Result<Figure> {
    if freqs.is_empty() {
        return Err(Error::invalid(
            "freqs",
            "an empty list",
            "at least one frequency",
        ));
    }
    let (times, power) = crate::analysis::tfr::dipole_tfr_with(
        dpls, layer, freqs, n_cycles, tlim, &o.decim, o.padding,
    )?;
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    // hnn-core's colour bar label, with the scale the dipoles carry
    let scale = dpls.first().map_or(1.0, |d| d.scale_applied);
    p.heat = Some(Heat {
        x: times.clone(),
        y: freqs.to_vec(),
        z: power,
        cmap: o.cmap,
        range: None,
        colorbar: o.colorbar.then(|| format!("Power ([nAm × {scale:.0}]²)")),
        colorbar_inside: o.colorbar_inside,
    });
    p.xlabel = "Time (ms)".into();
    p.ylabel = "Frequency (Hz)".into();
    Ok(fig)
}

/// Recorded voltages of some cells (`record_vsec`), one line per gid.
pub fn plot_voltages(
    cr: &CellResponse,
    gids: &[usize],
    section: &str,
    trial: usize,
) -> Result<Figure> {
    let traces = cr
        .vsec
        .get(trial)
        .ok_or_else(|| Error::invalid("trial_idx", trial, format!("below {}", cr.vsec.len())))?;
    if traces.is_empty() {
        return Err(Error::invalid(
            "voltages",
            "none recorded",
            "a simulation with record_vsec \"soma\" or \"all\"",
        ));
    }
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    for (i, g) in gids.iter().enumerate() {
        let secs = traces
            .get(g)
            .ok_or_else(|| Error::invalid("gid", g, "a cell whose voltages were recorded"))?;
        let (_, v) = secs
            .iter()
            .find(|(s, _)| s == section)
            .ok_or_else(|| Error::UnknownName {
                what: format!("recorded section of gid {g}"),
                name: section.into(),
                known: secs
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        p.lines.push(Line {
            x: cr.times.clone(),
            y: v.clone(),
            color: TAB10[i % 10],
            width: 1,
            label: Some(format!("gid {g}")),
            dashed: false,
        });
    }
    p.title = format!("{section} voltage");
    p.xlabel = "Time (ms)".into();
    p.ylabel = "Voltage (mV)".into();
    if let Some(t) = cr.times.last() {
        p.xlim = Some((0.0, *t));
    }
    Ok(fig)
}

/// Weights of one connection as a source × target matrix (hnn-core's
/// `plot_connectivity_matrix`): colour = weight [µS] of each kept pair (0 for none), the colours spanning
/// the smallest to the largest entry.
pub fn plot_connectivity_matrix(net: &crate::network::Network, conn_idx: usize) -> Result<Figure> {
    plot_connectivity_matrix_with(net, conn_idx, true, None, Default::default())
}

/// [`plot_connectivity_matrix`] with hnn-core's options: `show_weight` false sets every
/// connected pair to 1; `colorbar` labels a colour bar; `cmap` colours the matrix (hnn-core's
/// default is `Greys`).
pub fn plot_connectivity_matrix_with(
    net: &crate::network::Network,
    conn_idx: usize,
    show_weight: bool,
    colorbar: Option<&str>,
    cmap: super::colormap::Colormap,
) -> Result<Figure> {
    let c = connection(net, conn_idx)?;
    let srcs = net.gid_range(&c.src_type).unwrap_or(0..0);
    let tgts = net.gid_range(&c.target_type).unwrap_or(0..0);
    let mut z = vec![vec![0.0; tgts.len()]; srcs.len()];
    for (s, targets) in &c.gid_pairs {
        for t in targets {
            z[s - srcs.start][t - tgts.start] = if show_weight {
                pair_weight(net, c, *s, *t)
            } else {
                1.0
            };
        }
    }
    // matplotlib's imshow spans the colours from the smallest to the largest entry
    let (zlo, zhi) = z
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let range = (zhi > zlo).then_some((zlo, zhi));
    let mut fig = Figure::new(1);
    fig.size = (700, 600);
    let p = &mut fig.panels[0];
    p.heat = Some(Heat {
        x: tgts.clone().map(|g| g as f64).collect(),
        y: srcs.clone().map(|g| g as f64).collect(),
        z,
        cmap,
        range,
        colorbar: colorbar.map(String::from),
        colorbar_inside: false,
    });
    p.title = format!(
        "{} -> {} ({}, {})",
        c.src_type, c.target_type, c.loc, c.receptor
    );
    p.xlabel = format!("{} target gid", c.target_type);
    p.ylabel = format!("{} source gid", c.src_type);
    Ok(fig)
}

/// Cell positions of the network in 3-D (hnn-core's `plot_cells`): L2 basket magenta, L2
/// pyramidal cyan, L5 basket red, L5 pyramidal blue (matplotlib's `m c r b`); other cell
/// types, which hnn-core leaves out, in the tab10 cycle.
pub fn plot_cells(net: &crate::network::Network) -> Result<Figure> {
    let mut fig = Figure::new(1);
    fig.size = (800, 700);
    let p = &mut fig.panels[0];
    for (i, ct) in net.cell_types.iter().enumerate() {
        let pts = net.positions(&ct.name).unwrap_or(&[]).to_vec();
        let color = match ct.name.as_str() {
            "L2_basket" => (191, 0, 191),
            "L2_pyramidal" => (0, 191, 191),
            "L5_basket" => (255, 0, 0),
            "L5_pyramidal" => (0, 0, 255),
            _ => TAB10[i % 10],
        };
        p.series3d.push(Series3d {
            points: pts,
            scatter: true,
            color,
            label: Some(ct.name.clone()),
        });
    }
    p.title = "Network cell positions (um)".into();
    Ok(fig)
}

/// A cell template's sections in 3-D, one colour per section (hnn-core's `plot_morphology`).
pub fn plot_morphology(cell: &crate::model::CellTemplate) -> Result<Figure> {
    plot_morphology_with(cell, &MorphologyOptions::default())
}

/// hnn-core's `plot_morphology` options.
#[derive(Debug, Clone, Default)]
pub struct MorphologyOptions {
    /// One colour for every section (`color` as a string) …
    pub color: Option<Rgb>,
    /// … or one per section (`color` as a map; it must name every section).
    pub section_colors: Option<Vec<(String, Rgb)>>,
    /// Where the soma's first point is drawn (`pos`). As in hnn-core, the cell is moved by
    /// `pos − soma`, with the y and z offsets exchanged (the cell lies in its x–z plane).
    pub pos: Option<[f64; 3]>,
    /// Axis limits relative to `pos` (hnn-core's defaults (−250, 150), (−100, 100),
    /// (−100, 1200)); set when any of `pos`, `xlim`, `ylim`, `zlim` is given.
    pub xlim: Option<(f64, f64)>,
    /// See `xlim`.
    pub ylim: Option<(f64, f64)>,
    /// See `xlim`.
    pub zlim: Option<(f64, f64)>,
}

/// [`plot_morphology`] with [`MorphologyOptions`].
pub fn plot_morphology_with(
    cell: &crate::model::CellTemplate,
    o: &MorphologyOptions,
) -> Result<Figure> {
    if let Some(sc) = &o.section_colors
        && let Some((name, _)) = cell
            .sections
            .iter()
            .find(|(n, _)| !sc.iter().any(|(k, _)| k == n))
    {
        return Err(Error::invalid(
            "color",
            format!("no colour for section '{name}'"),
            "a colour for every section of the cell",
        ));
    }
    const FAR: f64 = 1e9;
    let near = |v: f64| v.is_finite() && v.abs() <= FAR;
    if let Some(p) = o.pos
        && !p.iter().all(|v| near(*v))
    {
        return Err(Error::invalid(
            "pos",
            format!("{p:?}"),
            "finite coordinates within ±1e9 µm",
        ));
    }
    for (what, l) in [("xlim", o.xlim), ("ylim", o.ylim), ("zlim", o.zlim)] {
        if let Some((a, b)) = l
            && !(near(a) && near(b) && a < b)
        {
            return Err(Error::invalid(
                what,
                format!("({a}, {b})"),
                "low < high, finite, within ±1e9 µm",
            ));
        }
    }
    let soma = cell
        .sections
        .iter()
        .find(|(n, _)| n == "soma")
        .and_then(|(_, s)| s.end_pts.first().copied())
        .unwrap_or([0.0; 3]);
    let pos = o.pos.unwrap_or([0.0; 3]);
    let (dx, dy, dz) = (pos[0] - soma[0], pos[1] - soma[1], pos[2] - soma[2]);
    let mut fig = Figure::new(1);
    fig.size = (700, 800);
    let p = &mut fig.panels[0];
    let moved = o.pos.is_some();
    for (i, (name, s)) in cell.sections.iter().enumerate() {
        let color = match (&o.section_colors, o.color) {
            (Some(sc), _) => sc
                .iter()
                .find(|(k, _)| k == name)
                .map_or(TAB10[i % 10], |(_, c)| *c),
            (None, Some(c)) => c,
            (None, None) => TAB10[i % 10],
        };
        p.series3d.push(Series3d {
            points: s
                .end_pts
                .iter()
                .map(|q| {
                    if moved {
                        [q[0] + dx, q[1] + dz, q[2] + dy]
                    } else {
                        *q
                    }
                })
                .collect(),
            scatter: false,
            color,
            label: (o.color.is_none() && o.section_colors.is_none()).then(|| name.clone()),
        });
    }
    if o.pos.is_some() || o.xlim.is_some() || o.ylim.is_some() || o.zlim.is_some() {
        let (x, y, z) = (
            o.xlim.unwrap_or((-250.0, 150.0)),
            o.ylim.unwrap_or((-100.0, 100.0)),
            o.zlim.unwrap_or((-100.0, 1200.0)),
        );
        p.xlim = Some((pos[0] + x.0, pos[0] + x.1));
        p.zlim = Some((pos[1] + z.0, pos[1] + z.1));
        p.ylim = Some((pos[2] + y.0, pos[2] + y.1));
    }
    p.title = format!("{} morphology (um)", cell.name);
    Ok(fig)
}

fn connection(
    net: &crate::network::Network,
    conn_idx: usize,
) -> Result<&crate::network::connectivity::Connection> {
    net.connectivity.get(conn_idx).ok_or_else(|| {
        Error::invalid(
            "conn_idx",
            conn_idx,
            format!("below {}", net.connectivity.len()),
        )
    })
}

/// The weight [µS] of one source → target pair after the Gaussian distance fall-off (drive
/// cells sit at the network origin, as in hnn-core).
fn pair_weight(
    net: &crate::network::Network,
    c: &crate::network::connectivity::Connection,
    src: usize,
    target: usize,
) -> f64 {
    let sp = net.gid_position(src).unwrap_or(net.origin);
    let tp = net.gid_position(target).unwrap_or(net.origin);
    crate::network::connectivity::gaussian_weight_delay(
        sp,
        tp,
        c.a_weight * c.gain,
        c.a_delay,
        c.lamtha,
        net.inplane_distance,
    )
    .0
}

/// Weights of one connection from one source cell to the target cells on the (x, y) grid
/// (hnn-core's `plot_cell_connectivity`): connected targets coloured by weight, every target
/// cell a small black cross, the source a red square; when the source is a cell type a left
/// panel shows the source cells (faint ones have no connection here).
pub fn plot_cell_connectivity(
    net: &crate::network::Network,
    conn_idx: usize,
    src_gid: Option<usize>,
) -> Result<Figure> {
    plot_cell_connectivity_with(
        net,
        conn_idx,
        src_gid,
        super::colormap::Colormap::Viridis,
        true,
    )
}

/// [`plot_cell_connectivity`] with hnn-core's `colormap` (the targets' colours span the
/// map from the smallest to the largest weight, as matplotlib's scatter normalises them) and
/// `colorbar` (a colour bar "Weight" beside the target panel).
pub fn plot_cell_connectivity_with(
    net: &crate::network::Network,
    conn_idx: usize,
    src_gid: Option<usize>,
    cmap: super::colormap::Colormap,
    colorbar: bool,
) -> Result<Figure> {
    let c = connection(net, conn_idx)?;
    let valid: Vec<usize> = c.gid_pairs.iter().map(|(s, _)| *s).collect();
    let src = match src_gid {
        None => *valid
            .first()
            .ok_or_else(|| Error::invalid("conn_idx", conn_idx, "a connection with pairs"))?,
        Some(g) if valid.contains(&g) => g,
        Some(g) => {
            return Err(Error::invalid(
                "src_gid",
                g,
                format!("one of the connection's source gids {valid:?}"),
            ));
        }
    };
    let targets = &c
        .gid_pairs
        .iter()
        .find(|(s, _)| *s == src)
        .map(|p| &p.1)
        .cloned()
        .unwrap_or_default();
    let xy = |g: usize| {
        let p = net.gid_position(g).unwrap_or(net.origin);
        (p[0], p[1])
    };
    let weights: Vec<f64> = targets
        .iter()
        .map(|&t| pair_weight(net, c, src, t))
        .collect();
    let (lo, hi) = weights
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &w| (a.min(w), b.max(w)));
    let scale = |w: f64| if hi > lo { (w - lo) / (hi - lo) } else { 1.0 };
    let is_cell = net.cell_types.iter().any(|t| t.name == c.src_type);
    let mut fig = Figure::grid(1, if is_cell { 2 } else { 1 });
    fig.size = (if is_cell { 1100 } else { 600 }, 520);
    let title = format!(
        "{} -> {} ({}, {})",
        c.src_type, c.target_type, c.loc, c.receptor
    );
    if is_cell {
        let all = net.gid_range(&c.src_type).unwrap_or(0..0);
        let p = &mut fig.panels[0];
        p.title = format!("{} cells", c.src_type);
        p.points.push(Points {
            xy: all.filter(|g| !valid.contains(g)).map(xy).collect(),
            colors: vec![lighten((214, 39, 40), 0.75)],
            size: 5,
            marker: Marker::Square,
            label: None,
        });
        p.points.push(Points {
            xy: valid.iter().map(|&g| xy(g)).collect(),
            colors: vec![(214, 39, 40)],
            size: 5,
            marker: Marker::Square,
            label: None,
        });
        p.xlabel = "X Position".into();
        p.ylabel = "Y Position".into();
    }
    let p = fig.panels.last_mut().expect("one panel");
    p.title = title;
    p.points.push(Points {
        xy: net
            .gid_range(&c.target_type)
            .unwrap_or(0..0)
            .map(xy)
            .collect(),
        colors: vec![(0, 0, 0)],
        size: 3,
        marker: Marker::Cross,
        label: None,
    });
    p.points.push(Points {
        xy: targets.iter().map(|&t| xy(t)).collect(),
        colors: weights.iter().map(|&w| cmap.at(scale(w))).collect(),
        size: 5,
        marker: Marker::Circle,
        label: Some(format!("targets: {lo:.2e} .. {hi:.2e} µS")),
    });
    p.points.push(Points {
        xy: vec![xy(src)],
        colors: vec![(214, 39, 40)],
        size: 7,
        marker: Marker::Square,
        label: Some(format!("source gid {src}")),
    });
    p.xlabel = "X Position".into();
    p.ylabel = "Y Position".into();
    if colorbar && !weights.is_empty() {
        // a colour bar only: an empty grid with the weights' range
        let pad = if hi > lo {
            0.0
        } else {
            (lo.abs() * 0.05).max(1e-12)
        };
        p.heat = Some(Heat {
            x: Vec::new(),
            y: Vec::new(),
            z: Vec::new(),
            cmap,
            range: Some((lo - pad, hi + pad)),
            colorbar: Some("Weight".into()),
            colorbar_inside: false,
        });
    }
    Ok(fig)
}

/// Total drive weight onto each cell type (hnn-core's `plot_drive_strength`): for every drive
/// and cell type the sum of the distance-scaled weights [µS] over all its connections and
/// pairs, optionally scaled to 0..1 (`normalize`) and `log1p`-compressed (`log`).
pub fn plot_drive_strength(
    net: &crate::network::Network,
    normalize: bool,
    log: bool,
) -> Result<Figure> {
    plot_drive_strength_with(net, normalize, log, true, true)
}

/// [`plot_drive_strength`] with hnn-core's `show_weight` (false: every connected pair counts
/// 1, so the strength is the number of pairs) and `colorbar` (labelled with the units hnn-core
/// writes in the corner); viridis, as hnn-core.
pub fn plot_drive_strength_with(
    net: &crate::network::Network,
    normalize: bool,
    log: bool,
    show_weight: bool,
    colorbar: bool,
) -> Result<Figure> {
    let drives: Vec<&str> = net
        .external_drives
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let types: Vec<&str> = net.cell_types.iter().map(|t| t.name.as_str()).collect();
    if drives.is_empty() {
        return Err(Error::invalid(
            "net",
            "no drives",
            "a network with external drives",
        ));
    }
    let mut z = vec![vec![0.0; types.len()]; drives.len()];
    for c in &net.connectivity {
        let (Some(d), Some(t)) = (
            drives.iter().position(|n| *n == c.src_type),
            types.iter().position(|n| *n == c.target_type),
        ) else {
            continue;
        };
        z[d][t] += c
            .gid_pairs
            .iter()
            .flat_map(|(s, ts)| ts.iter().map(move |t| (*s, *t)))
            .map(|(s, t)| {
                if show_weight {
                    pair_weight(net, c, s, t)
                } else {
                    1.0
                }
            })
            .sum::<f64>();
    }
    let all = z.iter().flatten().copied();
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(a, b), w| (a.min(w), b.max(w)));
    for v in z.iter_mut().flatten() {
        if normalize && hi > lo {
            *v = (*v - lo) / (hi - lo);
        }
        if log {
            *v = v.ln_1p();
        }
    }
    let mut fig = Figure::new(1);
    fig.size = (900, 120 + 60 * drives.len() as u32);
    let p = &mut fig.panels[0];
    let zmax = z.iter().flatten().copied().fold(0.0, f64::max);
    for (i, row) in z.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            // dark text on the bright end of the colour map, as hnn-core does
            let c = if *v > 0.7 * zmax {
                (0, 0, 0)
            } else {
                (255, 255, 255)
            };
            p.texts.push((j as f64, i as f64, format!("{v:.2}"), c));
        }
    }
    p.heat = Some(Heat {
        x: (0..types.len()).map(|j| j as f64).collect(),
        y: (0..drives.len()).map(|i| i as f64).collect(),
        z,
        cmap: super::colormap::Colormap::Viridis,
        range: None,
        colorbar: colorbar.then(|| {
            if normalize {
                "Units: Relative Strength (0-1)".to_string()
            } else if show_weight {
                "Units: µS (microsiemens)".to_string()
            } else {
                "Connected pairs".to_string()
            }
        }),
        colorbar_inside: false,
    });
    p.xcats = types.iter().map(|s| s.to_string()).collect();
    p.ycats = drives.iter().map(|s| s.to_string()).collect();
    p.xlim = Some((-0.5, types.len() as f64 - 0.5));
    p.ylim = Some((-0.5, drives.len() as f64 - 0.5));
    p.title = format!(
        "External drive strengths ({})",
        if normalize {
            "relative, 0-1"
        } else if show_weight {
            "µS"
        } else {
            "connected pairs"
        }
    );
    p.xlabel = "Cell Types".into();
    p.ylabel = "Drive Names".into();
    Ok(fig)
}

/// hnn-core's `Optimizer.plot_convergence`: the running best objective against the call
/// number, a black line titled "Convergence".
pub fn plot_convergence(obj: &[f64]) -> Result<Figure> {
    if obj.is_empty() {
        return Err(Error::invalid(
            "obj_",
            "empty",
            "the objective values of a fit",
        ));
    }
    let mut fig = Figure::new(1);
    let panel = &mut fig.panels[0];
    let lo = obj.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = obj.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    panel.lines.push(Line {
        x: (1..=obj.len()).map(|i| i as f64).collect(),
        y: obj.to_vec(),
        color: (0, 0, 0),
        width: 2,
        label: None,
        dashed: false,
    });
    panel.ylim = Some((lo - 0.01, hi + 0.01));
    panel.title = "Convergence".into();
    panel.xlabel = "Number of calls".into();
    panel.ylabel = "Objective value".into();
    Ok(fig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psd_line_reaches_fmin_and_fmax() {
        let n = 4001;
        let times: Vec<f64> = (0..n).map(|k| k as f64 * 0.025).collect();
        let agg: Vec<f64> = times
            .iter()
            .map(|t| (2.0 * std::f64::consts::PI * 10.0 * t / 1000.0).sin())
            .collect();
        let d = Dipole {
            times,
            data: vec![
                ("agg".into(), agg.clone()),
                ("L2".into(), agg.clone()),
                ("L5".into(), agg),
            ],
            nave: 1,
            scale_applied: 1.0,
        };
        // the frequency step is 10 Hz: 3 and 41 Hz fall between bins
        let fig = plot_psd(&[d], "agg", 3.0, Some(41.0), (None, None)).unwrap();
        let l = &fig.panels[0].lines[0];
        assert_eq!(l.x.first(), Some(&3.0));
        assert_eq!(l.x.last(), Some(&41.0));
        assert!(l.x.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(fig.panels[0].xlim, Some((3.0, 41.0)));
    }
}
