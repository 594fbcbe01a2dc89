//! Extracellular potentials from transmembrane currents.
//!
//! Each electrode contact sees Σ R_k · i_k over every segment k of every cell, with i_k the
//! segment's transmembrane current [nA] after each step and R_k its transfer resistance
//! [µV/nA] (hnn-core's `_transfer_resistance`). The transfer resistances use the section end
//! points as NEURON holds them after hnn-core builds a cell: each point is stored in single
//! precision, the section is rescaled to its length `L`, and `define_shape` translates every
//! child section onto its parent's end — the float arithmetic of those steps is repeated here
//! so that the geometry equals NEURON's to the last bit.

use std::f64::consts::PI;

use super::LoweredCell;
use crate::model::CellTemplate;
use crate::network::electrodes::{ElectrodeArray, Method};

/// One section's geometry as NEURON holds it.
#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq)]
pub struct SectionPoints {
    /// Section name.
    pub name: String,
    /// The 0 and 1 end points [µm] (single-precision values).
    pub pts: [[f64; 3]; 2],
    /// Length [µm].
    pub L: f64,
    /// Number of segments.
    pub nseg: usize,
}

fn f32r(x: f64) -> f64 {
    x as f32 as f64
}

/// The 3-D end points of every section of `template` placed at `pos`, as NEURON holds them
/// after hnn-core's `Cell.build` (`pt3dadd` of the shifted end points in float32, `L`
/// rescaling the section about its first point, `define_shape` translating children onto the
/// parent end they are attached to, in single precision).
pub fn neuron_points(template: &CellTemplate, pos: [f64; 3]) -> Vec<SectionPoints> {
    let mut out: Vec<SectionPoints> = template
        .sections
        .iter()
        .map(|(name, s)| {
            let p0 = [0, 1, 2].map(|k| f32r(s.end_pts[0][k] + pos[k]));
            let mut p1 = [0, 1, 2].map(|k| f32r(s.end_pts[1][k] + pos[k]));
            // NEURON's arc: the float coordinates subtracted in single precision
            let t = [0, 1, 2].map(|k| (p1[k] as f32 - p0[k] as f32) as f64);
            let arc = (t[0] * t[0] + t[1] * t[1] + t[2] * t[2]).sqrt();
            if arc > 0.0 {
                let fac = s.L / arc;
                p1 = [0, 1, 2].map(|k| f32r(p0[k] + (p1[k] - p0[k]) * fac));
            }
            SectionPoints {
                name: name.clone(),
                pts: [p0, p1],
                L: s.L,
                nseg: s.nseg,
            }
        })
        .collect();
    // define_shape: parents before children (walk from the roots)
    let mut done = vec![false; out.len()];
    let mut order = Vec::new();
    while order.len() < out.len() {
        let before = order.len();
        for (i, sp) in out.iter().enumerate() {
            if done[i] {
                continue;
            }
            match template.topology.iter().find(|a| a.child == sp.name) {
                None => {
                    done[i] = true;
                    order.push((i, None));
                }
                Some(a) => {
                    if let Some(pi) = out.iter().position(|p| p.name == a.parent)
                        && done[pi]
                    {
                        done[i] = true;
                        order.push((i, Some((pi, a.parent_end))));
                    }
                }
            }
        }
        if order.len() == before {
            break; // a cycle cannot pass template validation; stop rather than loop
        }
    }
    for (i, parent) in order {
        let Some((pi, end)) = parent else { continue };
        let anchor = if end >= 0.5 {
            out[pi].pts[1]
        } else {
            out[pi].pts[0]
        };
        let first = out[i].pts[0];
        let d = [0, 1, 2].map(|k| (anchor[k] as f32 - first[k] as f32) as f64);
        for p in out[i].pts.iter_mut() {
            for k in 0..3 {
                p[k] = (p[k] as f32 + d[k] as f32) as f64;
            }
        }
    }
    out
}

/// A dot product of three as OpenBLAS's `ddot` computes it on this machine (a fused
/// multiply-add chain), which numpy's `dot` and 1-D `norm` call.
fn ddot3(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[2].mul_add(b[2], a[1].mul_add(b[1], a[0] * b[0]))
}

/// Transfer resistances [µV/nA] from each segment of one section to one electrode
/// (hnn-core's `_transfer_resistance`, its arithmetic in its order).
pub fn transfer_resistance(
    sec: &SectionPoints,
    electrode: [f64; 3],
    conductivity: f64,
    method: Method,
    min_distance: f64,
) -> Vec<f64> {
    let [start, end] = sec.pts;
    let vec = [0, 1, 2].map(|k| end[k] - start[k]);
    let n = sec.nseg;
    let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let ctr: Vec<[f64; 3]> = xs
        .iter()
        .map(|&x| [0, 1, 2].map(|k| start[k] + x * vec[k]))
        .collect();
    // half-lengths of the line sources: the first segment's centre distance from the 0 end,
    // then each later centre's distance from the next centre (the 1 end for the last)
    let mut marks = vec![0.0];
    marks.extend(xs.iter().map(|&x| x * sec.L));
    marks.push(sec.L);
    let diffs: Vec<f64> = marks.windows(2).map(|w| w[1] - w[0]).collect();
    let mut lens = vec![diffs[0]];
    lens.extend_from_slice(&diffs[2..]);
    let phi: Vec<f64> = match method {
        Method::Psa => ctr
            .iter()
            .map(|c| {
                let d = [0, 1, 2].map(|k| electrode[k] - c[k]);
                let dis = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
                1.0 / dis.max(min_distance)
            })
            .collect(),
        Method::Lsa => {
            let norm_vec = ddot3(vec, vec).sqrt();
            ctr.iter()
                .zip(&lens)
                .map(|(c, &len)| {
                    let s = [0, 1, 2].map(|k| c[k] - len * vec[k] / norm_vec);
                    let e = [0, 1, 2].map(|k| c[k] + len * vec[k] / norm_vec);
                    let a = [0, 1, 2].map(|k| e[k] - s[k]);
                    let norm_a = ddot3(a, a).sqrt();
                    let b = [0, 1, 2].map(|k| electrode[k] - e[k]);
                    let h = ddot3(b, a) / norm_a;
                    let l = h + norm_a;
                    let r2 = (ddot3(b, b) - h * h).max(min_distance * min_distance);
                    let (num, den) = if l < 0.0 && h < 0.0 {
                        ((h * h + r2).sqrt() - h, (l * l + r2).sqrt() - l)
                    } else if l > 0.0 && h < 0.0 {
                        (((h * h + r2).sqrt() - h) * (l + (l * l + r2).sqrt()), r2)
                    } else {
                        ((l * l + r2).sqrt() + l, (h * h + r2).sqrt() + h)
                    };
                    (num / den).ln() / norm_a
                })
                .collect()
        }
    };
    phi.iter()
        .map(|p| 1000.0 * p / (4.0 * PI * conductivity))
        .collect()
}

/// Transfer resistances of one cell, per lowered node (zero for nodes without membrane):
/// `out[node * n_contacts + contact]`, contacts of all `arrays` one after another.
pub fn cell_transfer(
    template: &CellTemplate,
    lowered: &LoweredCell,
    pos: [f64; 3],
    arrays: &[ElectrodeArray],
) -> Vec<f64> {
    let n_contacts: usize = arrays.iter().map(|a| a.positions.len()).sum();
    let mut out = vec![0.0; lowered.n_nodes() * n_contacts];
    for sp in neuron_points(template, pos) {
        let Some(ls) = lowered.sections.iter().find(|s| s.name == sp.name) else {
            continue;
        };
        let mut c = 0;
        for arr in arrays {
            for &e in &arr.positions {
                let r = transfer_resistance(&sp, e, arr.conductivity, arr.method, arr.min_distance);
                for (j, x) in r.into_iter().enumerate() {
                    out[(ls.first + j) * n_contacts + c] = x;
                }
                c += 1;
            }
        }
    }
    out
}
