//! Cell types: templates (sections, mechanisms, synapses, topology) and metadata, both ways.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::node::Node;

use crate::error::Result;
use crate::model::cell::{Attachment, CellTemplate};
use crate::model::mechanism::ParamValue;
use crate::model::section::Section;
use crate::model::synapse::{Receptor, SynapseKinetics};
use crate::network::{CellMetadata, CellType};

pub(super) fn read_cell_type(name: &str, n: &Node) -> Result<CellType> {
    let c = n.field("cell_object")?;
    let m = n.field("cell_metadata")?;
    let metadata = CellMetadata {
        morpho_type: m.field("morpho_type")?.str()?,
        electro_type: m.field("electro_type")?.str()?,
        layer: match m.field("layer")?.v {
            Value::Number(x) => x.to_string(),
            _ => m.field("layer")?.str()?,
        },
        measure_dipole: m.field("measure_dipole")?.boolean()?,
        reference: m
            .opt("reference")
            .map(|r| r.str())
            .transpose()?
            .unwrap_or_default(),
    };
    let mut sections = Vec::new();
    for (s, sn) in c.field("sections")?.obj()? {
        let ends = sn.field("end_pts")?.arr()?;
        if ends.len() != 2 {
            return sn.field("end_pts")?.bad("two end points");
        }
        let mut sec = Section::new(
            sn.f("L")?,
            sn.f("diam")?,
            sn.f("Ra")?,
            sn.f("cm")?,
            sn.f("v0")?,
            [ends[0].point()?, ends[1].point()?],
        );
        sec.nseg = sn.field("nseg")?.uint()?;
        for (mech, params) in sn.field("mechs")?.obj()? {
            let info = crate::mech::catalogue::mech_info(&mech).ok_or_else(|| {
                params.error(&format!(
                    "a known mechanism ({})",
                    crate::mech::catalogue::mech_names()
                ))
            })?;
            // a parameter hnn-core leaves out has the .mod file's default
            let mut ps: BTreeMap<String, ParamValue> = info
                .params
                .iter()
                .map(|p| (p.name.to_string(), ParamValue::Const(p.default)))
                .collect();
            for (p, pv) in params.obj()? {
                let v = match pv.v {
                    Value::Array(_) => ParamValue::Segments(segment_values(&pv, sec.nseg)?),
                    _ => ParamValue::Const(pv.num()?),
                };
                if info.param(&p).is_none() {
                    return pv.bad(&format!("a parameter of {mech} ({})", info.param_names()));
                }
                ps.insert(p, v);
            }
            sec.mechs.insert(mech, ps);
        }
        for r in sn.field("syns")?.arr()? {
            sec.syns.push(
                r.str()?
                    .parse()
                    .map_err(|_| r.error("ampa, nmda, gabaa or gabab"))?,
            );
        }
        sections.push((s, sec));
    }
    let mut synapses = BTreeMap::new();
    for (r, sn) in c.field("synapses")?.obj()? {
        let receptor: Receptor = r.parse().map_err(|_| sn.error("a receptor name"))?;
        synapses.insert(
            receptor,
            SynapseKinetics {
                e: sn.f("e")?,
                tau1: sn.f("tau1")?,
                tau2: sn.f("tau2")?,
            },
        );
    }
    let mut sect_loc = BTreeMap::new();
    for (k, v) in c.field("sect_loc")?.obj()? {
        sect_loc.insert(
            k,
            v.arr()?
                .iter()
                .map(|s| s.str())
                .collect::<Result<Vec<_>>>()?,
        );
    }
    let mut topology = Vec::new();
    if let Some(tree) = c.opt("cell_tree") {
        for (k, children) in tree.obj()? {
            let (parent, end) =
                split_node(&k).ok_or_else(|| children.error("keys 'section,0' or 'section,1'"))?;
            for ch in children.arr()? {
                let s = ch.str()?;
                let (child, cend) =
                    split_node(&s).ok_or_else(|| ch.error("'section,0' or 'section,1'"))?;
                if child == parent {
                    continue;
                }
                if cend != 0.0 {
                    return ch.bad("a child attached by its 0 end");
                }
                topology.push(Attachment {
                    parent: parent.to_string(),
                    parent_end: end,
                    child: child.to_string(),
                });
            }
        }
    }
    let has_trunk = sections.iter().any(|(s, _)| s == "apical_trunk");
    let template = CellTemplate {
        name: c.field("name")?.str()?,
        sections,
        topology,
        synapses,
        sect_loc,
        dipole_axis: (metadata.measure_dipole && has_trunk).then(|| "apical_trunk".to_string()),
    };
    template
        .validate()
        .map_err(|e| n.error(&format!("a valid cell ({e})")))?;
    Ok(CellType {
        name: name.to_string(),
        template,
        metadata,
    })
}

/// hnn-core's evaluated distance-dependent value: `[[segment centres], [values]]`, one value
/// per segment.
fn segment_values(n: &Node, nseg: usize) -> Result<Vec<f64>> {
    let parts = n.arr()?;
    if parts.len() != 2 {
        return n.bad("[[segment centres], [values]]");
    }
    let vals = parts[1]
        .arr()?
        .iter()
        .map(|x| x.num())
        .collect::<Result<Vec<_>>>()?;
    if vals.len() != nseg || parts[0].arr()?.len() != nseg {
        return n.bad(&format!("one value per segment (nseg = {nseg})"));
    }
    Ok(vals)
}

pub(super) fn split_node(s: &str) -> Option<(&str, f64)> {
    let (sec, end) = s.rsplit_once(',')?;
    match end.trim() {
        "0" => Some((sec, 0.0)),
        "1" => Some((sec, 1.0)),
        _ => None,
    }
}

pub(super) fn cell_type_json(ct: &CellType) -> Value {
    let t = &ct.template;
    // distance-dependent values are stored evaluated: [[segment centres], [values]]
    let start = t
        .section_start_distances()
        .unwrap_or_else(|_| vec![0.0; t.sections.len()]);
    let mut sections = Map::new();
    for (si, (name, s)) in t.sections.iter().enumerate() {
        let centres = s.seg_centres();
        let mechs: Map<String, Value> = s
            .mechs
            .iter()
            .map(|(m, ps)| {
                let ps: Map<String, Value> = ps
                    .iter()
                    .map(|(p, v)| {
                        let v = match v {
                            ParamValue::Const(x) => json!(x),
                            _ => {
                                let vals: Vec<f64> = centres
                                    .iter()
                                    .enumerate()
                                    .map(|(j, c)| v.at(j, start[si] + c * s.L))
                                    .collect();
                                json!([centres, vals])
                            }
                        };
                        (p.clone(), v)
                    })
                    .collect();
                // all at the .mod defaults: hnn-core writes an empty map (its baskets' hh2)
                let defaults = crate::mech::catalogue::mech_info(m).is_some_and(|info| {
                    ps.iter()
                        .all(|(p, v)| info.param(p).is_some_and(|d| json!(d.default) == *v))
                });
                let ps = if defaults { Map::new() } else { ps };
                (m.clone(), Value::Object(ps))
            })
            .collect();
        sections.insert(
            name.clone(),
            json!({
                "L": s.L, "diam": s.diam, "cm": s.cm, "Ra": s.Ra, "end_pts": s.end_pts,
                "nseg": s.nseg, "v0": s.v0, "mechs": mechs,
                "syns": s.syns.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            }),
        );
    }
    let mut tree: Map<String, Value> = Map::new();
    for (name, _) in &t.sections {
        tree.insert(format!("{name},0"), json!([format!("{name},1")]));
    }
    for a in &t.topology {
        let key = format!("{},{}", a.parent, a.parent_end as u8);
        let entry = tree.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(v) = entry {
            v.push(json!(format!("{},0", a.child)));
        }
    }
    let synapses: Map<String, Value> = t
        .synapses
        .iter()
        .map(|(r, k)| {
            (
                r.to_string(),
                json!({"e": k.e, "tau1": k.tau1, "tau2": k.tau2}),
            )
        })
        .collect();
    json!({
        "cell_object": {
            "name": t.name, "pos": [0, 0, 0], "sections": sections, "synapses": synapses,
            "cell_tree": if t.topology.is_empty() { Value::Null } else { Value::Object(tree) }, "sect_loc": t.sect_loc, "gid": null, "dipole_pp": [],
            "vsec": {}, "isec": {}, "ca": {}, "tonic_biases": [],
        },
        "cell_metadata": {
            "morpho_type": ct.metadata.morpho_type, "electro_type": ct.metadata.electro_type,
            "layer": ct.metadata.layer, "measure_dipole": ct.metadata.measure_dipole,
            "reference": ct.metadata.reference,
        },
    })
}
