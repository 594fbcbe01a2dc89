//! Bit-exact port of NumPy's `np.random.default_rng(seed)` for integer seeds.
//!
//! Three layers are reproduced:
//!
//! 1. [`SeedSequence`]: NumPy's entropy mixer (after O'Neill's `seed_seq`
//!    replacement). An integer seed is split into 32-bit words, least significant
//!    first (`0` becomes the single word `[0]`), hashed into a 4-word pool, and
//!    the pool is expanded into as many output words as requested.
//! 2. PCG64: a 128-bit LCG (multiplier `0x2360ed051fc65da44385df649fccf645`)
//!    with the XSL-RR 128→64 output function. `default_rng` seeds it with the first
//!    four 64-bit words of the seed sequence: words 0–1 are the initial state and
//!    words 2–3 select the stream (increment). A 32-bit request consumes half of a
//!    64-bit output and keeps the other half for the next 32-bit request.
//! 3. [`Generator`]: `random()`, Lemire-style bounded integers exactly as NumPy's
//!    `random_bounded_uint64` (non-masked; ranges that fit in 32 bits go through the
//!    32-bit path and therefore through the half-output buffer), and
//!    `choice(n, k, replace=False)` with both of NumPy's algorithms.

use std::collections::HashSet;

/// Words in the SeedSequence entropy pool (NumPy's default `pool_size`).
const POOL_SIZE: usize = 4;
/// Initial hash constant for mixing entropy into the pool.
const INIT_A: u32 = 0x43b0_d7e5;
/// Multiplier applied to the pool hash constant at every use.
const MULT_A: u32 = 0x931e_8875;
/// Initial hash constant for expanding the pool into output words.
const INIT_B: u32 = 0x8b51_f9dd;
/// Multiplier applied to the output hash constant at every use.
const MULT_B: u32 = 0x58f3_8ded;
/// Left multiplier of the two-word mixing function.
const MIX_MULT_L: u32 = 0xca01_f9dd;
/// Right multiplier of the two-word mixing function.
const MIX_MULT_R: u32 = 0x4973_f715;
/// Xor-shift distance (half the word width).
const XSHIFT: u32 = 16;

/// PCG's default 128-bit LCG multiplier.
const PCG_MULT: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// NumPy's `SeedSequence` for an integer entropy value (no spawn key, pool size 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSequence {
    /// The mixed entropy pool.
    pool: [u32; POOL_SIZE],
}

/// One step of the pool hash: xor with the running constant, advance it, multiply.
fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> XSHIFT)
}

/// Combines two words into one (used to let every pool word affect every other).
fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> XSHIFT)
}

impl SeedSequence {
    /// `SeedSequence(seed)` for a non-negative integer seed (as a Python `int`).
    pub fn new(seed: u128) -> Self {
        Self::from_words(&int_to_words(seed))
    }

    /// `SeedSequence(entropy)` where `entropy` is already a `uint32` word array.
    ///
    /// An empty slice is accepted and behaves like NumPy's empty entropy array.
    pub fn from_words(entropy: &[u32]) -> Self {
        let mut pool = [0u32; POOL_SIZE];
        let mut hc = INIT_A;
        for (i, slot) in pool.iter_mut().enumerate() {
            let word = entropy.get(i).copied().unwrap_or(0);
            *slot = hashmix(word, &mut hc);
        }
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    let h = hashmix(pool[src], &mut hc);
                    pool[dst] = mix(pool[dst], h);
                }
            }
        }
        for &word in entropy.iter().skip(POOL_SIZE) {
            for dst in 0..POOL_SIZE {
                let h = hashmix(word, &mut hc);
                pool[dst] = mix(pool[dst], h);
            }
        }
        SeedSequence { pool }
    }

    /// The mixed pool (`SeedSequence.pool`).
    pub fn pool(&self) -> [u32; POOL_SIZE] {
        self.pool
    }

    /// `generate_state(n_words, np.uint32)`.
    pub fn generate_state_u32(&self, n_words: usize) -> Vec<u32> {
        let mut hc = INIT_B;
        self.pool
            .iter()
            .cycle()
            .take(n_words)
            .map(|&p| {
                let mut v = p ^ hc;
                hc = hc.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hc);
                v ^ (v >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(n_words, np.uint64)`: pairs of 32-bit words, low word first.
    pub fn generate_state_u64(&self, n_words: usize) -> Vec<u64> {
        self.generate_state_u32(2 * n_words)
            .chunks_exact(2)
            .map(|w| u64::from(w[0]) | (u64::from(w[1]) << 32))
            .collect()
    }
}

/// Splits a non-negative integer into 32-bit words, least significant first; `0` → `[0]`.
fn int_to_words(mut n: u128) -> Vec<u32> {
    if n == 0 {
        return vec![0];
    }
    let mut words = Vec::new();
    while n > 0 {
        words.push((n & 0xffff_ffff) as u32);
        n >>= 32;
    }
    words
}

/// NumPy's `Generator(PCG64(seed))`, i.e. `np.random.default_rng(seed)`.
#[derive(Debug, Clone)]
pub struct Generator {
    /// 128-bit LCG state.
    state: u128,
    /// Odd LCG increment (selects the stream).
    inc: u128,
    /// Upper half of the last 64-bit output, kept for the next 32-bit request.
    spare_u32: Option<u32>,
}

impl Generator {
    /// `np.random.default_rng(seed)` for a non-negative integer seed.
    pub fn new(seed: u64) -> Self {
        Self::from_seed_sequence(&SeedSequence::new(u128::from(seed)))
    }

    /// `Generator(PCG64(seed_sequence))`.
    pub fn from_seed_sequence(seq: &SeedSequence) -> Self {
        let w = seq.generate_state_u64(4);
        let init_state = (u128::from(w[0]) << 64) | u128::from(w[1]);
        let init_seq = (u128::from(w[2]) << 64) | u128::from(w[3]);
        let mut g = Generator {
            state: 0,
            inc: (init_seq << 1) | 1,
            spare_u32: None,
        };
        g.step();
        g.state = g.state.wrapping_add(init_state);
        g.step();
        g
    }

    /// Advances the LCG by one step.
    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    /// Next raw 64-bit output (`bit_generator.random_raw()`); leaves the 32-bit buffer alone.
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let hi = (self.state >> 64) as u64;
        let lo = self.state as u64;
        let rot = (self.state >> 122) as u32;
        (hi ^ lo).rotate_right(rot)
    }

    /// Next 32-bit output: the low half of a fresh 64-bit output, or the buffered high half.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(spare) = self.spare_u32.take() {
            return spare;
        }
        let x = self.next_u64();
        self.spare_u32 = Some((x >> 32) as u32);
        x as u32
    }

    /// Uniform double in `[0, 1)` (`Generator.random()`).
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in the closed range `[0, max]`, exactly like NumPy's
    /// `random_bounded_uint64(bitgen, 0, max, 0, use_masked=false)`.
    ///
    /// `max == 0` consumes nothing. Ranges up to `u32::MAX` use 32-bit draws
    /// (Lemire's multiply-and-reject on 32 bits, or a raw 32-bit word for
    /// `max == u32::MAX`); larger ranges use the 64-bit Lemire method.
    pub fn bounded_u64(&mut self, max: u64) -> u64 {
        if max == 0 {
            0
        } else if max < u64::from(u32::MAX) {
            u64::from(self.lemire_u32(max as u32))
        } else if max == u64::from(u32::MAX) {
            u64::from(self.next_u32())
        } else if max == u64::MAX {
            self.next_u64()
        } else {
            self.lemire_u64(max)
        }
    }

    /// Lemire's nearly-divisionless method on 32-bit words, for `0 < max < u32::MAX`.
    fn lemire_u32(&mut self, max: u32) -> u32 {
        let span = max + 1;
        let mut m = u64::from(self.next_u32()) * u64::from(span);
        let mut low = m as u32;
        if low < span {
            let threshold = (u32::MAX - max) % span;
            while low < threshold {
                m = u64::from(self.next_u32()) * u64::from(span);
                low = m as u32;
            }
        }
        (m >> 32) as u32
    }

    /// Lemire's method on 64-bit words, for `u32::MAX < max < u64::MAX`.
    fn lemire_u64(&mut self, max: u64) -> u64 {
        let span = max + 1;
        let mut m = u128::from(self.next_u64()) * u128::from(span);
        let mut low = m as u64;
        if low < span {
            let threshold = (u64::MAX - max) % span;
            while low < threshold {
                m = u128::from(self.next_u64()) * u128::from(span);
                low = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// `Generator.integers(low, high)` (int64, `endpoint=False`): uniform in `[low, high)`.
    ///
    /// Returns `None` when `low >= high` (NumPy raises `ValueError`).
    pub fn integers(&mut self, low: i64, high: i64) -> Option<i64> {
        if low >= high {
            return None;
        }
        // high - 1 - low fits in u64 for any i64 pair with low < high.
        let max = (high as u64).wrapping_sub(1).wrapping_sub(low as u64);
        Some((low as u64).wrapping_add(self.bounded_u64(max)) as i64)
    }

    /// Fisher–Yates pass over `data[first..]` from the end, as NumPy's `_shuffle_int`:
    /// for `i = n-1 down to first`, swap `data[i]` with `data[bounded(i)]`.
    fn shuffle_tail(&mut self, data: &mut [u64], first: usize) {
        for i in (first..data.len()).rev() {
            let j = self.bounded_u64(i as u64) as usize;
            data.swap(i, j);
        }
    }

    /// Exactly `np.random.default_rng(seed).choice(pop_size, size, replace=False)`
    /// (with the defaults `shuffle=True`, `p=None`), continuing from the current state.
    ///
    /// `choice(range(pop_size), size, replace=False)` gives the same indices: NumPy turns
    /// the range into the array `0..pop_size`, samples positions with the identical
    /// code path, and returns `array[positions]`, which are the positions themselves
    /// (checked against NumPy 2.4.6 in `tests/reference/generate_rng.py`).
    ///
    /// NumPy picks one of two algorithms:
    /// * `pop_size > 10000` and `size > pop_size / 50` (integer division): start from
    ///   `0..pop_size`, run the Fisher–Yates pass only down to index
    ///   `max(pop_size - size, 1)`, and return the last `size` entries;
    /// * otherwise Floyd's algorithm (for `j` in `pop_size - size .. pop_size`, draw `v`
    ///   in `[0, j]`, keep `v` if new, else keep `j`), followed by a full
    ///   Fisher–Yates shuffle of the `size` selected values.
    ///
    /// Returns `None` when `size > pop_size` (NumPy raises `ValueError`).
    pub fn choice_without_replacement(
        &mut self,
        pop_size: usize,
        size: usize,
    ) -> Option<Vec<usize>> {
        if size > pop_size {
            return None;
        }
        let picked: Vec<u64> = if pop_size > 10_000 && size > pop_size / 50 {
            let mut all: Vec<u64> = (0..pop_size as u64).collect();
            let first = (pop_size - size).max(1);
            self.shuffle_tail(&mut all, first);
            all.split_off(pop_size - size)
        } else {
            let mut out = Vec::with_capacity(size);
            let mut seen = HashSet::with_capacity(size);
            for j in (pop_size - size) as u64..pop_size as u64 {
                let v = self.bounded_u64(j);
                // `j` exceeds every earlier draw, so it can never already be in the set.
                let keep = if seen.insert(v) {
                    v
                } else {
                    seen.insert(j);
                    j
                };
                out.push(keep);
            }
            self.shuffle_tail(&mut out, 1);
            out
        };
        Some(picked.into_iter().map(|v| v as usize).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sequence_zero() {
        // np.random.SeedSequence(0).pool / .generate_state(4, np.uint64)
        let s = SeedSequence::new(0);
        assert_eq!(
            s.pool(),
            [4_265_667_335, 1_328_953_910, 1_320_288_413, 3_365_567_143]
        );
        assert_eq!(
            s.generate_state_u64(4),
            [
                15_793_235_383_387_715_774,
                12_390_638_538_380_655_177,
                2_361_836_109_651_742_017,
                3_188_717_715_514_472_916
            ]
        );
    }

    #[test]
    fn default_rng_zero() {
        // np.random.default_rng(0).bit_generator.random_raw(3)
        let mut g = Generator::new(0);
        let raw: Vec<u64> = (0..3).map(|_| g.next_u64()).collect();
        assert_eq!(
            raw,
            [
                11_749_869_230_777_074_271,
                4_976_686_463_289_251_617,
                755_828_109_848_996_024
            ]
        );
        assert_eq!(Generator::new(0).random(), 0.636_961_687_321_454_3);
    }

    #[test]
    fn small_choice() {
        // np.random.default_rng(0).choice(10, 3, replace=False) == [5, 9, 6]
        assert_eq!(
            Generator::new(0).choice_without_replacement(10, 3),
            Some(vec![5, 9, 6])
        );
        assert_eq!(Generator::new(0).choice_without_replacement(3, 4), None);
    }
}
