//! Fitting a network to data: hnn-core's `Optimizer` (Bayesian, COBYLA and CMA-ES solvers)
//! and the legacy chunked `optimize_evoked`, on top of [`crate::sim`]'s one entry point.
//! Nothing here reaches into the solver: every evaluation is a `simulate_dipole` call.

pub mod bayes;
pub mod cma;
pub mod cobyla;
pub mod evoked;
mod lbfgsb;
mod linalg;
mod normal;
pub mod optimizer;
mod trstlp;

pub use optimizer::{
    Compat, Evaluation, Evaluator, FitResult, FitSettings, Objective, Param, Solver, fit,
};
