//! Branch-free `exp` and `ln` that vectorise, accurate to about one ulp.
//!
//! The cnexp updates take one `exp` per gate per step, which dominates the cost of a step
//! with the C library's scalar `exp`. This version uses only +, −, × and bit operations (no
//! fused multiply-add), so it gives the same bits on every x86-64 CPU whether the loop is
//! compiled for SSE2 or AVX2.
#![allow(clippy::excessive_precision)] // fdlibm's constants, digit for digit

pub(crate) const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants).
pub(crate) const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
pub(crate) const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
pub(crate) const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52: adding it rounds to an integer

/// The coefficients of `exp`'s polynomial, highest degree first (Horner's order).
pub(crate) const EXP_POLY: [f64; 12] = [
    2.511_003_760_596_377_7e-8,
    2.763_263_963_904_103e-7,
    2.755_724_091_857_897e-6,
    2.480_148_548_232_849_4e-5,
    1.984_126_989_004_711_3e-4,
    1.388_888_895_231_477_5e-3,
    8.333_333_333_319_601e-3,
    4.166_666_666_648_81e-2,
    1.666_666_666_666_668e-1,
    5.000_000_000_000_019e-1,
    1.0,
    1.0,
];

/// `e^x`, with NEURON's `hoc_Exp` convention of 0 for `x < -700`; NaN stays NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    let t = xc * LOG2E + SHIFT;
    let kf = t - SHIFT;
    let k = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let r = (xc - kf * LN2_HI) - kf * LN2_LO;
    // Degree-11 near-minimax polynomial on |r| <= ln2/2 (Chebyshev fit, error 3e-18).
    let mut p = EXP_POLY[0];
    for c in &EXP_POLY[1..] {
        p = p * r + c;
    }
    let scale = f64::from_bits(((k + 1023) as u64) << 52);
    let y = p * scale;
    let y = if x < -700.0 { 0.0 } else { y };
    let y = if x > 709.0 { f64::INFINITY } else { y };
    if x.is_nan() { x } else { y }
}

/// [`exp`] of `N` values at once, the same operations per value in the same order (so the
/// same bits): the `N` independent polynomial chains are interleaved, which keeps the
/// floating-point units busy where one chain would wait on the previous multiply.
#[inline(always)]
pub fn exp_lanes<const N: usize>(x: &mut [f64; N]) {
    let mut r = [0.0; N];
    let mut k = [0i64; N];
    for i in 0..N {
        let xc = x[i].clamp(-708.0, 709.0);
        let t = xc * LOG2E + SHIFT;
        let kf = t - SHIFT;
        k[i] = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
        r[i] = (xc - kf * LN2_HI) - kf * LN2_LO;
    }
    let mut p = [EXP_POLY[0]; N];
    for &c in &EXP_POLY[1..] {
        for i in 0..N {
            p[i] = p[i] * r[i] + c;
        }
    }
    for i in 0..N {
        let scale = f64::from_bits(((k[i] + 1023) as u64) << 52);
        let y = p[i] * scale;
        let y = if x[i] < -700.0 { 0.0 } else { y };
        let y = if x[i] > 709.0 { f64::INFINITY } else { y };
        x[i] = if x[i].is_nan() { x[i] } else { y };
    }
}

/// Natural logarithm for the Nernst potential: fdlibm's reduction (x = 2^k·m with m in
/// [√2/2, √2), s = (m−1)/(m+1)) and its degree-14 odd polynomial, written branch-free.
/// Non-positive or non-finite input gives NaN (or +∞ for +∞).
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    const LG1: f64 = 6.666_666_666_666_735_13e-1;
    const LG2: f64 = 3.999_999_999_940_941_908e-1;
    const LG3: f64 = 2.857_142_874_366_239_149e-1;
    const LG4: f64 = 2.222_219_843_214_978_396e-1;
    const LG5: f64 = 1.818_357_216_161_805_012e-1;
    const LG6: f64 = 1.531_383_769_920_937_332e-1;
    const LG7: f64 = 1.479_819_860_511_658_591e-1;
    let bits = x.to_bits();
    // move the mantissa into [√2/2, √2): add (1 - 0x3fe6a09e) to the high word, as fdlibm
    let hx = (bits >> 32) as i64 + (0x3ff0_0000 - 0x3fe6_a09e);
    let k = (hx >> 20) - 0x3ff;
    let hm = ((hx & 0x000f_ffff) + 0x3fe6_a09e) as u64;
    let m = f64::from_bits((hm << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = k as f64;
    let y = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    let normal = (f64::MIN_POSITIVE..f64::INFINITY).contains(&x);
    if normal {
        y
    } else if x == f64::INFINITY {
        x
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> i64 {
        (a.to_bits() as i64 - b.to_bits() as i64).abs()
    }

    #[test]
    fn within_two_ulp_of_libm() {
        let mut worst = 0;
        let mut x = -700.0;
        while x < 700.0 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 0.0137;
        }
        // the range the gates use: -dt/tau with tau from 0.01 to 1e4 ms
        let mut x = -3.0;
        while x < 0.0 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 1.1e-5;
        }
        assert!(worst <= 2, "worst error {worst} ulp");
    }

    #[test]
    fn ln_within_one_ulp_of_libm() {
        let mut worst = 0;
        let mut x: f64 = 1e-300;
        while x < 1e300 {
            worst = worst.max(ulps(ln(x), x.ln()));
            x *= 1.000_37;
        }
        let mut x = 0.5;
        while x < 2.0 {
            worst = worst.max(ulps(ln(x), x.ln()));
            x += 1.3e-6;
        }
        assert!(worst <= 1, "worst error {worst} ulp");
        assert!(ln(0.0).is_nan() && ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn lanes_give_the_same_bits() {
        let mut xs = [0.0; 37];
        for (i, x) in xs.iter_mut().enumerate() {
            *x = -750.0 + 41.3 * i as f64 + 1e-3 * (i * i) as f64;
        }
        xs[5] = f64::NAN;
        xs[6] = -3.7e-5;
        let mut lanes = [0.0; 32];
        lanes.copy_from_slice(&xs[..32]);
        exp_lanes(&mut lanes);
        for (x, y) in xs.iter().zip(&lanes) {
            assert_eq!(exp(*x).to_bits(), y.to_bits(), "{x}");
        }
    }

    #[test]
    fn edges() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-800.0), 0.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert!(exp(f64::NAN).is_nan());
    }
}
