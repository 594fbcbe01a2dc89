//! The Optimization tab: hnn-core's `Optimizer` over chosen drive parameters, each allowed
//! between a percentage below and above its present value, fitted to loaded data; the best
//! network is simulated as a new run.

use serde::{Deserialize, Serialize};

use super::actions::{Errors, Rule, RunForm, lit, quote, run_code, view};

/// One parameter to fit.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ParamForm {
    /// Index of the drive in the form's drives.
    pub drive: usize,
    /// `mu`, `sigma`, `burst_rate`, `weights_ampa.L5_pyramidal`, ...
    pub field: String,
    /// Lowest value, in % of the present one.
    pub min_pct: String,
    /// Highest value, in % of the present one.
    pub max_pct: String,
}

/// What Run Optimization sends.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OptimizeForm {
    /// The present forms (the starting point).
    pub run: RunForm,
    /// bayesian, cobyla or cma.
    pub solver: String,
    /// dipole_rmse or dipole_corr.
    pub obj_fun: String,
    /// Evaluations.
    pub max_iter: String,
    /// The data number to fit.
    pub data: Option<usize>,
    /// The parameters.
    pub params: Vec<ParamForm>,
    /// `maximize_psd`: the first band [Hz], as typed (low, high).
    #[serde(default)]
    pub band1: (String, String),
    /// Its share of the power.
    #[serde(default)]
    pub prop1: String,
    /// Whether a second band is given.
    #[serde(default)]
    pub use_band2: bool,
    /// The second band [Hz].
    #[serde(default)]
    pub band2: (String, String),
    /// Its share.
    #[serde(default)]
    pub prop2: String,
    /// CMA-ES: random seed.
    #[serde(default)]
    pub cma_seed: String,
    /// CMA-ES: population size.
    #[serde(default)]
    pub popsize: String,
    /// CMA-ES: initial step, as a fraction of each parameter's range.
    #[serde(default)]
    pub sigma0: String,
}

/// A fit's statements.
#[derive(Debug, Clone)]
pub struct FitCode {
    /// Defines `set_params_fit_<k>`, fits `fit_<k>` and simulates its network as run `n`.
    pub code: String,
    /// Draws the fitted run against the data.
    pub figure: String,
    /// RMSE/correlation of the fitted run (the figure's metrics).
    pub metrics: Option<String>,
    /// The best parameters: `[#{ drive, name, field, value }]` (the drive's index and
    /// name in the form, the field as [`ParamForm::field`]).
    pub params_query: String,
    /// Draws the convergence of the fit (`fig_conv_<k>`).
    pub convergence: String,
    /// [ms]
    pub tstop: f64,
    /// Trials of the final run.
    pub n_trials: i64,
    /// Worker threads.
    pub threads: usize,
}

const SOLVERS: [&str; 3] = ["bayesian", "cobyla", "cma"];
const OBJECTIVES: [&str; 3] = ["dipole_rmse", "dipole_corr", "maximize_psd"];

/// The statements of fit `k`, whose result becomes run `n`; `data` lists the loaded data.
pub fn code(
    f: &OptimizeForm,
    k: usize,
    n: usize,
    data: &[(usize, String)],
) -> Result<FitCode, Errors> {
    let mut e = Errors::default();
    let run = match run_code(&f.run, n) {
        Ok(r) => Some(r),
        Err(errs) => {
            e.0.extend(errs.0);
            None
        }
    };
    if !SOLVERS.contains(&f.solver.as_str()) {
        e.add("opt.solver", "bayesian, cobyla or cma");
    }
    if !OBJECTIVES.contains(&f.obj_fun.as_str()) {
        e.add("opt.obj_fun", "dipole_rmse, dipole_corr or maximize_psd");
    }
    let psd = f.obj_fun == "maximize_psd";
    let max_iter = e.int("opt.max_iter", &f.max_iter, Rule::Between(1.0, 10000.0));
    let d = match f.data {
        Some(d) if data.iter().any(|(m, _)| *m == d) => d,
        _ if psd => 0,
        _ => {
            e.add("opt.data", "load recorded data to fit first");
            0
        }
    };
    // maximize_psd's bands and their shares of the power (hnn-core's GUI: they sum to 1)
    let mut bands = Vec::new();
    if psd {
        let mut band = |k: usize, (lo, hi): &(String, String), prop: &str| {
            let lo = e.float(&format!("opt.band{k}.lo"), lo, Rule::Between(0.0, 10000.0));
            let hi = e.float(&format!("opt.band{k}.hi"), hi, Rule::Between(0.0, 10000.0));
            if lo.is_finite() && hi.is_finite() && lo >= hi {
                e.add(
                    &format!("opt.band{k}.hi"),
                    "must be above the band's low end",
                );
            }
            let p = e.float(&format!("opt.prop{k}"), prop, Rule::Between(0.0, 1.0));
            bands.push((lo, hi, p));
        };
        band(1, &f.band1, &f.prop1);
        if f.use_band2 {
            band(2, &f.band2, &f.prop2);
        }
        let total: f64 = bands.iter().map(|b| b.2).sum();
        if total.is_finite() && (total - 1.0).abs() > 1e-9 {
            let key = if f.use_band2 {
                "opt.prop2"
            } else {
                "opt.prop1"
            };
            e.add(key, "the proportions must add up to 1");
        }
    }
    let cma = f.solver == "cma";
    let (seed, popsize, sigma0) = if cma {
        (
            e.int(
                "opt.cma_seed",
                &f.cma_seed,
                Rule::Between(0.0, 4294967295.0),
            ),
            e.int("opt.popsize", &f.popsize, Rule::Between(2.0, 1000.0)),
            e.float("opt.sigma0", &f.sigma0, Rule::Positive),
        )
    } else {
        (0, 0, 0.0)
    };
    if f.params.is_empty() {
        e.add("opt.params", "tick at least one parameter to optimise");
    }
    // name → (drive, field, present value text, lo %, hi %)
    let mut chosen: Vec<(String, usize, String, f64, f64)> = Vec::new();
    for (j, p) in f.params.iter().enumerate() {
        let key = format!("opt.param.{j}");
        let Some(drive) = f.run.drives.get(p.drive).filter(|d| d.enabled) else {
            e.add(&key, "no such drive (or it is off)");
            continue;
        };
        let present = match p.field.split_once('.') {
            Some((row, cell)) => drive.targets.get(row).and_then(|m| m.get(cell)),
            None => drive.fields.get(&p.field),
        };
        if present.is_none() {
            e.add(&key, format!("{} has no field {}", drive.name, p.field));
            continue;
        }
        let lo = e.float(&format!("{key}.min"), &p.min_pct, Rule::NonNegative);
        let hi = e.float(&format!("{key}.max"), &p.max_pct, Rule::NonNegative);
        if lo.is_finite() && hi.is_finite() && lo >= hi {
            e.add(&format!("{key}.max"), "must be above the lowest");
        }
        let name = format!("{}_{}", drive.name, p.field.replace('.', "_"));
        chosen.push((name, p.drive, p.field.clone(), lo, hi));
    }
    let (Some(run), true) = (run, e.is_empty()) else {
        return Err(e);
    };
    let mut body = String::new();
    let mut de = Errors::default();
    for (i, drive) in f.run.drives.iter().enumerate() {
        if !drive.enabled {
            continue;
        }
        let subst = |field: &str| {
            chosen
                .iter()
                .find(|(_, di, fi, _, _)| *di == i && fi == field)
                .map(|(name, ..)| format!("params[{}]", quote(name)))
        };
        for line in drive.code_with("net", i, &mut de, &subst).lines() {
            body.push_str("    ");
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut constraints = Vec::new();
    let mut initial = Vec::new();
    for (name, di, field, lo, hi) in &chosen {
        let d = &f.run.drives[*di];
        let raw = match field.split_once('.') {
            Some((row, cell)) => d.targets[row][cell].clone(),
            None => d.fields[field].clone(),
        };
        let x = de.float(&format!("opt.{name}"), &raw, Rule::Any);
        initial.push(format!("{name}: {}", lit(x)));
        constraints.push(format!(
            "{name}: [{} * {}, {} * {}]",
            lit(x),
            lit(lo / 100.0),
            lit(x),
            lit(hi / 100.0)
        ));
    }
    if !de.is_empty() {
        return Err(de);
    }
    let sim = &run.sim;
    // the starting network: the model with the network tab's edits, without drives
    let mut ne = Errors::default();
    let base = format!(
        "let net_fit_{k} = {};\n{}",
        f.run.network.model(&mut ne),
        f.run.network.code(&format!("net_fit_{k}"), &mut ne)
    );
    // opt_params_ follows the constraints, which a Rhai map keeps sorted by name
    let mut names: Vec<&str> = chosen.iter().map(|c| c.0.as_str()).collect();
    names.sort();
    names.dedup();
    let params_query = format!(
        "[{}]",
        names
            .iter()
            .enumerate()
            .filter_map(|(i, nm)| {
                let (_, di, field, ..) = chosen.iter().find(|c| c.0 == *nm)?;
                Some(format!(
                    "#{{ drive: {di}, name: {}, field: {}, value: fit_{k}.opt_params_[{i}] }}",
                    quote(&f.run.drives[*di].name),
                    quote(field)
                ))
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut processing = String::new();
    if sim.scale != 1.0 {
        processing.push_str(&format!(", scale_factor: {}", lit(sim.scale)));
    }
    if sim.smooth > 0.0 {
        processing.push_str(&format!(", smooth_window_len: {}", lit(sim.smooth)));
    }
    if cma {
        processing.push_str(&format!(
            ", popsize: {popsize}, sigma0: {}, seed: {seed}",
            lit(sigma0)
        ));
    }
    let target = if psd {
        let fb: Vec<String> = bands
            .iter()
            .map(|(lo, hi, _)| format!("[{}, {}]", lit(*lo), lit(*hi)))
            .collect();
        let rb: Vec<String> = bands.iter().map(|b| lit(b.2)).collect();
        format!(
            "f_bands: [{}], relative_bandpower: [{}]",
            fb.join(", "),
            rb.join(", ")
        )
    } else {
        format!("target: data_{d}")
    };
    let against = if psd {
        let fb: Vec<String> = bands
            .iter()
            .map(|(lo, hi, p)| format!("{lo}–{hi} Hz ×{p}"))
            .collect();
        format!("the band power of {}", fb.join(" + "))
    } else {
        format!("data_{d}")
    };
    let code = format!(
        "// fit {k}: {solver} on {obj} against {against}, then its best network as run {n}\nfn set_params_fit_{k}(net, params) {{\n{body}}}\n{base}let fit_{k} = Optimizer(net_fit_{k}, #{{ tstop: {tstop}, constraints: #{{ {cons} }},\n    initial_params: #{{ {init} }}, set_params: Fn(\"set_params_fit_{k}\"), solver: {solver_q}, obj_fun: {obj_q}, max_iter: {max_iter} }});\nfit_{k}.fit(#{{ {target}, n_trials: {trials}{processing} }});\nlet net_{n} = fit_{k}.net_;\nlet dpls_{n} = simulate_dipole(net_{n}, #{{ tstop: {tstop}, dt: {dt}, n_trials: {trials} }});\n",
        solver = f.solver,
        obj = f.obj_fun,
        tstop = lit(sim.tstop),
        dt = lit(sim.dt),
        cons = constraints.join(", "),
        init = initial.join(", "),
        solver_q = quote(&f.solver),
        obj_q = quote(&f.obj_fun),
        trials = sim.n_trials,
    );
    let v = view(&format!("dpls_{n}"), sim.smooth, sim.scale);
    let (figure, metrics) = if psd {
        let hi = bands.iter().map(|b| b.1).fold(0.0_f64, f64::max);
        (
            format!(
                "// fit {k}: the fitted run and its power spectrum\nlet fig_fit_{k} = figure(#{{ nrows: 3, ncols: 1, sharex: false, gridspec_kw: #{{ height_ratios: [1, 3, 2] }} }});\nnet_{n}.cell_response.plot_spikes_hist(#{{ ax: fig_fit_{k}.axes[0] }});\nplot_dipole({v}, #{{ ax: fig_fit_{k}.axes[1], color: \"tab:blue\" }});\nplot_psd({v}, #{{ ax: fig_fit_{k}.axes[2], fmin: 1.0, fmax: {} }});\n",
                lit((2.0 * hi).clamp(10.0, 1000.0).round())
            ),
            None,
        )
    } else {
        (
            format!(
                "// fit {k}: the fitted run against the data\nlet fig_fit_{k} = figure(#{{ nrows: 2, ncols: 1, sharex: true, gridspec_kw: #{{ height_ratios: [1, 3] }} }});\nnet_{n}.cell_response.plot_spikes_hist(#{{ ax: fig_fit_{k}.axes[0] }});\nlet rmse_fit_{k} = rmse(average_dipoles({v}), data_{d}, #{{}});\nlet corr_fit_{k} = 1.0 - anticorr(average_dipoles({v}), data_{d}, #{{}});\nplot_dipole({v}, #{{ ax: fig_fit_{k}.axes[1], color: \"tab:blue\" }});\nplot_dipole(data_{d}, #{{ ax: fig_fit_{k}.axes[1], color: \"k\" }});\nfig_fit_{k}.axes[1].set_title(`RMSE ${{(rmse_fit_{k} * 1000.0).round() / 1000.0}}, corr ${{(corr_fit_{k} * 1000.0).round() / 1000.0}}`);\n"
            ),
            Some(format!(
                "[#{{ run: {}, data: {}, rmse: rmse_fit_{k}, corr: corr_fit_{k}, axis: 1 }}]",
                quote(&format!("{}_optimized", sim.name)),
                quote(
                    data.iter()
                        .find(|(m, _)| *m == d)
                        .map_or("", |(_, name)| name.as_str())
                )
            )),
        )
    };
    Ok(FitCode {
        code,
        figure,
        metrics,
        convergence: format!(
            "// fit {k}: its convergence, and its history (hnn-core's \"Save Optimization History\")\nlet fig_conv_{k} = fit_{k}.plot_convergence();\nlet history_{k} = \"iteration\\tobjective\\n\";\nfor i in 0..fit_{k}.obj_.len() {{ history_{k} += (i + 1).to_string() + \"\\t\" + fit_{k}.obj_[i].to_string() + \"\\n\"; }}\nwrite_text(\"outputs/fit_{k}_history.txt\", history_{k});\n"
        ),
        params_query,
        tstop: sim.tstop,
        n_trials: sim.n_trials,
        threads: sim.threads,
    })
}
