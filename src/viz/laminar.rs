//! Laminar recordings: LFP traces stacked by contact and the current source density map
//! (hnn-core's `plot_laminar_lfp` and `plot_laminar_csd`).

use super::colormap::Colormap;
use super::{Figure, Heat, Line, Rgb};
use crate::analysis::dense::Lu;
use crate::error::{Error, Result};

/// How LFP traces are coloured.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceColor {
    /// One colour per contact from a colour map (hnn-core's default: `cividis`).
    Map(Colormap),
    /// The same colour for every contact.
    Single(Rgb),
}

/// Options of [`plot_laminar_lfp`] (hnn-core's keyword arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct LfpOptions {
    /// Time window [ms] (default: all samples).
    pub tmin: Option<f64>,
    /// End of the time window [ms].
    pub tmax: Option<f64>,
    /// Trace colours.
    pub color: TraceColor,
    /// Vertical distance between contact traces [µV]; `None` overlays them on a µV axis.
    pub voltage_offset: Option<f64>,
    /// Height of the scale bar [µV]; `None` draws none (with an offset it then defaults to
    /// the offset, as in hnn-core).
    pub voltage_scalebar: Option<f64>,
}

impl Default for LfpOptions {
    fn default() -> Self {
        LfpOptions {
            tmin: None,
            tmax: None,
            color: TraceColor::Map(Colormap::Cividis),
            voltage_offset: Some(50.0),
            voltage_scalebar: Some(200.0),
        }
    }
}

fn check_shape(times: &[f64], data: &[Vec<f64>]) -> Result<()> {
    if data.is_empty() {
        return Err(Error::invalid(
            "data",
            "no contacts",
            "one trace per contact",
        ));
    }
    if let Some(c) = data.iter().position(|r| r.len() != times.len()) {
        return Err(Error::invalid(
            format!("data of contact {c}"),
            format!("{} samples", data[c].len()),
            format!("{} samples like times", times.len()),
        ));
    }
    Ok(())
}

fn label(z: f64) -> String {
    if z.fract() == 0.0 && z.abs() < 1e15 {
        format!("{}", z as i64)
    } else {
        format!("{z}")
    }
}

/// One trace per contact, stacked `voltage_offset` µV apart with the contacts' depths as y
/// labels and a scale bar at the upper left (hnn-core's `plot_laminar_lfp`).
pub fn plot_laminar_lfp(
    times: &[f64],
    data: &[Vec<f64>],
    contact_labels: &[f64],
    opts: &LfpOptions,
) -> Result<Figure> {
    check_shape(times, data)?;
    let n = data.len();
    let colors = match &opts.color {
        TraceColor::Map(m) => m.sample(n),
        TraceColor::Single(c) => vec![*c; n],
    };
    let (t0, t1) = (
        opts.tmin.unwrap_or(times[0]),
        opts.tmax.unwrap_or(*times.last().unwrap_or(&0.0)),
    );
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    p.xlabel = "Time (ms)".into();
    p.xlim = Some((t0, t1));
    match opts.voltage_offset {
        Some(off) => {
            if !(off.is_finite() && off > 0.0) {
                return Err(Error::invalid(
                    "voltage_offset",
                    off,
                    "a positive number [µV]",
                ));
            }
            if contact_labels.len() != n {
                return Err(Error::invalid(
                    "contact_labels",
                    format!("{} labels", contact_labels.len()),
                    format!("one per plotted contact ({n})"),
                ));
            }
            // y in units of the offset: contact i sits at y = i
            for (i, (trace, c)) in data.iter().zip(&colors).enumerate() {
                p.lines.push(Line {
                    x: times.to_vec(),
                    y: trace.iter().map(|v| i as f64 + v / off).collect(),
                    color: *c,
                    width: 1,
                    label: None,
                    dashed: false,
                });
            }
            // every contact is a tick; crowded labels are thinned to about a dozen
            let every = n.div_ceil(12);
            p.ycats = contact_labels
                .iter()
                .enumerate()
                .map(|(i, &z)| {
                    if i % every == 0 {
                        label(z)
                    } else {
                        String::new()
                    }
                })
                .collect();
            p.ylim = Some((-1.0, n as f64));
            p.ylabel = "Individual contact traces".into();
            let bar = opts.voltage_scalebar.unwrap_or(off);
            if !(bar.is_finite() && bar > 0.0) {
                return Err(Error::invalid(
                    "voltage_scalebar",
                    bar,
                    "a positive number [µV]",
                ));
            }
            let x = t0 + 0.02 * (t1 - t0);
            let top = n as f64 - 0.3;
            p.lines.push(Line {
                x: vec![x, x],
                y: vec![top - bar / off, top],
                color: (0, 0, 0),
                width: 3,
                label: None,
                dashed: false,
            });
            p.texts.push((
                x + 0.07 * (t1 - t0),
                top - 0.5 * bar / off,
                format!("{} µV", label(bar)),
                (0, 0, 0),
            ));
        }
        None => {
            for (trace, c) in data.iter().zip(&colors) {
                p.lines.push(Line {
                    x: times.to_vec(),
                    y: trace.clone(),
                    color: *c,
                    width: 1,
                    label: None,
                    dashed: false,
                });
            }
            p.ylabel = "Electric potential (µV)".into();
        }
    }
    Ok(fig)
}

/// Options of [`plot_laminar_csd`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsdOptions {
    /// Lower end of the colour range (default: −max |CSD|).
    pub vmin: Option<f64>,
    /// Upper end (default: max |CSD|).
    pub vmax: Option<f64>,
    /// `"b"`: sinks blue (jet); `"r"`: sinks red (jet reversed).
    pub sink: String,
    /// Cubic-spline interpolation across depth (hnn-core's `interpolation='spline'`).
    pub spline: bool,
    /// Draw a colour bar.
    pub colorbar: bool,
}

impl Default for CsdOptions {
    fn default() -> Self {
        CsdOptions {
            vmin: None,
            vmax: None,
            sink: "b".into(),
            spline: true,
            colorbar: true,
        }
    }
}

/// Rows drawn for the interpolated depth axis (hnn-core evaluates one per µm; the picture
/// cannot show more rows than it has pixels).
const DEPTH_ROWS: usize = 300;

/// The CSD as a colour map over time and depth (hnn-core's `plot_laminar_csd`): by default
/// interpolated across depth by a not-a-knot cubic spline (the interpolating bicubic spline
/// hnn-core uses, evaluated at the sample times), jet colours symmetric about zero.
pub fn plot_laminar_csd(
    times: &[f64],
    data: &[Vec<f64>],
    contact_labels: &[f64],
    opts: &CsdOptions,
) -> Result<Figure> {
    check_shape(times, data)?;
    if contact_labels.len() != data.len() {
        return Err(Error::invalid(
            "contact_labels",
            format!("{} labels", contact_labels.len()),
            format!("one per contact ({})", data.len()),
        ));
    }
    let cmap = match opts.sink.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('b') => Colormap::Jet,
        Some('r') => Colormap::JetR,
        _ => {
            return Err(Error::invalid(
                "sink",
                format!("'{}'", opts.sink),
                "\"b\" (sinks blue) or \"r\" (sinks red)",
            ));
        }
    };
    let (depths, z) = if opts.spline {
        let (z0, z1) = (contact_labels[0], contact_labels[contact_labels.len() - 1]);
        let n = ((z1 - z0).abs() as usize).clamp(2, DEPTH_ROWS);
        let depths: Vec<f64> = (0..n)
            .map(|i| z0 + (z1 - z0) * i as f64 / (n - 1) as f64)
            .collect();
        let z = spline_rows(contact_labels, data, &depths)?;
        (depths, z)
    } else {
        (contact_labels.to_vec(), data.to_vec())
    };
    let zmax = z
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let (lo, hi) = (opts.vmin.unwrap_or(-zmax), opts.vmax.unwrap_or(zmax));
    let mut fig = Figure::new(1);
    let p = &mut fig.panels[0];
    p.heat = Some(Heat {
        x: times.to_vec(),
        y: depths,
        z,
        cmap,
        range: Some((lo, hi)),
        colorbar: opts.colorbar.then(|| "CSD (µV/µm²)".to_string()),
        colorbar_inside: false,
    });
    p.xlabel = "Time (ms)".into();
    p.ylabel = "Electrode depth (µm)".into();
    Ok(fig)
}

/// Interpolate each time column of `data[contact][time]` across depth at `at`.
fn spline_rows(x: &[f64], data: &[Vec<f64>], at: &[f64]) -> Result<Vec<Vec<f64>>> {
    let n = x.len();
    if n < 4 {
        return Err(Error::invalid(
            "contacts",
            n,
            "at least 4 for spline interpolation (or interpolation: \"none\")",
        ));
    }
    let (x, data): (Vec<f64>, Vec<&Vec<f64>>) = if x[n - 1] < x[0] {
        (
            x.iter().rev().copied().collect(),
            data.iter().rev().collect(),
        )
    } else {
        (x.to_vec(), data.iter().collect())
    };
    if x.windows(2).any(|w| !(w[1] > w[0])) {
        return Err(Error::invalid(
            "contact depths",
            "not monotonic",
            "strictly increasing or decreasing depths",
        ));
    }
    let spline = NotAKnot::new(&x);
    let n_t = data[0].len();
    let mut out = vec![vec![0.0; n_t]; at.len()];
    let mut col = vec![0.0; n];
    for t in 0..n_t {
        for (c, row) in data.iter().enumerate() {
            col[c] = row[t];
        }
        let m = spline.second_derivatives(&col);
        for (r, &z) in at.iter().enumerate() {
            out[r][t] = spline.eval(&col, &m, z);
        }
    }
    Ok(out)
}

/// A cubic interpolating spline with not-a-knot ends on fixed knots: its matrix is factored
/// once and reused for every right-hand side.
struct NotAKnot {
    x: Vec<f64>,
    /// The factored system for the second derivatives.
    lu: Lu,
}

impl NotAKnot {
    fn new(x: &[f64]) -> NotAKnot {
        let n = x.len();
        let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let mut a = vec![0.0; n * n];
        // not-a-knot: the third derivative is continuous at x[1] and x[n-2]
        a[0] = h[1];
        a[1] = -(h[0] + h[1]);
        a[2] = h[0];
        for i in 1..n - 1 {
            a[i * n + i - 1] = h[i - 1];
            a[i * n + i] = 2.0 * (h[i - 1] + h[i]);
            a[i * n + i + 1] = h[i];
        }
        let r = (n - 1) * n;
        a[r + n - 3] = h[n - 2];
        a[r + n - 2] = -(h[n - 3] + h[n - 2]);
        a[r + n - 1] = h[n - 3];
        NotAKnot {
            x: x.to_vec(),
            lu: Lu::new(a, n),
        }
    }

    fn second_derivatives(&self, y: &[f64]) -> Vec<f64> {
        let (n, x) = (self.x.len(), &self.x);
        let mut b = vec![0.0; n];
        for i in 1..n - 1 {
            b[i] = 6.0
                * ((y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1]));
        }
        self.lu.solve(&b)
    }

    fn eval(&self, y: &[f64], m: &[f64], at: f64) -> f64 {
        let x = &self.x;
        let n = x.len();
        let i = x[1..n - 1].partition_point(|&k| k <= at);
        let h = x[i + 1] - x[i];
        let (l, r) = (x[i + 1] - at, at - x[i]);
        m[i] * l * l * l / (6.0 * h)
            + m[i + 1] * r * r * r / (6.0 * h)
            + (y[i] / h - m[i] * h / 6.0) * l
            + (y[i + 1] / h - m[i + 1] * h / 6.0) * r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_knot_reproduces_cubics_exactly() {
        let x = [0.0, 1.0, 2.5, 3.0, 4.5, 6.0];
        let f = |t: f64| 2.0 - t + 0.5 * t * t - 0.1 * t * t * t;
        let y: Vec<f64> = x.iter().map(|&t| f(t)).collect();
        let s = NotAKnot::new(&x);
        let m = s.second_derivatives(&y);
        for t in [0.0, 0.3, 1.7, 2.9, 4.0, 5.99, 6.0] {
            assert!((s.eval(&y, &m, t) - f(t)).abs() < 1e-12, "{t}");
        }
    }

    #[test]
    fn bad_shapes_are_errors() {
        let t = [0.0, 1.0];
        let d = vec![vec![0.0, 1.0], vec![1.0]];
        assert!(plot_laminar_lfp(&t, &d, &[0.0, 1.0], &LfpOptions::default()).is_err());
        let d = vec![vec![0.0, 1.0]; 3];
        assert!(plot_laminar_csd(&t, &d, &[0.0, 1.0, 2.0], &CsdOptions::default()).is_err());
        let opts = CsdOptions {
            sink: "g".into(),
            ..CsdOptions::default()
        };
        let d = vec![vec![0.0, 1.0]; 4];
        assert!(plot_laminar_csd(&t, &d, &[0.0, 1.0, 2.0, 3.0], &opts).is_err());
    }
}
