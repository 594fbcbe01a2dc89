//! Random number generators that reproduce NumPy's streams bit for bit.
//!
//! hnn-core draws its randomness from two NumPy generators, and matching its
//! results requires the same numbers, not merely the same distributions:
//!
//! * [`RandomState`]: the legacy `np.random.RandomState(seed)` (MT19937 with
//!   the legacy normal/exponential/uniform samplers), used for drive event times.
//! * [`Generator`]: `np.random.default_rng(seed)` (PCG64 seeded through a
//!   [`SeedSequence`]), used to prune connections with
//!   `choice(range(n), k, replace=False)`.
//!
//! Parity with NumPy 2.4.6 is checked by `tests/rng_parity.rs` against fixtures written by
//! `tests/reference/generate_rng.py`.

pub mod pcg64;
pub mod random_state;

pub use pcg64::{Generator, SeedSequence};
pub use random_state::RandomState;
