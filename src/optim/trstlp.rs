//! COBYLA's trust-region subproblem (Powell's TRSTLP, in the form of PRIMA's modern
//! implementation that scipy ≥ 1.16 runs): first reduce the largest violation of the
//! linearised constraints inside the trust region, then decrease the linearised objective
//! while keeping that violation.
//!
//! The active set is kept as `z` (orthonormal columns, the Q of a QR factorisation of the
//! active constraint gradients) and `zdota` (the diagonal of R).

use super::linalg::dot;

const EPS: f64 = f64::EPSILON;
const REALMAX: f64 = f64::MAX;
const REALMIN: f64 = f64::MIN_POSITIVE;

/// `|x|` is negligible next to `ref` (PRIMA's `isminor`).
pub(crate) fn isminor(x: f64, reference: f64) -> bool {
    let refa = reference.abs() + 0.1 * x.abs();
    let refb = reference.abs() + 0.2 * x.abs();
    reference.abs() >= refa || refa >= refb
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The Givens rotation `[[c, s], [-s, c]]` that zeroes the second entry of `(a, b)`.
pub(crate) fn planerot(a: f64, b: f64) -> (f64, f64) {
    if a.is_nan() || b.is_nan() {
        (1.0, 0.0)
    } else if a.is_infinite() && b.is_infinite() {
        (sign(a) / 2f64.sqrt(), sign(b) / 2f64.sqrt())
    } else if a.abs() <= 0.0 && b.abs() <= 0.0 {
        (1.0, 0.0)
    } else if b.abs() <= EPS * a.abs() {
        (sign(a), 0.0)
    } else if a.abs() <= EPS * b.abs() {
        (0.0, sign(b))
    } else {
        let lo = REALMIN.sqrt();
        let hi = (REALMAX / 2.1).sqrt();
        if lo < a.abs() && a.abs() < hi && lo < b.abs() && b.abs() < hi {
            let r = (a * a + b * b).sqrt();
            (a / r, b / r)
        } else if a.abs() > b.abs() {
            let t = b / a;
            let u = 1f64.max(t.abs()).max((1.0 + t * t).sqrt()) * sign(a);
            (1.0 / u, t / u)
        } else {
            let t = a / b;
            let u = 1f64.max(t.abs()).max((1.0 + t * t).sqrt()) * sign(b);
            (t / u, 1.0 / u)
        }
    }
}

/// Columns `k`, `k+1` of `q` become `c·q_k + s·q_{k+1}` and `−s·q_k + c·q_{k+1}`.
fn rotate(q: &mut [Vec<f64>], k: usize, c: f64, s: f64) {
    let n = q[k].len();
    for i in 0..n {
        let (x, y) = (q[k][i], q[k + 1][i]);
        q[k][i] = x * c + y * s;
        q[k + 1][i] = x * -s + y * c;
    }
}

/// Add the column `c` to the QR factorisation of the `n` active gradients (PRIMA's
/// `qradd_Rdiag`); returns the new `n`.
fn qradd(c: &[f64], q: &mut [Vec<f64>], rdiag: &mut [f64], mut n: usize) -> usize {
    let m = q.len();
    let mut cq: Vec<f64> = q.iter().map(|col| dot(c, col)).collect();
    let cqa: Vec<f64> = q
        .iter()
        .map(|col| {
            c.iter()
                .zip(col)
                .fold(0.0, |s, (x, y)| s + x.abs() * y.abs())
        })
        .collect();
    for (v, r) in cq.iter_mut().zip(&cqa) {
        if isminor(*v, *r) {
            *v = 0.0;
        }
    }
    if m >= 2 {
        let mut k = m - 2;
        while k + 1 > n {
            if cq[k + 1].abs() > 0.0 {
                let (gc, gs) = planerot(cq[k], cq[k + 1]);
                rotate(q, k, gc, gs);
                cq[k] = cq[k].hypot(cq[k + 1]);
            }
            if k == 0 {
                break;
            }
            k -= 1;
        }
    }
    if n < m && cq[n].abs() > EPS * EPS && !isminor(cq[n], cqa[n]) {
        n += 1;
    }
    if n >= 1 && n - 1 < m {
        rdiag[n - 1] = cq[n - 1];
    }
    n
}

/// Move the `i`-th of the `n` active columns `a` to the end of the factorisation (PRIMA's
/// `qrexc_Rdiag`); `a` is in the order before the move.
fn qrexc(a: &[&[f64]], q: &mut [Vec<f64>], rdiag: &mut [f64], i: usize) {
    let n = a.len();
    if i >= n {
        return;
    }
    for k in i..n - 1 {
        let (gc, gs) = planerot(rdiag[k + 1], dot(&q[k], a[k + 1]));
        // [q_{k+1}, q_k] · Gᵀ
        let len = q[k].len();
        for r in 0..len {
            let (x, y) = (q[k + 1][r], q[k][r]);
            q[k][r] = x * gc + y * gs;
            q[k + 1][r] = x * -gs + y * gc;
        }
    }
    for k in i..n - 1 {
        rdiag[k] = dot(&q[k], a[k + 1]);
    }
    rdiag[n - 1] = dot(&q[n - 1], a[i]);
}

/// Least-squares coefficients of `b` on the active columns through their QR factors.
fn lsqr(a: &[&[f64]], b: &[f64], q: &[Vec<f64>], rdiag: &[f64]) -> Vec<f64> {
    let n = a.len();
    let mut x = vec![0.0; n];
    let mut y = b.to_vec();
    for i in (0..n).rev() {
        x[i] = dot(&y, &q[i]) / rdiag[i];
        for (yy, aa) in y.iter_mut().zip(a[i]) {
            *yy -= x[i] * aa;
        }
    }
    x
}

/// Solve the subproblem: `a` holds the gradients of the `m` linearised constraints
/// (`aᵢ·d ≤ bᵢ` wanted), `g` the objective's gradient, `delta` the trust-region radius.
pub(crate) fn trstlp(a: &[Vec<f64>], b: &[f64], delta: f64, g: &[f64]) -> Vec<f64> {
    let m = a.len();
    let n = g.len();
    let mut aug: Vec<Vec<f64>> = a.to_vec();
    aug.push(g.to_vec());
    let mut baug = b.to_vec();
    baug.push(0.0);
    for (col, bi) in aug.iter_mut().zip(baug.iter_mut()) {
        let maxval = col.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        if maxval > 1e12 {
            let modscal = (2.0 * REALMIN).max(1.0 / maxval);
            for v in col.iter_mut() {
                *v *= modscal;
            }
            *bi *= modscal;
        }
    }
    let mut st = Sub {
        iact: (0..=m).collect(),
        nact: 0,
        d: vec![0.0; n],
        vmultc: vec![0.0; m + 1],
        z: (0..n)
            .map(|j| (0..n).map(|i| if i == j { 1.0 } else { 0.0 }).collect())
            .collect(),
        zdota: vec![0.0; n],
    };
    st.run(1, &aug[..m], &baug[..m], delta);
    st.run(2, &aug, &baug, delta);
    st.d
}

/// The state shared by the two stages.
struct Sub {
    iact: Vec<usize>,
    nact: usize,
    d: Vec<f64>,
    vmultc: Vec<f64>,
    z: Vec<Vec<f64>>,
    zdota: Vec<f64>,
}

impl Sub {
    fn active<'a>(&self, a: &'a [Vec<f64>]) -> Vec<&'a [f64]> {
        self.iact[..self.nact]
            .iter()
            .map(|&k| a[k].as_slice())
            .collect()
    }

    fn run(&mut self, stage: u8, a: &[Vec<f64>], b: &[f64], delta: f64) {
        let mcon = a.len();
        let n = self.d.len();
        let mut zdasav = vec![0.0; n];
        let mut vmultd = vec![0.0; mcon];
        let mut sdirn = vec![0.0; n];
        let num_constraints;
        let mut icon: isize;
        let mut cviol;
        if stage == 1 {
            for (k, v) in self.iact[..mcon].iter_mut().enumerate() {
                *v = k;
            }
            self.nact = 0;
            self.d.iter_mut().for_each(|v| *v = 0.0);
            cviol = b.iter().fold(0.0f64, |s, v| s.max(-v));
            for k in 0..mcon {
                self.vmultc[k] = cviol + b[k];
            }
            for (j, col) in self.z.iter_mut().enumerate() {
                for (i, v) in col.iter_mut().enumerate() {
                    *v = if i == j { 1.0 } else { 0.0 };
                }
            }
            if mcon == 0 || cviol <= 0.0 || b.iter().all(|v| v.is_nan()) {
                return;
            }
            // nanargmax(-b)
            let mut best = None;
            for (k, v) in b.iter().enumerate() {
                if v.is_nan() {
                    continue;
                }
                match best {
                    None => best = Some(k),
                    Some(j) if -v > -b[j] => best = Some(k),
                    _ => {}
                }
            }
            icon = best.unwrap_or(0) as isize;
            num_constraints = mcon;
        } else {
            if dot(&self.d, &self.d) >= delta * delta {
                return;
            }
            self.iact[mcon - 1] = mcon - 1;
            self.vmultc[mcon - 1] = 0.0;
            num_constraints = mcon - 1;
            icon = (mcon - 1) as isize;
            cviol = 0.0;
            for k in 0..num_constraints {
                cviol = cviol.max(dot(&self.d, &a[k]) - b[k]);
            }
        }
        for k in 0..self.nact {
            self.zdota[k] = dot(&self.z[k], &a[self.iact[k]]);
        }
        let mut optold = REALMAX;
        let mut nactold = self.nact;
        let mut nfail = 0;
        let maxiter = 10000.min(100 * num_constraints.max(n));
        for _ in 0..maxiter {
            let optnew = if stage == 1 {
                cviol
            } else {
                dot(&self.d, &a[mcon - 1])
            };
            if optnew < optold || self.nact > nactold {
                nactold = self.nact;
                nfail = 0;
            } else {
                nfail += 1;
            }
            optold = optold.min(optnew);
            if nfail == 3 {
                break;
            }
            if icon as usize >= self.nact {
                let ic = icon as usize;
                zdasav[..self.nact].copy_from_slice(&self.zdota[..self.nact]);
                let nactsav = self.nact;
                self.nact = qradd(&a[self.iact[ic]], &mut self.z, &mut self.zdota, self.nact);
                if self.nact == nactsav + 1 {
                    if self.nact != ic + 1 {
                        let na = self.nact - 1;
                        self.vmultc[ic] = self.vmultc[na];
                        self.vmultc[na] = 0.0;
                        self.iact.swap(ic, na);
                    } else {
                        self.vmultc[self.nact - 1] = 0.0;
                    }
                } else {
                    let act = self.active(a);
                    let v = lsqr(&act, &a[self.iact[ic]], &self.z, &zdasav);
                    vmultd[..self.nact].copy_from_slice(&v);
                    if !(0..self.nact).any(|i| vmultd[i] > 0.0 && self.iact[i] <= num_constraints) {
                        break;
                    }
                    for v in vmultd[self.nact..mcon].iter_mut() {
                        *v = -1.0;
                    }
                    let mut frac = REALMAX;
                    for i in 0..self.nact {
                        let fm = if vmultd[i] > 0.0 && self.iact[i] <= num_constraints {
                            self.vmultc[i] / vmultd[i]
                        } else {
                            REALMAX
                        };
                        frac = frac.min(fm);
                    }
                    for i in 0..self.nact {
                        self.vmultc[i] = 0f64.max(self.vmultc[i] - frac * vmultd[i]);
                    }
                    let zl = self.zdota[self.nact - 1];
                    if zl.is_nan() || zl.abs() <= EPS * EPS {
                        break;
                    }
                    let na = self.nact - 1;
                    self.vmultc[ic] = 0.0;
                    self.vmultc[na] = frac;
                    self.iact.swap(ic, na);
                }
                if stage == 2 && self.iact[self.nact - 1] != mcon - 1 {
                    if self.nact <= 1 {
                        break;
                    }
                    let act = self.active(a);
                    let na = self.nact;
                    qrexc(&act, &mut self.z, &mut self.zdota[..na], na - 2);
                    self.iact.swap(na - 2, na - 1);
                    self.vmultc.swap(na - 2, na - 1);
                }
                let zl = self.zdota[self.nact - 1];
                if zl.is_nan() || zl.abs() <= EPS * EPS {
                    break;
                }
                let zc = &self.z[self.nact - 1];
                if stage == 1 {
                    let f = (dot(&sdirn, &a[self.iact[self.nact - 1]]) + 1.0) / zl;
                    for (s, zz) in sdirn.iter_mut().zip(zc) {
                        *s -= f * zz;
                    }
                } else {
                    for (s, zz) in sdirn.iter_mut().zip(zc) {
                        *s = -1.0 / zl * zz;
                    }
                }
            } else {
                let ic = icon as usize;
                let act = self.active(a);
                let na = self.nact;
                qrexc(&act, &mut self.z, &mut self.zdota[..na], ic);
                self.iact[ic..na].rotate_left(1);
                self.vmultc[ic..na].rotate_left(1);
                self.nact -= 1;
                if self.nact > 0 {
                    let zl = self.zdota[self.nact - 1];
                    if zl.is_nan() || zl.abs() <= EPS * EPS {
                        break;
                    }
                }
                if stage == 1 {
                    let zc = &self.z[self.nact];
                    let f = dot(&sdirn, zc);
                    for (s, zz) in sdirn.iter_mut().zip(zc) {
                        *s -= f * zz;
                    }
                } else {
                    // PRIMA's Python port indexes `nact - 1`, which is the last entry when
                    // no constraint is left active: keep that.
                    let last = if self.nact == 0 { n - 1 } else { self.nact - 1 };
                    let zl = self.zdota[last];
                    let zc = &self.z[last];
                    for (s, zz) in sdirn.iter_mut().zip(zc) {
                        *s = -1.0 / zl * zz;
                    }
                }
            }
            let dd = delta * delta - dot(&self.d, &self.d);
            let ss = dot(&sdirn, &sdirn);
            let sd = dot(&sdirn, &self.d);
            if dd <= 0.0 || ss <= EPS * delta * delta || sd.is_nan() {
                break;
            }
            let sqrtd = (ss * dd + sd * sd)
                .sqrt()
                .max(sd.abs())
                .max((ss * dd).sqrt());
            let mut step = if sd > 0.0 {
                dd / (sqrtd + sd)
            } else {
                (sqrtd - sd) / ss
            };
            if step <= 0.0 || !step.is_finite() {
                break;
            }
            if stage == 1 {
                if isminor(cviol, step) {
                    break;
                }
                step = step.min(cviol);
            }
            let dnew: Vec<f64> = self
                .d
                .iter()
                .zip(&sdirn)
                .map(|(d, s)| d + step * s)
                .collect();
            if stage == 1 {
                cviol = 0.0;
                for &k in &self.iact[..self.nact] {
                    cviol = cviol.max(dot(&dnew, &a[k]) - b[k]);
                }
            }
            let act = self.active(a);
            let l = lsqr(&act, &dnew, &self.z, &self.zdota);
            for i in 0..self.nact {
                vmultd[i] = -l[i];
            }
            if stage == 2 {
                let na = self.nact - 1;
                vmultd[na] = vmultd[na].max(0.0);
            }
            for i in self.nact..mcon {
                let k = self.iact[i];
                let col = &a[k];
                let cvshift = cviol - (dot(&dnew, col) - b[k]);
                let cvsabs = dnew
                    .iter()
                    .zip(col)
                    .fold(0.0, |s, (x, y)| s + x.abs() * y.abs())
                    + b[k].abs()
                    + cviol;
                vmultd[i] = if isminor(cvshift, cvsabs) {
                    0.0
                } else {
                    cvshift
                };
            }
            let mut frac = 1.0;
            icon = -1;
            for i in 0..mcon {
                let fm = if vmultd[i] < 0.0 {
                    self.vmultc[i] / (self.vmultc[i] - vmultd[i])
                } else {
                    REALMAX
                };
                if fm < frac {
                    frac = fm;
                    icon = i as isize;
                }
            }
            let dold = self.d.clone();
            for (d, dn) in self.d.iter_mut().zip(&dnew) {
                *d = (1.0 - frac) * *d + frac * dn;
            }
            for i in 0..mcon {
                self.vmultc[i] = 0f64.max((1.0 - frac) * self.vmultc[i] + frac * vmultd[i]);
            }
            let finite_d = self.d.iter().map(|v| v.abs()).sum::<f64>().is_finite();
            let finite_v = self.vmultc[..mcon]
                .iter()
                .map(|v| v.abs())
                .sum::<f64>()
                .is_finite();
            if !(finite_d && finite_v) {
                self.d = dold;
                break;
            }
            if stage == 1 {
                cviol = 0.0;
                for k in 0..mcon {
                    cviol = cviol.max(dot(&self.d, &a[k]) - b[k]);
                }
            }
            if icon < 0 || icon as usize >= mcon {
                break;
            }
        }
    }
}
