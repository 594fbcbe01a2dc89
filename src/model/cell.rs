//! A cell template: sections, their tree, synapse kinetics and location groups.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::mechanism::ParamValue;
use super::section::Section;
use super::synapse::{Receptor, SynapseKinetics};
use crate::error::{Error, Result};
use crate::mech::catalogue::{mech_info, mech_names};

/// A child section's 0 end attached to a parent section's 0 or 1 end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Parent section.
    pub parent: String,
    /// Which end of the parent: 0.0 or 1.0.
    pub parent_end: f64,
    /// Child section (attached by its 0 end).
    pub child: String,
}

/// A cell description as hnn-core's `Cell` holds it (without position or gid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellTemplate {
    /// hnn-core's short cell name (`L5Pyr`, `L2Pyr`, `L2Basket`, `L5Basket`).
    pub name: String,
    /// Sections by name, in hnn-core's order (dendrites first, soma last for pyramids).
    pub sections: Vec<(String, Section)>,
    /// Section tree; the section named `soma` is the root.
    pub topology: Vec<Attachment>,
    /// Exp2Syn kinetics per receptor.
    pub synapses: BTreeMap<Receptor, SynapseKinetics>,
    /// Location groups (`proximal`, `distal`) → section names.
    pub sect_loc: BTreeMap<String, Vec<String>>,
    /// Section whose direction defines the dipole axis; `None` for cells without a dipole.
    pub dipole_axis: Option<String>,
}

impl CellTemplate {
    /// Section names in order.
    pub fn section_names(&self) -> Vec<&str> {
        self.sections.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn known_sections(&self) -> String {
        self.section_names().join(", ")
    }

    /// Index of a section by name.
    pub fn section_index(&self, name: &str) -> Result<usize> {
        self.sections
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| Error::UnknownSection {
                cell: self.name.clone(),
                section: name.into(),
                known: self.known_sections(),
            })
    }

    /// A section by name.
    pub fn section(&self, name: &str) -> Result<&Section> {
        let i = self.section_index(name)?;
        Ok(&self.sections[i].1)
    }

    /// A section by name, mutably.
    pub fn section_mut(&mut self, name: &str) -> Result<&mut Section> {
        let i = self.section_index(name)?;
        Ok(&mut self.sections[i].1)
    }

    /// Change geometry or passive properties of a section, as hnn-core's
    /// `Cell.modify_section`. `None` leaves a property unchanged; `nseg` is kept.
    #[allow(non_snake_case)]
    pub fn modify_section(
        &mut self,
        sec_name: &str,
        L: Option<f64>,
        diam: Option<f64>,
        cm: Option<f64>,
        Ra: Option<f64>,
        v0: Option<f64>,
    ) -> Result<()> {
        let cell = self.name.clone();
        let sec = self.section_mut(sec_name)?;
        let mut trial = sec.clone();
        if let Some(v) = L {
            trial.L = v;
        }
        if let Some(v) = diam {
            trial.diam = v;
        }
        if let Some(v) = cm {
            trial.cm = v;
        }
        if let Some(v) = Ra {
            trial.Ra = v;
        }
        if let Some(v) = v0 {
            trial.v0 = v;
        }
        validate_section(&cell, sec_name, &trial)?;
        *sec = trial;
        if L.is_some() {
            self.define_shape();
        }
        Ok(())
    }

    /// Recompute end points from the root so that every section keeps its direction, has
    /// its length `L`, and starts where it is attached (hnn-core's `define_shape`).
    ///
    /// The soma's 0 end is first moved to the origin (hnn-core places it at the cell
    /// position; positions are applied when a network is built). The walk repeats hnn-core's
    /// float operations in its order — each node's correction is added to its whole subtree —
    /// so that end points agree with hnn-core's to the last bit.
    pub fn define_shape(&mut self) {
        let Ok(root) = self.section_index("soma") else {
            return;
        };
        let origin = self.sections[root].1.end_pts[0];
        let shift = [-origin[0], -origin[1], -origin[2]];
        for (_, sec) in &mut self.sections {
            for pt in sec.end_pts.iter_mut() {
                for k in 0..3 {
                    pt[k] += shift[k];
                }
            }
        }
        self.shape_node((root, 0));
    }

    /// hnn-core's cell-tree children of node (section, end): the section's own 1 end for a
    /// 0 end, then the sections attached there by their 0 ends.
    fn tree_children(&self, (sec, end): (usize, usize)) -> Vec<(usize, usize)> {
        let name = &self.sections[sec].0;
        let mut out = if end == 0 { vec![(sec, 1)] } else { Vec::new() };
        out.extend(
            self.topology
                .iter()
                .filter(|a| a.parent == *name && a.parent_end == end as f64)
                .filter_map(|a| self.sections.iter().position(|(n, _)| *n == a.child))
                .map(|c| (c, 0)),
        );
        out
    }

    fn shape_node(&mut self, node: (usize, usize)) {
        let (sec, end) = node;
        let opp = 1 - end;
        let s = &self.sections[sec].1;
        let (p0, p1) = (s.end_pts[end], s.end_pts[opp]);
        let d = [p0[0] - p1[0], p0[1] - p1[1], p0[2] - p1[2]];
        // numpy's norm is BLAS ddot: a fused multiply-add chain on this machine's OpenBLAS
        let len = d[2].mul_add(d[2], d[1].mul_add(d[1], d[0] * d[0])).sqrt();
        if len > 0.0 {
            let fac = s.L / len;
            let dpt = [
                p0[0] + (p1[0] - p0[0]) * fac - p1[0],
                p0[1] + (p1[1] - p0[1]) * fac - p1[1],
                p0[2] + (p1[2] - p0[2]) * fac - p1[2],
            ];
            self.shift_subtree((sec, opp), dpt);
        }
        for child in self.tree_children(node) {
            self.shape_node(child);
        }
    }

    fn shift_subtree(&mut self, (sec, end): (usize, usize), dpt: [f64; 3]) {
        let pt = &mut self.sections[sec].1.end_pts[end];
        for k in 0..3 {
            pt[k] += dpt[k];
        }
        for child in self.tree_children((sec, end)) {
            self.shift_subtree(child, dpt);
        }
    }

    /// Set one mechanism parameter on one section (the mechanism must be inserted there).
    pub fn set_mech_param(
        &mut self,
        sec_name: &str,
        mech: &str,
        param: &str,
        value: ParamValue,
    ) -> Result<()> {
        let cell = self.name.clone();
        let info = mech_info(mech).ok_or_else(|| Error::UnknownMechanism {
            cell: cell.clone(),
            section: sec_name.into(),
            mech: mech.into(),
            known: mech_names(),
        })?;
        if info.param(param).is_none() {
            return Err(Error::UnknownParameter {
                cell,
                section: sec_name.into(),
                mech: mech.into(),
                param: param.into(),
                known: info.param_names(),
            });
        }
        if !value.is_finite() {
            return Err(Error::InvalidSectionValue {
                cell,
                section: sec_name.into(),
                param: param.into(),
                value: format!("{value:?}"),
                expected: "a finite number".into(),
            });
        }
        let sec = self.section_mut(sec_name)?;
        let Some(m) = sec.mechs.get_mut(mech) else {
            let inserted = sec.mechs.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(Error::UnknownMechanism {
                cell,
                section: sec_name.into(),
                mech: mech.into(),
                known: format!("inserted here: {inserted}"),
            });
        };
        m.insert(param.into(), value);
        Ok(())
    }

    /// Set the kinetics of one receptor (hnn-core: `cell.synapses['gabab']['tau1'] = 45`).
    pub fn set_synapse(&mut self, receptor: Receptor, kin: SynapseKinetics) -> Result<()> {
        check_synapse(&self.name, receptor, &kin)?;
        self.synapses.insert(receptor, kin);
        Ok(())
    }

    /// Sections of a location: a group name (`proximal`, `distal`) or a section name.
    pub fn location_sections(&self, loc: &str) -> Result<Vec<String>> {
        if let Some(g) = self.sect_loc.get(loc) {
            return Ok(g.clone());
        }
        if self.sections.iter().any(|(n, _)| n == loc) {
            return Ok(vec![loc.to_string()]);
        }
        let mut known: Vec<String> = self.sect_loc.keys().cloned().collect();
        known.extend(self.section_names().iter().map(|s| s.to_string()));
        Err(Error::UnknownName {
            what: format!("location on {}", self.name),
            name: loc.into(),
            known: known.join(", "),
        })
    }

    /// Path distance [µm] from the soma's 0 end to each section's 0 end, summed the way
    /// hnn-core's `Cell.distance_section` does (from the section towards the soma).
    pub fn section_start_distances(&self) -> Result<Vec<f64>> {
        let mut out = Vec::with_capacity(self.sections.len());
        for (name, sec) in &self.sections {
            // distance to the section centre, accumulated leaf-first
            let mut d = sec.L / 2.0;
            let mut cur = name.as_str();
            let mut guard = 0;
            while let Some(att) = self.topology.iter().find(|a| a.child == cur) {
                if att.parent_end == 1.0 {
                    d += self.section(&att.parent)?.L;
                }
                cur = att.parent.as_str();
                guard += 1;
                if guard > self.sections.len() {
                    return Err(Error::invalid(
                        format!("topology of {}", self.name),
                        "a cycle",
                        "a tree",
                    ));
                }
            }
            out.push(d - sec.L / 2.0);
        }
        Ok(out)
    }

    /// Check every number and name of the template; errors name the cell, section and
    /// parameter.
    pub fn validate(&self) -> Result<()> {
        if self.sections.is_empty() {
            return Err(Error::invalid(
                format!("cell '{}'", self.name),
                "no sections",
                "at least a soma",
            ));
        }
        self.section("soma")?;
        for (name, sec) in &self.sections {
            validate_section(&self.name, name, sec)?;
            for (mech, params) in &sec.mechs {
                let info = mech_info(mech).ok_or_else(|| Error::UnknownMechanism {
                    cell: self.name.clone(),
                    section: name.clone(),
                    mech: mech.clone(),
                    known: mech_names(),
                })?;
                for (pname, val) in params {
                    if info.param(pname).is_none() {
                        return Err(Error::UnknownParameter {
                            cell: self.name.clone(),
                            section: name.clone(),
                            mech: mech.clone(),
                            param: pname.clone(),
                            known: info.param_names(),
                        });
                    }
                    if !val.is_finite() {
                        return Err(Error::InvalidSectionValue {
                            cell: self.name.clone(),
                            section: name.clone(),
                            param: pname.clone(),
                            value: format!("{val:?}"),
                            expected: "a finite number".into(),
                        });
                    }
                }
            }
            for r in &sec.syns {
                if !self.synapses.contains_key(r) {
                    return Err(Error::UnknownName {
                        what: format!("synapse kinetics on {} section {}", self.name, name),
                        name: r.name().into(),
                        known: self
                            .synapses
                            .keys()
                            .map(|r| r.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
        }
        for (r, kin) in &self.synapses {
            check_synapse(&self.name, *r, kin)?;
        }
        for att in &self.topology {
            self.section(&att.parent)?;
            self.section(&att.child)?;
            if att.child == "soma" {
                return Err(Error::invalid(
                    format!("topology of {}", self.name),
                    "soma as a child",
                    "soma is the root",
                ));
            }
            if att.parent_end != 0.0 && att.parent_end != 1.0 {
                return Err(Error::invalid(
                    format!(
                        "topology of {}: attachment of {} to {}",
                        self.name, att.child, att.parent
                    ),
                    att.parent_end,
                    "0 or 1",
                ));
            }
        }
        for (name, _) in &self.sections {
            let n = self.topology.iter().filter(|a| &a.child == name).count();
            if name != "soma" && n != 1 {
                return Err(Error::invalid(
                    format!("topology of {}: parents of section {}", self.name, name),
                    n,
                    "exactly one parent",
                ));
            }
        }
        self.section_start_distances()?;
        for secs in self.sect_loc.values() {
            for s in secs {
                self.section(s)?;
            }
        }
        if let Some(ax) = &self.dipole_axis {
            self.section(ax)?;
        }
        Ok(())
    }
}

fn validate_section(cell: &str, name: &str, sec: &Section) -> Result<()> {
    let bad = |param: &str, value: f64, expected: &str| Error::InvalidSectionValue {
        cell: cell.into(),
        section: name.into(),
        param: param.into(),
        value: value.to_string(),
        expected: expected.into(),
    };
    for (p, v) in [
        ("L", sec.L),
        ("diam", sec.diam),
        ("Ra", sec.Ra),
        ("cm", sec.cm),
    ] {
        if !v.is_finite() || v <= 0.0 {
            return Err(bad(p, v, "a finite number > 0"));
        }
    }
    if !sec.v0.is_finite() {
        return Err(bad("v0", sec.v0, "a finite number"));
    }
    if sec.nseg < 1 || sec.nseg > 32767 {
        return Err(bad("nseg", sec.nseg as f64, "an integer from 1 to 32767"));
    }
    for p in sec.end_pts.iter().flatten() {
        if !p.is_finite() {
            return Err(bad("end_pts", *p, "finite coordinates"));
        }
    }
    Ok(())
}

fn check_synapse(cell: &str, r: Receptor, k: &SynapseKinetics) -> Result<()> {
    let bad = |param: &str, value: f64, expected: &str| Error::InvalidSectionValue {
        cell: cell.into(),
        section: format!("synapse {r}"),
        param: param.into(),
        value: value.to_string(),
        expected: expected.into(),
    };
    if !k.e.is_finite() {
        return Err(bad("e", k.e, "a finite number"));
    }
    if !k.tau1.is_finite() || k.tau1 <= 0.0 {
        return Err(bad("tau1", k.tau1, "a finite number > 0"));
    }
    if !k.tau2.is_finite() || k.tau2 <= 0.0 {
        return Err(bad("tau2", k.tau2, "a finite number > 0"));
    }
    Ok(())
}
