//! Colour maps (matplotlib's, sampled at anchors and interpolated linearly).

use super::Rgb;

/// A named colour map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colormap {
    /// matplotlib's `inferno` (power).
    #[default]
    Inferno,
    /// matplotlib's `jet` (hnn-core's CSD, sinks blue).
    Jet,
    /// `jet` reversed (sinks red).
    JetR,
    /// matplotlib's `cividis` (hnn-core's LFP traces).
    Cividis,
    /// matplotlib's `viridis`.
    Viridis,
    /// matplotlib's `plasma`.
    Plasma,
    /// matplotlib's `magma`.
    Magma,
    /// matplotlib's `Greys` (white to black; hnn-core's connectivity matrix).
    Greys,
}

/// The colour-map names [`Colormap::parse`] knows.
pub const NAMES: [&str; 8] = [
    "inferno", "viridis", "plasma", "magma", "cividis", "Greys", "jet", "jet_r",
];

const PLASMA: [Rgb; 9] = [
    (13, 8, 135),
    (75, 3, 161),
    (125, 3, 168),
    (168, 34, 150),
    (203, 70, 121),
    (229, 107, 93),
    (248, 148, 65),
    (253, 195, 40),
    (240, 249, 33),
];

const MAGMA: [Rgb; 9] = [
    (0, 0, 4),
    (28, 16, 68),
    (79, 18, 123),
    (129, 37, 129),
    (181, 54, 122),
    (229, 80, 100),
    (251, 135, 97),
    (254, 194, 135),
    (252, 253, 191),
];

const GREYS: [Rgb; 9] = [
    (255, 255, 255),
    (240, 240, 240),
    (217, 217, 217),
    (189, 189, 189),
    (150, 150, 150),
    (115, 115, 115),
    (82, 82, 82),
    (37, 37, 37),
    (0, 0, 0),
];

const INFERNO: [Rgb; 8] = [
    (0, 0, 4),
    (40, 11, 84),
    (101, 21, 110),
    (159, 42, 99),
    (212, 72, 66),
    (245, 125, 21),
    (250, 193, 39),
    (252, 255, 164),
];

const CIVIDIS: [Rgb; 9] = [
    (0, 34, 78),
    (26, 56, 111),
    (67, 78, 108),
    (97, 101, 111),
    (125, 124, 120),
    (155, 148, 118),
    (188, 174, 108),
    (222, 201, 88),
    (254, 232, 56),
];

const VIRIDIS: [Rgb; 9] = [
    (68, 1, 84),
    (71, 45, 123),
    (59, 82, 139),
    (44, 114, 142),
    (33, 145, 140),
    (40, 174, 128),
    (94, 201, 98),
    (173, 220, 48),
    (253, 231, 37),
];

fn anchors(a: &[Rgb], v: f64) -> Rgb {
    let x = v * (a.len() - 1) as f64;
    let i = (x as usize).min(a.len() - 2);
    let t = x - i as f64;
    let mix = |p: u8, q: u8| (p as f64 + t * (q as f64 - p as f64)).round() as u8;
    (
        mix(a[i].0, a[i + 1].0),
        mix(a[i].1, a[i + 1].1),
        mix(a[i].2, a[i + 1].2),
    )
}

/// Piecewise-linear channel through (x, value) breakpoints.
fn segment(points: &[(f64, f64)], v: f64) -> u8 {
    let mut out = points[points.len() - 1].1;
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if v <= x1 {
            out = y0 + (v - x0) / (x1 - x0) * (y1 - y0);
            break;
        }
    }
    (out * 255.0).round() as u8
}

fn jet(v: f64) -> Rgb {
    const R: [(f64, f64); 5] = [
        (0.0, 0.0),
        (0.35, 0.0),
        (0.66, 1.0),
        (0.89, 1.0),
        (1.0, 0.5),
    ];
    const G: [(f64, f64); 6] = [
        (0.0, 0.0),
        (0.125, 0.0),
        (0.375, 1.0),
        (0.64, 1.0),
        (0.91, 0.0),
        (1.0, 0.0),
    ];
    const B: [(f64, f64); 5] = [
        (0.0, 0.5),
        (0.11, 1.0),
        (0.34, 1.0),
        (0.65, 0.0),
        (1.0, 0.0),
    ];
    (segment(&R, v), segment(&G, v), segment(&B, v))
}

impl Colormap {
    /// Parse a matplotlib colour-map name.
    pub fn parse(name: &str) -> Option<Colormap> {
        Some(match name {
            "inferno" => Colormap::Inferno,
            "jet" => Colormap::Jet,
            "jet_r" => Colormap::JetR,
            "cividis" => Colormap::Cividis,
            "viridis" => Colormap::Viridis,
            "plasma" => Colormap::Plasma,
            "magma" => Colormap::Magma,
            "Greys" => Colormap::Greys,
            _ => return None,
        })
    }

    /// The colour at `v` in [0, 1] (clamped; NaN gives the low end).
    pub fn at(self, v: f64) -> Rgb {
        let v = if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        };
        match self {
            Colormap::Inferno => anchors(&INFERNO, v),
            Colormap::Plasma => anchors(&PLASMA, v),
            Colormap::Magma => anchors(&MAGMA, v),
            Colormap::Greys => anchors(&GREYS, v),
            Colormap::Jet => jet(v),
            Colormap::JetR => jet(1.0 - v),
            Colormap::Cividis => anchors(&CIVIDIS, v),
            Colormap::Viridis => anchors(&VIRIDIS, v),
        }
    }

    /// `n` colours evenly spread over the map (matplotlib's `get_cmap(name, n)`).
    pub fn sample(self, n: usize) -> Vec<Rgb> {
        (0..n)
            .map(|i| {
                self.at(if n > 1 {
                    i as f64 / (n - 1) as f64
                } else {
                    0.0
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middles_match_matplotlib() {
        assert_eq!(Colormap::Jet.at(0.0), (0, 0, 128));
        assert_eq!(Colormap::Jet.at(1.0), (128, 0, 0));
        // matplotlib's 256-entry table at 0.25, 0.5, 0.75 (ours is the exact segments)
        let near = |a: Rgb, b: Rgb| {
            (a.0 as i32 - b.0 as i32).abs() <= 3
                && (a.1 as i32 - b.1 as i32).abs() <= 3
                && (a.2 as i32 - b.2 as i32).abs() <= 3
        };
        assert!(near(Colormap::Jet.at(0.25), (0, 128, 255)));
        assert!(near(Colormap::Jet.at(0.5), (125, 255, 122)));
        assert!(near(Colormap::Jet.at(0.75), (255, 148, 0)));
        assert_eq!(Colormap::JetR.at(1.0), (0, 0, 128));
        assert_eq!(Colormap::Cividis.at(0.0), (0, 34, 78));
        assert_eq!(Colormap::Viridis.at(1.0), (253, 231, 37));
        assert_eq!(Colormap::Cividis.sample(3)[1], (125, 124, 120));
        assert!(Colormap::parse("hot").is_none());
    }
}
