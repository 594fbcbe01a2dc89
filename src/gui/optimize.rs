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
    /// The best parameters, as a map.
    pub params_query: String,
    /// [ms]
    pub tstop: f64,
    /// Trials of the final run.
    pub n_trials: i64,
    /// Worker threads.
    pub threads: usize,
}

const SOLVERS: [&str; 3] = ["bayesian", "cobyla", "cma"];
const OBJECTIVES: [&str; 2] = ["dipole_rmse", "dipole_corr"];

/// The statements of fit `k`, whose result becomes run `n`; `data` lists the loaded data.
pub fn code(f: &OptimizeForm, k: usize, n: usize, data: &[usize]) -> Result<FitCode, Errors> {
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
        e.add("opt.obj_fun", "dipole_rmse or dipole_corr");
    }
    let max_iter = e.int("opt.max_iter", &f.max_iter, Rule::Between(1.0, 10000.0));
    let d = match f.data {
        Some(d) if data.contains(&d) => d,
        _ => {
            e.add("opt.data", "load recorded data to fit first");
            0
        }
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
        "let net_fit_{k} = jones_2009_model();\n{}",
        f.run.network.code(&format!("net_fit_{k}"), &mut ne)
    );
    // opt_params_ follows the constraints, which a Rhai map keeps sorted by name
    let mut names: Vec<&str> = chosen.iter().map(|c| c.0.as_str()).collect();
    names.sort();
    names.dedup();
    let params_query = format!(
        "#{{ {} }}",
        names
            .iter()
            .enumerate()
            .map(|(i, nm)| format!("{nm}: fit_{k}.opt_params_[{i}]"))
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
    let code = format!(
        "// fit {k}: {solver} on {obj} against data_{d}, then its best network as run {n}\nfn set_params_fit_{k}(net, params) {{\n{body}}}\n{base}let fit_{k} = Optimizer(net_fit_{k}, #{{ tstop: {tstop}, constraints: #{{ {cons} }},\n    initial_params: #{{ {init} }}, set_params: Fn(\"set_params_fit_{k}\"), solver: {solver_q}, obj_fun: {obj_q}, max_iter: {max_iter} }});\nfit_{k}.fit(#{{ target: data_{d}, n_trials: {trials}{processing} }});\nlet net_{n} = fit_{k}.net_;\nlet dpls_{n} = simulate_dipole(net_{n}, #{{ tstop: {tstop}, dt: {dt}, n_trials: {trials} }});\n",
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
    let figure = format!(
        "// fit {k}: the fitted run against the data\nlet fig_fit_{k} = figure(#{{ nrows: 2, ncols: 1, sharex: true, gridspec_kw: #{{ height_ratios: [1, 3] }} }});\nnet_{n}.cell_response.plot_spikes_hist(#{{ ax: fig_fit_{k}.axes[0] }});\nlet rmse_fit_{k} = rmse(average_dipoles({v}), data_{d}, #{{}});\nlet corr_fit_{k} = 1.0 - anticorr(average_dipoles({v}), data_{d}, #{{}});\nplot_dipole({v}, #{{ ax: fig_fit_{k}.axes[1], color: \"tab:blue\" }});\nplot_dipole(data_{d}, #{{ ax: fig_fit_{k}.axes[1], color: \"k\" }});\nfig_fit_{k}.axes[1].set_title(`RMSE ${{(rmse_fit_{k} * 1000.0).round() / 1000.0}}, corr ${{(corr_fit_{k} * 1000.0).round() / 1000.0}}`);\n"
    );
    Ok(FitCode {
        code,
        figure,
        metrics: Some(format!(
            "[#{{ run: {}, data: \"data_{d}\", rmse: rmse_fit_{k}, corr: corr_fit_{k} }}]",
            quote(&format!("{}_optimized", sim.name))
        )),
        params_query,
        tstop: sim.tstop,
        n_trials: sim.n_trials,
        threads: sim.threads,
    })
}
