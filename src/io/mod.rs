//! Files hnn-core reads and writes.

pub mod text;
