//! Files hnn-core reads and writes.

pub mod params;
pub mod text;
