//! Signal analysis of simulation results (numbers behind hnn-core's plots).

pub mod decimate;
pub mod dense;
pub mod objective;
pub mod psd;
pub mod spikes;
pub mod tfr;
