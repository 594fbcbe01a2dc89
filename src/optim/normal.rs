//! The standard normal distribution as scipy evaluates it, so that hnn-core's choices that
//! go through `scipy.stats.norm` (the Bayesian acquisition, optimize_evoked's timing
//! weights) come out the same to the last bit: Φ by Cephes' `ndtr` (S. L. Moshier's rational
//! approximations of erf and erfc, the coefficients below), φ as `exp(-z²/2)/√(2π)`.
//! The coefficients are written with Cephes' digits, so each rounds to the same double.
#![allow(clippy::excessive_precision)]

/// erf on [0, 1]: x·T(x²)/U(x²), U monic.
const T: [f64; 5] = [
    9.60497373987051638749e0,
    9.00260197203842689217e1,
    2.23200534594684319226e3,
    7.00332514112805075473e3,
    5.55923013010394962768e4,
];
const U: [f64; 5] = [
    3.35617141647503099647e1,
    5.21357949780152679795e2,
    4.59432382970980127987e3,
    2.26290000613890934246e4,
    4.92673942608635921086e4,
];
/// erfc on [1, 8): exp(−x²)·P(x)/Q(x), Q monic.
const P: [f64; 9] = [
    2.46196981473530512524e-10,
    5.64189564831068821977e-1,
    7.46321056442269912687e0,
    4.86371970985681366614e1,
    1.96520832956077098242e2,
    5.26445194995477358631e2,
    9.34528527171957607540e2,
    1.02755188689515710272e3,
    5.57535335369399327526e2,
];
const Q: [f64; 8] = [
    1.32281951154744992508e1,
    8.67072140885989742329e1,
    3.54937778887819891062e2,
    9.75708501743205489753e2,
    1.82390916687909736289e3,
    2.24633760818710981792e3,
    1.65666309194161350182e3,
    5.57535340817727675546e2,
];
/// erfc on [8, ∞): exp(−x²)·R(x)/S(x), S monic.
const R: [f64; 6] = [
    5.64189583547755073984e-1,
    1.27536670759978104416e0,
    5.01905042251180477414e0,
    6.16021097993053585195e0,
    7.40974269950448939160e0,
    2.97886665372100240670e0,
];
const S: [f64; 6] = [
    2.26052863220117276590e0,
    9.39603524938001434673e0,
    1.20489539808096656605e1,
    1.70814450747565897222e1,
    9.60896809063285878198e0,
    3.36907645100081516050e0,
];
/// ln(f64::MAX): exp(−x²) underflows below −this.
const MAXLOG: f64 = 7.09782712893383996732e2;

/// Horner's rule over `c`, highest power first.
fn poly(x: f64, c: &[f64]) -> f64 {
    c[1..].iter().fold(c[0], |acc, k| acc * x + k)
}

/// Horner's rule for a monic polynomial whose leading 1 is left out of `c`.
fn poly_monic(x: f64, c: &[f64]) -> f64 {
    c[1..].iter().fold(x + c[0], |acc, k| acc * x + k)
}

fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return -erf(-x);
    }
    if x > 1.0 {
        return 1.0 - erfc(x);
    }
    let z = x * x;
    x * poly(z, &T) / poly_monic(z, &U)
}

fn erfc(a: f64) -> f64 {
    if a.is_nan() {
        return f64::NAN;
    }
    let x = a.abs();
    if x < 1.0 {
        return 1.0 - erf(a);
    }
    let z = -a * a;
    let under = if a < 0.0 { 2.0 } else { 0.0 };
    if z < -MAXLOG {
        return under;
    }
    let z = z.exp();
    let (p, q) = if x < 8.0 {
        (poly(x, &P), poly_monic(x, &Q))
    } else {
        (poly(x, &R), poly_monic(x, &S))
    };
    let mut y = (z * p) / q;
    if a < 0.0 {
        y = 2.0 - y;
    }
    if y != 0.0 { y } else { under }
}

/// Φ, the standard normal CDF (`scipy.special.ndtr`).
pub(crate) fn norm_cdf(a: f64) -> f64 {
    if a.is_nan() {
        return f64::NAN;
    }
    let x = a * std::f64::consts::FRAC_1_SQRT_2;
    if x.abs() < 1.0 {
        0.5 + 0.5 * erf(x)
    } else {
        let y = 0.5 * erfc(x.abs());
        if x > 0.0 { 1.0 - y } else { y }
    }
}

/// φ, the standard normal density (`scipy.stats.norm.pdf`).
pub(crate) fn norm_pdf(z: f64) -> f64 {
    (-(z * z) / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_matches_scipy_to_the_bit() {
        // scipy.stats.norm.cdf (scipy 1.17.1), printed with repr
        let cases = [
            (0.0, 0.5),
            (1.0, 0.8413447460685429),
            (-2.5, 0.006209665325776132),
            (0.3, 0.6179114221889526),
            (-0.9999997358208349, 0.1586553178550894),
            (-0.9999997358208347, 0.15865531785508957),
        ];
        for (z, want) in cases {
            assert_eq!(norm_cdf(z).to_bits(), f64::to_bits(want), "Φ({z})");
        }
    }
}
