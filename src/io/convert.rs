//! hnn-core's `convert_to_json`: a legacy parameter file (HNN GUI `.param` or flat `.json`)
//! becomes a network configuration file.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::network_json::write_network_configuration;
use crate::io::params::Params;
use crate::network::legacy::remove_nulled_drives;
use crate::network::models::jones_2009_model_with_params;

/// Build hnn-core's default network from the parameters in `params` (with the drives they
/// describe when `include_drives`), in legacy mode for `.param` files as hnn-core does, drop
/// the nulled drives, and write the configuration to `out` (`.json` is appended when `out`
/// has another extension). Returns the file written. An existing file is an error unless
/// `overwrite`.
pub fn convert_to_json(
    params: &Path,
    out: &Path,
    include_drives: bool,
    overwrite: bool,
) -> Result<PathBuf> {
    let legacy = params
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("param"));
    let out = if out.extension().is_some_and(|e| e == "json") {
        out.to_path_buf()
    } else {
        out.with_extension("json")
    };
    if !overwrite && out.exists() {
        return Err(Error::invalid(
            format!("file '{}'", out.display()),
            "already exists",
            "a new path (or overwrite: true)",
        ));
    }
    let p = Params::read(params)?;
    let net = jones_2009_model_with_params(&p, (10, 10), include_drives, legacy)?;
    let net = remove_nulled_drives(&net)?;
    write_network_configuration(&net, &out)?;
    Ok(out)
}
