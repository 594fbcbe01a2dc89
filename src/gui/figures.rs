//! The Visualization tab: hnn-core's figure templates and plot types as plot calls on a
//! run's network and dipoles, data overlaid on dipole panels with RMSE and correlation.

use serde::{Deserialize, Serialize};

use super::actions::{Errors, Rule, lit, quote, view};

/// hnn-core's plot types (`_viz_manager.py`), as the page lists them.
pub const PLOT_TYPES: [&str; 10] = [
    "current dipole",
    "layer2/3 dipole",
    "layer5 dipole",
    "input histogram",
    "spikes",
    "PSD",
    "layer2/3 PSD",
    "layer5 PSD",
    "spectrogram",
    "network",
];

/// hnn-core's data templates: (name, panels, height ratios).
pub const TEMPLATES: [(&str, &[&str]); 7] = [
    ("Drive-Dipole (2x1)", &["input histogram", "current dipole"]),
    (
        "Dipole Layers (3x1)",
        &["layer2/3 dipole", "layer5 dipole", "current dipole"],
    ),
    ("Drive-Spikes (2x1)", &["input histogram", "spikes"]),
    (
        "Dipole-Spectrogram (2x1)",
        &["current dipole", "spectrogram"],
    ),
    (
        "Drive-Dipole-Spectrogram (3x1)",
        &["input histogram", "current dipole", "spectrogram"],
    ),
    ("PSD Layers (3x1)", &["layer2/3 PSD", "layer5 PSD", "PSD"]),
    ("Compare runs (dipoles)", &["compare"]),
];

/// Line colours of the runs compared (matplotlib's first six).
const COLORS: [&str; 6] = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:red",
    "tab:purple",
    "tab:brown",
];

/// The figure the Make figure button asks for.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct FigureForm {
    /// A template name or a plot type (a one-panel figure).
    pub template: String,
    /// Run numbers: the first is drawn; "Compare runs" overlays all of them.
    pub runs: Vec<usize>,
    /// Recorded data to overlay on dipole panels (its number), if any.
    #[serde(default)]
    pub data: Option<usize>,
    /// Dipole smoothing window [ms] (0: none).
    pub smooth: String,
    /// Dipole scaling.
    pub scale: String,
    /// Lowest frequency of PSD and spectrogram [Hz].
    pub fmin: String,
    /// Highest frequency [Hz].
    pub fmax: String,
}

/// A figure's statements.
#[derive(Debug, Clone)]
pub struct FigureCode {
    /// Draws `fig_<k>`.
    pub code: String,
    /// An expression giving `[#{ label, rmse, corr }]` for data overlays (when data is
    /// given).
    pub metrics: Option<String>,
}

/// What a figure refers to: run names by number (only finished runs) and data names.
pub struct Known<'a> {
    /// (run number, run name) of finished runs.
    pub runs: &'a [(usize, String)],
    /// (data number, file name).
    pub data: &'a [(usize, String)],
}

/// The statements of figure `k`, or the fields' messages.
pub fn figure_code(f: &FigureForm, k: usize, known: &Known) -> Result<FigureCode, Errors> {
    let mut e = Errors::default();
    let panels: Vec<&str> = match TEMPLATES.iter().find(|(n, _)| *n == f.template) {
        Some((_, p)) => p.to_vec(),
        None if PLOT_TYPES.contains(&f.template.as_str()) => vec![f.template.as_str()],
        None => {
            e.add("fig.template", "choose a template or plot type");
            vec![]
        }
    };
    let smooth = e.float("fig.smooth", &f.smooth, Rule::NonNegative);
    let scale = e.float("fig.scale", &f.scale, Rule::Any);
    let fmin = e.int("fig.fmin", &f.fmin, Rule::Between(1.0, 1000.0));
    let fmax = e.int("fig.fmax", &f.fmax, Rule::Between(1.0, 1000.0));
    if fmin >= fmax && e.is_empty() {
        e.add("fig.fmax", "must be above the lowest frequency");
    }
    let name_of = |n: usize| {
        known
            .runs
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, s)| s.clone())
    };
    let runs: Vec<(usize, String)> = f
        .runs
        .iter()
        .filter_map(|n| name_of(*n).map(|s| (*n, s)))
        .collect();
    if runs.is_empty() || runs.len() != f.runs.len() {
        e.add("fig.runs", "choose a finished run");
    }
    let data = match f.data {
        None => None,
        Some(d) => match known.data.iter().find(|(m, _)| *m == d) {
            Some((_, name)) => Some((d, name.clone())),
            None => {
                e.add("fig.data", "no such data");
                None
            }
        },
    };
    if !e.is_empty() {
        return Err(e);
    }
    let fig = format!("fig_{k}");
    let ratios = match panels.len() {
        2 => ", gridspec_kw: #{ height_ratios: [1, 3] }",
        _ => "",
    };
    let mut code = format!(
        "// figure {k}: {}\nlet {fig} = figure(#{{ nrows: {}, ncols: 1, sharex: {}{ratios} }});\n",
        f.template,
        panels.len(),
        !panels.iter().any(|p| p.contains("PSD") || *p == "network"),
    );
    let mut metrics: Vec<Metric> = Vec::new();
    let (n, name) = runs[0].clone();
    let dpl = view(&format!("dpls_{n}"), smooth, scale);
    for (i, p) in panels.iter().enumerate() {
        let ax = format!("{fig}.axes[{i}]");
        let layer = if p.starts_with("layer2") {
            "L2"
        } else if p.starts_with("layer5") {
            "L5"
        } else {
            "agg"
        };
        match *p {
            "current dipole" | "layer2/3 dipole" | "layer5 dipole" => {
                let color = if data.is_some() && layer == "agg" {
                    ", color: \"tab:blue\""
                } else {
                    ""
                };
                code.push_str(&format!(
                    "plot_dipole({dpl}, #{{ ax: {ax}, layer: \"{layer}\"{color} }});\n"
                ));
                if let (Some((d, dname)), "agg") = (&data, layer) {
                    let o = Overlay { fig: &fig, ax: &ax, dpl: &dpl, run: n, name: &name };
                    code.push_str(&o.code(*d, dname, &mut metrics));
                }
            }
            "input histogram" => code.push_str(&format!(
                "net_{n}.cell_response.plot_spikes_hist(#{{ ax: {ax} }});\n"
            )),
            "spikes" => code.push_str(&format!(
                "net_{n}.cell_response.plot_spikes_raster(#{{ ax: {ax} }});\n"
            )),
            "PSD" | "layer2/3 PSD" | "layer5 PSD" => code.push_str(&format!(
                "plot_psd({dpl}, #{{ ax: {ax}, fmin: {}, fmax: {}, layer: \"{layer}\" }});\n",
                lit(fmin as f64),
                lit(fmax as f64)
            )),
            "spectrogram" => code.push_str(&format!(
                "let freqs_{k} = []; for f in {fmin}..{fmax} {{ freqs_{k}.push(f.to_float()); }}\nplot_tfr_morlet({dpl}, #{{ ax: {ax}, freqs: freqs_{k}, n_cycles: freqs_{k}.map(|f| f / 2.0), layer: \"agg\" }});\n"
            )),
            "network" => code.push_str(&format!("plot_cells(net_{n}, #{{ ax: {ax} }});\n")),
            "compare" => {
                let mut labels = Vec::new();
                for (j, (m, mname)) in runs.iter().enumerate() {
                    let v = view(&format!("dpls_{m}"), smooth, scale);
                    let color = quote(COLORS[j % COLORS.len()]);
                    match &data {
                        Some((d, dname)) => {
                            let r = metric_vars(&fig, *m, *d, &v, &mut code);
                            labels.push(format!(
                                "`{} (RMSE ${{{}}})`",
                                escape_template(mname),
                                rounded(&r.0)
                            ));
                            metrics.push((mname.clone(), dname.clone(), r));
                        }
                        None => labels.push(quote(mname)),
                    }
                    code.push_str(&format!(
                        "plot_dipole(average_dipoles({v}), #{{ ax: {ax}, color: {color} }});\n"
                    ));
                }
                if let Some((d, dname)) = &data {
                    code.push_str(&format!(
                        "plot_dipole(data_{d}, #{{ ax: {ax}, color: \"k\" }});\n"
                    ));
                    labels.push(quote(dname));
                }
                code.push_str(&format!("{ax}.legend([{}]);\n", labels.join(", ")));
            }
            _ => {}
        }
    }
    let metrics = (!metrics.is_empty()).then(|| {
        let items: Vec<String> = metrics
            .iter()
            .map(|(run, data, (r, c))| {
                format!(
                    "#{{ run: {}, data: {}, rmse: {r}, corr: {c} }}",
                    quote(run),
                    quote(data)
                )
            })
            .collect();
        format!("[{}]", items.join(", "))
    });
    Ok(FigureCode { code, metrics })
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

/// Define `rmse_<fig>_<run>` and `corr_<fig>_<run>` of run `m`'s average against data `d`.
fn metric_vars(fig: &str, m: usize, d: usize, v: &str, code: &mut String) -> (String, String) {
    let r = format!("rmse_{fig}_{m}");
    let c = format!("corr_{fig}_{m}");
    code.push_str(&format!(
        "let {r} = rmse(average_dipoles({v}), data_{d}, #{{}});\nlet {c} = 1.0 - anticorr(average_dipoles({v}), data_{d}, #{{}});\n"
    ));
    (r, c)
}

/// A data overlay on a dipole panel of one run.
struct Overlay<'a> {
    fig: &'a str,
    ax: &'a str,
    dpl: &'a str,
    run: usize,
    name: &'a str,
}

type Metric = (String, String, (String, String));

impl Overlay<'_> {
    fn code(&self, d: usize, dname: &str, metrics: &mut Vec<Metric>) -> String {
        let mut code = String::new();
        let (r, c) = metric_vars(self.fig, self.run, d, self.dpl, &mut code);
        code.push_str(&format!(
            "plot_dipole(data_{d}, #{{ ax: {ax}, color: \"k\", label: {} }});\n{ax}.set_title(`RMSE ${{{}}}, corr ${{{}}}`);\n",
            quote(dname),
            rounded(&r),
            rounded(&c),
            ax = self.ax
        ));
        metrics.push((self.name.to_string(), dname.to_string(), (r, c)));
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(template: &str) -> FigureForm {
        FigureForm {
            template: template.into(),
            runs: vec![1],
            data: Some(1),
            smooth: "30".into(),
            scale: "3000".into(),
            fmin: "10".into(),
            fmax: "100".into(),
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
        assert!(c.code.contains("let rmse_fig_4_1 = rmse("));
        assert!(c.metrics.unwrap().contains("rmse: rmse_fig_4_1"));
        let mut f = form("Compare runs (dipoles)");
        f.runs = vec![1, 2];
        let c = figure_code(&f, 5, &known).unwrap();
        assert!(c.code.contains("rmse_fig_5_2"));
        f.runs = vec![3];
        f.fmin = "200".into();
        f.fmax = "100".into();
        let e = figure_code(&f, 6, &known).unwrap_err();
        assert!(e.0.contains_key("fig.runs"));
        assert!(e.0.contains_key("fig.fmax"));
    }
}
