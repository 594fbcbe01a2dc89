//! hnn-core's default cell templates, with their parameter values.
//!
//! Geometry, biophysics and synaptic kinetics are the values of hnn-core 0.6.1
//! (`cells_default.py`, `params_default.py`, `network_models.py`; BSD-3-Clause,
//! © the HNN-core developers), used as data.

use std::collections::BTreeMap;

use super::cell::{Attachment, CellTemplate};
use super::mechanism::{DistanceProfile, ParamValue};
use super::section::Section;
use super::synapse::{Receptor, SynapseKinetics};
use crate::error::{Error, Result};

/// Names accepted by [`template_by_name`].
pub const TEMPLATE_NAMES: &[&str] = &[
    "L2_pyramidal",
    "L5_pyramidal",
    "L2_basket",
    "L5_basket",
    "L5_pyramidal_calcium",
    "L5_pyramidal_law_2021",
    "L2_pyramidal_law_2021",
];

/// A default template by name (hnn-core's cell-type names, plus the model variants).
pub fn template_by_name(name: &str) -> Result<CellTemplate> {
    Ok(match name {
        "L2_pyramidal" => l2_pyramidal(),
        "L5_pyramidal" => l5_pyramidal(),
        "L2_basket" => basket(true),
        "L5_basket" => basket(false),
        "L5_pyramidal_calcium" => l5_pyramidal_calcium(),
        "L5_pyramidal_law_2021" => l5_pyramidal_law_2021(),
        "L2_pyramidal_law_2021" => l2_pyramidal_law_2021(),
        _ => {
            return Err(Error::UnknownName {
                what: "cell template".into(),
                name: name.into(),
                known: TEMPLATE_NAMES.join(", "),
            });
        }
    })
}

fn syn(e: f64, tau1: f64, tau2: f64) -> SynapseKinetics {
    SynapseKinetics { e, tau1, tau2 }
}

fn pyr_synapses() -> BTreeMap<Receptor, SynapseKinetics> {
    BTreeMap::from([
        (Receptor::Ampa, syn(0.0, 0.5, 5.0)),
        (Receptor::Nmda, syn(0.0, 1.0, 20.0)),
        (Receptor::Gabaa, syn(-80.0, 0.5, 5.0)),
        (Receptor::Gabab, syn(-80.0, 1.0, 20.0)),
    ])
}

fn pyr_topology(apical: &[&str]) -> Vec<Attachment> {
    let att = |parent: &str, parent_end: f64, child: &str| Attachment {
        parent: parent.into(),
        parent_end,
        child: child.into(),
    };
    let mut t = vec![
        att("soma", 0.0, "basal_1"),
        att("soma", 1.0, "apical_trunk"),
    ];
    t.push(att("apical_trunk", 1.0, apical[0]));
    t.push(att("apical_trunk", 1.0, "apical_oblique"));
    for w in apical.windows(2) {
        t.push(att(w[0], 1.0, w[1]));
    }
    t.push(att("basal_1", 1.0, "basal_2"));
    t.push(att("basal_1", 1.0, "basal_3"));
    t
}

fn pyr_sect_loc() -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([
        (
            "proximal".into(),
            vec!["apical_oblique".into(), "basal_2".into(), "basal_3".into()],
        ),
        ("distal".into(), vec!["apical_tuft".into()]),
    ])
}

type Geom<'a> = (&'a str, f64, f64, f64, [[f64; 3]; 2]);

fn pyramid(name: &str, geom: &[Geom], ra: f64, cm: f64, apical: &[&str]) -> CellTemplate {
    let sections = geom
        .iter()
        .map(|&(n, l, d, v0, ends)| {
            let mut s = Section::new(l, d, ra, cm, v0, ends);
            s.syns = if n == "soma" {
                vec![Receptor::Gabaa, Receptor::Gabab]
            } else {
                Receptor::ALL.to_vec()
            };
            (n.to_string(), s)
        })
        .collect();
    let mut c = CellTemplate {
        name: name.into(),
        sections,
        topology: pyr_topology(apical),
        synapses: pyr_synapses(),
        sect_loc: pyr_sect_loc(),
        dipole_axis: Some("apical_trunk".into()),
    };
    // as hnn-core's Cell constructor: soma(0) at the origin, lengths from L
    c.define_shape();
    c
}

/// hnn-core's layer 2/3 pyramidal cell (`L2Pyr`).
pub fn l2_pyramidal() -> CellTemplate {
    let v0 = -71.46;
    let geom: [Geom; 8] = [
        (
            "apical_trunk",
            59.5,
            4.25,
            v0,
            [[-50.0, 0.0, 778.0], [-50.0, 0.0, 813.0]],
        ),
        (
            "apical_1",
            306.0,
            4.08,
            v0,
            [[-50.0, 0.0, 813.0], [-50.0, 0.0, 993.0]],
        ),
        (
            "apical_tuft",
            238.0,
            3.4,
            v0,
            [[-50.0, 0.0, 993.0], [-50.0, 0.0, 1133.0]],
        ),
        (
            "apical_oblique",
            340.0,
            3.91,
            v0,
            [[-50.0, 0.0, 813.0], [-250.0, 0.0, 813.0]],
        ),
        (
            "basal_1",
            85.0,
            4.25,
            v0,
            [[-50.0, 0.0, 765.0], [-50.0, 0.0, 715.0]],
        ),
        (
            "basal_2",
            255.0,
            2.72,
            v0,
            [[-50.0, 0.0, 715.0], [-156.0, 0.0, 609.0]],
        ),
        (
            "basal_3",
            255.0,
            2.72,
            v0,
            [[-50.0, 0.0, 715.0], [56.0, 0.0, 609.0]],
        ),
        (
            "soma",
            22.1,
            23.4,
            v0,
            [[-50.0, 0.0, 765.0], [-50.0, 0.0, 778.0]],
        ),
    ];
    let mut c = pyramid("L2Pyr", &geom, 200.0, 0.6195, &["apical_1", "apical_tuft"]);
    for (name, s) in &mut c.sections {
        let soma = name == "soma";
        s.insert_mech("km", [("gbar_km", 250.0.into())]);
        s.insert_mech(
            "hh2",
            [
                ("gkbar_hh2", 0.01.into()),
                ("gnabar_hh2", if soma { 0.18 } else { 0.15 }.into()),
                ("gl_hh2", 4.26e-5.into()),
                ("el_hh2", (-65.0).into()),
            ],
        );
    }
    c
}

/// hnn-core's layer 5 pyramidal cell (`L5Pyr`), with the exponential `gbar_ar` profile on
/// the dendrites.
pub fn l5_pyramidal() -> CellTemplate {
    let geom: [Geom; 9] = [
        (
            "apical_trunk",
            102.0,
            10.2,
            -72.0,
            [[0.0, 0.0, 23.0], [0.0, 0.0, 83.0]],
        ),
        (
            "apical_1",
            680.0,
            7.48,
            -71.32,
            [[0.0, 0.0, 83.0], [0.0, 0.0, 483.0]],
        ),
        (
            "apical_2",
            680.0,
            4.93,
            -69.08,
            [[0.0, 0.0, 483.0], [0.0, 0.0, 883.0]],
        ),
        (
            "apical_tuft",
            425.0,
            3.4,
            -67.30,
            [[0.0, 0.0, 883.0], [0.0, 0.0, 1133.0]],
        ),
        (
            "apical_oblique",
            255.0,
            5.1,
            -72.0,
            [[0.0, 0.0, 83.0], [-150.0, 0.0, 83.0]],
        ),
        (
            "basal_1",
            85.0,
            6.8,
            -72.0,
            [[0.0, 0.0, 0.0], [0.0, 0.0, -50.0]],
        ),
        (
            "basal_2",
            255.0,
            8.5,
            -72.0,
            [[0.0, 0.0, -50.0], [-106.0, 0.0, -156.0]],
        ),
        (
            "basal_3",
            255.0,
            8.5,
            -72.0,
            [[0.0, 0.0, -50.0], [106.0, 0.0, -156.0]],
        ),
        (
            "soma",
            39.0,
            28.9,
            -72.0,
            [[0.0, 0.0, 0.0], [0.0, 0.0, 23.0]],
        ),
    ];
    let mut c = pyramid(
        "L5Pyr",
        &geom,
        200.0,
        0.85,
        &["apical_1", "apical_2", "apical_tuft"],
    );
    for (name, s) in &mut c.sections {
        let soma = name == "soma";
        s.insert_mech(
            "hh2",
            [
                ("gkbar_hh2", 0.01.into()),
                ("gnabar_hh2", if soma { 0.16 } else { 0.14 }.into()),
                ("gl_hh2", 4.26e-5.into()),
                ("el_hh2", if soma { -65.0 } else { -71.0 }.into()),
            ],
        );
        s.insert_mech("ca", [("gbar_ca", 60.0.into())]);
        s.insert_mech("cad", [("taur_cad", 20.0.into())]);
        s.insert_mech("kca", [("gbar_kca", 2e-4.into())]);
        s.insert_mech("km", [("gbar_km", 200.0.into())]);
        s.insert_mech("cat", [("gbar_cat", 2e-4.into())]);
        let ar = if soma {
            ParamValue::Const(1e-6)
        } else {
            ParamValue::Profile(DistanceProfile::Exponential {
                gbar_at_zero: 1e-6,
                exp_term: 3e-3,
                offset: 0.0,
                slope: 1.0,
            })
        };
        s.insert_mech("ar", [("gbar_ar", ar)]);
    }
    c
}

/// The L5 pyramidal cell of hnn-core's `calcium_model` (Kohl et al. 2022): distance-dependent
/// Ca, Na and K conductances on the dendrites and stronger somatic Na/K.
pub fn l5_pyramidal_calcium() -> CellTemplate {
    let mut c = l5_pyramidal();
    let (gk_soma, gna_soma) = (0.06, 0.32);
    for (name, s) in &mut c.sections {
        let hh2 = s.mechs.get_mut("hh2").expect("L5 template has hh2");
        if name == "soma" {
            hh2.insert("gkbar_hh2".into(), gk_soma.into());
            hh2.insert("gnabar_hh2".into(), gna_soma.into());
        } else {
            hh2.insert(
                "gnabar_hh2".into(),
                ParamValue::Profile(DistanceProfile::Linear {
                    gsoma: gna_soma,
                    gdend: 28e-4,
                    xkink: 962.0,
                    hotzone_factor: 1.0,
                    hotzone_boundaries: (0.0, 0.0),
                }),
            );
            hh2.insert(
                "gkbar_hh2".into(),
                ParamValue::Profile(DistanceProfile::Exponential {
                    gbar_at_zero: gk_soma,
                    exp_term: -0.006,
                    offset: 1e-4,
                    slope: 1.0,
                }),
            );
            s.mechs.get_mut("ca").expect("L5 template has ca").insert(
                "gbar_ca".into(),
                ParamValue::Profile(DistanceProfile::Linear {
                    gsoma: 10.0,
                    gdend: 40.0,
                    xkink: 1501.0,
                    hotzone_factor: 1.0,
                    hotzone_boundaries: (0.0, 0.0),
                }),
            );
        }
    }
    c
}

/// The L5 pyramidal cell of hnn-core's `law_2021_model`: slow GABA_B and no HVA Ca channels
/// in the soma and basal dendrites.
pub fn l5_pyramidal_law_2021() -> CellTemplate {
    let mut c = l5_pyramidal();
    c.synapses.insert(Receptor::Gabab, syn(-80.0, 45.0, 200.0));
    for (name, s) in &mut c.sections {
        if ["soma", "basal_1", "basal_2", "basal_3"].contains(&name.as_str()) {
            s.mechs.remove("ca");
        }
    }
    c
}

/// The L2 pyramidal cell of hnn-core's `law_2021_model`: slow GABA_B.
pub fn l2_pyramidal_law_2021() -> CellTemplate {
    let mut c = l2_pyramidal();
    c.synapses.insert(Receptor::Gabab, syn(-80.0, 45.0, 200.0));
    c
}

/// hnn-core's basket cell (`L2_basket` when `layer2`, else `L5_basket`): one soma with
/// hh2 at its `.mod` defaults.
pub fn basket(layer2: bool) -> CellTemplate {
    let name = if layer2 { "L2_basket" } else { "L5_basket" };
    let mut soma = Section::new(
        39.0,
        20.0,
        200.0,
        0.85,
        -64.9737,
        [[0.0, 0.0, 0.0], [0.0, 0.0, 39.0]],
    );
    soma.syns = vec![Receptor::Ampa, Receptor::Gabaa, Receptor::Nmda];
    soma.insert_mech(
        "hh2",
        [
            ("gnabar_hh2", 0.12.into()),
            ("gkbar_hh2", 0.036.into()),
            ("gl_hh2", 0.0003.into()),
            ("el_hh2", (-54.3).into()),
        ],
    );
    let distal = if layer2 {
        vec!["soma".to_string()]
    } else {
        vec![]
    };
    CellTemplate {
        name: name.into(),
        sections: vec![("soma".into(), soma)],
        topology: vec![],
        synapses: BTreeMap::from([
            (Receptor::Ampa, syn(0.0, 0.5, 5.0)),
            (Receptor::Gabaa, syn(-80.0, 0.5, 5.0)),
            (Receptor::Nmda, syn(0.0, 1.0, 20.0)),
        ]),
        sect_loc: BTreeMap::from([
            ("proximal".into(), vec!["soma".into()]),
            ("distal".into(), distal),
        ]),
        dipole_axis: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_validate() {
        for n in TEMPLATE_NAMES {
            template_by_name(n).unwrap().validate().unwrap();
        }
    }

    #[test]
    fn start_distances_follow_hnn_core() {
        let c = l5_pyramidal();
        let d = c.section_start_distances().unwrap();
        let get = |n: &str| d[c.section_index(n).unwrap()];
        assert_eq!(get("soma"), 0.0);
        assert_eq!(get("apical_trunk"), 39.0);
        assert_eq!(get("basal_1"), 0.0);
        assert_eq!(get("apical_1"), 141.0);
        assert_eq!(get("basal_2"), 85.0);
    }
}
