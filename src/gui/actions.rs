//! Forms of the page turned into Rhai statements, after checking every field: a field that
//! is empty, not a number, or out of its range gets a message under its key and nothing
//! runs. The statements use the call shapes of the tutorial scripts (`scripts/*.rhai`), so
//! that the exported session reads like one. No numerics here: values are only parsed,
//! checked and written back as literals that parse to the same `f64`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::drives::DriveForm;

/// The cell types of hnn-core's models, as weights and rates are keyed.
pub const CELL_TYPES: [&str; 4] = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"];

/// Messages for fields, keyed by the field's name on the page (`sim.tstop`,
/// `drive.1.mu`, ...).
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct Errors(pub BTreeMap<String, String>);

/// What a number must satisfy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Any finite number.
    Any,
    /// At least zero.
    NonNegative,
    /// Above zero.
    Positive,
    /// Within [lo, hi].
    Between(f64, f64),
}

impl Errors {
    /// Whether no field has a message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Record a message for `key` (the first one stays).
    pub fn add(&mut self, key: &str, msg: impl Into<String>) {
        self.0.entry(key.to_string()).or_insert_with(|| msg.into());
    }

    /// The number typed in `raw` for field `key`, or NaN with a message recorded.
    pub fn float(&mut self, key: &str, raw: &str, rule: Rule) -> f64 {
        let t = raw.trim();
        if t.is_empty() {
            self.add(key, "required: enter a number");
            return f64::NAN;
        }
        let Ok(x) = t.parse::<f64>() else {
            self.add(key, format!("'{t}' is not a number"));
            return f64::NAN;
        };
        if !x.is_finite() {
            self.add(key, "must be a finite number");
            return f64::NAN;
        }
        if let Some(msg) = broken(x, rule) {
            self.add(key, msg);
            return f64::NAN;
        }
        x
    }

    /// The whole number typed in `raw` for field `key`, or 0 with a message recorded.
    pub fn int(&mut self, key: &str, raw: &str, rule: Rule) -> i64 {
        let t = raw.trim();
        if t.is_empty() {
            self.add(key, "required: enter a whole number");
            return 0;
        }
        let Ok(x) = t.parse::<i64>() else {
            self.add(key, format!("'{t}' is not a whole number"));
            return 0;
        };
        if let Some(msg) = broken(x as f64, rule) {
            self.add(key, msg);
            return 0;
        }
        x
    }
}

fn broken(x: f64, rule: Rule) -> Option<String> {
    match rule {
        Rule::Any => None,
        Rule::NonNegative if x < 0.0 => Some("must be 0 or more".into()),
        Rule::Positive if x <= 0.0 => Some("must be more than 0".into()),
        Rule::Between(lo, hi) if !(lo..=hi).contains(&x) => {
            Some(format!("must be between {lo} and {hi}"))
        }
        _ => None,
    }
}

/// A Rhai float literal that parses back to exactly `x` (finite).
pub fn lit(x: f64) -> String {
    format!("{x:?}")
}

/// A Rhai string literal holding `s`.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `s` fit for a `//` comment (one line, printable).
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(120)
        .collect()
}

/// The Simulation tab.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct SimForm {
    /// The run's name (a label; variables are numbered).
    pub name: String,
    /// Stop time [ms].
    pub tstop: String,
    /// Time step [ms].
    pub dt: String,
    /// Number of trials.
    pub n_trials: String,
    /// Worker threads (no effect on the results).
    pub threads: String,
    /// Default smoothing window of the run's figure [ms] (0: none).
    pub smooth: String,
    /// Default scaling of the run's figure.
    pub scale: String,
}

/// A simulation form checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Sim {
    /// Label.
    pub name: String,
    /// [ms]
    pub tstop: f64,
    /// [ms]
    pub dt: f64,
    /// Trials.
    pub n_trials: i64,
    /// Worker threads.
    pub threads: usize,
    /// [ms]
    pub smooth: f64,
    /// Factor.
    pub scale: f64,
}

impl SimForm {
    /// The checked values, messages recorded in `e` under `sim.<field>`.
    pub fn check(&self, e: &mut Errors) -> Sim {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.add("sim.name", "required: give the run a name");
        }
        let tstop = e.float("sim.tstop", &self.tstop, Rule::Positive);
        let dt = e.float("sim.dt", &self.dt, Rule::Positive);
        if tstop.is_finite() && dt.is_finite() && dt > tstop {
            e.add("sim.dt", "must not exceed tstop");
        }
        let n_trials = e.int("sim.n_trials", &self.n_trials, Rule::Between(1.0, 1000.0));
        let threads = e.int("sim.threads", &self.threads, Rule::Between(1.0, 1024.0));
        let smooth = e.float("sim.smooth", &self.smooth, Rule::NonNegative);
        let scale = e.float("sim.scale", &self.scale, Rule::Any);
        Sim {
            name,
            tstop,
            dt,
            n_trials,
            threads: threads.max(1) as usize,
            smooth,
            scale,
        }
    }
}

/// One edited connection weight or gain of the Network tab.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ConnForm {
    /// Source cell type.
    pub src: String,
    /// Target cell type.
    pub target: String,
    /// proximal, distal or soma.
    pub loc: String,
    /// ampa, nmda, gabaa or gabab.
    pub receptor: String,
    /// Weight [µS] as typed.
    pub weight: String,
    /// Per-connection gain as typed.
    pub gain: String,
    /// The model's weight (not written when unchanged).
    pub base_weight: f64,
    /// The model's gain.
    pub base_gain: f64,
}

/// One cell parameter of the Network tab (a section's geometry or a receptor's kinetics).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CellParamForm {
    /// L2_pyramidal or L5_pyramidal.
    pub cell: String,
    /// "section" or "synapse".
    pub group: String,
    /// Section name or receptor.
    pub owner: String,
    /// L, diam, cm, Ra (section) or e, tau1, tau2 (synapse).
    pub param: String,
    /// As typed.
    pub value: String,
    /// The model's value (not written when unchanged).
    pub base: f64,
}

/// The Network tab.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct NetworkForm {
    /// Global gains e_e, e_i, i_e, i_i as typed.
    pub gains: BTreeMap<String, String>,
    /// Every connection (only changed ones are written).
    pub connections: Vec<ConnForm>,
    /// Cell parameters (only changed ones are written).
    pub cells: Vec<CellParamForm>,
    /// A network file loaded on the Network tab ("Load local network connectivity"), its
    /// path in the project (`data/...`): runs start from it instead of `jones_2009_model()`.
    #[serde(default)]
    pub base: Option<String>,
    /// Whether `base` is a parameter file (HNN's `.param` or a flat `.json`) rather than a
    /// network configuration.
    #[serde(default)]
    pub base_params: bool,
}

const GAINS: [&str; 4] = ["e_e", "e_i", "i_e", "i_i"];
const LOCS: [&str; 3] = ["proximal", "distal", "soma"];
const RECEPTORS: [&str; 4] = ["ampa", "nmda", "gabaa", "gabab"];
const PYRAMIDAL: [&str; 2] = ["L2_pyramidal", "L5_pyramidal"];
const SECTION_PARAMS: [&str; 4] = ["L", "diam", "cm", "Ra"];
const SYNAPSE_PARAMS: [&str; 3] = ["e", "tau1", "tau2"];

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl NetworkForm {
    /// The expression of the network runs start from: `jones_2009_model()`, or the loaded
    /// network file without its drives and biases (the External drives tab adds those).
    pub fn model(&self, e: &mut Errors) -> String {
        match &self.base {
            None => "jones_2009_model()".to_string(),
            Some(p) => {
                let ok = p
                    .strip_prefix("data/")
                    .is_some_and(|f| safe_file_name(f).as_deref() == Some(f));
                if !ok {
                    e.add("net.base", "load the network file again");
                }
                network_reader(p, self.base_params)
            }
        }
    }

    /// Statements applying the edits to `net` (none when nothing changed).
    pub fn code(&self, net: &str, e: &mut Errors) -> String {
        let mut out = String::new();
        let mut gains = Vec::new();
        for g in GAINS {
            let raw = self.gains.get(g).map_or("1", String::as_str);
            gains.push((g, e.float(&format!("net.gain.{g}"), raw, Rule::NonNegative)));
        }
        if gains.iter().any(|(_, v)| *v != 1.0) {
            let kv: Vec<String> = gains
                .iter()
                .map(|(k, v)| format!("{k}: {}", lit(*v)))
                .collect();
            out.push_str(&format!(
                "{net}.set_global_synaptic_gains(#{{ {} }});\n",
                kv.join(", ")
            ));
        }
        for (i, c) in self.connections.iter().enumerate() {
            if !(CELL_TYPES.contains(&c.src.as_str())
                && CELL_TYPES.contains(&c.target.as_str())
                && LOCS.contains(&c.loc.as_str())
                && RECEPTORS.contains(&c.receptor.as_str()))
            {
                e.add(&format!("net.conn.{i}.weight"), "unknown connection");
                continue;
            }
            let w = e.float(
                &format!("net.conn.{i}.weight"),
                &c.weight,
                Rule::NonNegative,
            );
            let g = e.float(&format!("net.conn.{i}.gain"), &c.gain, Rule::NonNegative);
            let mut sets = Vec::new();
            if w.is_finite() && w != c.base_weight {
                sets.push(format!(
                    "{net}.connectivity[i][\"nc_dict\"][\"A_weight\"] = {};",
                    lit(w)
                ));
            }
            if g.is_finite() && g != c.base_gain {
                sets.push(format!(
                    "{net}.connectivity[i][\"nc_dict\"][\"gain\"] = {};",
                    lit(g)
                ));
            }
            if !sets.is_empty() {
                out.push_str(&format!(
                    "for i in pick_connection({net}, #{{ src_gids: {}, target_gids: {}, loc: {}, receptor: {} }}) {{ {} }}\n",
                    quote(&c.src),
                    quote(&c.target),
                    quote(&c.loc),
                    quote(&c.receptor),
                    sets.join(" ")
                ));
            }
        }
        for (i, c) in self.cells.iter().enumerate() {
            let key = format!("net.cell.{i}");
            let known = PYRAMIDAL.contains(&c.cell.as_str())
                && is_name(&c.owner)
                && match c.group.as_str() {
                    "section" => SECTION_PARAMS.contains(&c.param.as_str()),
                    "synapse" => {
                        SYNAPSE_PARAMS.contains(&c.param.as_str())
                            && RECEPTORS.contains(&c.owner.as_str())
                    }
                    // a channel density: `mechanism.parameter` of a section
                    "biophysics" => c
                        .param
                        .split_once('.')
                        .is_some_and(|(m, p)| is_name(m) && is_name(p)),
                    _ => false,
                };
            if !known {
                e.add(&key, "unknown cell parameter");
                continue;
            }
            let rule = match c.group.as_str() {
                // reversal potentials may be negative, densities may be 0
                "biophysics" if c.param.contains(".e") => Rule::Any,
                "biophysics" => Rule::NonNegative,
                _ if c.param == "e" => Rule::Any,
                _ => Rule::Positive,
            };
            let v = e.float(&key, &c.value, rule);
            if v.is_finite() && v != c.base {
                let target = match c.group.as_str() {
                    "section" => format!("sections[{}].{}", quote(&c.owner), c.param),
                    "biophysics" => {
                        let (m, p) = c.param.split_once('.').unwrap_or_default();
                        format!(
                            "sections[{}].mechs[{}][{}]",
                            quote(&c.owner),
                            quote(m),
                            quote(p)
                        )
                    }
                    _ => format!("synapses[{}][{}]", quote(&c.owner), quote(&c.param)),
                };
                out.push_str(&format!(
                    "{net}.cell_types[{}][\"cell_object\"].{target} = {};\n",
                    quote(&c.cell),
                    lit(v)
                ));
            }
        }
        out
    }
}

/// Everything the Run button sends.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct RunForm {
    /// Simulation tab.
    pub sim: SimForm,
    /// External drives tab, in order.
    pub drives: Vec<DriveForm>,
    /// Network tab.
    pub network: NetworkForm,
}

/// A run checked and written as statements.
#[derive(Debug, Clone)]
pub struct RunCode {
    /// The simulation settings.
    pub sim: Sim,
    /// Builds `net_<n>` and simulates it into `dpls_<n>`.
    pub simulate: String,
    /// Draws the run's figure (input histogram over dipoles, as hnn-core's GUI does).
    pub figure: String,
}

/// The statements of run number `n`, or the fields' messages.
pub fn run_code(form: &RunForm, n: usize) -> Result<RunCode, Errors> {
    let mut e = Errors::default();
    let sim = form.sim.check(&mut e);
    let net = format!("net_{n}");
    let mut code = format!(
        "// run {n}: {}\nlet {net} = {};\n",
        comment(&sim.name),
        form.network.model(&mut e)
    );
    code.push_str(&form.network.code(&net, &mut e));
    let mut names = Vec::new();
    let mut tonic = 0;
    for (i, d) in form.drives.iter().enumerate() {
        if !d.enabled {
            continue;
        }
        if names.contains(&d.name) {
            e.add(&format!("drive.{i}.name"), "another drive has this name");
        }
        names.push(d.name.clone());
        if d.kind == "tonic" {
            tonic += 1;
            if tonic > 1 {
                e.add(&format!("drive.{i}.name"), "only one tonic drive");
            }
        }
        code.push_str(&d.code(&net, i, &mut e));
    }
    if !e.is_empty() {
        return Err(e);
    }
    code.push_str(&format!(
        "let dpls_{n} = simulate_dipole({net}, #{{ tstop: {}, dt: {}, n_trials: {} }});\n",
        lit(sim.tstop),
        lit(sim.dt),
        sim.n_trials
    ));
    let figure = format!(
        "// run {n}: input histogram over the dipoles\nlet fig_run_{n} = figure(#{{ nrows: 2, ncols: 1, sharex: true, gridspec_kw: #{{ height_ratios: [1, 3] }} }});\n{net}.cell_response.plot_spikes_hist(#{{ ax: fig_run_{n}.axes[0] }});\nplot_dipole({}, #{{ ax: fig_run_{n}.axes[1] }});\nfig_run_{n}.axes[0].set_title({});\n",
        view(&format!("dpls_{n}"), sim.smooth, sim.scale),
        quote(&sim.name)
    );
    Ok(RunCode {
        sim,
        simulate: code,
        figure,
    })
}

/// The calls that smooth a dipole by `smooth` ms (when above 0) and scale it (when not 1),
/// chained: `.smooth(30.0).scale(3000.0)`, or empty.
pub fn view_ops(smooth: f64, scale: f64) -> String {
    let mut ops = String::new();
    if smooth > 0.0 {
        ops.push_str(&format!(".smooth({})", lit(smooth)));
    }
    if scale != 1.0 {
        ops.push_str(&format!(".scale({})", lit(scale)));
    }
    ops
}

/// The dipoles `dpls` as drawn: copies smoothed by `smooth` ms (when above 0) and scaled.
pub fn view(dpls: &str, smooth: f64, scale: f64) -> String {
    let ops = view_ops(smooth, scale);
    if ops.is_empty() {
        dpls.to_string()
    } else {
        format!("{dpls}.map(|d| d.copy(){ops})")
    }
}

/// Statements writing run `n`'s dipoles (one text file per trial) and network into
/// `outputs/`, named after the run.
pub fn save_code(n: usize, name: &str) -> String {
    let stem = output_stem(name);
    format!(
        "// save run {n}\nfor i in 0..dpls_{n}.len() {{ dpls_{n}[i].write(`outputs/{n}_{stem}_dipole_trial${{i}}.txt`); }}\nnet_{n}.write_configuration(\"outputs/{n}_{stem}_network.json\");\n"
    )
}

/// The files [`save_code`] writes into `outputs/` for run `n` of `n_trials` trials.
pub fn saved_files(n: usize, name: &str, n_trials: i64) -> Vec<String> {
    let stem = output_stem(name);
    let mut files: Vec<String> = (0..n_trials.max(0))
        .map(|i| format!("{n}_{stem}_dipole_trial{i}.txt"))
        .collect();
    files.push(format!("{n}_{stem}_network.json"));
    files
}

/// A run's name as it starts its output files' names.
fn output_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

/// The expression reading the network file at `path` without its drives and biases: a
/// network configuration (hnn-core's JSON), or the model of a parameter file (`params`).
pub fn network_reader(path: &str, params: bool) -> String {
    if params {
        format!("jones_2009_model(#{{ params: {} }})", quote(path))
    } else {
        format!(
            "read_network_configuration({}, #{{ read_drives: false, read_external_biases: false }})",
            quote(path)
        )
    }
}

/// Whether the text of a `.json` file is a flat parameter file (HNN's legacy JSON) rather
/// than hnn-core's network configuration.
pub fn is_params_json(text: &str) -> bool {
    !text.contains("\"object_type\"") && !text.contains("\"cell_types\"")
}

/// A file name made safe for the project's `data/` folder (letters, digits, `-_.`).
pub fn safe_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let s = s.trim_start_matches('.').to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim() -> SimForm {
        SimForm {
            name: "default".into(),
            tstop: "170".into(),
            dt: "0.025".into(),
            n_trials: "1".into(),
            threads: "2".into(),
            smooth: "30".into(),
            scale: "3000".into(),
        }
    }

    #[test]
    fn fields_are_checked_one_by_one() {
        let mut f = sim();
        f.tstop = "0".into();
        f.dt = "".into();
        f.n_trials = "-1".into();
        f.scale = "abc".into();
        let mut e = Errors::default();
        f.check(&mut e);
        assert!(e.0["sim.tstop"].contains("more than 0"));
        assert!(e.0["sim.dt"].contains("required"));
        assert!(e.0["sim.n_trials"].contains("between"));
        assert!(e.0["sim.scale"].contains("not a number"));
        assert!(!e.0.contains_key("sim.smooth"));
    }

    #[test]
    fn literals_parse_back_exactly() {
        for x in [0.1, 7e-6, 1e300, 170.0, -3.5, 0.025, 1.0 / 3.0] {
            assert_eq!(lit(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(safe_file_name("../x y.txt").as_deref(), Some("x_y.txt"));
        assert_eq!(safe_file_name("..."), None);
    }

    #[test]
    fn a_run_is_a_tutorial_block() {
        let form = RunForm {
            sim: sim(),
            drives: vec![],
            network: NetworkForm::default(),
        };
        let c = run_code(&form, 3).unwrap();
        assert!(c.simulate.contains("let net_3 = jones_2009_model();"));
        assert!(c.simulate.contains(
            "let dpls_3 = simulate_dipole(net_3, #{ tstop: 170.0, dt: 0.025, n_trials: 1 });"
        ));
        assert!(
            c.figure
                .contains("dpls_3.map(|d| d.copy().smooth(30.0).scale(3000.0))")
        );
        assert!(!c.simulate.contains("set_global_synaptic_gains"));
    }
}
