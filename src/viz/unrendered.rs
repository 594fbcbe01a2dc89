//! A build without the `plots` feature: figures are described as usual but cannot be drawn;
//! every drawing call answers with an error that says so.

use std::path::Path;

use super::Figure;
use crate::error::{Error, Result};

fn unavailable() -> Error {
    Error::invalid(
        "figure",
        "a drawing request",
        "hnn built with the `plots` feature (this build has no renderer)",
    )
}

impl Figure {
    pub(super) fn save_to(&self, _path: &Path, _named: &Path) -> Result<()> {
        Err(unavailable())
    }

    /// The figure's pixels (needs the `plots` feature).
    pub fn render_rgb(&self) -> Result<Vec<u8>> {
        Err(unavailable())
    }

    /// The figure as PNG bytes (needs the `plots` feature).
    pub fn png_bytes(&self) -> Result<Vec<u8>> {
        Err(unavailable())
    }

    /// The figure as SVG (needs the `plots` feature).
    pub fn svg_string(&self) -> Result<String> {
        Err(unavailable())
    }
}
