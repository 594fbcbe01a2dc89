//! External drives (evoked, Poisson, bursty) and their per-type values, both ways.

use serde_json::{Value, json};

use super::node::Node;

use crate::error::Result;
use crate::network::connectivity::Connection;
use crate::network::drives::{ByType, Drive, DriveDynamics, RateConstant};

/// A number or a map per type, expanded over `types`.
fn by_type(n: Option<Node>, types: &[String]) -> Result<ByType> {
    let Some(n) = n else { return Ok(Vec::new()) };
    match n.v {
        Value::Object(_) => n
            .obj()?
            .into_iter()
            .map(|(k, v)| Ok((k, v.num()?)))
            .collect(),
        _ => {
            let x = n.num()?;
            Ok(types.iter().map(|t| (t.clone(), x)).collect())
        }
    }
}

pub(super) fn read_drive(n: &Node, connectivity: &[Connection]) -> Result<Drive> {
    let name = n.field("name")?.str()?;
    let target_types = n
        .field("target_types")?
        .arr()?
        .iter()
        .map(|t| t.str())
        .collect::<Result<Vec<_>>>()?;
    let d = n.field("dynamics")?;
    let opt_num = |k: &str| d.opt(k).map(|x| x.num()).transpose();
    let dynamics = match n.field("type")?.str()?.as_str() {
        "evoked" | "gaussian" => DriveDynamics::Evoked {
            mu: d.f("mu")?,
            sigma: d.f("sigma")?,
            numspikes: d.field("numspikes")?.uint()?,
        },
        "poisson" => DriveDynamics::Poisson {
            tstart: d.f("tstart")?,
            tstop: opt_num("tstop")?,
            rate_constant: match d.field("rate_constant")?.v {
                Value::Object(_) => {
                    RateConstant::PerType(by_type(d.opt("rate_constant"), &target_types)?)
                }
                _ => RateConstant::Uniform(d.f("rate_constant")?),
            },
        },
        "bursty" => DriveDynamics::Bursty {
            tstart: d.f("tstart")?,
            tstart_std: d.f("tstart_std")?,
            tstop: opt_num("tstop")?,
            burst_rate: d.f("burst_rate")?,
            burst_std: d.f("burst_std")?,
            numspikes: d.field("numspikes")?.uint()?,
            spike_isi: d.f("spike_isi")?,
        },
        _ => return n.field("type")?.bad("evoked, poisson or bursty"),
    };
    // the space constant lives in the drive's connections
    let space_constant = connectivity
        .iter()
        .find(|c| c.src_type == name)
        .map_or(3.0, |c| c.lamtha);
    let conn_seed = match n.opt("conn_seed") {
        Some(s) => Some(s.int()?.max(0) as u64),
        None => None,
    };
    Ok(Drive {
        name,
        dynamics,
        location: n.field("location")?.str()?,
        n_drive_cells: n.field("n_drive_cells")?.uint()?,
        cell_specific: n.field("cell_specific")?.boolean()?,
        weights_ampa: by_type(n.opt("weights_ampa"), &target_types)?,
        weights_nmda: by_type(n.opt("weights_nmda"), &target_types)?,
        synaptic_delays: by_type(n.opt("synaptic_delays"), &target_types)?,
        probability: by_type(n.opt("probability"), &target_types)?,
        space_constant,
        event_seed: n.field("event_seed")?.int()?,
        conn_seed,
        target_types,
    })
}

pub(super) fn by_type_json(v: &ByType) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        Value::Object(v.iter().map(|(k, x)| (k.clone(), json!(x))).collect())
    }
}

/// hnn-core's drives take one probability by default: an all-equal map is written as that
/// number (a map with different values stays a map).
pub(super) fn probability_json(v: &ByType) -> Value {
    match v.first() {
        Some((_, x)) if v.iter().all(|(_, y)| y == x) => json!(x),
        _ => by_type_json(v),
    }
}

pub(super) fn drive_json(d: &Drive) -> Value {
    let (kind, dynamics) = match &d.dynamics {
        DriveDynamics::Evoked {
            mu,
            sigma,
            numspikes,
        } => (
            "evoked",
            json!({"mu": mu, "sigma": sigma, "numspikes": numspikes}),
        ),
        DriveDynamics::Poisson {
            tstart,
            tstop,
            rate_constant,
        } => {
            let rc = match rate_constant {
                RateConstant::Uniform(r) => json!(r),
                RateConstant::PerType(v) => by_type_json(v),
            };
            (
                "poisson",
                json!({"tstart": tstart, "tstop": tstop, "rate_constant": rc}),
            )
        }
        DriveDynamics::Bursty {
            tstart,
            tstart_std,
            tstop,
            burst_rate,
            burst_std,
            numspikes,
            spike_isi,
        } => (
            "bursty",
            json!({"tstart": tstart, "tstart_std": tstart_std, "tstop": tstop,
                   "burst_rate": burst_rate, "burst_std": burst_std,
                   "numspikes": numspikes, "spike_isi": spike_isi}),
        ),
        DriveDynamics::SpikeTrain { times, gids } => (
            "spike_train",
            json!({"spike_times": times, "spike_gids": gids}),
        ),
    };
    json!({
        "type": kind, "location": d.location, "n_drive_cells": d.n_drive_cells,
        "event_seed": d.event_seed, "conn_seed": d.conn_seed, "dynamics": dynamics,
        "events": [], "weights_ampa": by_type_json(&d.weights_ampa),
        "weights_nmda": by_type_json(&d.weights_nmda),
        "synaptic_delays": by_type_json(&d.synaptic_delays),
        "probability": probability_json(&d.probability), "name": d.name,
        "target_types": d.target_types, "cell_specific": d.cell_specific,
    })
}
