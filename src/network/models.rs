//! hnn-core's preset networks (`jones_2009_model` = `neymotin_2020_model`, `law_2021_model`,
//! `calcium_model`) and the ERP drive set. Connection weights are the values of hnn-core's
//! `default.json` (BSD-3-Clause, © the HNN-core developers), used as data.

use super::connectivity::{ConnectionOptions, Gids, Targets};
use super::drives::{DriveDynamics, DriveOptions};
use super::{CellMetadata, CellType, Network};
use crate::error::Result;
use crate::model::Receptor;
use crate::model::templates;
use crate::network::params::Params;

fn meta(morpho: &str, electro: &str, layer: &str, dipole: bool) -> CellMetadata {
    CellMetadata {
        morpho_type: morpho.into(),
        electro_type: electro.into(),
        layer: layer.into(),
        measure_dipole: dipole,
        reference: "https://doi.org/10.7554/eLife.51214".into(),
    }
}

/// The four default cell types in gid order.
pub fn default_cell_types() -> Vec<CellType> {
    vec![
        CellType {
            name: "L2_basket".into(),
            template: templates::basket(true),
            metadata: meta("basket", "inhibitory", "2", false),
        },
        CellType {
            name: "L2_pyramidal".into(),
            template: templates::l2_pyramidal(),
            metadata: meta("pyramidal", "excitatory", "2", true),
        },
        CellType {
            name: "L5_basket".into(),
            template: templates::basket(false),
            metadata: meta("basket", "inhibitory", "5", false),
        },
        CellType {
            name: "L5_pyramidal".into(),
            template: templates::l5_pyramidal(),
            metadata: meta("pyramidal", "excitatory", "5", true),
        },
    ]
}

/// One all-to-all connection between two cell types.
#[allow(clippy::too_many_arguments)]
fn connect(
    net: &mut Network,
    src: &str,
    target: &str,
    loc: &str,
    receptor: Receptor,
    weight: f64,
    lamtha: f64,
    allow_autapses: bool,
) -> Result<()> {
    let delay = net.delay;
    let opts = ConnectionOptions {
        allow_autapses,
        ..ConnectionOptions::default()
    };
    net.add_connection(
        &Gids::Type(src.into()),
        &Targets::All(Gids::Type(target.into())),
        loc,
        receptor,
        weight,
        delay,
        lamtha,
        &opts,
    )
}

/// The network of Jones et al. 2009 as implemented for Neymotin et al. 2020: 35 + 100 L2 and
/// 35 + 100 L5 cells on a 10×10 column (or `mesh_shape`), all-to-all connectivity with
/// hnn-core's default weights. No drives.
pub fn jones_2009_model(mesh_shape: (usize, usize)) -> Result<Network> {
    jones_2009_model_with_params(&Params::hnn_core_default(), mesh_shape, false, false)
}

/// [`jones_2009_model`] with connection weights, threshold and temperature from a flat
/// parameter set (hnn-core's `jones_2009_model(params)`; missing weights are 0, as in
/// hnn-core). With `add_drives_from_params` the drives the parameters describe are added
/// first, as hnn-core's `Network` constructor does (see
/// [`super::legacy::add_drives_from_params`]).
///
/// `legacy_mode` is hnn-core's flag for HNN GUI `.param` files (see
/// [`Network::legacy_mode`]); drives are added under it.
pub fn jones_2009_model_with_params(
    p: &Params,
    mesh_shape: (usize, usize),
    add_drives_from_params: bool,
    legacy_mode: bool,
) -> Result<Network> {
    use Receptor::*;
    let mut net = Network::new(default_cell_types(), mesh_shape)?;
    net.legacy_mode = legacy_mode;
    net.threshold = p.num("threshold")?;
    net.celsius = p.num("celsius")?;
    if add_drives_from_params {
        super::legacy::add_drives_from_params(&mut net, p)?;
    }
    let g = |k: &str| p.num(&format!("gbar_{k}"));
    for (t, s) in [("L2_pyramidal", "L2Pyr"), ("L5_pyramidal", "L5Pyr")] {
        connect(
            &mut net,
            t,
            t,
            "proximal",
            Nmda,
            g(&format!("{s}_{s}_nmda"))?,
            3.0,
            false,
        )?;
        connect(
            &mut net,
            t,
            t,
            "proximal",
            Ampa,
            g(&format!("{s}_{s}_ampa"))?,
            3.0,
            false,
        )?;
    }
    connect(
        &mut net,
        "L2_basket",
        "L2_pyramidal",
        "soma",
        Gabaa,
        g("L2Basket_L2Pyr_gabaa")?,
        50.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_basket",
        "L2_pyramidal",
        "soma",
        Gabab,
        g("L2Basket_L2Pyr_gabab")?,
        50.0,
        true,
    )?;
    connect(
        &mut net,
        "L5_basket",
        "L5_pyramidal",
        "soma",
        Gabaa,
        g("L5Basket_L5Pyr_gabaa")?,
        70.0,
        true,
    )?;
    connect(
        &mut net,
        "L5_basket",
        "L5_pyramidal",
        "soma",
        Gabab,
        g("L5Basket_L5Pyr_gabab")?,
        70.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_pyramidal",
        "L5_pyramidal",
        "proximal",
        Ampa,
        g("L2Pyr_L5Pyr")?,
        3.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_pyramidal",
        "L5_pyramidal",
        "distal",
        Ampa,
        g("L2Pyr_L5Pyr")?,
        3.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_basket",
        "L5_pyramidal",
        "distal",
        Gabaa,
        g("L2Basket_L5Pyr")?,
        50.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_pyramidal",
        "L2_basket",
        "soma",
        Ampa,
        g("L2Pyr_L2Basket")?,
        3.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_basket",
        "L2_basket",
        "soma",
        Gabaa,
        g("L2Basket_L2Basket")?,
        20.0,
        true,
    )?;
    connect(
        &mut net,
        "L5_basket",
        "L5_basket",
        "soma",
        Gabaa,
        g("L5Basket_L5Basket")?,
        20.0,
        false,
    )?;
    connect(
        &mut net,
        "L5_pyramidal",
        "L5_basket",
        "soma",
        Ampa,
        g("L5Pyr_L5Basket")?,
        3.0,
        true,
    )?;
    connect(
        &mut net,
        "L2_pyramidal",
        "L5_basket",
        "soma",
        Ampa,
        g("L2Pyr_L5Basket")?,
        3.0,
        true,
    )?;
    Ok(net)
}

/// Same as [`jones_2009_model`] (hnn-core's preferred name).
pub fn neymotin_2020_model(mesh_shape: (usize, usize)) -> Result<Network> {
    jones_2009_model(mesh_shape)
}

/// Law et al. 2021: slow GABA_B on pyramidal cells, weaker L5 NMDA recurrence, changed L5
/// basket inhibition, no Ca channels in the L5 soma and basal dendrites, L2 basket → L5
/// GABA_B and an L5 basket → L5 tuft connection.
pub fn law_2021_model(mesh_shape: (usize, usize)) -> Result<Network> {
    let mut net = jones_2009_model(mesh_shape)?;
    for (ct, tpl) in [
        ("L2_pyramidal", templates::l2_pyramidal_law_2021()),
        ("L5_pyramidal", templates::l5_pyramidal_law_2021()),
    ] {
        if let Some(c) = net.cell_type_mut(ct) {
            c.template = tpl;
        }
    }
    net.connectivity[2].a_weight = 0.0004;
    net.connectivity[6].a_weight = 0.02;
    net.connectivity[7].a_weight = 0.005;
    net.connectivity.remove(10);
    connect(
        &mut net,
        "L2_basket",
        "L5_pyramidal",
        "distal",
        Receptor::Gabab,
        0.0002,
        50.0,
        true,
    )?;
    connect(
        &mut net,
        "L5_basket",
        "L5_pyramidal",
        "distal",
        Receptor::Gabaa,
        0.025,
        70.0,
        true,
    )?;
    Ok(net)
}

/// Kohl et al. 2022: the Jones 2009 network with distance-dependent Ca, Na and K channels in
/// the L5 pyramidal dendrites.
pub fn calcium_model(mesh_shape: (usize, usize)) -> Result<Network> {
    let mut net = jones_2009_model(mesh_shape)?;
    if let Some(c) = net.cell_type_mut("L5_pyramidal") {
        c.template = templates::l5_pyramidal_calcium();
    }
    Ok(net)
}

/// hnn-core's `add_erp_drives_to_jones_model`: a distal drive at 63.53 ms and proximal
/// drives at 26.61 ms and 137.12 ms (all shifted by `tstart`).
pub fn add_erp_drives_to_jones_model(net: &mut Network, tstart: f64) -> Result<()> {
    let by = |v: &[(&str, f64)]| {
        v.iter()
            .map(|(k, x)| (k.to_string(), *x))
            .collect::<Vec<_>>()
    };
    let delays = |v: &[(&str, f64)]| {
        v.iter()
            .map(|(k, x)| (Some(k.to_string()), *x))
            .collect::<Vec<_>>()
    };
    let mut d1 = DriveOptions::new("distal");
    d1.weights_ampa = by(&[
        ("L2_basket", 0.006562),
        ("L2_pyramidal", 7e-6),
        ("L5_pyramidal", 0.1423),
    ]);
    d1.weights_nmda = by(&[
        ("L2_basket", 0.019482),
        ("L2_pyramidal", 0.004317),
        ("L5_pyramidal", 0.080074),
    ]);
    d1.synaptic_delays = delays(&[
        ("L2_basket", 0.1),
        ("L2_pyramidal", 0.1),
        ("L5_pyramidal", 0.1),
    ]);
    d1.event_seed = 274;
    net.add_drive(
        "evdist1",
        DriveDynamics::Evoked {
            mu: 63.53 + tstart,
            sigma: 3.85,
            numspikes: 1,
        },
        &d1,
    )?;
    let prox_delays = delays(&[
        ("L2_basket", 0.1),
        ("L2_pyramidal", 0.1),
        ("L5_basket", 1.0),
        ("L5_pyramidal", 1.0),
    ]);
    let mut p1 = DriveOptions::new("proximal");
    p1.weights_ampa = by(&[
        ("L2_basket", 0.08831),
        ("L2_pyramidal", 0.01525),
        ("L5_basket", 0.19934),
        ("L5_pyramidal", 0.00865),
    ]);
    p1.synaptic_delays = prox_delays.clone();
    p1.event_seed = 544;
    net.add_drive(
        "evprox1",
        DriveDynamics::Evoked {
            mu: 26.61 + tstart,
            sigma: 2.47,
            numspikes: 1,
        },
        &p1,
    )?;
    let mut p2 = DriveOptions::new("proximal");
    p2.weights_ampa = by(&[
        ("L2_basket", 3e-6),
        ("L2_pyramidal", 1.43884),
        ("L5_basket", 0.008958),
        ("L5_pyramidal", 0.684013),
    ]);
    p2.synaptic_delays = prox_delays;
    p2.event_seed = 814;
    net.add_drive(
        "evprox2",
        DriveDynamics::Evoked {
            mu: 137.12 + tstart,
            sigma: 8.33,
            numspikes: 1,
        },
        &p2,
    )?;
    Ok(())
}
