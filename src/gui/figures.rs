//! The Visualization tab: hnn-core's figure templates (blank layouts included) and plot
//! types as plot calls on a run's network and dipoles; per-axis editing ("Add plot", "Clear
//! axis") of a figure already drawn; data overlaid on current-dipole axes (smoothed and
//! scaled on their own) with RMSE and correlation.

use serde::{Deserialize, Serialize};

use super::actions::{Errors, Rule, lit, quote, view, view_ops};

/// hnn-core's plot types (`_viz_manager.py`), as the page lists them.
pub const PLOT_TYPES: [&str; 11] = [
    "current dipole",
    "layer2/3 dipole",
    "layer5 dipole",
    "input histogram",
    "spikes",
    "spikes with dipoles",
    "PSD",
    "layer2/3 PSD",
    "layer5 PSD",
    "spectrogram",
    "network",
];

/// Plot types that take no second plot on the same axis (hnn-core disables "Add plot"
/// after them).
pub const NO_OVERLAY: [&str; 5] = [
    "input histogram",
    "spikes",
    "spikes with dipoles",
    "spectrogram",
    "network",
];

/// The spectrogram colour maps hnn-core's GUI offers.
pub const COLORMAPS: [&str; 5] = ["viridis", "plasma", "inferno", "magma", "cividis"];

/// A figure layout: its name, grid (rows, columns), row height ratios (empty: equal) and
/// the plot type of each axis (empty for the axes of a blank layout).
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// As the page lists it.
    pub name: &'static str,
    /// Rows.
    pub nrows: usize,
    /// Columns.
    pub ncols: usize,
    /// Row height ratios.
    pub ratios: &'static [u32],
    /// Plot type per axis, row by row (`""`: blank; `"compare"`: several runs' averages).
    pub panels: &'static [&'static str],
}

const fn t(
    name: &'static str,
    nrows: usize,
    ncols: usize,
    ratios: &'static [u32],
    panels: &'static [&'static str],
) -> Template {
    Template {
        name,
        nrows,
        ncols,
        ratios,
        panels,
    }
}

/// hnn-core's templates (`_viz_manager.py`), then our "Compare runs".
pub const TEMPLATES: [Template; 13] = [
    t("[Blank] 2row x 1col (1:3)", 2, 1, &[1, 3], &["", ""]),
    t("[Blank] 2row x 1col (1:1)", 2, 1, &[], &["", ""]),
    t("[Blank] 1row x 2col", 1, 2, &[], &["", ""]),
    t("[Blank] single figure", 1, 1, &[], &[""]),
    t("[Blank] 2row x 2col", 2, 2, &[], &["", "", "", ""]),
    t(
        "Drive-Dipole (2x1)",
        2,
        1,
        &[1, 3],
        &["input histogram", "current dipole"],
    ),
    t(
        "Dipole Layers (3x1)",
        3,
        1,
        &[],
        &["layer2/3 dipole", "layer5 dipole", "current dipole"],
    ),
    t(
        "Drive-Spikes (2x1)",
        2,
        1,
        &[1, 3],
        &["input histogram", "spikes"],
    ),
    t(
        "Dipole-Spectrogram (2x1)",
        2,
        1,
        &[1, 3],
        &["current dipole", "spectrogram"],
    ),
    t(
        "Dipole Layers-Spikes (1x1)",
        1,
        1,
        &[],
        &["spikes with dipoles"],
    ),
    t(
        "Drive-Dipole-Spectrogram (3x1)",
        3,
        1,
        &[1, 1, 2],
        &["input histogram", "current dipole", "spectrogram"],
    ),
    t(
        "PSD Layers (3x1)",
        3,
        1,
        &[],
        &["layer2/3 PSD", "layer5 PSD", "PSD"],
    ),
    t("Compare runs (dipoles)", 1, 1, &[], &["compare"]),
];

/// Line colours of runs drawn on one axis (matplotlib's first six).
const COLORS: [&str; 6] = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:red",
    "tab:purple",
    "tab:brown",
];

fn zero() -> String {
    "0".into()
}
fn one() -> String {
    "1".into()
}
fn viridis() -> String {
    "viridis".into()
}
fn five() -> String {
    "5".into()
}

/// The plot options of the Visualization tab, as typed (hnn-core's per-axis controls).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct PlotOptionsForm {
    /// Simulated dipole smoothing window [ms] (0: none).
    pub smooth: String,
    /// Simulated dipole scaling.
    pub scale: String,
    /// Data smoothing window [ms] (0: none).
    #[serde(default = "zero")]
    pub data_smooth: String,
    /// Data scaling.
    #[serde(default = "one")]
    pub data_scale: String,
    /// Lowest frequency of PSD and spectrogram [Hz].
    pub fmin: String,
    /// Highest frequency [Hz].
    pub fmax: String,
    /// Spectrogram colour map.
    #[serde(default = "viridis")]
    pub cmap: String,
    /// Raster marker size.
    #[serde(default = "five")]
    pub marker_size: String,
    /// Hide the raster's legend.
    #[serde(default)]
    pub hide_legend: bool,
}

/// [`PlotOptionsForm`] checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// [ms]
    pub smooth: f64,
    /// Factor.
    pub scale: f64,
    /// [ms]
    pub data_smooth: f64,
    /// Factor.
    pub data_scale: f64,
    /// [Hz]
    pub fmin: i64,
    /// [Hz]
    pub fmax: i64,
    /// One of [`COLORMAPS`].
    pub cmap: String,
    /// Raster marker size.
    pub marker_size: f64,
    /// Raster legend hidden.
    pub hide_legend: bool,
}

impl PlotOptionsForm {
    /// The checked options, messages under `fig.<field>`.
    pub fn check(&self, e: &mut Errors) -> PlotOptions {
        let smooth = e.float("fig.smooth", &self.smooth, Rule::NonNegative);
        let scale = e.float("fig.scale", &self.scale, Rule::Any);
        let data_smooth = e.float("fig.data_smooth", &self.data_smooth, Rule::NonNegative);
        let data_scale = e.float("fig.data_scale", &self.data_scale, Rule::Any);
        let fmin = e.int("fig.fmin", &self.fmin, Rule::Between(1.0, 1000.0));
        let fmax = e.int("fig.fmax", &self.fmax, Rule::Between(1.0, 1000.0));
        if fmin >= fmax && !e.0.contains_key("fig.fmin") && !e.0.contains_key("fig.fmax") {
            e.add("fig.fmax", "must be above the lowest frequency");
        }
        if !COLORMAPS.contains(&self.cmap.as_str()) {
            e.add("fig.cmap", format!("one of {}", COLORMAPS.join(", ")));
        }
        let marker_size = e.float(
            "fig.marker_size",
            &self.marker_size,
            Rule::Between(0.1, 100.0),
        );
        PlotOptions {
            smooth,
            scale,
            data_smooth,
            data_scale,
            fmin,
            fmax,
            cmap: self.cmap.clone(),
            marker_size,
            hide_legend: self.hide_legend,
        }
    }
}

/// The figure the Make figure button asks for.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct FigureForm {
    /// A template name or a plot type (a one-axis figure).
    pub template: String,
    /// Run numbers: the first is drawn; "Compare runs" overlays all of them.
    pub runs: Vec<usize>,
    /// Recorded data to overlay on current-dipole axes (its number), if any.
    #[serde(default)]
    pub data: Option<usize>,
    /// Plot options.
    #[serde(flatten)]
    pub options: PlotOptionsForm,
}

/// What "Add plot" or "Clear axis" asks of one axis of a figure.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct AxisForm {
    /// The figure's number.
    pub figure: usize,
    /// The axis (row by row from 0).
    pub axis: usize,
    /// `add` or `clear`.
    pub action: String,
    /// Plot type (for `add`).
    #[serde(default)]
    pub plot: String,
    /// The run drawn (for `add`).
    #[serde(default)]
    pub run: Option<usize>,
    /// Recorded data compared on a current-dipole plot.
    #[serde(default)]
    pub data: Option<usize>,
    /// Plot options.
    #[serde(flatten)]
    pub options: PlotOptionsForm,
}

/// A figure's statements.
#[derive(Debug, Clone)]
pub struct FigureCode {
    /// Draws `fig_<k>`.
    pub code: String,
    /// An expression giving `[#{ run, data, rmse, corr, axis }]` for data overlays.
    pub metrics: Option<String>,
    /// The figure's grid (rows, columns).
    pub grid: (usize, usize),
    /// What each axis shows ("current dipole: default", ...).
    pub plots: Vec<Vec<String>>,
    /// The names of the runs drawn.
    pub drawn: Vec<String>,
}

/// What a figure refers to: run names by number (only finished runs) and data names.
pub struct Known<'a> {
    /// (run number, run name) of finished runs.
    pub runs: &'a [(usize, String)],
    /// (data number, file name).
    pub data: &'a [(usize, String)],
}

impl Known<'_> {
    fn run(&self, n: usize) -> Option<(usize, String)> {
        self.runs
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, s)| (n, s.clone()))
    }

    fn data(&self, d: Option<usize>, key: &str, e: &mut Errors) -> Option<(usize, String)> {
        let d = d?;
        match self.data.iter().find(|(m, _)| *m == d) {
            Some((_, name)) => Some((d, name.clone())),
            None => {
                e.add(key, "no such data (was it removed?)");
                None
            }
        }
    }
}

/// The statements of figure `k`, or the fields' messages.
pub fn figure_code(f: &FigureForm, k: usize, known: &Known) -> Result<FigureCode, Errors> {
    let mut e = Errors::default();
    let tpl: Option<Template> = match TEMPLATES.iter().find(|t| t.name == f.template) {
        Some(t) => Some(*t),
        // a plot type alone: a one-axis figure
        None => match PLOT_TYPES.iter().find(|p| **p == f.template) {
            Some(p) => Some(t("", 1, 1, &[], std::slice::from_ref(p))),
            None => {
                e.add("fig.template", "choose a template or plot type");
                None
            }
        },
    };
    let o = f.options.check(&mut e);
    let runs: Vec<(usize, String)> = f.runs.iter().filter_map(|n| known.run(*n)).collect();
    let blank = tpl.is_some_and(|t| t.panels.iter().all(|p| p.is_empty()));
    if !blank && (runs.is_empty() || runs.len() != f.runs.len()) {
        e.add("fig.runs", "choose a finished run");
    }
    let data = known.data(f.data, "fig.data", &mut e);
    let Some(tpl) = tpl.filter(|_| e.is_empty()) else {
        return Err(e);
    };
    let fig = format!("fig_{k}");
    let ratios = if tpl.ratios.is_empty() {
        String::new()
    } else {
        let r: Vec<String> = tpl.ratios.iter().map(u32::to_string).collect();
        format!(", gridspec_kw: #{{ height_ratios: [{}] }}", r.join(", "))
    };
    let time_axes = tpl
        .panels
        .iter()
        .all(|p| !p.is_empty() && !p.contains("PSD") && *p != "network");
    let mut code = format!(
        "// figure {k}: {}\nlet {fig} = figure(#{{ nrows: {}, ncols: {}, sharex: {time_axes}{ratios} }});\n",
        f.template, tpl.nrows, tpl.ncols,
    );
    let mut metrics: Vec<Metric> = Vec::new();
    let mut plots = vec![Vec::new(); tpl.nrows * tpl.ncols];
    for (i, p) in tpl.panels.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let ax = Axis {
            fig: &fig,
            index: i,
            drawn: 0,
        };
        if *p == "compare" {
            code.push_str(&compare_code(&ax, &runs, &data, &o, &mut metrics));
            plots[i] = runs
                .iter()
                .map(|(_, name)| format!("current dipole: {name}"))
                .collect();
            if let Some((_, dname)) = &data {
                plots[i].push(format!("data: {dname}"));
            }
            continue;
        }
        let (n, name) = &runs[0];
        code.push_str(&plot_code(
            p,
            &ax,
            (*n, name),
            data.as_ref(),
            &o,
            &mut metrics,
        ));
        plots[i].push(format!("{p}: {name}"));
        if let (Some((_, dname)), "current dipole") = (&data, *p) {
            plots[i].push(format!("data: {dname}"));
        }
    }
    let drawn = if blank {
        Vec::new()
    } else if tpl.panels.contains(&"compare") {
        runs.iter().map(|(_, name)| name.clone()).collect()
    } else {
        runs.iter().take(1).map(|(_, name)| name.clone()).collect()
    };
    Ok(FigureCode {
        code,
        metrics: metrics_expr(&metrics),
        grid: (tpl.nrows, tpl.ncols),
        plots,
        drawn,
    })
}

/// The statements of "Add plot" or "Clear axis" on axis `f.axis` of the figure held by
/// `var` (a grid of `n_axes` axes whose axis shows `present` already), or the messages.
pub fn axis_code(
    f: &AxisForm,
    var: &str,
    n_axes: usize,
    present: &[String],
    known: &Known,
) -> Result<FigureCode, Errors> {
    let mut e = Errors::default();
    if f.axis >= n_axes {
        e.add("ax.axis", format!("the figure has {n_axes} axes"));
        return Err(e);
    }
    let ax = Axis {
        fig: var,
        index: f.axis,
        drawn: present.iter().filter(|p| !p.starts_with("data:")).count(),
    };
    let mut plots = vec![Vec::new(); n_axes];
    match f.action.as_str() {
        "clear" => {
            return Ok(FigureCode {
                code: format!(
                    "// figure {}, ax{}: cleared\n{var}.axes[{}].cla();\n",
                    f.figure, f.axis, f.axis
                ),
                metrics: None,
                grid: (0, 0),
                plots,
                drawn: Vec::new(),
            });
        }
        "add" => {}
        other => {
            e.add("ax.action", format!("unknown action '{other}'"));
            return Err(e);
        }
    }
    if !PLOT_TYPES.contains(&f.plot.as_str()) {
        e.add("ax.plot", "choose a plot type");
    }
    let o = f.options.check(&mut e);
    let run = match f.run.and_then(|n| known.run(n)) {
        Some(r) => Some(r),
        None => {
            e.add("ax.run", "choose a finished run");
            None
        }
    };
    let data = known.data(f.data, "ax.data", &mut e);
    let kind_of = |s: &String| s.split(": ").next().unwrap_or("").to_string();
    if !present.is_empty() {
        let blocks = present
            .iter()
            .map(kind_of)
            .chain([f.plot.clone()])
            .find(|k| NO_OVERLAY.contains(&k.as_str()));
        if let Some(k) = blocks {
            e.add(
                "ax.plot",
                format!("{k} takes no other plot on its axis: clear the axis first"),
            );
        } else {
            let psd = |k: &str| k.contains("PSD");
            if present.iter().any(|p| psd(&kind_of(p)) != psd(&f.plot)) {
                e.add(
                    "ax.plot",
                    "a PSD and a time course cannot share an axis: clear the axis first",
                );
            }
        }
    }
    let (Some((n, name)), true) = (run, e.is_empty()) else {
        return Err(e);
    };
    let mut metrics = Vec::new();
    let mut code = format!(
        "// figure {}, ax{}: add {} of run {n}\n",
        f.figure, f.axis, f.plot
    );
    code.push_str(&plot_code(
        &f.plot,
        &ax,
        (n, &name),
        data.as_ref(),
        &o,
        &mut metrics,
    ));
    plots[f.axis].push(format!("{}: {name}", f.plot));
    if let (Some((_, dname)), "current dipole") = (&data, f.plot.as_str()) {
        plots[f.axis].push(format!("data: {dname}"));
    }
    Ok(FigureCode {
        code,
        metrics: metrics_expr(&metrics),
        grid: (0, 0),
        plots,
        drawn: vec![name],
    })
}

/// One axis of a figure being drawn into, with how many plots it has already.
struct Axis<'a> {
    fig: &'a str,
    index: usize,
    drawn: usize,
}

impl Axis<'_> {
    fn expr(&self) -> String {
        format!("{}.axes[{}]", self.fig, self.index)
    }
    /// A name part unique to this axis and plot.
    fn tag(&self) -> String {
        format!("{}_{}_{}", self.fig, self.index, self.drawn)
    }
}

/// (run name, data name, (rmse variable, corr variable), axis).
type Metric = (String, String, (String, String), usize);

fn metrics_expr(metrics: &[Metric]) -> Option<String> {
    (!metrics.is_empty()).then(|| {
        let items: Vec<String> = metrics
            .iter()
            .map(|(run, data, (r, c), axis)| {
                format!(
                    "#{{ run: {}, data: {}, rmse: {r}, corr: {c}, axis: {axis} }}",
                    quote(run),
                    quote(data)
                )
            })
            .collect();
        format!("[{}]", items.join(", "))
    })
}

/// A recorded dipole as drawn: a copy smoothed by `smooth` ms (when above 0) and scaled.
pub fn data_view(data: &str, smooth: f64, scale: f64) -> String {
    let ops = view_ops(smooth, scale);
    if ops.is_empty() {
        data.to_string()
    } else {
        format!("{data}.copy(){ops}")
    }
}

/// The statements drawing plot type `p` of run `(n, name)` into `ax`, data `data` compared
/// on a current dipole.
fn plot_code(
    p: &str,
    ax: &Axis,
    (n, name): (usize, &str),
    data: Option<&(usize, String)>,
    o: &PlotOptions,
    metrics: &mut Vec<Metric>,
) -> String {
    let dpl = view(&format!("dpls_{n}"), o.smooth, o.scale);
    let a = ax.expr();
    let layer = if p.starts_with("layer2") {
        "L2"
    } else if p.starts_with("layer5") {
        "L5"
    } else {
        "agg"
    };
    match p {
        "current dipole" | "layer2/3 dipole" | "layer5 dipole" => {
            // the first plot of an axis keeps plot_dipole's colours unless data is compared
            let color = if ax.drawn > 0 || (data.is_some() && layer == "agg") {
                format!(", color: {}", quote(COLORS[ax.drawn % COLORS.len()]))
            } else {
                String::new()
            };
            let label = if ax.drawn > 0 {
                format!(", label: {}", quote(name))
            } else {
                String::new()
            };
            let mut code =
                format!("plot_dipole({dpl}, #{{ ax: {a}, layer: \"{layer}\"{color}{label} }});\n");
            if let (Some((d, dname)), "agg") = (data, layer) {
                let dv = data_view(&format!("data_{d}"), o.data_smooth, o.data_scale);
                let (r, c) = metric_vars(&ax.tag(), &dpl, &dv, &mut code);
                code.push_str(&format!(
                    "plot_dipole({dv}, #{{ ax: {a}, color: \"k\", label: {} }});\n{a}.set_title(`RMSE ${{{}}}, corr ${{{}}}`);\n",
                    quote(dname),
                    rounded(&r),
                    rounded(&c),
                ));
                metrics.push((name.to_string(), dname.clone(), (r, c), ax.index));
            }
            code
        }
        "input histogram" => {
            format!("net_{n}.cell_response.plot_spikes_hist(#{{ ax: {a} }});\n")
        }
        "spikes" | "spikes with dipoles" => {
            let overlay = if p == "spikes" {
                String::new()
            } else {
                format!(", overlay_dipoles: true, dpl: {dpl}")
            };
            format!(
                "net_{n}.cell_response.plot_spikes_raster(#{{ ax: {a}, marker_size: {}, show_legend: {}{overlay} }});\n",
                lit(o.marker_size),
                !o.hide_legend
            )
        }
        "PSD" | "layer2/3 PSD" | "layer5 PSD" => {
            let color = if ax.drawn > 0 {
                format!(", color: {}", quote(COLORS[ax.drawn % COLORS.len()]))
            } else {
                String::new()
            };
            format!(
                "plot_psd({dpl}, #{{ ax: {a}, fmin: {}, fmax: {}, layer: \"{layer}\"{color} }});\n",
                lit(o.fmin as f64),
                lit(o.fmax as f64)
            )
        }
        "spectrogram" => {
            let fr = format!("freqs_{}", ax.tag());
            format!(
                "let {fr} = []; for f in {}..{} {{ {fr}.push(f.to_float()); }}\nplot_tfr_morlet({dpl}, #{{ ax: {a}, freqs: {fr}, n_cycles: {fr}.map(|f| f / 2.0), layer: \"agg\", colormap: {} }});\n",
                o.fmin,
                o.fmax,
                quote(&o.cmap)
            )
        }
        "network" => format!("plot_cells(net_{n}, #{{ ax: {a} }});\n"),
        _ => String::new(),
    }
}

/// Several runs' average dipoles on one axis, data in black, RMSE in the legend.
fn compare_code(
    ax: &Axis,
    runs: &[(usize, String)],
    data: &Option<(usize, String)>,
    o: &PlotOptions,
    metrics: &mut Vec<Metric>,
) -> String {
    let a = ax.expr();
    let mut code = String::new();
    let mut labels = Vec::new();
    let dv = data
        .as_ref()
        .map(|(d, _)| data_view(&format!("data_{d}"), o.data_smooth, o.data_scale));
    for (j, (m, mname)) in runs.iter().enumerate() {
        let v = view(&format!("dpls_{m}"), o.smooth, o.scale);
        let color = quote(COLORS[j % COLORS.len()]);
        match (data, &dv) {
            (Some((_, dname)), Some(dv)) => {
                let r = metric_vars(&format!("{}_{m}", ax.tag()), &v, dv, &mut code);
                labels.push(format!(
                    "`{} (RMSE ${{{}}})`",
                    escape_template(mname),
                    rounded(&r.0)
                ));
                metrics.push((mname.clone(), dname.clone(), r, ax.index));
            }
            _ => labels.push(quote(mname)),
        }
        code.push_str(&format!(
            "plot_dipole(average_dipoles({v}), #{{ ax: {a}, color: {color} }});\n"
        ));
    }
    if let (Some((_, dname)), Some(dv)) = (data, &dv) {
        code.push_str(&format!(
            "plot_dipole({dv}, #{{ ax: {a}, color: \"k\" }});\n"
        ));
        labels.push(quote(dname));
    }
    code.push_str(&format!("{a}.legend([{}]);\n", labels.join(", ")));
    code
}

fn escape_template(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace('$', "\\$")
}

/// `x` rounded to 3 decimals for a label.
fn rounded(x: &str) -> String {
    format!("({x} * 1000.0).round() / 1000.0")
}

/// Define `rmse_<tag>` and `corr_<tag>` of the average of the dipoles `v` against the
/// recorded dipole `dv`.
fn metric_vars(tag: &str, v: &str, dv: &str, code: &mut String) -> (String, String) {
    let r = format!("rmse_{tag}");
    let c = format!("corr_{tag}");
    code.push_str(&format!(
        "let {r} = rmse(average_dipoles({v}), {dv}, #{{}});\nlet {c} = 1.0 - anticorr(average_dipoles({v}), {dv}, #{{}});\n"
    ));
    (r, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> PlotOptionsForm {
        PlotOptionsForm {
            smooth: "30".into(),
            scale: "3000".into(),
            data_smooth: "0".into(),
            data_scale: "1".into(),
            fmin: "10".into(),
            fmax: "100".into(),
            cmap: "viridis".into(),
            marker_size: "5".into(),
            hide_legend: false,
        }
    }

    fn form(template: &str) -> FigureForm {
        FigureForm {
            template: template.into(),
            runs: vec![1],
            data: Some(1),
            options: options(),
        }
    }

    #[test]
    fn templates_draw_their_panels_and_data_gets_metrics() {
        let runs = [(1, "default".to_string()), (2, "other".to_string())];
        let data = [(1, "yes.txt".to_string())];
        let known = Known {
            runs: &runs,
            data: &data,
        };
        let c = figure_code(&form("Drive-Dipole (2x1)"), 4, &known).unwrap();
        assert!(
            c.code
                .contains("net_1.cell_response.plot_spikes_hist(#{ ax: fig_4.axes[0] });")
        );
        assert!(c.code.contains("let rmse_fig_4_1_0 = rmse("));
        assert!(c.metrics.unwrap().contains("rmse: rmse_fig_4_1_0"));
        assert_eq!(c.plots[1], ["current dipole: default", "data: yes.txt"]);
        let mut f = form("Compare runs (dipoles)");
        f.runs = vec![1, 2];
        let c = figure_code(&f, 5, &known).unwrap();
        assert!(c.code.contains("rmse_fig_5_0_0_2"));
        f.runs = vec![3];
        f.options.fmin = "200".into();
        f.options.fmax = "100".into();
        f.options.cmap = "jet".into();
        let e = figure_code(&f, 6, &known).unwrap_err();
        for k in ["fig.runs", "fig.fmax", "fig.cmap"] {
            assert!(e.0.contains_key(k), "{k}: {e:?}");
        }
    }

    #[test]
    fn blank_layouts_and_single_plots() {
        let known = Known {
            runs: &[(1, "default".to_string())],
            data: &[],
        };
        let mut f = form("[Blank] 2row x 2col");
        f.runs = vec![];
        f.data = None;
        let c = figure_code(&f, 2, &known).unwrap();
        assert!(
            c.code
                .contains("figure(#{ nrows: 2, ncols: 2, sharex: false })")
        );
        assert_eq!((c.grid, c.plots.len()), ((2, 2), 4));
        let mut f = form("spikes with dipoles");
        f.data = None;
        f.options.marker_size = "3".into();
        let c = figure_code(&f, 3, &known).unwrap();
        assert!(c.code.contains("plot_spikes_raster(#{ ax: fig_3.axes[0], marker_size: 3.0, show_legend: true, overlay_dipoles: true, dpl: dpls_1.map(|d| d.copy().smooth(30.0).scale(3000.0)) });"), "{}", c.code);
    }

    #[test]
    fn axes_take_plots_and_refuse_mixtures() {
        let runs = [(1, "a".to_string()), (2, "b".to_string())];
        let data = [(1, "yes.txt".to_string())];
        let known = Known {
            runs: &runs,
            data: &data,
        };
        let mut f = AxisForm {
            figure: 7,
            axis: 1,
            action: "add".into(),
            plot: "current dipole".into(),
            run: Some(2),
            data: Some(1),
            options: options(),
        };
        f.options.data_smooth = "20".into();
        f.options.data_scale = "2".into();
        let present = vec!["current dipole: a".to_string()];
        let c = axis_code(&f, "fig_7", 2, &present, &known).unwrap();
        assert!(
            c.code.contains("color: \"tab:orange\", label: \"b\""),
            "{}",
            c.code
        );
        assert!(c.code.contains("data_1.copy().smooth(20.0).scale(2.0)"));
        assert!(c.metrics.unwrap().contains("axis: 1"));
        f.plot = "spectrogram".into();
        let e = axis_code(&f, "fig_7", 2, &present, &known).unwrap_err();
        assert!(e.0["ax.plot"].contains("clear the axis"));
        f.axis = 2;
        assert!(axis_code(&f, "fig_7", 2, &[], &known).is_err());
        f.action = "clear".into();
        f.axis = 0;
        let c = axis_code(&f, "fig_7", 2, &present, &known).unwrap();
        assert!(c.code.contains("fig_7.axes[0].cla();"));
    }
}
