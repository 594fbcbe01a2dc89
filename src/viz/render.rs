//! Drawing a [`Figure`] with plotters (feature `plots`): PNG and SVG files, pixels for the
//! terminal, bytes for front ends. Axis ranges are made drawable here; nothing changes the
//! figure's data.

use std::path::Path;
use std::sync::Once;

use plotters::element::DynElement;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::*;
use crate::error::{Error, Result};

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

fn err(e: impl std::fmt::Debug) -> Error {
    Error::invalid("figure", format!("{e:?}"), "a drawable figure")
}

impl Figure {
    /// Draw into `path` (the extension of `named` picks the format; messages name it).
    pub(super) fn save_to(&self, path: &Path, named: &Path) -> Result<()> {
        register_font();
        match named
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("png") => {
                let root = BitMapBackend::new(path, self.size).into_drawing_area();
                self.draw(&root)?;
                root.present().map_err(|e| {
                    Error::invalid(
                        format!("file '{}'", named.display()),
                        format!("{e:?}"),
                        "a writable PNG path",
                    )
                })
            }
            Some("svg") => {
                let root = SVGBackend::new(path, self.size).into_drawing_area();
                self.draw(&root)?;
                root.present().map_err(|e| {
                    Error::invalid(
                        format!("file '{}'", named.display()),
                        format!("{e:?}"),
                        "a writable SVG path",
                    )
                })
            }
            _ => Err(Error::invalid(
                format!("figure file '{}'", named.display()),
                "this extension",
                "a .png or .svg file",
            )),
        }
    }

    /// The figure's pixels as the PNG holds them: RGB, row by row, `size.0 × size.1`.
    pub fn render_rgb(&self) -> Result<Vec<u8>> {
        self.check_size()?;
        register_font();
        let (w, h) = self.size;
        let mut buf = vec![0u8; 3 * w as usize * h as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, self.size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(err)?;
        }
        Ok(buf)
    }

    /// The figure as PNG file bytes (what [`Figure::save`] writes to a `.png`).
    pub fn png_bytes(&self) -> Result<Vec<u8>> {
        use image::ImageEncoder;
        let rgb = self.render_rgb()?;
        let (w, h) = self.size;
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&rgb, w, h, image::ColorType::Rgb8)
            .map_err(err)?;
        Ok(out)
    }

    /// The figure as an SVG document (what [`Figure::save`] writes to a `.svg`).
    pub fn svg_string(&self) -> Result<String> {
        self.check_size()?;
        register_font();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, self.size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(err)?;
        }
        Ok(out)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(err)?;
        let (rows, cols) = self.grid;
        let areas = if self.height_ratios.len() == rows && rows > 1 {
            let (w, h) = root.dim_in_pixel();
            let total: f64 = self.height_ratios.iter().sum();
            let mut acc = 0.0;
            let ys: Vec<i32> = self.height_ratios[..rows - 1]
                .iter()
                .map(|r| {
                    acc += r;
                    (acc / total * f64::from(h)).round() as i32
                })
                .collect();
            let xs: Vec<i32> = (1..cols)
                .map(|c| (c as f64 / cols as f64 * f64::from(w)).round() as i32)
                .collect();
            root.split_by_breakpoints(xs, ys)
        } else {
            root.split_evenly(self.grid)
        };
        for (p, area) in self.panels.iter().zip(&areas) {
            if p.series3d.is_empty() {
                draw_panel(p, area)?;
            } else {
                draw_panel_3d(p, area)?;
            }
        }
        Ok(())
    }
}

fn bounds(p: &Panel) -> ((f64, f64), (f64, f64)) {
    let ((x0, x1), (y0, y1)) = raw_bounds(p);
    (drawable(x0, x1), drawable(y0, y1))
}

/// An axis range the tick placement can work with: finite, increasing, at most 1e300 wide
/// and wide enough that its ticks are distinct numbers (a range of 1e20 ± 1 would otherwise
/// never finish placing ticks).
fn drawable(a: f64, b: f64) -> (f64, f64) {
    const BIG: f64 = 1e300;
    let (a, b) = match (a.is_finite(), b.is_finite()) {
        (true, true) => (a.min(b), a.max(b)),
        (true, false) => (a, a + 1.0),
        (false, true) => (b - 1.0, b),
        (false, false) => (0.0, 1.0),
    };
    let (a, b) = (a.clamp(-BIG, BIG), b.clamp(-BIG, BIG));
    let scale = a.abs().max(b.abs());
    let min_span = (scale * 1e-9).max(1e-300);
    if b - a < min_span {
        let mid = a / 2.0 + b / 2.0;
        let half = if scale * 1e-9 > 1e-300 {
            scale * 1e-6
        } else {
            1.0
        };
        return (mid - half, mid + half);
    }
    (a, b)
}

fn raw_bounds(p: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for l in &p.lines {
        xs.extend(&l.x);
        ys.extend(&l.y);
    }
    for t in &p.ticks {
        for (x, y) in &t.at {
            xs.push(*x);
            ys.push(y - t.height / 2.0);
            ys.push(y + t.height / 2.0);
        }
    }
    if let Some(h) = &p.heat {
        xs.extend(&h.x);
        ys.extend(&h.y);
    }
    for q in &p.points {
        xs.extend(q.xy.iter().map(|v| v.0));
        ys.extend(q.xy.iter().map(|v| v.1));
    }
    for b in &p.bars {
        xs.extend(&b.edges);
        ys.push(b.base);
        ys.extend(b.counts.iter().map(|c| b.base + c));
    }
    let fin = |v: &[f64]| {
        let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if f.is_empty() {
            (0.0, 1.0)
        } else {
            (
                f.iter().cloned().fold(f64::MAX, f64::min),
                f.iter().cloned().fold(f64::MIN, f64::max),
            )
        }
    };
    let pad = |(a, b): (f64, f64)| {
        if (b - a).abs() < 1e-300 {
            (a - 1.0, b + 1.0)
        } else {
            (a - 0.05 * (b - a), b + 0.05 * (b - a))
        }
    };
    (
        // x is tight (time axes), except for scatters whose markers need room
        p.xlim.unwrap_or_else(|| {
            if p.points.is_empty() {
                fin(&xs)
            } else {
                pad(fin(&xs))
            }
        }),
        p.ylim.unwrap_or_else(|| {
            let (lo, hi) = pad(fin(&ys));
            // histograms stand on zero (matplotlib's sticky edge)
            if !p.bars.is_empty() && fin(&ys).0 >= 0.0 {
                (0.0, hi)
            } else {
                (lo, hi)
            }
        }),
    )
}

/// A tick label: scientific notation for very small or large scales, otherwise a short
/// decimal without trailing zeros.
fn tick(v: f64, scale: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !(1e-2..1e5).contains(&scale) {
        return format!("{v:.1e}");
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_panel_3d<DB: DrawingBackend>(
    p: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let all: Vec<[f64; 3]> = p
        .series3d
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let range = |k: usize| {
        let lo = all.iter().map(|q| q[k]).fold(f64::MAX, f64::min);
        let hi = all.iter().map(|q| q[k]).fold(f64::MIN, f64::max);
        if all.is_empty() {
            (0.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 1.0, hi + 1.0)
        } else {
            (lo, hi)
        }
    };
    let (rx, ry, rz) = (range(0), range(1), range(2));
    // a flat axis (a planar morphology) gets a tenth of the widest span so the box stays 3-D
    let widest = [rx, ry, rz].iter().map(|r| r.1 - r.0).fold(0.0, f64::max);
    let pad = |(lo, hi): (f64, f64)| {
        let min = 0.1 * widest;
        if hi - lo < min {
            ((lo + hi - min) / 2.0, (lo + hi + min) / 2.0)
        } else {
            (lo, hi)
        }
    };
    let lim = |given: Option<(f64, f64)>, auto: (f64, f64)| {
        given
            .filter(|(a, b)| a.is_finite() && b.is_finite() && b > a && (b - a) < 1e300)
            .unwrap_or(auto)
    };
    let ((x0, x1), (y0, y1), (z0, z1)) = (
        lim(p.xlim, pad(rx)),
        lim(p.ylim, pad(ry)),
        lim(p.zlim, pad(rz)),
    );
    // plotters' 3-D axes are (x, y up, z): put the cortical depth (our z) on the vertical axis
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 20))
        .margin(40)
        .build_cartesian_3d(x0..x1, z0..z1, y0..y1)
        .map_err(err)?;
    chart.with_projection(|mut pb| {
        pb.yaw = 0.6;
        pb.pitch = 0.25;
        pb.scale = 0.85;
        pb.into_matrix()
    });
    chart
        .configure_axes()
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let mut legend = false;
    for s in &p.series3d {
        let c = rgb(s.color);
        let pts: Vec<(f64, f64, f64)> = s.points.iter().map(|q| (q[0], q[2], q[1])).collect();
        let anno = if s.scatter {
            chart
                .draw_series(pts.into_iter().map(|q| Circle::new(q, 3, c.filled())))
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                .map_err(err)?
        };
        if let Some(l) = &s.label {
            legend = true;
            anno.label(l.clone())
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, c.filled()));
        }
    }
    if legend && !p.hide_legend {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// The value range a heat map's colours span: its own, or 0 to the largest value.
fn heat_range(h: &Heat) -> (f64, f64) {
    if let Some((a, b)) = h.range
        && b > a
    {
        return (a, b);
    }
    let zmax =
        h.z.iter()
            .flatten()
            .cloned()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
    (0.0, zmax)
}

/// A vertical colour bar for a heat map, with its label.
fn draw_colorbar<DB: DrawingBackend>(
    h: &Heat,
    label: &str,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let (lo, hi) = heat_range(h);
    let mut chart = ChartBuilder::on(area)
        .margin_top(40)
        .margin_bottom(54)
        .margin_right(4)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    let ys = lo.abs().max(hi.abs());
    // a narrow range far from zero needs more digits than the axes' ticks give
    let digits = if ys > 0.0 && (hi - lo) < 1e-2 * ys && hi > lo {
        Some((-((hi - lo) / 5.0).log10()).ceil().clamp(0.0, 15.0) as usize)
    } else {
        None
    };
    let fmt = move |v: &f64| match digits {
        Some(d) => format!("{v:.d$}"),
        None => tick(*v, ys),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_label_formatter(&fmt)
        .y_desc(label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let n = 128;
    chart
        .draw_series((0..n).map(|i| {
            let (a, b) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
            let c = h.cmap.at((a + b) / 2.0);
            Rectangle::new(
                [(0.0, lo + a * (hi - lo)), (1.0, lo + b * (hi - lo))],
                rgb(c).filled(),
            )
        }))
        .map_err(err)?;
    Ok(())
}

/// hnn-core's `colorbar_inside`: a small colour bar in the upper right of the map (at 90 % of
/// its width and 80 % of its height, 4 % wide and 15 % high), ticks and label in white.
fn draw_colorbar_inside<DB: DrawingBackend>(
    h: &Heat,
    label: &str,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let (lo, hi) = heat_range(h);
    let (w, ht) = area.dim_in_pixel();
    // the plotting area inside the panel's margins and label areas (see draw_panel_inner)
    let (l, r, t, b) = (12 + 70, 12, 12 + 30, 12 + 42);
    let (pw, ph) = (
        (w as i32 - l - r).max(10) as f64,
        (ht as i32 - t - b).max(10) as f64,
    );
    let x0 = l + (0.9 * pw) as i32;
    let bw = ((0.04 * pw) as i32).max(4);
    let bh = ((0.15 * ph) as i32).max(8);
    // matplotlib's axes fractions: the bar spans 80 % to 95 % of the height from the bottom
    let top = t + (0.05 * ph) as i32;
    let n = 32;
    for i in 0..n {
        let (a, b2) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
        let c = h.cmap.at((a + b2) / 2.0);
        let ya = top + bh - (b2 * bh as f64).round() as i32;
        let yb = top + bh - (a * bh as f64).round() as i32;
        area.draw(&Rectangle::new([(x0, ya), (x0 + bw, yb)], rgb(c).filled()))
            .map_err(err)?;
    }
    area.draw(&Rectangle::new(
        [(x0, top), (x0 + bw, top + bh)],
        WHITE.stroke_width(1),
    ))
    .map_err(err)?;
    let ys = lo.abs().max(hi.abs());
    let small = ("sans-serif", 10).into_font().color(&WHITE);
    for (v, y) in [(hi, top), (lo, top + bh)] {
        area.draw(&Text::new(
            tick(v, ys),
            (x0 - 3, y),
            small.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    area.draw(&Text::new(
        label.to_string(),
        (x0 + bw, top + bh + 4),
        small.pos(Pos::new(HPos::Right, VPos::Top)),
    ))
    .map_err(err)?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    p: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    if let Some(h) = &p.heat
        && let Some(label) = &h.colorbar
        && h.colorbar_inside
    {
        draw_panel_inner(p, area)?;
        return draw_colorbar_inside(h, label, area);
    }
    if let Some(h) = &p.heat
        && let Some(label) = &h.colorbar
    {
        let w = area.dim_in_pixel().0 as i32;
        let (main, bar) = area.split_horizontally(w - 110);
        draw_colorbar(h, label, &bar)?;
        return draw_panel_inner(p, &main);
    }
    draw_panel_inner(p, area)
}

fn draw_panel_inner<DB: DrawingBackend>(
    p: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<()> {
    let ((x0, x1), (y0, y1)) = bounds(p);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let (xs, ys) = (x0.abs().max(x1.abs()), y0.abs().max(y1.abs()));
    let cat = |v: f64, names: &[String]| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[i as usize].clone()
        } else {
            String::new()
        }
    };
    let xf = |v: &f64| {
        if p.xcats.is_empty() {
            tick(*v, xs)
        } else {
            cat(*v, &p.xcats)
        }
    };
    let yf = |v: &f64| {
        if p.hide_ytick_labels {
            String::new()
        } else if p.ycats.is_empty() {
            tick(*v, ys)
        } else {
            cat(*v, &p.ycats)
        }
    };
    let n_labels = |names: &[String], default: usize| {
        if names.is_empty() {
            default
        } else {
            names.len() * 2 + 2
        }
    };
    chart
        .configure_mesh()
        .x_labels(n_labels(&p.xcats, 7))
        .y_labels(n_labels(&p.ycats, 6))
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_desc(&p.xlabel)
        .y_desc(&p.ylabel)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    let mut legend = false;
    if let Some(h) = p
        .heat
        .as_ref()
        .filter(|h| !h.x.is_empty() && !h.y.is_empty() && !h.z.is_empty())
    {
        let (zmin, zmax) = heat_range(h);
        let edges = |c: &[f64]| -> Vec<f64> {
            let n = c.len();
            (0..=n)
                .map(|i| match i {
                    0 => c[0] - if n > 1 { (c[1] - c[0]) / 2.0 } else { 0.5 },
                    i if i == n => {
                        c[n - 1]
                            + if n > 1 {
                                (c[n - 1] - c[n - 2]) / 2.0
                            } else {
                                0.5
                            }
                    }
                    i => (c[i - 1] + c[i]) / 2.0,
                })
                .collect()
        };
        let (xe, ye) = (edges(&h.x), edges(&h.y));
        // at most ~1000 columns are drawn (a column is at most a pixel wide anyway)
        let step = (h.x.len() / 1000).max(1);
        let cols: Vec<usize> = (0..h.x.len()).step_by(step).collect();
        chart
            .draw_series(h.z.iter().enumerate().flat_map(|(r, row)| {
                let (xe, ye, cols) = (&xe, &ye, &cols);
                cols.iter().map(move |&c| {
                    let c2 = (c + step).min(row.len());
                    Rectangle::new(
                        [(xe[c], ye[r]), (xe[c2], ye[r + 1])],
                        rgb(h.cmap.at((row[c] - zmin) / (zmax - zmin))).filled(),
                    )
                })
            }))
            .map_err(err)?;
    }
    for q in &p.points {
        let color = |i: usize| rgb(q.colors[i.min(q.colors.len().saturating_sub(1))]);
        let r = q.size;
        let s = chart
            .draw_series(q.xy.iter().enumerate().map(|(i, &xy)| {
                let c = color(i);
                let shape: DynElement<_, _> = match q.marker {
                    Marker::Circle => Circle::new((0, 0), r, c.filled()).into_dyn(),
                    Marker::Square => Rectangle::new([(-r, -r), (r, r)], c.filled()).into_dyn(),
                    Marker::Cross => Cross::new((0, 0), r, c.stroke_width(1)).into_dyn(),
                };
                EmptyElement::at(xy) + shape
            }))
            .map_err(err)?;
        if let Some(l) = &q.label {
            legend = true;
            let c = color(0);
            s.label(l.clone()).legend(move |(x, y)| {
                Rectangle::new([(x + 2, y - 5), (x + 12, y + 5)], c.filled())
            });
        }
    }
    for (x, y, t, c) in &p.texts {
        let style = ("sans-serif", 14)
            .into_font()
            .color(&rgb(*c))
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(t.clone(), (*x, *y), style)))
            .map_err(err)?;
    }
    for b in &p.bars {
        let c = rgb(b.color);
        let s = chart
            .draw_series(
                b.edges
                    .windows(2)
                    .zip(&b.counts)
                    .filter(|(_, n)| **n != 0.0)
                    .map(|(e, &n)| {
                        Rectangle::new([(e[0], b.base), (e[1], b.base + n)], c.filled())
                    }),
            )
            .map_err(err)?;
        if let Some(l) = &b.label {
            legend = true;
            s.label(l.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
    }
    for t in &p.ticks {
        let c = rgb(t.color);
        let h = t.height / 2.0;
        let s =
            chart
                .draw_series(t.at.iter().map(|&(x, y)| {
                    PathElement::new(vec![(x, y - h), (x, y + h)], c.stroke_width(1))
                }))
                .map_err(err)?;
        if let Some(l) = &t.label {
            legend = true;
            s.label(l.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
    }
    for l in &p.lines {
        let c = rgb(l.color);
        let w = l.width;
        let pts: Vec<(f64, f64)> =
            l.x.iter()
                .zip(&l.y)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| (*x, *y))
                .collect();
        let dashed = l.dashed;
        let s = if dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, 6, 4, c.stroke_width(w)))
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(w)))
                .map_err(err)?
        };
        if let Some(lab) = l.label.as_ref().filter(|_| p.legend_entries.is_none()) {
            legend = true;
            s.label(lab.clone()).legend(move |(x, y)| {
                let style = c.stroke_width(w.max(2));
                // two strokes: with a gap when dashed
                let (a, b) = if dashed { (7, 11) } else { (9, 9) };
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (a, 0)], style)
                    + PathElement::new(vec![(b, 0), (18, 0)], style)
            });
        }
    }
    for e in p.legend_entries.iter().flatten() {
        let (c, w) = (rgb(e.color), e.width);
        legend = true;
        chart
            .draw_series(LineSeries::new(Vec::<(f64, f64)>::new(), c.stroke_width(w)))
            .map_err(err)?
            .label(e.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(w.max(2)))
            });
    }
    if legend && !p.hide_legend {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}
