//! Bit-exact port of NumPy's legacy `np.random.RandomState(seed)` for integer seeds.
//!
//! The generator is a 32-bit Mersenne Twister (MT19937) seeded with the Knuth
//! linear-congruential fill of the reference implementation (`init_genrand`), which
//! is what NumPy does for an integer seed in `[0, 2**32)`. On top of the raw
//! stream sit the legacy distributions that hnn-core's drives rely on:
//!
//! * `random_sample`: 53-bit doubles built from two 32-bit outputs,
//! * `standard_normal` / `normal`: the polar Box–Muller method, which produces two
//!   deviates per accepted pair and keeps the second one for the next call,
//! * `exponential`: inversion, `-ln(1 - U)`,
//! * `uniform`: `low + (high - low) * U`.
//!
//! Every method performs the floating-point operations in the same order as
//! NumPy's C code (`mt19937.h`, `legacy-distributions.c`, `distributions.c`), so
//! results agree to the last bit with NumPy on IEEE-754 platforms.

/// Number of 32-bit words in the MT19937 state.
const N: usize = 624;
/// Middle-word offset of the twist recurrence.
const M: usize = 397;
/// Twist matrix constant (last row of the companion matrix).
const MATRIX_A: u32 = 0x9908_b0df;
/// Most significant bit of a word.
const UPPER_MASK: u32 = 0x8000_0000;
/// Remaining 31 bits of a word.
const LOWER_MASK: u32 = 0x7fff_ffff;
/// Knuth's multiplier used to expand the seed into the full state.
const SEED_MULT: u32 = 1_812_433_253;
/// 2^26, weight of the upper 27 bits in `random_sample`.
const TWO_POW_26: f64 = 67_108_864.0;
/// 2^53, denominator of `random_sample`.
const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

/// NumPy's legacy `RandomState` (MT19937 + legacy distributions), seeded with an integer.
///
/// `RandomState::new(s)` produces exactly the streams of `np.random.RandomState(s)`.
#[derive(Clone)]
pub struct RandomState {
    /// Twister state words.
    key: [u32; N],
    /// Index of the next word to temper; `N` means the block must be regenerated.
    pos: usize,
    /// Second deviate of the last polar Box–Muller pair, if not yet used.
    gauss: Option<f64>,
}

impl std::fmt::Debug for RandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomState")
            .field("pos", &self.pos)
            .field("gauss", &self.gauss)
            .finish_non_exhaustive()
    }
}

impl RandomState {
    /// Equivalent of `np.random.RandomState(seed)` for an integer seed in `[0, 2**32)`.
    pub fn new(seed: u32) -> Self {
        let mut key = [0u32; N];
        key[0] = seed;
        for i in 1..N {
            let prev = key[i - 1];
            key[i] = SEED_MULT
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        RandomState {
            key,
            pos: N,
            gauss: None,
        }
    }

    /// Regenerates the whole block of `N` state words (the "twist").
    fn twist(&mut self) {
        let k = &mut self.key;
        let mix = |upper: u32, lower: u32, far: u32| -> u32 {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            let twisted = if y & 1 == 1 { MATRIX_A } else { 0 };
            far ^ (y >> 1) ^ twisted
        };
        for i in 0..N - M {
            k[i] = mix(k[i], k[i + 1], k[i + M]);
        }
        for i in N - M..N - 1 {
            k[i] = mix(k[i], k[i + 1], k[i + M - N]);
        }
        k[N - 1] = mix(k[N - 1], k[0], k[M - 1]);
        self.pos = 0;
    }

    /// Next raw 32-bit output: one tempered MT19937 word, as drawn by
    /// `randint(0, 2**32, dtype=np.uint32)`.
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// Uniform double in `[0, 1)` with 53 random bits (`RandomState.random_sample()`).
    pub fn random_sample(&mut self) -> f64 {
        let hi = f64::from(self.next_u32() >> 5);
        let lo = f64::from(self.next_u32() >> 6);
        (hi * TWO_POW_26 + lo) / TWO_POW_53
    }

    /// Standard normal deviate (`RandomState.standard_normal()`), polar Box–Muller.
    ///
    /// Each accepted pair yields two deviates; the second is cached and returned by
    /// the following call (also via [`RandomState::normal`]), as NumPy does.
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(cached) = self.gauss.take() {
            return cached;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// Normal deviate `loc + scale * N(0, 1)` (`RandomState.normal(loc, scale)`).
    ///
    /// Like NumPy, a deviate is consumed even when `scale == 0`.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.standard_normal()
    }

    /// Exponential deviate with the given mean (`RandomState.exponential(scale)`).
    pub fn exponential(&mut self, scale: f64) -> f64 {
        scale * -(1.0 - self.random_sample()).ln()
    }

    /// Uniform deviate in `[low, high)` (`RandomState.uniform(low, high)`).
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let range = high - low;
        low + range * self.random_sample()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_zero_raw_words() {
        // np.random.RandomState(0).randint(0, 2**32, dtype=np.uint32) draws raw words.
        let mut rs = RandomState::new(0);
        let got: Vec<u32> = (0..3).map(|_| rs.next_u32()).collect();
        assert_eq!(got, [2_357_136_044, 2_546_248_239, 3_071_714_933]);
    }

    #[test]
    fn seed_zero_first_sample_and_normal() {
        // np.random.RandomState(0).random_sample() == 0.5488135039273248
        assert_eq!(RandomState::new(0).random_sample(), 0.548_813_503_927_324_8);
        // np.random.RandomState(0).standard_normal(2) == [1.764052345967664, 0.4001572083672233]
        let mut rs = RandomState::new(0);
        assert_eq!(rs.standard_normal(), 1.764_052_345_967_664);
        assert_eq!(rs.standard_normal(), 0.400_157_208_367_223_3);
    }

    #[test]
    fn normal_consumes_cache_even_with_zero_scale() {
        let mut a = RandomState::new(7);
        let mut b = RandomState::new(7);
        assert_eq!(a.normal(3.0, 0.0), 3.0);
        b.standard_normal();
        assert_eq!(a.standard_normal(), b.standard_normal());
    }
}
