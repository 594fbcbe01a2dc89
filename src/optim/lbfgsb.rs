//! L-BFGS-B (Byrd, Lu, Nocedal and Zhu 1995, with Morales and Nocedal's 2011 subspace
//! step) for the small bound-constrained problems of fitting a Gaussian process's kernel, with
//! the settings of `scipy.optimize.minimize(method="L-BFGS-B")`: 10 correction pairs,
//! relative reduction of f below 2.22e-9, projected gradient below 1e-5, at most 20 trial
//! points per line search (Moré and Thuente's, sufficient decrease 1e-3, curvature 0.9).
//!
//! The problems are tiny (two hyperparameters), so the limited-memory matrix is formed
//! densely from its correction pairs instead of through the compact representation; the
//! path (Cauchy point, subspace step, line-search trial points, restarts) is the method's.
//! It matters which local optimum the fit lands in, because hnn-core's Bayesian loop picks
//! its next candidate from the surrogate that scipy's L-BFGS-B fitted.

use super::linalg::{backward, cholesky, forward};

/// A function returning its value and gradient at a point.
pub type ValueAndGradient<'a> = dyn FnMut(&[f64]) -> (f64, Vec<f64>) + 'a;

const M: usize = 10;
const FTOL: f64 = 2.220_446_049_250_313e-9;
const PGTOL: f64 = 1e-5;
const MAX_ITER: usize = 15_000;
const MAX_LS: usize = 20;
const EPS: f64 = f64::EPSILON;

/// `a > b ? a : b`, the comparison the reference uses (a NaN `a` gives `b`).
fn max(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// `a < b ? a : b` (a NaN `a` gives `b`).
fn min(a: f64, b: f64) -> f64 {
    if a < b { a } else { b }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The limited-memory BFGS matrix: θI updated by the stored pairs, oldest first.
fn bfgs_matrix(n: usize, theta: f64, pairs: &[(Vec<f64>, Vec<f64>)]) -> Vec<Vec<f64>> {
    let mut b: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { theta } else { 0.0 }).collect())
        .collect();
    for (s, y) in pairs {
        let bs: Vec<f64> = b.iter().map(|row| dot(row, s)).collect();
        let sbs = dot(s, &bs);
        let ys = dot(y, s);
        for i in 0..n {
            for j in 0..n {
                b[i][j] += y[i] * y[j] / ys - bs[i] * bs[j] / sbs;
            }
        }
    }
    b
}

fn mat_vec(b: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    b.iter().map(|row| dot(row, v)).collect()
}

/// The infinity norm of the projected gradient.
fn projected_gradient_norm(x: &[f64], g: &[f64], lo: &[f64], hi: &[f64]) -> f64 {
    let mut norm: f64 = 0.0;
    for i in 0..x.len() {
        let gi = if g[i] < 0.0 {
            max(x[i] - hi[i], g[i])
        } else {
            min(x[i] - lo[i], g[i])
        };
        norm = max(norm, gi.abs());
    }
    norm
}

/// The generalized Cauchy point: the first local minimiser of the quadratic model along
/// the projected steepest-descent path. Returns the point and which variables it left free.
fn cauchy_point(
    x: &[f64],
    g: &[f64],
    lo: &[f64],
    hi: &[f64],
    b: &[Vec<f64>],
) -> (Vec<f64>, Vec<bool>) {
    let n = x.len();
    let mut d = vec![0.0; n];
    let mut free = vec![true; n];
    // breakpoints: (t, variable)
    let mut breaks: Vec<(f64, usize)> = Vec::new();
    for i in 0..n {
        let neg = -g[i];
        let (tl, tu) = (x[i] - lo[i], hi[i] - x[i]);
        if tl <= 0.0 && neg <= 0.0 || tu <= 0.0 && neg >= 0.0 {
            free[i] = false;
            continue;
        }
        d[i] = neg;
        if neg < 0.0 {
            breaks.push((tl / -neg, i));
        } else if neg > 0.0 {
            breaks.push((tu / neg, i));
        }
    }
    let mut xcp = x.to_vec();
    if d.iter().all(|v| *v == 0.0) {
        return (xcp, free);
    }
    // stable order of breakpoints (ties: lower index first)
    breaks.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let bd = mat_vec(b, &d);
    let mut f1 = -dot(&d, &d);
    let f2_org = dot(&d, &bd);
    let mut f2 = f2_org;
    let mut dtm = -f1 / f2;
    let mut tsum = 0.0;
    let mut tj = 0.0;
    let nbreak = breaks.len();
    for (k, &(t, ibp)) in breaks.iter().enumerate() {
        let tj0 = tj;
        tj = t;
        let dt = tj - tj0;
        if dtm < dt {
            break;
        }
        tsum += dt;
        let dibp = d[ibp];
        d[ibp] = 0.0;
        xcp[ibp] = if dibp > 0.0 { hi[ibp] } else { lo[ibp] };
        free[ibp] = false;
        let nleft = nbreak - k - 1;
        if nleft == 0 && nbreak == n {
            // every variable is at a bound
            return (xcp, free);
        }
        if nleft == 0 {
            // all variables that move are bounded: the path ends here
            dtm = 0.0;
            break;
        }
        // derivatives of the model along the remaining direction from the breakpoint
        let z: Vec<f64> = (0..n)
            .map(|i| {
                if d[i] == 0.0 {
                    xcp[i] - x[i]
                } else {
                    tsum * d[i]
                }
            })
            .collect();
        let bd = mat_vec(b, &d);
        f1 = dot(g, &d) + dot(&z, &bd);
        f2 = max(EPS * f2_org, dot(&d, &bd));
        dtm = -f1 / f2;
    }
    let dtm = max(dtm, 0.0);
    tsum += dtm;
    for i in 0..n {
        if d[i] != 0.0 {
            xcp[i] = x[i] + tsum * d[i];
        }
    }
    (xcp, free)
}

/// The longest step, at most `cap`, along `d` from `x` that stays within `[lo, hi]` (0 when
/// `x` is already on the bound `d` points at).
fn box_limit(x: f64, d: f64, lo: f64, hi: f64, cap: f64) -> f64 {
    if d < 0.0 {
        let room = lo - x;
        if room >= 0.0 {
            0.0
        } else if d * cap < room {
            room / d
        } else {
            cap
        }
    } else if d > 0.0 {
        let room = hi - x;
        if room <= 0.0 {
            0.0
        } else if d * cap > room {
            room / d
        } else {
            cap
        }
    } else {
        cap
    }
}

/// The subspace step from the Cauchy point: the model's minimiser over the free variables,
/// projected onto the box if that stays a descent direction, otherwise truncated at the
/// first bound.
fn subspace_step(
    x: &[f64],
    g: &[f64],
    lo: &[f64],
    hi: &[f64],
    b: &[Vec<f64>],
    xcp: &[f64],
    free: &[bool],
) -> Vec<f64> {
    let n = x.len();
    let idx: Vec<usize> = (0..n).filter(|&i| free[i]).collect();
    let nf = idx.len();
    if nf == 0 {
        return xcp.to_vec();
    }
    let z: Vec<f64> = (0..n).map(|i| xcp[i] - x[i]).collect();
    let bz = mat_vec(b, &z);
    // the model's Newton step on the free variables: (ZᵀBZ) d = −Zᵀ(g + B z), the reduced
    // matrix positive definite (BFGS pairs are kept only with sᵀy > 0)
    let a: Vec<Vec<f64>> = idx
        .iter()
        .map(|&i| idx.iter().map(|&j| b[i][j]).collect())
        .collect();
    let r: Vec<f64> = idx.iter().map(|&i| -(g[i] + bz[i])).collect();
    let Some(l) = cholesky(&a) else {
        return xcp.to_vec();
    };
    let mut dsub = backward(&l, &forward(&l, &r));
    // try the projection of the Newton point
    let mut xn = xcp.to_vec();
    for (k, &i) in idx.iter().enumerate() {
        xn[i] = (xcp[i] + dsub[k]).clamp(lo[i], hi[i]);
    }
    let dd: f64 = (0..n).map(|i| (xn[i] - x[i]) * g[i]).sum();
    if dd <= 0.0 {
        return xn;
    }
    // not a descent direction: the longest feasible step along it, no projection
    let mut alpha: f64 = 1.0;
    let mut hit = None;
    for (k, &i) in idx.iter().enumerate() {
        let t = box_limit(xcp[i], dsub[k], lo[i], hi[i], alpha);
        if t < alpha {
            alpha = t;
            hit = Some(k);
        }
    }
    let mut out = xcp.to_vec();
    if alpha < 1.0
        && let Some(k) = hit
    {
        let i = idx[k];
        out[i] = if dsub[k] > 0.0 { hi[i] } else { lo[i] };
        dsub[k] = 0.0;
    }
    for (k, &i) in idx.iter().enumerate() {
        out[i] += alpha * dsub[k];
    }
    out
}

/// Minimise `fg` (value and gradient) from `x0` within `[lo, hi]`; returns the last point
/// accepted. A value of +∞ (for a kernel whose matrix is not positive definite) is allowed:
/// the line search backs away from it, and a first step that cannot leaves `x0`.
pub fn minimize(fg: &mut ValueAndGradient, x0: &[f64], lo: &[f64], hi: &[f64]) -> Vec<f64> {
    let n = x0.len();
    let mut x: Vec<f64> = (0..n).map(|i| x0[i].clamp(lo[i], hi[i])).collect();
    let (mut f, mut g) = fg(&x);
    if projected_gradient_norm(&x, &g, lo, hi) <= PGTOL {
        return x;
    }
    let mut pairs: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    let mut theta = 1.0;
    let mut iter = 0;
    while iter < MAX_ITER {
        let b = bfgs_matrix(n, theta, &pairs);
        let (xcp, free) = cauchy_point(&x, &g, lo, hi, &b);
        let z = if pairs.is_empty() || free.iter().all(|v| !v) {
            xcp
        } else {
            subspace_step(&x, &g, lo, hi, &b, &xcp, &free)
        };
        let d: Vec<f64> = (0..n).map(|i| z[i] - x[i]).collect();
        // the longest step along d that stays in the box
        let mut stpmx = 1e10;
        if iter == 0 {
            stpmx = 1.0;
        } else {
            for i in 0..n {
                stpmx = box_limit(x[i], d[i], lo[i], hi[i], stpmx);
            }
        }
        let (t, fold, gold) = (x.clone(), f, g.clone());
        let gd0 = dot(&g, &d);
        let mut ok = gd0 < 0.0;
        let mut stp = 1.0;
        let mut gd = gd0;
        if ok {
            let mut ls = MoreThuente::start(stp, f, gd0, stpmx);
            let mut trials = 0;
            loop {
                if trials >= MAX_LS {
                    ok = false;
                    break;
                }
                x = if stp == 1.0 {
                    z.clone()
                } else {
                    (0..n).map(|i| stp * d[i] + t[i]).collect()
                };
                (f, g) = fg(&x);
                trials += 1;
                gd = dot(&g, &d);
                match ls.next(&mut stp, f, gd) {
                    Search::Continue => {}
                    Search::Done => break,
                }
            }
        }
        if !ok {
            (x, f, g) = (t, fold, gold);
            if pairs.is_empty() {
                return x;
            }
            pairs.clear();
            theta = 1.0;
            continue;
        }
        iter += 1;
        if projected_gradient_norm(&x, &g, lo, hi) <= PGTOL {
            return x;
        }
        let scale = max(max(fold.abs(), f.abs()), 1.0);
        if fold - f <= FTOL * scale {
            return x;
        }
        let s: Vec<f64> = (0..n).map(|i| stp * d[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| g[i] - gold[i]).collect();
        let (dr, ddum) = if stp == 1.0 {
            (gd - gd0, -gd0)
        } else {
            ((gd - gd0) * stp, -gd0 * stp)
        };
        if dr <= EPS * ddum {
            continue;
        }
        theta = dot(&y, &y) / dr;
        if pairs.len() == M {
            pairs.remove(0);
        }
        pairs.push((s, y));
    }
    x
}

enum Search {
    Continue,
    Done,
}

/// Moré and Thuente's line search (MINPACK-2's dcsrch) with L-BFGS-B's constants.
struct MoreThuente {
    brackt: bool,
    stage1: bool,
    finit: f64,
    gtest: f64,
    width: f64,
    width1: f64,
    stx: f64,
    fx: f64,
    gx: f64,
    sty: f64,
    fy: f64,
    gy: f64,
    stmin: f64,
    stmax: f64,
    stpmax: f64,
}

const LS_FTOL: f64 = 1e-3;
const LS_GTOL: f64 = 0.9;
const LS_XTOL: f64 = 0.1;
const XTRAPL: f64 = 1.1;
const XTRAPU: f64 = 4.0;

impl MoreThuente {
    fn start(stp: f64, f: f64, g: f64, stpmax: f64) -> Self {
        let width = stpmax;
        MoreThuente {
            brackt: false,
            stage1: true,
            finit: f,
            gtest: LS_FTOL * g,
            width,
            width1: width / 0.5,
            stx: 0.0,
            fx: f,
            gx: g,
            sty: 0.0,
            fy: f,
            gy: g,
            stmin: 0.0,
            stmax: stp + XTRAPU * stp,
            stpmax,
        }
    }

    /// Given f and its slope at `stp`, decide: done, or the next trial step in `stp`.
    fn next(&mut self, stp: &mut f64, f: f64, g: f64) -> Search {
        let ginit = self.gtest / LS_FTOL;
        let ftest = self.finit + *stp * self.gtest;
        if self.stage1 && f <= ftest && g >= 0.0 {
            self.stage1 = false;
        }
        // warnings (rounding, interval too small, at the largest step) and convergence
        // all end the search at the current step
        if self.brackt
            && (*stp <= self.stmin
                || *stp >= self.stmax
                || self.stmax - self.stmin <= LS_XTOL * self.stmax)
            || *stp == self.stpmax && f <= ftest && g <= self.gtest
            || *stp == 0.0 && (f > ftest || g >= self.gtest)
            || f <= ftest && g.abs() <= LS_GTOL * -ginit
        {
            return Search::Done;
        }
        if self.stage1 && f <= self.fx && f > ftest {
            let gt = self.gtest;
            let mut fxm = self.fx - self.stx * gt;
            let mut fym = self.fy - self.sty * gt;
            let mut gxm = self.gx - gt;
            let mut gym = self.gy - gt;
            step(
                &mut self.stx,
                &mut fxm,
                &mut gxm,
                &mut self.sty,
                &mut fym,
                &mut gym,
                stp,
                f - *stp * gt,
                g - gt,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
            self.fx = fxm + self.stx * gt;
            self.fy = fym + self.sty * gt;
            self.gx = gxm + gt;
            self.gy = gym + gt;
        } else {
            step(
                &mut self.stx,
                &mut self.fx,
                &mut self.gx,
                &mut self.sty,
                &mut self.fy,
                &mut self.gy,
                stp,
                f,
                g,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
        }
        if self.brackt {
            if (self.sty - self.stx).abs() >= 0.66 * self.width1 {
                *stp = self.stx + 0.5 * (self.sty - self.stx);
            }
            self.width1 = self.width;
            self.width = (self.sty - self.stx).abs();
            self.stmin = min(self.stx, self.sty);
            self.stmax = max(self.stx, self.sty);
        } else {
            self.stmin = *stp + XTRAPL * (*stp - self.stx);
            self.stmax = *stp + XTRAPU * (*stp - self.stx);
        }
        *stp = max(*stp, 0.0);
        *stp = min(*stp, self.stpmax);
        if self.brackt
            && (*stp <= self.stmin
                || *stp >= self.stmax
                || self.stmax - self.stmin <= LS_XTOL * self.stmax)
        {
            *stp = self.stx;
        }
        Search::Continue
    }
}

/// The minimiser of the cubic through (`stp`, `fp`, slope `dp`) and (`sa`, `fa`, slope `da`)
/// when the slopes have opposite signs or the interval is bracketed. (The reference writes the
/// second use as 3(fp − fa)/(sa − stp); both negations are exact, so the bits are the same.)
fn cubic_minimiser(stp: f64, fp: f64, dp: f64, sa: f64, fa: f64, da: f64) -> f64 {
    let theta = 3.0 * (fa - fp) / (stp - sa) + da + dp;
    let s = max(max(theta.abs(), da.abs()), dp.abs());
    let mut gamma = s * ((theta / s).powi(2) - (da / s) * (dp / s)).sqrt();
    if stp > sa {
        gamma = -gamma;
    }
    let p = (gamma - dp) + theta;
    let q = ((gamma - dp) + gamma) + da;
    let r = p / q;
    stp + r * (sa - stp)
}

/// One safeguarded step of the line search (MINPACK-2's dcstep): a cubic or quadratic
/// interpolation of the interval's ends, keeping the interval that brackets a minimiser.
#[allow(clippy::too_many_arguments)]
fn step(
    stx: &mut f64,
    fx: &mut f64,
    dx: &mut f64,
    sty: &mut f64,
    fy: &mut f64,
    dy: &mut f64,
    stp: &mut f64,
    fp: f64,
    dp: f64,
    brackt: &mut bool,
    stpmin: f64,
    stpmax: f64,
) {
    let sgnd = dp * (*dx / dx.abs());
    let stpf;
    if fp > *fx {
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = max(max(theta.abs(), dx.abs()), dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp < *stx {
            gamma = -gamma;
        }
        let p = (gamma - *dx) + theta;
        let q = ((gamma - *dx) + gamma) + dp;
        let r = p / q;
        let stpc = *stx + r * (*stp - *stx);
        let stpq = *stx + ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2.0) * (*stp - *stx);
        stpf = if (stpc - *stx).abs() < (stpq - *stx).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        };
        *brackt = true;
    } else if sgnd < 0.0 {
        let stpc = cubic_minimiser(*stp, fp, dp, *stx, *fx, *dx);
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        stpf = if (stpc - *stp).abs() > (stpq - *stp).abs() {
            stpc
        } else {
            stpq
        };
        *brackt = true;
    } else if dp.abs() < dx.abs() {
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = max(max(theta.abs(), dx.abs()), dp.abs());
        let mut gamma = s * max(0.0, (theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp > *stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (*dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            *stp + r * (*stx - *stp)
        } else if *stp > *stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        if *brackt {
            let mut v = if (stpc - *stp).abs() < (stpq - *stp).abs() {
                stpc
            } else {
                stpq
            };
            v = if *stp > *stx {
                min(*stp + 0.66 * (*sty - *stp), v)
            } else {
                max(*stp + 0.66 * (*sty - *stp), v)
            };
            stpf = v;
        } else {
            let v = if (stpc - *stp).abs() > (stpq - *stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = max(stpmin, min(stpmax, v));
        }
    } else if *brackt {
        stpf = cubic_minimiser(*stp, fp, dp, *sty, *fy, *dy);
    } else if *stp > *stx {
        stpf = stpmax;
    } else {
        stpf = stpmin;
    }
    if fp > *fx {
        *sty = *stp;
        *fy = fp;
        *dy = dp;
    } else {
        if sgnd < 0.0 {
            *sty = *stx;
            *fy = *fx;
            *dy = *dx;
        }
        *stx = *stp;
        *fx = fp;
        *dx = dp;
    }
    *stp = stpf;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_a_bounded_rosenbrock() {
        let mut fg = |x: &[f64]| {
            let (a, b) = (x[0], x[1]);
            let f = 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
            let g = vec![
                -400.0 * a * (b - a * a) - 2.0 * (1.0 - a),
                200.0 * (b - a * a),
            ];
            (f, g)
        };
        let x = minimize(&mut fg, &[-1.2, 1.0], &[-2.0, -2.0], &[2.0, 2.0]);
        assert!(
            (x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4,
            "{x:?}"
        );
        // an active bound: the minimiser of the box is on its edge
        let x = minimize(&mut fg, &[-1.2, 1.0], &[-2.0, -2.0], &[0.5, 2.0]);
        assert!(
            (x[0] - 0.5).abs() < 1e-9 && (x[1] - 0.25).abs() < 1e-4,
            "{x:?}"
        );
    }

    #[test]
    fn a_function_that_fails_everywhere_but_the_start_leaves_the_start() {
        // +∞ (a kernel that is not positive definite) or NaN away from the start: the line
        // search gives up after its trial points and the start comes back
        for bad in [f64::INFINITY, f64::NAN] {
            let mut calls = 0;
            let mut fg = |x: &[f64]| {
                calls += 1;
                if x == [0.5, 0.5] {
                    (1.0, vec![1.0, -1.0])
                } else {
                    (bad, vec![0.0, 0.0])
                }
            };
            let x = minimize(&mut fg, &[0.5, 0.5], &[0.0, 0.0], &[1.0, 1.0]);
            assert_eq!(x, vec![0.5, 0.5], "{bad}");
            assert!(calls <= 1 + MAX_LS, "{bad}: {calls} calls");
        }
    }
}
