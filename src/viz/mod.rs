//! Figures: a small retained description (panels with lines, event marks, histograms) that
//! is rendered to PNG or SVG by the file extension, with an embedded font (no system font
//! or library needed). One function per hnn-core plot builds a `Figure`; nothing here
//! changes results.

pub mod colormap;
pub mod hist_colors;
pub mod laminar;
pub mod plots;
pub mod sixel;

use crate::error::{Error, Result};
use std::path::Path;

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// matplotlib's default colour cycle (tab10), which hnn-core's plots use.
pub const TAB10: [Rgb; 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// One line series.
#[derive(Debug, Clone)]
pub struct Line {
    /// x values.
    pub x: Vec<f64>,
    /// y values.
    pub y: Vec<f64>,
    /// Colour.
    pub color: Rgb,
    /// Width in pixels.
    pub width: u32,
    /// Legend label.
    pub label: Option<String>,
    /// Drawn dashed (matplotlib's `linestyle="--"`).
    pub dashed: bool,
}

/// Vertical tick marks (a spike raster row): at each x, from y − h/2 to y + h/2.
#[derive(Debug, Clone)]
pub struct Ticks {
    /// Positions (x, y).
    pub at: Vec<(f64, f64)>,
    /// Tick height in data units.
    pub height: f64,
    /// Colour.
    pub color: Rgb,
    /// Legend label.
    pub label: Option<String>,
}

/// A histogram drawn as bars.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Bin edges (n + 1).
    pub edges: Vec<f64>,
    /// Counts (n); bars rise from `base` by the count (a negative count hangs down from it:
    /// an inverted histogram on a twin axis).
    pub counts: Vec<f64>,
    /// Where the bars start (0 for an ordinary histogram).
    pub base: f64,
    /// Colour.
    pub color: Rgb,
    /// Legend label.
    pub label: Option<String>,
}

impl Panel {
    /// Overlay `other` on this panel (matplotlib's drawing into an existing `ax`): its
    /// series are added; its title, labels and limits fill in what is still empty.
    pub fn overlay(&mut self, other: Panel) {
        self.series3d.extend(other.series3d);
        self.points.extend(other.points);
        self.texts.extend(other.texts);
        if self.xcats.is_empty() {
            self.xcats = other.xcats;
        }
        if self.ycats.is_empty() {
            self.ycats = other.ycats;
        }
        self.lines.extend(other.lines);
        self.ticks.extend(other.ticks);
        self.bars.extend(other.bars);
        if other.heat.is_some() {
            self.heat = other.heat;
        }
        if self.title.is_empty() {
            self.title = other.title;
        }
        if self.xlabel.is_empty() {
            self.xlabel = other.xlabel;
        }
        if self.ylabel.is_empty() {
            self.ylabel = other.ylabel;
        }
        self.hide_ytick_labels |= other.hide_ytick_labels;
        self.hide_legend |= other.hide_legend;
        self.xlim = self.xlim.or(other.xlim);
        self.ylim = self.ylim.or(other.ylim);
        self.zlim = self.zlim.or(other.zlim);
    }
}

/// A colour by name: matplotlib's single letters, `C0`..`C9` and `tab:blue`…, a few names,
/// or `#rrggbb`.
pub fn parse_color(s: &str) -> Option<Rgb> {
    let named = [
        ("k", (0, 0, 0)),
        ("black", (0, 0, 0)),
        ("r", (255, 0, 0)),
        ("red", (214, 39, 40)),
        ("g", (0, 128, 0)),
        ("green", (44, 160, 44)),
        ("b", (0, 0, 255)),
        ("blue", (31, 119, 180)),
        ("orange", (255, 127, 14)),
        ("purple", (148, 103, 189)),
        ("grey", (127, 127, 127)),
        ("gray", (127, 127, 127)),
        ("c", (0, 191, 191)),
        ("m", (191, 0, 191)),
        ("y", (191, 191, 0)),
    ];
    if let Some((_, c)) = named.iter().find(|(n, _)| *n == s) {
        return Some(*c);
    }
    if let Some(d) = s.strip_prefix('C').and_then(|d| d.parse::<usize>().ok()) {
        return TAB10.get(d).copied();
    }
    // matplotlib's Tableau names, the same ten colours as C0..C9
    let tab = [
        "blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan",
    ];
    if let Some(i) = s.strip_prefix("tab:").and_then(|n| {
        tab.iter()
            .position(|t| *t == n || (n == "grey" && *t == "gray"))
    }) {
        return TAB10.get(i).copied();
    }
    let h = s.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// A colour-coded grid (time-frequency power): `z[row][col]` at (`x[col]`, `y[row]`).
#[derive(Debug, Clone)]
pub struct Heat {
    /// Column positions (e.g. times).
    pub x: Vec<f64>,
    /// Row positions (e.g. frequencies).
    pub y: Vec<f64>,
    /// Values.
    pub z: Vec<Vec<f64>>,
    /// Colour map.
    pub cmap: colormap::Colormap,
    /// Value range mapped onto the colour map (default: 0 to the largest value).
    pub range: Option<(f64, f64)>,
    /// Label of a colour bar drawn at the right (none when `None`).
    pub colorbar: Option<String>,
    /// Draw the colour bar small, inside the upper right of the map, in white (hnn-core's
    /// `colorbar_inside`).
    pub colorbar_inside: bool,
}

/// matplotlib's inferno colour map at `v` in [0, 1] (8 anchors, linear in between).
pub fn inferno(v: f64) -> Rgb {
    colormap::Colormap::Inferno.at(v)
}

/// Points or polylines in 3-D (a panel with any of them is drawn as a 3-D axes).
#[derive(Debug, Clone)]
pub struct Series3d {
    /// Points (x, y, z).
    pub points: Vec<[f64; 3]>,
    /// Draw as separate points (true) or as one polyline (false).
    pub scatter: bool,
    /// Colour.
    pub color: Rgb,
    /// Legend label.
    pub label: Option<String>,
}

/// How a [`Points`] set is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Filled circle.
    Circle,
    /// Filled square.
    Square,
    /// Thin ×.
    Cross,
}

/// A 2-D scatter: one colour for all points or one per point.
#[derive(Debug, Clone)]
pub struct Points {
    /// Positions.
    pub xy: Vec<(f64, f64)>,
    /// One colour, or one per point.
    pub colors: Vec<Rgb>,
    /// Marker radius [px].
    pub size: i32,
    /// Marker shape.
    pub marker: Marker,
    /// Legend label.
    pub label: Option<String>,
}

/// One axes.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// Scatter sets.
    pub points: Vec<Points>,
    /// Names shown at x = 0, 1, 2, … instead of numbers (a categorical axis).
    pub xcats: Vec<String>,
    /// Names shown at y = 0, 1, 2, ….
    pub ycats: Vec<String>,
    /// Text drawn centred at data coordinates, in a colour.
    pub texts: Vec<(f64, f64, String, Rgb)>,
    /// 3-D content (then lines, ticks, bars and heat are ignored).
    pub series3d: Vec<Series3d>,
    /// A colour-coded grid drawn under everything else.
    pub heat: Option<Heat>,
    /// Title.
    pub title: String,
    /// x label.
    pub xlabel: String,
    /// y label.
    pub ylabel: String,
    /// Lines.
    pub lines: Vec<Line>,
    /// Tick marks.
    pub ticks: Vec<Ticks>,
    /// Histograms.
    pub bars: Vec<Bars>,
    /// x range (default: the data's).
    pub xlim: Option<(f64, f64)>,
    /// y range (default: the data's).
    pub ylim: Option<(f64, f64)>,
    /// z range of a 3-D panel (default: the data's; x and y use `xlim`, `ylim`).
    pub zlim: Option<(f64, f64)>,
    /// Draw no legend (matplotlib's `ax.get_legend().remove()`).
    pub hide_legend: bool,
    /// Leave the y axis without tick labels (a spike raster's).
    pub hide_ytick_labels: bool,
    /// A legend of its own entries (matplotlib's `ax.legend(handles, labels)`): when set,
    /// it replaces the labels of the drawn lines.
    pub legend_entries: Option<Vec<LegendEntry>>,
}

/// One legend entry given by a line style rather than a drawn line.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Line colour.
    pub color: Rgb,
    /// Line width in pixels.
    pub width: u32,
    /// Text.
    pub label: String,
}

impl Panel {
    /// Nothing drawn in it (no data, no text).
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
            && self.texts.is_empty()
            && self.series3d.is_empty()
            && self.heat.is_none()
            && self.lines.is_empty()
            && self.ticks.is_empty()
            && self.bars.is_empty()
    }
}

/// A figure: panels stacked vertically.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Panels, row by row.
    pub panels: Vec<Panel>,
    /// Grid shape (rows, columns).
    pub grid: (usize, usize),
    /// Size in pixels.
    pub size: (u32, u32),
    /// Relative row heights (matplotlib's `gridspec_kw={'height_ratios': ...}`); empty:
    /// equal rows.
    pub height_ratios: Vec<f64>,
}

impl Figure {
    /// A figure of `n` empty panels.
    pub fn new(n: usize) -> Figure {
        Figure::grid(n.max(1), 1)
    }

    /// An empty `rows` × `cols` grid of panels (hnn-core / matplotlib `plt.subplots`).
    pub fn grid(rows: usize, cols: usize) -> Figure {
        let (rows, cols) = (rows.max(1), cols.max(1));
        Figure {
            panels: vec![Panel::default(); rows * cols],
            grid: (rows, cols),
            size: (800 * cols as u32, 360 * rows as u32),
            height_ratios: Vec::new(),
        }
    }

    /// Write PNG or SVG according to the extension.
    /// Under MPI only rank 0 draws and writes ([`crate::cluster::root_writes`]).
    pub fn save(&self, path: &Path) -> Result<()> {
        self.check_size()?;
        crate::cluster::root_writes(
            || {
                let tmp = crate::io::temp_path(path);
                let r = self.save_to(&tmp, path);
                match r {
                    Ok(()) => std::fs::rename(&tmp, path).map_err(|e| {
                        Error::invalid(
                            format!("file '{}'", path.display()),
                            e.to_string(),
                            "a writable path",
                        )
                    }),
                    Err(e) => {
                        let _ = std::fs::remove_file(&tmp);
                        Err(e)
                    }
                }
            },
            |m| Error::OnRank {
                rank: 0,
                message: m,
            },
        )
    }

    /// Refuse figures of more than 10^8 pixels before allocating them.
    pub(crate) fn check_size(&self) -> Result<()> {
        let (w, h) = self.size;
        crate::limits::check_count(
            &format!("figure pixels ({w} x {h})"),
            f64::from(w) * f64::from(h),
            100_000_000,
            "a smaller figsize",
        )
    }
}

#[cfg(feature = "plots")]
mod render;
#[cfg(not(feature = "plots"))]
mod unrendered;
