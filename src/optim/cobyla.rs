//! COBYLA (Powell's Constrained Optimization BY Linear Approximations) as scipy ≥ 1.16 runs
//! it through PRIMA: the same simplex, trust-region and penalty updates, step for step, so
//! that the points it evaluates are the points `scipy.optimize.fmin_cobyla` evaluates
//! (checked iterate for iterate against scipy in `tests/optim_cobyla.rs`).
//!
//! Constraint values follow PRIMA's sign: `c ≤ 0` is satisfied.

use super::linalg::{argmax, argmin, dot, inverse_of_columns, norm, psum};
use super::trstlp::trstlp;

const EPS: f64 = f64::EPSILON;
const REALMAX: f64 = f64::MAX;
const FUNCMAX: f64 = 1e30;
const CONSTRMAX: f64 = 1e30;
const ETA1: f64 = 0.1;
const ETA2: f64 = 0.7;
const GAMMA1: f64 = 0.5;
const GAMMA2: f64 = 2.0;

/// The settings hnn-core passes to `fmin_cobyla`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CobylaSettings {
    /// Initial trust-region radius (hnn-core: 0.1, in the parameters' own units).
    pub rhobeg: f64,
    /// Final radius (hnn-core: 1e-4).
    pub rhoend: f64,
    /// Most evaluations; raised to n + 2 as PRIMA does.
    pub maxfun: usize,
    /// Largest constraint violation still counted as feasible (hnn-core: 0).
    pub ctol: f64,
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CobylaStop {
    /// The trust region shrank to `rhoend`.
    SmallRadius,
    /// `maxfun` evaluations were made.
    MaxFun,
    /// The objective or a constraint became NaN or +∞.
    NonFinite,
    /// Rounding errors damaged the simplex.
    DamagingRounding,
    /// The iteration limit (10 × maxfun trust-region steps) was reached.
    MaxIterations,
}

/// The point COBYLA selects at the end (PRIMA's `selectx`) and the evaluations it made.
#[derive(Debug, Clone, PartialEq)]
pub struct CobylaOut {
    /// Selected point.
    pub x: Vec<f64>,
    /// Its objective value.
    pub f: f64,
    /// Its constraint violation (largest positive constraint value).
    pub cstrv: f64,
    /// Number of evaluations.
    pub nf: usize,
    /// Why it stopped.
    pub stop: CobylaStop,
}

/// The objective and constraint values at a point (`c ≤ 0` satisfied).
pub type CalcFc<'a, E> = dyn FnMut(&[f64]) -> Result<(f64, Vec<f64>), E> + 'a;

/// One evaluation as the solver stores it.
struct Eval {
    x: Vec<f64>,
    f: f64,
    constr: Vec<f64>,
    cstrv: f64,
}

fn cviolation(c: &[f64]) -> f64 {
    c.iter()
        .fold(0.0f64, |s, v| if *v > s || v.is_nan() { *v } else { s })
}

/// Minimise `f(x)` subject to `c(x) ≤ 0`, where `calcfc(x)` returns `(f, c)` with a fixed
/// number of constraint values. The first call is at `x0`; an `Err` from `calcfc` stops the
/// run and is returned.
pub fn cobyla<E>(
    calcfc: &mut CalcFc<'_, E>,
    x0: &[f64],
    settings: &CobylaSettings,
) -> Result<CobylaOut, E> {
    let n = x0.len();
    let maxfun = settings.maxfun.max(n + 2);
    let rhobeg = settings.rhobeg;
    let rhoend = if settings.rhoend <= 0.0 || rhobeg < settings.rhoend {
        EPS.max((0.1 * rhobeg).min(1e-6))
    } else {
        settings.rhoend
    };
    let ctol = settings.ctol;
    let mut hist: Vec<Eval> = Vec::new();
    let mut evaluate = |x: &[f64], hist: &mut Vec<Eval>| -> Result<(f64, Vec<f64>, f64), E> {
        let x: Vec<f64> = x
            .iter()
            .map(|v| {
                if v.is_nan() {
                    0.0
                } else {
                    v.clamp(-REALMAX, REALMAX)
                }
            })
            .collect();
        let (f, c) = calcfc(&x)?;
        let f = if f.is_nan() {
            FUNCMAX
        } else {
            f.clamp(-REALMAX, FUNCMAX)
        };
        let c: Vec<f64> = c
            .iter()
            .map(|v| {
                if v.is_nan() {
                    CONSTRMAX
                } else {
                    v.clamp(-CONSTRMAX, CONSTRMAX)
                }
            })
            .collect();
        let cstrv = cviolation(&c);
        hist.push(Eval {
            x,
            f,
            constr: c.clone(),
            cstrv,
        });
        Ok((f, c, cstrv))
    };

    // Initial simplex: x0, then x0 + rhobeg·e_j, the base moving to any strictly better point.
    let mut sim: Vec<Vec<f64>> = (0..=n)
        .map(|j| {
            (0..n)
                .map(|i| {
                    if j == n {
                        x0[i]
                    } else if i == j {
                        rhobeg
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let (f0, c0, cv0) = evaluate(x0, &mut hist)?;
    let m = c0.len();
    let mut fval = vec![REALMAX; n + 1];
    let mut cval = vec![REALMAX; n + 1];
    let mut conmat = vec![vec![REALMAX; m]; n + 1];
    let mut nf = 0;
    let mut stop = None;
    for k in 0..=n {
        let mut x = sim[n].clone();
        let (j, f, c, cs) = if k == 0 {
            (n, f0, c0.clone(), cv0)
        } else {
            let j = k - 1;
            x[j] += rhobeg;
            let (f, c, cs) = evaluate(&x, &mut hist)?;
            (j, f, c, cs)
        };
        nf += 1;
        fval[j] = f;
        conmat[j] = c;
        cval[j] = cs;
        if let Some(s) = check_break(maxfun, k, cs, &x, f) {
            stop = Some(s);
            break;
        }
        if j < n && fval[j] < fval[n] {
            fval.swap(j, n);
            cval.swap(j, n);
            conmat.swap(j, n);
            sim[n] = x;
            for c in 0..=j {
                sim[c][j] = -rhobeg;
            }
        }
    }
    if let Some(s) = stop {
        return Ok(select(&hist, ctol, 1e8, nf, s));
    }
    let simi = inverse_of_columns(&sim[..n]);

    let mut st = State {
        n,
        sim,
        simi,
        fval,
        cval,
        conmat,
    };
    let mut rho = rhobeg;
    let mut delta = rhobeg;
    let cpenmin = EPS;
    let mut cpen = cpenmin.max(1e3f64.min(fcratio(&st.conmat, &st.fval)));
    let mut shortd = false;
    let mut ratio = -1.0;
    let mut jdrop_tr: Option<usize> = Some(0);
    let gamma3 = 1f64.max((0.75 * GAMMA2).min(1.5));
    let maxtr = 10 * maxfun;
    let mut stop = CobylaStop::MaxIterations;
    let mut d = vec![0.0; n];
    'tr: for _ in 0..maxtr {
        cpen = st.getcpen(cpen, delta);
        if !st.updatepole(cpen) {
            stop = CobylaStop::DamagingRounding;
            break;
        }
        let adequate_geo = st.col_sq_norms().iter().all(|v| *v <= 4.0 * delta * delta);
        let (g, a) = st.gradients();
        let b: Vec<f64> = st.conmat[n].iter().map(|v| -v).collect();
        d = trstlp(&a, &b, delta, &g);
        let dnorm = delta.min(norm(&d));
        shortd = dnorm <= 0.1 * rho;
        let preref = -dot(&d, &g);
        let prerec = st.cval[n] - lin_violation(&st.conmat[n], &d, &a, 1.0);
        let prerem = preref + cpen * prerec;
        let trfail = !(prerem > 1e-6 * cpen.min(1.0) * rho);
        if shortd || trfail {
            delta *= 0.1;
            if delta <= gamma3 * rho {
                delta = rho;
            }
        } else {
            let x: Vec<f64> = st.sim[n].iter().zip(&d).map(|(s, d)| s + d).collect();
            let (f, c, cs) = match st.nearby(&x, rhoend) {
                Some(j) => (st.fval[j], st.conmat[j].clone(), st.cval[j]),
                None => {
                    nf += 1;
                    evaluate(&x, &mut hist)?
                }
            };
            let actrem = (st.fval[n] + cpen * st.cval[n]) - (f + cpen * cs);
            ratio = redrat(actrem, prerem, ETA1);
            delta = trrad(delta, dnorm, ratio);
            if delta <= gamma3 * rho {
                delta = rho;
            }
            let ximproved = actrem > 0.0;
            jdrop_tr = st.setdrop_tr(ximproved, &d, delta, rho);
            if !st.updatexfc(jdrop_tr, c, cpen, cs, &d, f) {
                stop = CobylaStop::DamagingRounding;
                break;
            }
            if let Some(s) = check_break(maxfun, nf, cs, &x, f) {
                stop = s;
                break;
            }
        }
        let bad_trstep = shortd || trfail || ratio <= 0.0 || jdrop_tr.is_none();
        let improve_geo = bad_trstep && !adequate_geo;
        let reduce_rho = bad_trstep && adequate_geo && delta.max(dnorm) <= rho;
        if improve_geo {
            let sq = st.col_sq_norms();
            if !sq.iter().all(|v| *v <= 4.0 * delta * delta) {
                let jdrop_geo = argmax(&sq);
                d = st.geostep(jdrop_geo, cpen, delta / 2.0);
                let x: Vec<f64> = st.sim[n].iter().zip(&d).map(|(s, d)| s + d).collect();
                let (f, c, cs) = match st.nearby(&x, rhoend) {
                    Some(j) => (st.fval[j], st.conmat[j].clone(), st.cval[j]),
                    None => {
                        nf += 1;
                        evaluate(&x, &mut hist)?
                    }
                };
                if !st.updatexfc(Some(jdrop_geo), c, cpen, cs, &d, f) {
                    stop = CobylaStop::DamagingRounding;
                    break 'tr;
                }
                if let Some(s) = check_break(maxfun, nf, cs, &x, f) {
                    stop = s;
                    break 'tr;
                }
            }
        }
        if reduce_rho {
            if rho <= rhoend {
                stop = CobylaStop::SmallRadius;
                break;
            }
            delta = (0.5 * rho).max(redrho(rho, rhoend));
            rho = redrho(rho, rhoend);
            cpen = cpenmin.max(cpen.min(fcratio(&st.conmat, &st.fval)));
            if !st.updatepole(cpen) {
                stop = CobylaStop::DamagingRounding;
                break;
            }
        }
    }
    let x: Vec<f64> = st.sim[n].iter().zip(&d).map(|(s, d)| s + d).collect();
    let moved: Vec<f64> = x.iter().zip(&st.sim[n]).map(|(a, b)| a - b).collect();
    if stop == CobylaStop::SmallRadius && shortd && norm(&moved) > 1e-3 * rhoend && nf < maxfun {
        nf += 1;
        evaluate(&x, &mut hist)?;
    }
    Ok(select(&hist, ctol, cpen.max(1e8), nf, stop))
}

fn check_break(maxfun: usize, nf: usize, cstrv: f64, x: &[f64], f: f64) -> Option<CobylaStop> {
    let mut out = None;
    if x.iter().any(|v| !v.is_finite()) || f.is_nan() || f == f64::INFINITY {
        out = Some(CobylaStop::NonFinite);
    }
    if cstrv.is_nan() || cstrv == f64::INFINITY {
        out = Some(CobylaStop::NonFinite);
    }
    if nf >= maxfun {
        out = Some(CobylaStop::MaxFun);
    }
    out
}

/// max(0, maxₖ(cₖ + s·(d·aₖ))).
fn lin_violation(c: &[f64], d: &[f64], a: &[Vec<f64>], s: f64) -> f64 {
    c.iter()
        .zip(a)
        .fold(0.0f64, |m, (ck, ak)| m.max(ck + s * dot(d, ak)))
}

/// The ratio of the typical change of f to that of the constraints (COBYLA paper (12)–(13)).
fn fcratio(conmat: &[Vec<f64>], fval: &[f64]) -> f64 {
    let m = conmat.first().map_or(0, |c| c.len());
    let fmin = fval.iter().cloned().fold(f64::INFINITY, f64::min);
    let fmax = fval.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut denom = f64::INFINITY;
    let mut any = false;
    for k in 0..m {
        let cmin = conmat.iter().map(|c| -c[k]).fold(f64::INFINITY, f64::min);
        let cmax = conmat
            .iter()
            .map(|c| -c[k])
            .fold(f64::NEG_INFINITY, f64::max);
        if cmin < 0.5 * cmax {
            any = true;
            denom = denom.min(cmax.max(0.0) - cmin);
        }
    }
    if any && fmin < fmax {
        (fmax - fmin) / denom
    } else {
        0.0
    }
}

fn redrat(ared: f64, pred: f64, rshrink: f64) -> f64 {
    if ared.is_nan() {
        -REALMAX
    } else if pred.is_nan() || pred <= 0.0 {
        if ared > 0.0 { rshrink / 2.0 } else { -REALMAX }
    } else if pred == f64::INFINITY && ared == f64::INFINITY {
        1.0
    } else if pred == f64::INFINITY && ared == f64::NEG_INFINITY {
        -REALMAX
    } else {
        ared / pred
    }
}

fn trrad(delta: f64, dnorm: f64, ratio: f64) -> f64 {
    if ratio <= ETA1 {
        GAMMA1 * dnorm
    } else if ratio <= ETA2 {
        (GAMMA1 * delta).max(dnorm)
    } else {
        (GAMMA1 * delta).max(GAMMA2 * dnorm)
    }
}

fn redrho(rho: f64, rhoend: f64) -> f64 {
    let r = rho / rhoend;
    if r > 250.0 {
        0.1 * rho
    } else if r <= 16.0 {
        rhoend
    } else {
        r.sqrt() * rhoend
    }
}

/// PRIMA's `selectx` over every evaluation: the best objective among the least violating.
fn select(hist: &[Eval], ctol: f64, cweight: f64, nf: usize, stop: CobylaStop) -> CobylaOut {
    let fh: Vec<f64> = hist.iter().map(|e| e.f).collect();
    let ch: Vec<f64> = hist.iter().map(|e| e.cstrv).collect();
    let both = |fr: f64, cr: f64| fh.iter().zip(&ch).any(|(f, c)| *f < fr && *c < cr);
    let (fref, cref) = if both(FUNCMAX, CONSTRMAX) {
        (FUNCMAX, CONSTRMAX)
    } else if both(REALMAX, CONSTRMAX) {
        (REALMAX, CONSTRMAX)
    } else if both(FUNCMAX, REALMAX) {
        (FUNCMAX, REALMAX)
    } else {
        (REALMAX, REALMAX)
    };
    let kopt = if !both(fref, cref) {
        hist.len() - 1
    } else {
        let cs: Vec<f64> = ch.iter().map(|c| (c - ctol).max(0.0)).collect();
        let cmin = (0..hist.len())
            .filter(|&k| fh[k] < fref)
            .map(|k| cs[k])
            .fold(f64::INFINITY, f64::min);
        let cref = EPS.max(2.0 * cmin);
        let phi: Vec<f64> = (0..hist.len())
            .map(|k| fh[k].max(-REALMAX) + cweight * cs[k])
            .collect();
        let phimin = (0..hist.len())
            .filter(|&k| fh[k] < fref && cs[k] <= cref)
            .map(|k| phi[k])
            .fold(f64::INFINITY, f64::min);
        let cref = (0..hist.len())
            .filter(|&k| fh[k] < fref && phi[k] <= phimin)
            .map(|k| cs[k])
            .fold(f64::INFINITY, f64::min);
        let fref = (0..hist.len())
            .filter(|&k| cs[k] <= cref)
            .map(|k| fh[k])
            .fold(f64::INFINITY, f64::min);
        let mut best = None;
        for k in 0..hist.len() {
            if fh[k] > fref {
                continue;
            }
            match best {
                None => best = Some(k),
                Some(b) if ch[k] < ch[b] => best = Some(k),
                _ => {}
            }
        }
        best.unwrap_or(hist.len() - 1)
    };
    let e = &hist[kopt];
    let _ = &e.constr;
    CobylaOut {
        x: e.x.clone(),
        f: e.f,
        cstrv: e.cstrv,
        nf,
        stop,
    }
}

/// The simplex: `sim[n]` is the best point (the pole), `sim[j]` (j < n) the displacement of
/// vertex j from it; `simi` the inverse of the displacement matrix (row-wise).
struct State {
    n: usize,
    sim: Vec<Vec<f64>>,
    simi: Vec<Vec<f64>>,
    fval: Vec<f64>,
    cval: Vec<f64>,
    conmat: Vec<Vec<f64>>,
}

impl State {
    /// Σᵢ sim[j][i]² for every displacement column.
    fn col_sq_norms(&self) -> Vec<f64> {
        self.sim[..self.n]
            .iter()
            .map(|c| c.iter().fold(0.0, |s, v| s + v * v))
            .collect()
    }

    /// The linear models' gradients: objective `g` and constraints `a[k]`.
    fn gradients(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = self.n;
        let m = self.conmat[n].len();
        let mut g = vec![0.0; n];
        for (i, row) in self.simi.iter().enumerate() {
            let df = self.fval[i] - self.fval[n];
            for j in 0..n {
                g[j] = df.mul_add(row[j], g[j]);
            }
        }
        let mut a = vec![vec![0.0; n]; m];
        for k in 0..m {
            for (i, row) in self.simi.iter().enumerate() {
                let dc = self.conmat[i][k] - self.conmat[n][k];
                for j in 0..n {
                    a[k][j] = dc.mul_add(row[j], a[k][j]);
                }
            }
        }
        (g, a)
    }

    fn simi_times(&self, d: &[f64]) -> Vec<f64> {
        self.simi.iter().map(|row| dot(row, d)).collect()
    }

    /// The vertex within 1e-4·rhoend of `x`, if any (its values are reused).
    fn nearby(&self, x: &[f64], rhoend: f64) -> Option<usize> {
        let n = self.n;
        let mut distsq = vec![0.0; n + 1];
        let diff: Vec<f64> = x
            .iter()
            .zip(&self.sim[n])
            .map(|(a, b)| (a - b) * (a - b))
            .collect();
        distsq[n] = psum(&diff);
        for j in 0..n {
            let diff: Vec<f64> = (0..n)
                .map(|i| {
                    let t = x[i] - (self.sim[n][i] + self.sim[j][i]);
                    t * t
                })
                .collect();
            distsq[j] = diff.iter().fold(0.0, |s, v| s + v);
        }
        let j = argmin(&distsq);
        let tol = 1e-4 * rhoend;
        (distsq[j] <= tol * tol).then_some(j)
    }

    fn findpole(&self, cpen: f64) -> usize {
        let n = self.n;
        let phi: Vec<f64> = (0..=n)
            .map(|j| self.fval[j] + cpen * self.cval[j])
            .collect();
        let phimin = phi.iter().cloned().fold(f64::INFINITY, f64::min);
        let mut jopt = n;
        if phimin < phi[n] || (0..=n).any(|j| self.cval[j] < self.cval[n] && phi[j] <= phi[n]) {
            let mut best: Option<usize> = None;
            for j in 0..=n {
                if phi[j] > phimin {
                    continue;
                }
                match best {
                    None => best = Some(j),
                    Some(b) if self.cval[j] < self.cval[b] => best = Some(j),
                    _ => {}
                }
            }
            jopt = best.unwrap_or(n);
        }
        jopt
    }

    /// The largest |simi·sim − I|.
    fn inverse_error(simi: &[Vec<f64>], sim: &[Vec<f64>]) -> f64 {
        let n = simi.len();
        let mut e = 0.0f64;
        for i in 0..n {
            for j in 0..n {
                let v = dot(&simi[i], &sim[j]) - if i == j { 1.0 } else { 0.0 };
                if v.is_nan() {
                    return f64::NAN;
                }
                e = e.max(v.abs());
            }
        }
        e
    }

    /// Keep `simi` an inverse of the displacements, re-inverting when it drifted; false
    /// when even that leaves an error above 1.
    fn check_inverse(&mut self) -> bool {
        let n = self.n;
        let mut erri = Self::inverse_error(&self.simi, &self.sim[..n]);
        if erri > 0.1 || erri.is_nan() {
            let test = inverse_of_columns(&self.sim[..n]);
            let et = Self::inverse_error(&test, &self.sim[..n]);
            if et < erri || (erri.is_nan() && !et.is_nan()) {
                self.simi = test;
                erri = et;
            }
        }
        erri <= 1.0
    }

    /// Make the vertex with the best merit the pole.
    fn updatepole(&mut self, cpen: f64) -> bool {
        let n = self.n;
        let jopt = self.findpole(cpen);
        let (sim_old, simi_old) = (self.sim.clone(), self.simi.clone());
        if jopt < n {
            let sj = self.sim[jopt].clone();
            for i in 0..n {
                self.sim[n][i] += sj[i];
            }
            self.sim[jopt].iter_mut().for_each(|v| *v = 0.0);
            for j in 0..n {
                for i in 0..n {
                    self.sim[j][i] -= sj[i];
                }
            }
            let mut colsum = vec![0.0; n];
            for row in &self.simi {
                for j in 0..n {
                    colsum[j] += row[j];
                }
            }
            self.simi[jopt] = colsum.iter().map(|v| -v).collect();
        }
        if self.check_inverse() {
            if jopt < n {
                self.fval.swap(jopt, n);
                self.conmat.swap(jopt, n);
                self.cval.swap(jopt, n);
            }
            true
        } else {
            self.sim = sim_old;
            self.simi = simi_old;
            false
        }
    }

    /// Replace vertex `jdrop` by the new point `pole + d`.
    fn updatexfc(
        &mut self,
        jdrop: Option<usize>,
        constr: Vec<f64>,
        cpen: f64,
        cstrv: f64,
        d: &[f64],
        f: f64,
    ) -> bool {
        let n = self.n;
        let Some(jdrop) = jdrop else {
            return true;
        };
        if jdrop < n {
            self.sim[jdrop] = d.to_vec();
            let denom = dot(&self.simi[jdrop], d);
            let simi_jdrop: Vec<f64> = self.simi[jdrop].iter().map(|v| v / denom).collect();
            let sd = self.simi_times(d);
            for i in 0..n {
                for j in 0..n {
                    self.simi[i][j] -= sd[i] * simi_jdrop[j];
                }
            }
            self.simi[jdrop] = simi_jdrop;
        } else {
            for i in 0..n {
                self.sim[n][i] += d[i];
            }
            for j in 0..n {
                for i in 0..n {
                    self.sim[j][i] -= d[i];
                }
            }
            let simid = self.simi_times(d);
            let mut colsum = vec![0.0; n];
            for row in &self.simi {
                for j in 0..n {
                    colsum[j] += row[j];
                }
            }
            let s: f64 = simid.iter().fold(0.0, |a, b| a + b);
            let scale = 1.0 - s;
            for i in 0..n {
                for j in 0..n {
                    self.simi[i][j] += simid[i] * (colsum[j] / scale);
                }
            }
        }
        if !self.check_inverse() {
            return false;
        }
        self.fval[jdrop] = f;
        self.conmat[jdrop] = constr;
        self.cval[jdrop] = cstrv;
        self.updatepole(cpen)
    }

    /// The vertex to drop after a trust-region step (PRIMA's `setdrop_tr`).
    fn setdrop_tr(&self, ximproved: bool, d: &[f64], delta: f64, rho: f64) -> Option<usize> {
        let n = self.n;
        let mut distsq = vec![0.0; n + 1];
        for j in 0..n {
            distsq[j] = if ximproved {
                (0..n).fold(0.0, |s, i| {
                    let t = self.sim[j][i] - d[i];
                    s + t * t
                })
            } else {
                self.sim[j].iter().fold(0.0, |s, v| s + v * v)
            };
        }
        distsq[n] = if ximproved {
            psum(&d.iter().map(|v| v * v).collect::<Vec<_>>())
        } else {
            0.0
        };
        let r = rho.max(delta / 10.0);
        let simid = self.simi_times(d);
        let mut score: Vec<f64> = (0..=n)
            .map(|j| {
                let w = 1f64.max(distsq[j] / (r * r));
                let s = if j < n { simid[j] } else { 1.0 - psum(&simid) };
                w * s.abs()
            })
            .collect();
        if !ximproved {
            score[n] = -1.0;
        }
        for s in score.iter_mut() {
            if s.is_nan() {
                *s = -1.0;
            }
        }
        if score.iter().any(|s| *s > 0.0) {
            Some(argmax(&score))
        } else if ximproved {
            Some(argmax(&distsq))
        } else {
            None
        }
    }

    /// A step of length `delbar` that improves the simplex's geometry (PRIMA's `geostep`).
    fn geostep(&self, jdrop: usize, cpen: f64, delbar: f64) -> Vec<f64> {
        let n = self.n;
        let row = &self.simi[jdrop];
        let nr = norm(row);
        let mut d: Vec<f64> = row.iter().map(|v| delbar * (v / nr)).collect();
        let (g, a) = self.gradients();
        let cvpd = lin_violation(&self.conmat[n], &d, &a, 1.0);
        let cvnd = lin_violation(&self.conmat[n], &d, &a, -1.0);
        if -dot(&d, &g) + cpen * cvnd < dot(&d, &g) + cpen * cvpd {
            d.iter_mut().for_each(|v| *v = -*v);
        }
        d
    }

    /// The penalty parameter that makes the predicted merit reduction positive (PRIMA's
    /// `getcpen`), computed on a copy of the simplex.
    fn getcpen(&self, mut cpen: f64, delta: f64) -> f64 {
        let n = self.n;
        let mut st = State {
            n,
            sim: self.sim.clone(),
            simi: self.simi.clone(),
            fval: self.fval.clone(),
            cval: self.cval.clone(),
            conmat: self.conmat.clone(),
        };
        for _ in 0..=n {
            if !st.updatepole(cpen) {
                break;
            }
            let (g, a) = st.gradients();
            let b: Vec<f64> = st.conmat[n].iter().map(|v| -v).collect();
            let d = trstlp(&a, &b, delta, &g);
            let preref = -dot(&d, &g);
            let prerec = st.cval[n] - lin_violation(&st.conmat[n], &d, &a, 1.0);
            if !(prerec > 0.0 && preref < 0.0) {
                break;
            }
            cpen = cpen.max((-2.0 * preref / prerec).min(REALMAX));
            if st.findpole(cpen) == n {
                break;
            }
        }
        cpen
    }
}
