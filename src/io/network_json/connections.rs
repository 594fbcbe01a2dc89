//! Connections and their gid pairs, both ways.

use serde_json::{Map, Value, json};

use super::node::Node;

use crate::error::Result;
use crate::network::connectivity::Connection;

pub(super) fn read_connection(n: &Node) -> Result<Connection> {
    let nc = n.field("nc_dict")?;
    // hnn-core holds these as sets (written in set-iteration order): keep them sorted
    let gids = |k: &str| -> Result<Vec<usize>> {
        let mut v = n
            .field(k)?
            .arr()?
            .iter()
            .map(|g| g.uint())
            .collect::<Result<Vec<_>>>()?;
        v.sort_unstable();
        Ok(v)
    };
    let mut gid_pairs = Vec::new();
    for (k, targets) in n.field("gid_pairs")?.obj()? {
        let src: usize = k.parse().map_err(|_| targets.error("keys that are gids"))?;
        gid_pairs.push((
            src,
            targets
                .arr()?
                .iter()
                .map(|g| g.uint())
                .collect::<Result<Vec<_>>>()?,
        ));
    }
    let receptor = n.field("receptor")?;
    Ok(Connection {
        src_type: n.field("src_type")?.str()?,
        target_type: n.field("target_type")?.str()?,
        src_gids: gids("src_gids")?,
        target_gids: gids("target_gids")?,
        num_srcs: n.field("num_srcs")?.uint()?,
        num_targets: n.field("num_targets")?.uint()?,
        gid_pairs,
        loc: n.field("loc")?.str()?,
        receptor: receptor
            .str()?
            .parse()
            .map_err(|_| receptor.error("ampa, nmda, gabaa or gabab"))?,
        a_weight: nc.f("A_weight")?,
        a_delay: nc.f("A_delay")?,
        lamtha: nc.f("lamtha")?,
        threshold: nc.f("threshold")?,
        gain: nc.f("gain")?,
        probability: n.f("probability")?,
        allow_autapses: n.field("allow_autapses")?.boolean()?,
    })
}

pub(super) fn connection_json(c: &Connection) -> Value {
    let pairs: Map<String, Value> = c
        .gid_pairs
        .iter()
        .map(|(s, t)| (s.to_string(), json!(t)))
        .collect();
    json!({
        "target_type": c.target_type, "target_gids": c.target_gids, "num_targets": c.num_targets,
        "src_type": c.src_type, "src_gids": c.src_gids, "num_srcs": c.num_srcs,
        "gid_pairs": pairs, "loc": c.loc, "receptor": c.receptor.to_string(),
        "nc_dict": {"A_delay": c.a_delay, "A_weight": c.a_weight, "lamtha": c.lamtha,
                    "threshold": c.threshold, "gain": c.gain},
        "allow_autapses": c.allow_autapses as u8, "probability": c.probability,
    })
}
