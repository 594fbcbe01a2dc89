//! hnn: a native re-implementation of HNN-core, the Human Neocortical Neurosolver.
//!
//! Data flows one way: a description ([`model`]) is lowered to flat arrays ([`lower`]),
//! stepped by the [`solver`], and run through the entry points in [`sim`].
//!
//! From Rust (see `examples/simulate_network.rs`):
//!
//! ```
//! use hnn::prelude::*;
//!
//! let mut net = jones_2009_model((3, 3))?;
//! add_erp_drives_to_jones_model(&mut net, 0.0)?;
//! let out = simulate_dipole(&net, &SimConfig::new(30.0))?;
//! let agg = out.dipoles[0].layer("agg")?;
//! assert_eq!(agg.len(), 1201);
//! # Ok::<(), hnn::Error>(())
//! ```
//!
//! Or through the Rhai engine the `hnn` binary runs, with functions of your own beside
//! hnn's (see `examples/embed_engine.rs`):
//!
//! ```
//! let mut engine = hnn::script::build_engine();
//! engine.register_fn("double", |x: f64| 2.0 * x);
//! let n: i64 = hnn::script::guard::guarded(|| {
//!     engine.eval("let net = jones_2009_model(#{ mesh_shape: [3, 3] }); net.gid_ranges[\"L5_pyramidal\"].len()")
//! })
//! .unwrap();
//! assert_eq!(n, 9);
//! ```
//!
//! Features (all default): `cli` builds the `hnn` command line and its prompt (clap,
//! rustyline); `plots` draws figures to PNG and SVG (plotters); `kernel` adds the Jupyter
//! kernel ([`kernel`], `hnn kernel`); `gui` the browser front end ([`gui`], `hnn gui`; axum,
//! tokio). With `default-features = false` the library and the Rhai engine build alone,
//! figures are still described, and drawing one answers with an error that names the
//! feature.
#![warn(missing_docs)]
// Units are written in brackets (`[ms]`, `[µS]`), as the architecture asks: not links.
#![allow(rustdoc::broken_intra_doc_links)]
// Index loops mirror the numerics they implement (several arrays per index).
#![allow(clippy::needless_range_loop)]
// `!(x > 0.0)` rejects NaN as well; that is the point of these checks.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod batch;
pub mod cluster;
pub mod error;
#[cfg(feature = "gui")]
pub mod gui;
pub mod interrupt;
pub mod io;
#[cfg(feature = "kernel")]
pub mod kernel;
pub mod limits;
pub mod lower;
pub mod mech;
pub mod model;
pub mod network;
pub mod nmodl;
pub mod optim;
pub mod results;
pub mod rng;
pub mod script;
pub mod sim;
pub mod solver;
pub mod viz;

pub use error::{Error, Result};
/// The array crate of array-shaped results ([`results::ExtracellularArray::to_array`],
/// [`analysis::rows_to_array`]), re-exported so embedders use the same version.
pub use ndarray;

/// The names an embedder needs most, in one import: `use hnn::prelude::*;`.
pub mod prelude {
    pub use crate::interrupt;
    pub use crate::network::Network;
    pub use crate::network::models::{
        add_erp_drives_to_jones_model, calcium_model, jones_2009_model, law_2021_model,
        neymotin_2020_model,
    };
    pub use crate::results::{CellResponse, Dipole, ExtracellularArray};
    pub use crate::script::build_engine;
    pub use crate::sim::RecordSections;
    pub use crate::sim::network::{SimConfig, SimOutput, simulate_dipole};
    pub use crate::{Error, Result};
}
pub use model::templates::template_by_name;
pub use model::{CellTemplate, Receptor};
pub use sim::cell::{CellProtocol, CellTrace, simulate_cell};
