//! `Optimizer` and `optimize_evoked` in scripts: thin adapters over [`crate::optim`]. The
//! script's `set_params(net, params)` (and a custom `obj_fun`) run on the script's thread;
//! the library simulates.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::api_batch::fn_ptr;
use super::api_viz::{FigHandle, place};
use super::handles::{DipoleHandle, NetHandle};
use super::kwargs::{Kw, RhaiResult, err, lib, num, string, uint};
use crate::network::Network;
use crate::optim::evoked::{EvokedSettings, optimize_evoked};
use crate::optim::{Compat, Evaluation, Evaluator, FitSettings, Objective, Param, Solver, fit};
use crate::results::Dipole;

/// What a fit scores: one of hnn-core's named objectives or a script function.
#[derive(Clone)]
enum ObjFun {
    Named(String),
    Custom(FnPtr),
}

/// The optimiser's state (hnn-core's attributes).
pub struct OptimState {
    net: NetHandle,
    tstop: f64,
    constraints: Vec<Param>,
    set_params: FnPtr,
    initial_params: Vec<f64>,
    solver: Solver,
    obj_fun: ObjFun,
    max_iter: usize,
    compat: Compat,
    net_: Option<NetHandle>,
    obj_: Vec<f64>,
    opt_params_: Option<Vec<f64>>,
    history: Vec<Evaluation>,
}

/// `Optimizer` in scripts (shared like a Python object).
#[derive(Clone)]
pub struct OptimHandle(pub Rc<RefCell<OptimState>>);

/// A script error that a library error converts into.
struct ScriptErr(Box<EvalAltResult>);

impl From<crate::Error> for ScriptErr {
    fn from(e: crate::Error) -> Self {
        ScriptErr(e.to_string().into())
    }
}

fn compat_of(v: Option<&Dynamic>) -> RhaiResult<Compat> {
    match v {
        None => Ok(Compat::Intended),
        Some(v) => match string(v, "compat")?.as_str() {
            "hnn-core-0.6.1" => Ok(Compat::HnnCore061),
            "none" | "intended" => Ok(Compat::Intended),
            other => err(format!(
                "compat: unknown value \"{other}\"; expected \"hnn-core-0.6.1\" (reproduce 0.6.1's optimiser bugs) or \"intended\""
            )),
        },
    }
}

fn pair(v: &Dynamic, what: &str) -> RhaiResult<(f64, f64)> {
    let a = v
        .read_lock::<Array>()
        .ok_or_else(|| format!("{what}: expected [lo, hi], got {}", v.type_name()))?;
    if a.len() != 2 {
        return err(format!("{what}: expected [lo, hi], got {} values", a.len()));
    }
    Ok((num(&a[0], what)?, num(&a[1], what)?))
}

fn new_optimizer(net: &mut NetHandle, map: Map) -> RhaiResult<OptimHandle> {
    let kw = Kw::new(
        "Optimizer",
        map,
        &[
            "tstop",
            "constraints",
            "set_params",
            "initial_params",
            "solver",
            "obj_fun",
            "max_iter",
            "compat",
        ],
    )?;
    let tstop = num(kw.req("tstop")?, "Optimizer: tstop")?;
    if !(tstop.is_finite() && tstop > 0.0) {
        return err(format!(
            "Optimizer: tstop = {tstop} is invalid (a finite number > 0 [ms])"
        ));
    }
    let cmap = kw
        .req("constraints")?
        .read_lock::<Map>()
        .map(|m| m.clone())
        .ok_or("Optimizer: constraints: expected a map name → [lo, hi]")?;
    let mut constraints = Vec::new();
    for (k, v) in &cmap {
        let (lo, hi) = pair(v, &format!("Optimizer: constraints['{k}']"))?;
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return err(format!(
                "Optimizer: constraints['{k}'] = [{lo}, {hi}] is invalid (finite lo < hi)"
            ));
        }
        constraints.push(Param {
            name: k.to_string(),
            lo,
            hi,
        });
    }
    if constraints.is_empty() {
        return err("Optimizer: constraints is empty; give at least one parameter name → [lo, hi]");
    }
    let set_params = fn_ptr(kw.req("set_params")?, "Optimizer: set_params")?;
    let initial_params = match kw.get("initial_params") {
        None => constraints.iter().map(|p| (p.lo + p.hi) / 2.0).collect(),
        Some(v) => {
            let m = v
                .read_lock::<Map>()
                .map(|m| m.clone())
                .ok_or("Optimizer: initial_params: expected a map name → value")?;
            let mut keys: Vec<&str> = m.keys().map(|k| k.as_str()).collect();
            let mut want: Vec<&str> = constraints.iter().map(|p| p.name.as_str()).collect();
            keys.sort();
            want.sort();
            if keys != want {
                return err(format!(
                    "Optimizer: initial_params has keys [{}] but constraints has [{}]; they must be the same names",
                    keys.join(", "),
                    want.join(", ")
                ));
            }
            // bound by name, whatever the map's order
            let mut x = Vec::new();
            for p in &constraints {
                let v = num(
                    &m[p.name.as_str()],
                    &format!("Optimizer: initial_params['{}']", p.name),
                )?;
                if !(v >= p.lo && v <= p.hi) {
                    return err(format!(
                        "Optimizer: initial_params['{}'] = {v} is outside its constraints [{}, {}]",
                        p.name, p.lo, p.hi
                    ));
                }
                x.push(v);
            }
            x
        }
    };
    let solver = lib(Solver::from_name(
        &kw.string("solver")?.unwrap_or_else(|| "bayesian".into()),
    ))
    .map_err(|e| format!("Optimizer: {e}"))?;
    let obj_fun = match kw.get("obj_fun") {
        None => ObjFun::Named("dipole_rmse".into()),
        Some(v) if v.is_string() => {
            let s = string(v, "obj_fun")?;
            if !["dipole_rmse", "dipole_corr", "maximize_psd"].contains(&s.as_str()) {
                return err(format!(
                    "Optimizer: unknown obj_fun '{s}'; expected dipole_rmse, dipole_corr, maximize_psd or a function |dpl, kwargs| -> number"
                ));
            }
            ObjFun::Named(s)
        }
        Some(v) => ObjFun::Custom(fn_ptr(v, "Optimizer: obj_fun")?),
    };
    let max_iter = match kw.get("max_iter") {
        None => 200,
        Some(v) => {
            let n = num(v, "Optimizer: max_iter")?;
            if !(n >= 1.0 && n.fract() == 0.0 && n <= 1e6) {
                return err(format!(
                    "Optimizer: max_iter = {n} is invalid (an integer ≥ 1)"
                ));
            }
            n as usize
        }
    };
    Ok(OptimHandle(Rc::new(RefCell::new(OptimState {
        net: net.clone(),
        tstop,
        constraints,
        set_params,
        initial_params,
        solver,
        obj_fun,
        max_iter,
        compat: compat_of(kw.get("compat"))?,
        net_: None,
        obj_: Vec::new(),
        opt_params_: None,
        history: Vec::new(),
    }))))
}

/// Build networks with the script's `set_params` and score with the chosen objective.
struct ScriptEval<'a> {
    ctx: &'a NativeCallContext<'a>,
    set_params: FnPtr,
    base: Network,
    named: Option<Objective>,
    custom: Option<(FnPtr, Map)>,
    tstop: f64,
    bar: super::progress::FitBar,
}

/// Call the script's `set_params` on a fresh copy of `base`.
fn build_net(
    ctx: &NativeCallContext,
    set_params: &FnPtr,
    base: &Network,
    params: &[(String, f64)],
) -> RhaiResult<Network> {
    let handle = NetHandle::new(base.copy());
    let mut m = Map::new();
    for (k, v) in params {
        m.insert(k.as_str().into(), Dynamic::from_float(*v));
    }
    let _ = set_params
        .call_within_context::<Dynamic>(ctx, (handle.clone(), m))
        .map_err(|e| -> Box<EvalAltResult> { format!("set_params failed: {e}").into() })?;
    let net = handle.0.borrow().net.clone();
    Ok(net)
}

impl Evaluator for ScriptEval<'_> {
    type Error = ScriptErr;

    fn build(&mut self, params: &[(String, f64)]) -> Result<Network, ScriptErr> {
        build_net(self.ctx, &self.set_params, &self.base, params).map_err(ScriptErr)
    }

    fn score(&mut self, dpls: &[Dipole]) -> Result<f64, ScriptErr> {
        if let Some(o) = &self.named {
            return Ok(o.score(dpls, self.tstop)?);
        }
        let (f, kwargs) = self.custom.as_ref().expect("an objective");
        let avg = crate::results::dipole::average_dipoles(dpls)?;
        let h = DipoleHandle(Rc::new(RefCell::new(avg)));
        let v = f
            .call_within_context::<Dynamic>(self.ctx, (h, kwargs.clone()))
            .map_err(|e| ScriptErr(format!("obj_fun failed: {e}").into()))?;
        num(&v, "obj_fun's result").map_err(ScriptErr)
    }

    fn trials(&self, n_trials: usize) -> usize {
        self.named.as_ref().map_or(n_trials, |o| o.trials(n_trials))
    }

    fn progress(&mut self, done: usize, total: usize, best: f64) {
        self.bar.update(done, total, best);
    }
}

fn dipole_of(v: &Dynamic, what: &str) -> RhaiResult<Dipole> {
    v.read_lock::<DipoleHandle>()
        .map(|h| h.0.borrow().clone())
        .ok_or_else(|| format!("{what}: expected a Dipole, got {}", v.type_name()).into())
}

fn floats(v: &Dynamic, what: &str) -> RhaiResult<Vec<f64>> {
    match v.read_lock::<Array>() {
        Some(a) => a.iter().map(|x| num(x, what)).collect(),
        None => Ok(vec![num(v, what)?]),
    }
}

fn fit_optimizer(ctx: NativeCallContext, optim: &mut OptimHandle, map: Map) -> RhaiResult<()> {
    const FIT_KEYS: &[&str] = &[
        "target",
        "n_trials",
        "scale_factor",
        "smooth_window_len",
        "f_bands",
        "relative_bandpower",
        "popsize",
        "sigma0",
        "seed",
        "tolfun",
        "dt",
        "n_jobs",
        "verbose",
        "compat",
    ];
    // a custom objective may read keywords of its own: it receives the whole map
    let custom = matches!(optim.0.borrow().obj_fun, ObjFun::Custom(_));
    let known: Map = if custom {
        map.iter()
            .filter(|(k, _)| FIT_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    } else {
        map.clone()
    };
    let kw = Kw::new("fit", known, FIT_KEYS)?;
    let custom_kwargs = map.clone();
    let st = optim.0.borrow();
    let mut s = FitSettings::new(st.tstop, st.max_iter);
    s.dt = kw.num_or("dt", 0.025)?;
    if !(s.dt.is_finite() && s.dt > 0.0) {
        return err(format!(
            "fit: dt = {} is invalid (a finite number > 0 [ms])",
            s.dt
        ));
    }
    if let Some(v) = kw.get("n_trials") {
        s.n_trials = uint(v, "fit: n_trials")?;
        if s.n_trials < 1 {
            return err("fit: n_trials = 0 is invalid (at least 1)");
        }
    }
    s.scale_factor = kw.num("scale_factor")?;
    s.smooth_window_len = kw.num("smooth_window_len")?;
    if let Some(v) = kw.get("popsize") {
        s.popsize = uint(v, "fit: popsize")?;
    }
    if let Some(v) = kw.get("sigma0") {
        s.sigma0 = floats(v, "fit: sigma0")?;
    }
    if let Some(v) = kw.get("seed") {
        let seed = uint(v, "fit: seed")?;
        s.seed = u32::try_from(seed)
            .map_err(|_| format!("fit: seed = {seed} is invalid (0 … 2³² − 1)"))?;
    }
    s.tolfun = kw.num_or("tolfun", 0.01)?;
    s.compat = match kw.get("compat") {
        Some(v) => compat_of(Some(v))?,
        None => st.compat,
    };
    s.threads = super::threads();
    let (named, custom) = match &st.obj_fun {
        ObjFun::Custom(f) => (None, Some((f.clone(), custom_kwargs))),
        ObjFun::Named(name) => {
            let o = match name.as_str() {
                "dipole_rmse" | "dipole_corr" => {
                    let target = dipole_of(
                        kw.get("target")
                            .ok_or("fit: target must be specified (the recorded Dipole to fit)")?,
                        "fit: target",
                    )?;
                    if name == "dipole_rmse" {
                        Objective::DipoleRmse { target }
                    } else {
                        Objective::DipoleCorr { target }
                    }
                }
                _ => {
                    let (Some(fb), Some(rb)) = (kw.get("f_bands"), kw.get("relative_bandpower"))
                    else {
                        return err(
                            "fit: f_bands and relative_bandpower must be specified for maximize_psd",
                        );
                    };
                    let bands = fb
                        .read_lock::<Array>()
                        .ok_or("fit: f_bands: expected a list of [lo, hi] bands")?
                        .iter()
                        .map(|b| pair(b, "fit: f_bands"))
                        .collect::<RhaiResult<Vec<_>>>()?;
                    let mut w = floats(rb, "fit: relative_bandpower")?;
                    if rb.read_lock::<Array>().is_none() {
                        w = vec![w[0]; bands.len()];
                    }
                    if w.len() != bands.len() {
                        return err(format!(
                            "fit: relative_bandpower has {} values for {} bands (one per band, or one number)",
                            w.len(),
                            bands.len()
                        ));
                    }
                    Objective::MaximizePsd {
                        f_bands: bands,
                        relative_bandpower: w,
                    }
                }
            };
            (Some(o), None)
        }
    };
    let params = st.constraints.clone();
    let x0 = st.initial_params.clone();
    lib(crate::optim::optimizer::check_params(&params, &x0, &s))
        .map_err(|e| format!("fit: {e}"))?;
    let base = st.net.0.borrow().net.clone();
    let set_params = st.set_params.clone();
    let solver = st.solver;
    drop(st);
    // set_params must work at the start point before anything is simulated
    let start: Vec<(String, f64)> = params
        .iter()
        .map(|p| p.name.clone())
        .zip(x0.iter().copied())
        .collect();
    build_net(&ctx, &set_params, &base, &start)?;
    let mut ev = ScriptEval {
        ctx: &ctx,
        set_params: set_params.clone(),
        base: base.clone(),
        named,
        custom,
        tstop: s.tstop,
        bar: super::progress::FitBar::new(),
    };
    let mut history = Vec::new();
    let r = fit(&params, &x0, solver, &s, &mut ev, &mut history);
    ev.bar.finish();
    let mut st = optim.0.borrow_mut();
    st.history = history;
    let r = r.map_err(|e| e.0)?;
    let named: Vec<(String, f64)> = params
        .iter()
        .map(|p| p.name.clone())
        .zip(r.opt_params.iter().copied())
        .collect();
    drop(st);
    let net = build_net(&ctx, &set_params, &base, &named)?;
    let mut st = optim.0.borrow_mut();
    st.net_ = Some(NetHandle::new(net));
    st.obj_ = r.obj;
    st.opt_params_ = Some(r.opt_params);
    Ok(())
}

fn history(st: &OptimState) -> Array {
    st.history
        .iter()
        .map(|e| {
            let mut p = Map::new();
            for (c, v) in st.constraints.iter().zip(&e.params) {
                p.insert(c.name.as_str().into(), Dynamic::from_float(*v));
            }
            let mut m = Map::new();
            m.insert("params".into(), p.into());
            m.insert("obj".into(), Dynamic::from_float(e.obj));
            m.insert("seconds".into(), Dynamic::from_float(e.seconds));
            m.into()
        })
        .collect()
}

fn float_array(v: &[f64]) -> Array {
    v.iter().map(|x| Dynamic::from_float(*x)).collect()
}

fn evoked(
    net: &mut NetHandle,
    tstop: f64,
    n_trials: i64,
    target: DipoleHandle,
    initial: Option<DipoleHandle>,
    map: Map,
) -> RhaiResult<Dynamic> {
    let kw = Kw::new(
        "optimize_evoked",
        map,
        &[
            "initial_dpl",
            "maxiter",
            "timing_range_multiplier",
            "sigma_range_multiplier",
            "synweight_range_multiplier",
            "decay_multiplier",
            "scale_factor",
            "smooth_window_len",
            "dt",
            "which_drives",
            "return_rmse",
            "compat",
        ],
    )?;
    let initial = match (initial, kw.get("initial_dpl")) {
        (Some(d), _) => d.0.borrow().clone(),
        (None, Some(v)) => dipole_of(v, "optimize_evoked: initial_dpl")?,
        (None, None) => {
            return err(
                "optimize_evoked: initial_dpl must be given (the processed dipole of the starting network)",
            );
        }
    };
    if n_trials < 1 {
        return err(format!(
            "optimize_evoked: n_trials = {n_trials} is invalid (at least 1)"
        ));
    }
    let d = EvokedSettings::default();
    let mut s = EvokedSettings {
        maxiter: match kw.get("maxiter") {
            Some(v) => uint(v, "optimize_evoked: maxiter")?,
            None => d.maxiter,
        },
        timing_range_multiplier: kw.num_or("timing_range_multiplier", d.timing_range_multiplier)?,
        sigma_range_multiplier: kw.num_or("sigma_range_multiplier", d.sigma_range_multiplier)?,
        synweight_range_multiplier: kw
            .num_or("synweight_range_multiplier", d.synweight_range_multiplier)?,
        decay_multiplier: kw.num_or("decay_multiplier", d.decay_multiplier)?,
        scale_factor: kw.num_or("scale_factor", d.scale_factor)?,
        smooth_window_len: kw.num("smooth_window_len")?,
        dt: kw.num_or("dt", d.dt)?,
        which_drives: None,
        compat: compat_of(kw.get("compat"))?,
    };
    if let Some(v) = kw.get("which_drives")
        && !(v.is_string() && string(v, "which_drives")? == "all")
    {
        let a = v
            .read_lock::<Array>()
            .ok_or("optimize_evoked: which_drives: expected \"all\" or a list of drive names")?;
        s.which_drives = Some(
            a.iter()
                .map(|x| string(x, "optimize_evoked: which_drives"))
                .collect::<RhaiResult<_>>()?,
        );
    }
    for (what, v) in [
        ("timing_range_multiplier", s.timing_range_multiplier),
        ("sigma_range_multiplier", s.sigma_range_multiplier),
        ("synweight_range_multiplier", s.synweight_range_multiplier),
        ("decay_multiplier", s.decay_multiplier),
        ("scale_factor", s.scale_factor),
    ] {
        if !v.is_finite() {
            return err(format!(
                "optimize_evoked: {what} = {v} is invalid (a finite number)"
            ));
        }
    }
    let return_rmse = kw.flag_or("return_rmse", false)?;
    let target = target.0.borrow().clone();
    let base = net.0.borrow().net.clone();
    let bar = super::progress::FitBar::new();
    let mut hist = Vec::new();
    let out = optimize_evoked(
        &base,
        tstop,
        n_trials as usize,
        &target,
        &initial,
        &s,
        &mut |done, total, best| bar.update(done, total, best),
        &mut hist,
    );
    bar.finish();
    let out = lib(out).map_err(|e| format!("optimize_evoked: {e}"))?;
    let net = Dynamic::from(NetHandle::new(out.net));
    if return_rmse {
        let rm: Array = hist.iter().map(|e| Dynamic::from_float(e.rmse)).collect();
        Ok(Dynamic::from_array(vec![net, rm.into()]))
    } else {
        Ok(net)
    }
}

/// Register `Optimizer` and `optimize_evoked`.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<OptimHandle>("Optimizer");
    engine.register_fn("Optimizer", new_optimizer);
    engine.register_fn(
        "Optimizer",
        |net: &mut NetHandle, tstop: Dynamic, constraints: Map, set_params: FnPtr| {
            optimizer_positional(net, tstop, constraints, set_params, Map::new())
        },
    );
    engine.register_fn("Optimizer", optimizer_positional);
    engine.register_fn("fit", fit_optimizer);
    engine.register_fn("fit", |ctx: NativeCallContext, o: &mut OptimHandle| {
        fit_optimizer(ctx, o, Map::new())
    });
    engine.register_get("net_", |o: &mut OptimHandle| -> Dynamic {
        o.0.borrow()
            .net_
            .clone()
            .map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_get("obj_", |o: &mut OptimHandle| {
        float_array(&o.0.borrow().obj_)
    });
    engine.register_get("opt_params_", |o: &mut OptimHandle| -> Dynamic {
        o.0.borrow()
            .opt_params_
            .as_ref()
            .map_or(Dynamic::UNIT, |p| float_array(p).into())
    });
    engine.register_get("history", |o: &mut OptimHandle| history(&o.0.borrow()));
    engine.register_get("solver", |o: &mut OptimHandle| {
        o.0.borrow().solver.name().to_string()
    });
    engine.register_get("max_iter", |o: &mut OptimHandle| {
        o.0.borrow().max_iter as i64
    });
    engine.register_get("tstop", |o: &mut OptimHandle| o.0.borrow().tstop);
    engine.register_get("constraints", |o: &mut OptimHandle| -> Map {
        o.0.borrow()
            .constraints
            .iter()
            .map(|p| (p.name.as_str().into(), float_array(&[p.lo, p.hi]).into()))
            .collect()
    });
    engine.register_get("initial_params", |o: &mut OptimHandle| -> Map {
        let st = o.0.borrow();
        st.constraints
            .iter()
            .zip(&st.initial_params)
            .map(|(p, v)| (p.name.as_str().into(), Dynamic::from_float(*v)))
            .collect()
    });
    engine.register_get("obj_fun", |o: &mut OptimHandle| -> Dynamic {
        match &o.0.borrow().obj_fun {
            ObjFun::Named(s) => s.clone().into(),
            ObjFun::Custom(f) => Dynamic::from(f.clone()),
        }
    });
    engine.register_fn("plot_convergence", |o: &mut OptimHandle| {
        convergence(o, Map::new())
    });
    engine.register_fn("plot_convergence", convergence);
    let show = |o: &mut OptimHandle| {
        let st = o.0.borrow();
        format!(
            "<Optimizer | solver={}, obj_fun={}, {} parameters, max_iter={}, fit={}>",
            st.solver.name(),
            match &st.obj_fun {
                ObjFun::Named(s) => s.as_str(),
                ObjFun::Custom(_) => "custom",
            },
            st.constraints.len(),
            st.max_iter,
            if st.net_.is_some() { "True" } else { "False" }
        )
    };
    engine.register_fn("to_string", show);
    engine.register_fn("to_debug", show);
    engine.register_fn(
        "optimize_evoked",
        |net: &mut NetHandle, tstop: Dynamic, n_trials: i64, target: DipoleHandle, map: Map| {
            evoked(
                net,
                num(&tstop, "optimize_evoked: tstop")?,
                n_trials,
                target,
                None,
                map,
            )
        },
    );
    engine.register_fn(
        "optimize_evoked",
        |net: &mut NetHandle,
         tstop: Dynamic,
         n_trials: i64,
         target: DipoleHandle,
         initial: DipoleHandle| {
            evoked(
                net,
                num(&tstop, "optimize_evoked: tstop")?,
                n_trials,
                target,
                Some(initial),
                Map::new(),
            )
        },
    );
    engine.register_fn(
        "optimize_evoked",
        |net: &mut NetHandle,
         tstop: Dynamic,
         n_trials: i64,
         target: DipoleHandle,
         initial: DipoleHandle,
         map: Map| {
            evoked(
                net,
                num(&tstop, "optimize_evoked: tstop")?,
                n_trials,
                target,
                Some(initial),
                map,
            )
        },
    );
}

/// hnn-core's positional form `Optimizer(net, tstop, constraints, set_params, #{ ... })`.
fn optimizer_positional(
    net: &mut NetHandle,
    tstop: Dynamic,
    constraints: Map,
    set_params: FnPtr,
    mut map: Map,
) -> RhaiResult<OptimHandle> {
    for k in ["tstop", "constraints", "set_params"] {
        if map.contains_key(k) {
            return err(format!(
                "Optimizer: {k} given both by position and in the map"
            ));
        }
    }
    map.insert("tstop".into(), tstop);
    map.insert("constraints".into(), constraints.into());
    map.insert("set_params".into(), Dynamic::from(set_params));
    new_optimizer(net, map)
}

fn convergence(o: &mut OptimHandle, map: Map) -> RhaiResult<FigHandle> {
    let kw = Kw::new("plot_convergence", map, &["ax", "show"])?;
    let st = o.0.borrow();
    if st.obj_.is_empty() {
        return err(
            "plot_convergence: the optimizer has not been fit yet (call optim.fit(...) first)",
        );
    }
    let f = lib(crate::viz::plots::plot_convergence(&st.obj_))?;
    place(f, kw.get("ax"))
}
