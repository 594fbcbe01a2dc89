//! Bad cell descriptions and protocols give errors that name the cell, section and parameter;
//! a run whose voltage becomes non-finite stops with an error naming cell, section and time.
#![allow(clippy::result_large_err)]

use hnn::model::ParamValue;
use hnn::model::templates::{basket, l5_pyramidal};
use hnn::sim::cell::{CurrentClamp, SynapticInput};
use hnn::{CellProtocol, Error, Receptor, simulate_cell};

fn run(t: &hnn::CellTemplate) -> Result<hnn::CellTrace, Error> {
    simulate_cell(t, &CellProtocol::new(5.0))
}

fn assert_mentions(e: &Error, words: &[&str]) {
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "error '{msg}' should mention '{w}'");
    }
}

#[test]
fn non_positive_geometry_is_rejected() {
    let mut t = l5_pyramidal();
    for (l, d, param) in [
        (Some(0.0), None, "L"),
        (Some(-3.0), None, "L"),
        (None, Some(0.0), "diam"),
        (None, Some(-1.0), "diam"),
    ] {
        let e = t
            .modify_section("apical_1", l, d, None, None, None)
            .unwrap_err();
        assert_mentions(&e, &["L5Pyr", "apical_1", param]);
    }
    let e = t
        .modify_section("soma", None, None, Some(f64::NAN), None, None)
        .unwrap_err();
    assert_mentions(&e, &["L5Pyr", "soma", "cm"]);
    let e = t
        .modify_section("soma", None, None, None, Some(f64::INFINITY), None)
        .unwrap_err();
    assert_mentions(&e, &["soma", "Ra"]);
    // the template is unchanged by the failed edits
    assert_eq!(t, l5_pyramidal());
}

#[test]
fn geometry_written_directly_is_checked_at_run_time() {
    let mut t = l5_pyramidal();
    t.section_mut("basal_2").unwrap().nseg = 0;
    assert_mentions(&run(&t).unwrap_err(), &["L5Pyr", "basal_2", "nseg"]);
    let mut t = l5_pyramidal();
    t.section_mut("apical_tuft").unwrap().L = -1.0;
    assert_mentions(&run(&t).unwrap_err(), &["apical_tuft", "L"]);
    let mut t = basket(true);
    t.section_mut("soma").unwrap().diam = f64::NAN;
    assert_mentions(&run(&t).unwrap_err(), &["L2_basket", "soma", "diam"]);
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let mut t = l5_pyramidal();
    let e = t
        .modify_section("apical_9", Some(10.0), None, None, None, None)
        .unwrap_err();
    assert_mentions(&e, &["apical_9", "apical_tuft", "basal_3"]);
    let e = t
        .set_mech_param("soma", "hh3", "gnabar_hh3", ParamValue::Const(0.1))
        .unwrap_err();
    assert_mentions(&e, &["hh3", "hh2", "soma"]);
    let e = t
        .set_mech_param("soma", "hh2", "gnabar", ParamValue::Const(0.1))
        .unwrap_err();
    assert_mentions(&e, &["L5Pyr", "soma", "gnabar", "gnabar_hh2"]);
    let e = t
        .set_mech_param("soma", "hh2", "gnabar_hh2", ParamValue::Const(f64::NAN))
        .unwrap_err();
    assert_mentions(&e, &["L5Pyr", "soma", "gnabar_hh2", "finite"]);

    // names written directly into the description
    let mut t = l5_pyramidal();
    t.section_mut("soma")
        .unwrap()
        .insert_mech("kdr", [("gbar_kdr", ParamValue::Const(1.0))]);
    assert_mentions(&run(&t).unwrap_err(), &["L5Pyr", "soma", "kdr"]);
    let mut t = l5_pyramidal();
    t.section_mut("apical_2")
        .unwrap()
        .insert_mech("km", [("gkbar_km", ParamValue::Const(1.0))]);
    assert_mentions(
        &run(&t).unwrap_err(),
        &["apical_2", "km", "gkbar_km", "gbar_km"],
    );
    let mut t = l5_pyramidal();
    t.section_mut("apical_2")
        .unwrap()
        .insert_mech("ca", [("gbar_ca", ParamValue::Const(f64::INFINITY))]);
    assert_mentions(&run(&t).unwrap_err(), &["apical_2", "gbar_ca"]);
}

#[test]
fn runaway_voltage_stops_with_cell_section_and_time() {
    // A negative leak twice the capacitive term makes backward Euler amplify every step.
    let mut t = l5_pyramidal();
    let sections: Vec<String> = t.section_names().iter().map(|s| s.to_string()).collect();
    for s in &sections {
        t.set_mech_param(s, "hh2", "gl_hh2", ParamValue::Const(-0.07))
            .unwrap();
    }
    let e = simulate_cell(&t, &CellProtocol::new(200.0)).unwrap_err();
    match &e {
        Error::NonFinite {
            cell, section, t, ..
        } => {
            assert_eq!(cell, "L5Pyr");
            assert!(sections.contains(section), "{section}");
            assert!(t.is_finite() && *t > 0.0 && *t < 200.0);
        }
        other => panic!("expected NonFinite, got {other}"),
    }
    assert_mentions(&e, &["L5Pyr", "non-finite", "t = "]);
}

#[test]
fn bad_protocols_are_rejected() {
    let t = l5_pyramidal();
    let with = |f: &dyn Fn(&mut CellProtocol)| {
        let mut p = CellProtocol::new(10.0);
        f(&mut p);
        simulate_cell(&t, &p).unwrap_err()
    };
    assert_mentions(&with(&|p| p.tstop = -1.0), &["tstop"]);
    assert_mentions(&with(&|p| p.tstop = f64::NAN), &["tstop"]);
    assert_mentions(&with(&|p| p.dt = 0.0), &["dt"]);
    let input = |loc: &str, receptor, weight| SynapticInput {
        loc: loc.into(),
        receptor,
        times: vec![1.0],
        weight,
        delay: 0.1,
    };
    assert_mentions(
        &with(&|p| p.inputs.push(input("soma", Receptor::Ampa, 0.01))),
        &["ampa", "soma", "gabaa"],
    );
    assert_mentions(
        &with(&|p| p.inputs.push(input("middle", Receptor::Ampa, 0.01))),
        &["middle", "proximal", "distal"],
    );
    assert_mentions(
        &with(&|p| p.inputs.push(input("distal", Receptor::Ampa, -0.01))),
        &["weight"],
    );
    let clamp = |section: &str, loc| CurrentClamp {
        section: section.into(),
        loc,
        delay: 1.0,
        dur: 1.0,
        amp: 0.1,
    };
    assert_mentions(&with(&|p| p.iclamps.push(clamp("soma", 0.0))), &["loc"]);
    assert_mentions(&with(&|p| p.iclamps.push(clamp("axon", 0.5))), &["axon"]);
    // a distal input onto an L5 basket cell: its distal group is empty
    let mut p = CellProtocol::new(10.0);
    p.inputs.push(input("distal", Receptor::Ampa, 0.01));
    assert_mentions(
        &simulate_cell(&basket(false), &p).unwrap_err(),
        &["distal", "L5_basket", "proximal"],
    );
}
