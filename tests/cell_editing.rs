//! Cells are editable before a run, as in hnn-core (`Cell.modify_section`,
//! `cell.synapses['gabab']['tau1'] = ...`, section mechanisms), and templates are plain data.

use hnn::model::templates::{l5_pyramidal, l5_pyramidal_law_2021};
use hnn::model::{ParamValue, Receptor, SynapseKinetics};
use hnn::{CellProtocol, CellTemplate, simulate_cell};

#[test]
fn editing_the_default_l5_cell_gives_the_law_2021_cell() {
    let mut t = l5_pyramidal();
    t.set_synapse(
        Receptor::Gabab,
        SynapseKinetics {
            e: -80.0,
            tau1: 45.0,
            tau2: 200.0,
        },
    )
    .unwrap();
    for s in ["soma", "basal_1", "basal_2", "basal_3"] {
        t.section_mut(s).unwrap().mechs.remove("ca");
    }
    assert_eq!(t, l5_pyramidal_law_2021());
}

#[test]
fn modify_section_keeps_nseg_and_direction_and_moves_children() {
    let mut t = l5_pyramidal();
    // end points as hnn-core 0.6.1 gives them: soma(0) at the origin, lengths from L
    assert_eq!(
        t.section("apical_1").unwrap().end_pts,
        [[0.0, 0.0, 141.0], [0.0, 0.0, 821.0]]
    );
    let before = t.section("apical_1").unwrap().clone();
    t.modify_section("apical_1", Some(800.0), Some(6.0), None, None, None)
        .unwrap();
    let s = t.section("apical_1").unwrap();
    assert_eq!((s.L, s.diam, s.nseg), (800.0, 6.0, before.nseg));
    assert_eq!(s.end_pts, [[0.0, 0.0, 141.0], [0.0, 0.0, 941.0]]);
    // the sections beyond move with it (hnn-core: apical_2 941..1621, tuft ..2046)
    assert_eq!(
        t.section("apical_2").unwrap().end_pts,
        [[0.0, 0.0, 941.0], [0.0, 0.0, 1621.0]]
    );
    assert_eq!(
        t.section("apical_tuft").unwrap().end_pts[1],
        [0.0, 0.0, 2046.0]
    );
}

#[test]
fn edits_change_the_simulation() {
    let mut p = CellProtocol::new(30.0);
    p.inputs.push(hnn::sim::cell::SynapticInput {
        loc: "distal".into(),
        receptor: Receptor::Ampa,
        times: vec![5.0],
        weight: 0.02,
        delay: 0.1,
    });
    let base = simulate_cell(&l5_pyramidal(), &p).unwrap();
    let mut t = l5_pyramidal();
    t.set_mech_param("soma", "hh2", "gnabar_hh2", ParamValue::Const(0.3))
        .unwrap();
    let edited = simulate_cell(&t, &p).unwrap();
    assert_ne!(base.v("soma"), edited.v("soma"));
}

#[test]
fn templates_round_trip_through_json() {
    let t = l5_pyramidal();
    let json = serde_json::to_string(&t).unwrap();
    let back: CellTemplate = serde_json::from_str(&json).unwrap();
    assert_eq!(t, back);
    let bad = json.replace("\"gbar_km\"", "\"gbar_kmm\"");
    let parsed: CellTemplate = serde_json::from_str(&bad).unwrap();
    assert!(
        parsed
            .validate()
            .unwrap_err()
            .to_string()
            .contains("gbar_kmm")
    );
}
