//! The fixed-step backward-Euler solver: cell groups, the tree solve and events.

pub mod events;
pub mod group;
pub mod hines;
