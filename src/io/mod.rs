//! Files hnn-core reads and writes.

pub mod network_json;
pub mod params;
pub mod text;
