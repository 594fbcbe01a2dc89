//! NMODL, NEURON's language for membrane mechanisms: the syntax tree ([`ast`]) and its
//! parser (the subset hnn-core's and NEURON's textbook mechanisms need). Names are resolved
//! and blocks lowered to kernels in [`crate::mech::open`]; this module only reads text.

pub mod ast;
