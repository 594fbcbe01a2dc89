//! Drives from flat hnn-core / HNN GUI parameters (hnn-core's `add_drives_from_params`,
//! `create_pext` and `_extract_drive_specs_from_hnn_params`, with `legacy_mode=False`).
//!
//! The rules reproduced, including hnn-core 0.6.1's quirks: rhythmic inputs ("bursty1" =
//! proximal, "bursty2" = distal) are dropped when their (tstop-clipped) end precedes their
//! start; evoked inputs are cell-specific unless `sync_evinput`; "extgauss" is an evoked
//! drive of 50 spikes dropped when its mean lies beyond tstop, and its delays are the
//! per-type Gaussian means (index 3 of hnn-core's tuple); "extpois" is dropped when
//! `T_pois < t0_pois`; drives are added in sorted name order; every drive's event seed is
//! then increased by its first gid. `Itonic_*` keys are ignored, as hnn-core's `Params`
//! drops them.

use super::Network;
use super::drives::{ByType, DriveDynamics, DriveOptions, RateConstant};
use crate::error::Result;
use crate::network::params::Params;

const TYPES: [(&str, &str); 4] = [
    ("L2_basket", "L2Basket"),
    ("L2_pyramidal", "L2Pyr"),
    ("L5_basket", "L5Basket"),
    ("L5_pyramidal", "L5Pyr"),
];

fn opts(
    location: &str,
    wa: ByType,
    wn: ByType,
    delays: ByType,
    space: f64,
    seed: f64,
) -> DriveOptions {
    let mut o = DriveOptions::new(location);
    o.weights_ampa = wa;
    o.weights_nmda = wn;
    o.synaptic_delays = delays.into_iter().map(|(k, d)| (Some(k), d)).collect();
    o.space_constant = space;
    o.event_seed = seed as i64;
    o
}

/// Add the drives a parameter set describes (rhythmic inputs are clipped to the parameter
/// set's own `tstop`, as hnn-core does).
pub fn add_drives_from_params(net: &mut Network, p: &Params) -> Result<()> {
    let tstop = p.num("tstop")?;
    let mut specs: Vec<(String, DriveDynamics, DriveOptions)> = Vec::new();
    let present: Vec<&str> = TYPES
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| net.cell_type(l).is_some())
        .collect();

    // rhythmic inputs
    for (i, side) in ["prox", "dist"].iter().enumerate() {
        let t0 = p.num(&format!("t0_input_{side}"))?;
        let stop = p.num(&format!("tstop_input_{side}"))?.min(tstop);
        // legacy mode keeps the nulled drive (hnn-core's remove_nulled_drives drops it)
        if stop < t0 && !net.legacy_mode {
            continue;
        }
        let mut wa = ByType::new();
        let mut wn = ByType::new();
        let mut delays = ByType::new();
        for &(long, short) in &TYPES {
            if !present.contains(&long) || (*side == "dist" && long == "L5_basket") {
                continue;
            }
            let layer = if long.starts_with("L2") { "L2" } else { "L5" };
            let delay = p.num(&format!("input_{side}_A_delay_{layer}"))?;
            wa.push((
                long.into(),
                p.num(&format!("input_{side}_A_weight_{short}_ampa"))?,
            ));
            wn.push((
                long.into(),
                p.num(&format!("input_{side}_A_weight_{short}_nmda"))?,
            ));
            delays.push((long.into(), delay));
        }
        let mut o = opts(
            if i == 0 { "proximal" } else { "distal" },
            wa,
            wn,
            delays,
            100.0,
            p.num(&format!("prng_seedcore_input_{side}"))?,
        );
        o.cell_specific = false;
        o.n_drive_cells = Some(p.num(&format!("repeats_{side}"))? as usize);
        let d = DriveDynamics::Bursty {
            tstart: t0,
            tstart_std: p.num(&format!("t0_input_stdev_{side}"))?,
            tstop: Some(stop),
            burst_rate: p.num(&format!("f_input_{side}"))?,
            burst_std: p.num(&format!("f_stdev_{side}"))?,
            numspikes: p.num(&format!("events_per_cycle_{side}"))? as usize,
            spike_isi: 10.0,
        };
        specs.push((format!("bursty{}", i + 1), d, o));
    }

    // evoked inputs
    let (nprox, ndist) = p.count_evoked();
    let sync = p.num("sync_evinput")? != 0.0;
    for (kind, n) in [("evprox", nprox), ("evdist", ndist)] {
        for i in 1..=n {
            let key = format!("{kind}_{i}");
            let distal = kind == "evdist";
            let mut wa = ByType::new();
            let mut wn = ByType::new();
            let mut delays = ByType::new();
            for &(long, short) in &TYPES {
                if !present.contains(&long) || (distal && long == "L5_basket") {
                    continue;
                }
                // hnn-core's Params supplies 0 for missing receptor keys, so an old-style
                // `gbar_evprox_1_L2Pyr` (no receptor) is never used
                let ampa = p.num(&format!("gbar_{key}_{short}_ampa"))?;
                let nmda = p.num(&format!("gbar_{key}_{short}_nmda"))?;
                let delay = if !distal && long.starts_with("L5") {
                    1.0
                } else {
                    0.1
                };
                wa.push((long.into(), ampa));
                wn.push((long.into(), nmda));
                delays.push((long.into(), delay));
            }
            let mut o = opts(
                if distal { "distal" } else { "proximal" },
                wa,
                wn,
                delays,
                3.0,
                // hnn-core's legacy mode shifts evoked seeds by 18 to repeat the GUI's
                // random streams after its bursty drives grew from 2 to 20 cells
                p.num(&format!("prng_seedcore_{key}"))? - if net.legacy_mode { 18.0 } else { 0.0 },
            );
            if sync {
                o.cell_specific = false;
                o.n_drive_cells = Some(1);
            }
            let d = DriveDynamics::Evoked {
                mu: p.num(&format!("t_{key}"))?,
                sigma: p.num(&format!("sigma_t_{key}"))?,
                numspikes: p.num(&format!("numspikes_{key}"))? as usize,
            };
            specs.push((format!("{kind}{i}"), d, o));
        }
    }

    // Gaussian input (an evoked drive of 50 spikes per cell)
    let gauss_mu = p.num("L2Basket_Gauss_mu")?;
    if gauss_mu <= tstop || net.legacy_mode {
        let mut wa = ByType::new();
        let mut delays = ByType::new();
        for &(long, short) in &TYPES {
            if present.contains(&long) {
                wa.push((long.into(), p.num(&format!("{short}_Gauss_A_weight"))?));
                // hnn-core takes the delay from index 3 of its tuple, the Gaussian mean
                delays.push((long.into(), p.num(&format!("{short}_Gauss_mu"))?));
            }
        }
        let o = opts(
            "proximal",
            wa,
            ByType::new(),
            delays,
            100.0,
            p.num("prng_seedcore_extgauss")?,
        );
        let d = DriveDynamics::Evoked {
            mu: gauss_mu,
            sigma: p.num("L2Basket_Gauss_sigma")?,
            numspikes: 50,
        };
        specs.push(("extgauss".into(), d, o));
    }

    // Poisson input
    let (t0p, tp) = (p.num("t0_pois")?, p.num("T_pois")?);
    if tp >= t0p || net.legacy_mode {
        let mut wa = ByType::new();
        let mut wn = ByType::new();
        let mut delays = ByType::new();
        let mut rates = ByType::new();
        for &(long, short) in &TYPES {
            if present.contains(&long) {
                let rate = p.num(&format!("{short}_Pois_lamtha"))?;
                rates.push((long.into(), if rate > 0.0 { rate } else { 1.0 }));
                wa.push((long.into(), p.num(&format!("{short}_Pois_A_weight_ampa"))?));
                wn.push((long.into(), p.num(&format!("{short}_Pois_A_weight_nmda"))?));
                delays.push((long.into(), if long == "L2_pyramidal" { 0.1 } else { 1.0 }));
            }
        }
        let o = opts(
            "proximal",
            wa,
            wn,
            delays,
            100.0,
            p.num("prng_seedcore_extpois")?,
        );
        let d = DriveDynamics::Poisson {
            tstart: t0p.max(0.0),
            tstop: Some(tp.max(0.0)),
            rate_constant: RateConstant::PerType(rates),
        };
        specs.push(("extpois".into(), d, o));
    }

    specs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut trial = net.clone();
    for (name, d, o) in specs {
        trial.add_drive(&name, d, &o)?;
    }
    let starts: Vec<(String, usize)> = trial
        .external_drives
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                trial.gid_range(&d.name).map_or(0, |r| r.start),
            )
        })
        .collect();
    for d in &mut trial.external_drives {
        if let Some((_, s)) = starts.iter().find(|(n, _)| *n == d.name) {
            d.event_seed += *s as i64;
        }
    }
    *net = trial;
    Ok(())
}

/// hnn-core's `remove_nulled_drives`: GUI parameter files park unused drives with an empty
/// or negative window or with no positive weight. Those are dropped and the others added
/// again in order (so later drives move down into the freed gids), each with the space
/// constant and probability of its first connection, as hnn-core re-attaches them.
pub fn remove_nulled_drives(net: &Network) -> Result<Network> {
    let mut out = net.clone();
    out.clear_drives();
    for d in &net.external_drives {
        let (lamtha, prob) = net
            .connectivity
            .iter()
            .find(|c| c.src_type == d.name)
            .map_or((d.space_constant, 1.0), |c| (c.lamtha, c.probability));
        let window = match &d.dynamics {
            DriveDynamics::Poisson { tstart, tstop, .. }
            | DriveDynamics::Bursty { tstart, tstop, .. } => tstop.map(|b| (*tstart, b)),
            _ => None,
        };
        if let Some((a, b)) = window
            && (a > b || a < 0.0 || b < 0.0)
        {
            continue;
        }
        if !d
            .weights_ampa
            .iter()
            .chain(&d.weights_nmda)
            .any(|(_, w)| *w > 0.0)
        {
            continue;
        }
        let o = DriveOptions {
            location: d.location.clone(),
            n_drive_cells: (!d.cell_specific).then_some(d.n_drive_cells),
            cell_specific: d.cell_specific,
            weights_ampa: d.weights_ampa.clone(),
            weights_nmda: d.weights_nmda.clone(),
            synaptic_delays: d
                .synaptic_delays
                .iter()
                .map(|(k, v)| (Some(k.clone()), *v))
                .collect(),
            probability: vec![(None, prob)],
            space_constant: lamtha,
            event_seed: d.event_seed,
            conn_seed: d.conn_seed,
        };
        out.add_drive(&d.name, d.dynamics.clone(), &o)?;
    }
    Ok(out)
}
