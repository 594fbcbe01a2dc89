//! `hnn kernel install`: the kernelspec Jupyter finds (`kernel.json` and two logos) in the
//! user's Jupyter data folder or under a prefix.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The kernelspec's name (`jupyter console --kernel hnn`).
pub const NAME: &str = "hnn";

/// Where to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The user's Jupyter data folder (`$JUPYTER_DATA_DIR`, else `~/.local/share/jupyter`
    /// on Linux, `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on Windows).
    User,
    /// `DIR/share/jupyter` (a virtual environment, a conda prefix, `/usr/local`).
    Prefix(PathBuf),
}

/// The folder `target` puts the kernelspec in (`…/kernels/hnn`).
pub fn kernel_dir(target: &Target) -> Result<PathBuf, String> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let data = match target {
        Target::Prefix(p) => p.join("share").join("jupyter"),
        Target::User => {
            if let Some(d) = var("JUPYTER_DATA_DIR") {
                d
            } else if cfg!(windows) {
                var("APPDATA")
                    .ok_or("APPDATA is not set: give --prefix DIR")?
                    .join("jupyter")
            } else {
                let home = var("HOME").ok_or("HOME is not set: give --prefix DIR")?;
                if cfg!(target_os = "macos") {
                    home.join("Library").join("Jupyter")
                } else {
                    var("XDG_DATA_HOME")
                        .unwrap_or_else(|| home.join(".local").join("share"))
                        .join("jupyter")
                }
            }
        }
    };
    Ok(data.join("kernels").join(NAME))
}

/// The kernelspec that starts `exe` as a kernel.
pub fn kernel_json(exe: &Path) -> Value {
    json!({
        "argv": [exe.to_string_lossy(), "kernel", "--connection-file", "{connection_file}"],
        "display_name": "hnn (Rhai)",
        "language": "rhai",
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    })
}

/// Write the kernelspec for `exe` into `target`; returns its folder.
pub fn install(target: &Target, exe: &Path) -> Result<PathBuf, String> {
    let dir = kernel_dir(target)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    let spec = serde_json::to_string_pretty(&kernel_json(exe)).map_err(|e| e.to_string())?;
    write("kernel.json", spec.as_bytes())?;
    for size in [32, 64] {
        write(&format!("logo-{size}x{size}.png"), &logo_png(size)?)?;
    }
    Ok(dir)
}

/// The logo: an evoked-response trace (a small trough, a peak, a deep trough) in orange on
/// a rounded dark square, `size`×`size` pixels with a transparent outside.
pub fn logo_png(size: u32) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let n = size as f64;
    let wave = |x: f64| {
        let g = |mu: f64, s: f64| (-(x - mu).powi(2) / (2.0 * s * s)).exp();
        0.45 * g(0.28, 0.05) - 1.0 * g(0.47, 0.07) + 0.75 * g(0.72, 0.09)
    };
    // the trace as a polyline in pixel coordinates (y grows downwards)
    let pts: Vec<(f64, f64)> = (0..=80)
        .map(|i| {
            let x = 0.12 + 0.76 * i as f64 / 80.0;
            (x * n, (0.52 + 0.34 * wave(x)) * n)
        })
        .collect();
    let half_width = n / 26.0;
    let radius = n * 0.2;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let (x, y) = (px as f64 + 0.5, py as f64 + 0.5);
            // rounded square: coverage from the distance to the inner rectangle
            let dx = (radius - x).max(x - (n - radius)).max(0.0);
            let dy = (radius - y).max(y - (n - radius)).max(0.0);
            let inside = (radius + 0.5 - dx.hypot(dy)).clamp(0.0, 1.0);
            let d = pts
                .windows(2)
                .map(|w| segment_distance((x, y), w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            let line = (half_width + 0.5 - d).clamp(0.0, 1.0) * inside;
            let bg = [22.0, 36.0, 71.0];
            let fg = [245.0, 166.0, 35.0];
            for k in 0..3 {
                rgba.push((bg[k] * (1.0 - line) + fg[k] * line).round() as u8);
            }
            rgba.push((255.0 * inside).round() as u8);
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgba, size, size, image::ColorType::Rgba8)
        .map_err(|e| format!("cannot encode the logo: {e}"))?;
    Ok(out)
}

fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len2 = vx * vx + vy * vy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * vx).hypot(p.1 - a.1 - t * vy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_kernelspec_jupyter_reads() {
        let prefix = std::env::temp_dir().join(format!("hnn-kspec-{}", std::process::id()));
        let dir = install(&Target::Prefix(prefix.clone()), Path::new("/opt/hnn")).unwrap();
        assert_eq!(dir, prefix.join("share/jupyter/kernels/hnn"));
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).unwrap())
                .unwrap();
        assert_eq!(spec["argv"][0], "/opt/hnn");
        assert_eq!(spec["argv"][3], "{connection_file}");
        assert_eq!(spec["language"], "rhai");
        for s in [32u32, 64] {
            let png = std::fs::read(dir.join(format!("logo-{s}x{s}.png"))).unwrap();
            let img = image::load_from_memory(&png).unwrap();
            assert_eq!((img.width(), img.height()), (s, s));
        }
        std::fs::remove_dir_all(&prefix).unwrap();
    }

    #[test]
    fn the_logo_has_a_trace_on_a_rounded_square() {
        let png = logo_png(64).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        // corners transparent, centre of the square opaque
        assert_eq!(img.get_pixel(0, 0)[3], 0);
        assert_eq!(img.get_pixel(32, 5)[3], 255);
        // some pixels are the trace's orange
        let orange = img.pixels().filter(|p| p[0] > 200 && p[2] < 80).count();
        assert!(orange > 40, "{orange} orange pixels");
    }
}
