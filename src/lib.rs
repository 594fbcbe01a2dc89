//! hnn: a native re-implementation of HNN-core, the Human Neocortical Neurosolver.
//!
//! Data flows one way: a description ([`model`]) is lowered to flat arrays ([`lower`]),
//! stepped by the [`solver`], and run through the entry points in [`sim`].
#![warn(missing_docs)]
// Index loops mirror the numerics they implement (several arrays per index).
#![allow(clippy::needless_range_loop)]
// `!(x > 0.0)` rejects NaN as well; that is the point of these checks.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod error;
pub mod interrupt;
pub mod io;
pub mod limits;
pub mod lower;
pub mod mech;
pub mod model;
pub mod network;
pub mod results;
pub mod rng;
pub mod script;
pub mod sim;
pub mod solver;
pub mod viz;

pub use error::{Error, Result};
pub use model::templates::template_by_name;
pub use model::{CellTemplate, Receptor};
pub use sim::cell::{CellProtocol, CellTrace, simulate_cell};
