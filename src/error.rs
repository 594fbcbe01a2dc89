//! The library's one error type.

use thiserror::Error;

/// Everything that can go wrong in hnn, with the offending names and values.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A numeric parameter is outside its allowed range or not finite.
    #[error("cell '{cell}', section '{section}': {param} = {value} is invalid ({expected})")]
    InvalidSectionValue {
        /// Cell template name.
        cell: String,
        /// Section name.
        section: String,
        /// Parameter name.
        param: String,
        /// Offending value, formatted.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A section name that the cell does not have.
    #[error("cell '{cell}' has no section '{section}' (sections: {known})")]
    UnknownSection {
        /// Cell template name.
        cell: String,
        /// Requested section.
        section: String,
        /// Comma-separated list of existing sections.
        known: String,
    },
    /// A mechanism name that is not in the catalogue.
    #[error("cell '{cell}', section '{section}': unknown mechanism '{mech}' (known: {known})")]
    UnknownMechanism {
        /// Cell template name.
        cell: String,
        /// Section name.
        section: String,
        /// Requested mechanism.
        mech: String,
        /// Known mechanisms.
        known: String,
    },
    /// A parameter name that the mechanism does not have.
    #[error(
        "cell '{cell}', section '{section}': mechanism '{mech}' has no parameter '{param}' (parameters: {known})"
    )]
    UnknownParameter {
        /// Cell template name.
        cell: String,
        /// Section name.
        section: String,
        /// Mechanism name.
        mech: String,
        /// Requested parameter.
        param: String,
        /// Known parameters of the mechanism.
        known: String,
    },
    /// A generic invalid value (outside a section).
    #[error("{what} = {value} is invalid ({expected})")]
    InvalidValue {
        /// What the value is (e.g. `tstop`).
        what: String,
        /// Offending value, formatted.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A name that is not one of the allowed ones.
    #[error("unknown {what} '{name}' (expected one of: {known})")]
    UnknownName {
        /// What kind of name (e.g. `receptor`).
        what: String,
        /// Requested name.
        name: String,
        /// Allowed names.
        known: String,
    },
    /// The voltage became NaN or infinite during a run.
    #[error(
        "cell '{cell}' (gid {gid}), section '{section}': voltage became non-finite at t = {t} ms"
    )]
    NonFinite {
        /// Cell template name.
        cell: String,
        /// Global id of the cell.
        gid: usize,
        /// Section containing the offending node.
        section: String,
        /// Simulation time [ms].
        t: f64,
    },
    /// A file could not be read or written.
    #[error("file '{path}': {message}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Something failed on another MPI rank (feature `mpi`); every rank reports it.
    #[error("rank {rank}: {message}")]
    OnRank {
        /// The rank where it failed.
        rank: usize,
        /// What went wrong there.
        message: String,
    },
    /// A run was stopped by [`crate::interrupt::request`] (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    /// A request that needs more memory, steps or events than allowed.
    #[error("{what}: {need} is more than {limit}")]
    TooLarge {
        /// What would be allocated or run.
        what: String,
        /// How much the request needs.
        need: String,
        /// The limit (and how to raise it, when it can be raised).
        limit: String,
    },
}

/// Result alias used throughout the library.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidValue`].
    pub fn invalid(
        what: impl Into<String>,
        value: impl ToString,
        expected: impl Into<String>,
    ) -> Self {
        Error::InvalidValue {
            what: what.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }

    /// Shorthand for [`Error::File`].
    pub fn file(path: &std::path::Path, message: impl ToString) -> Self {
        Error::File {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}
