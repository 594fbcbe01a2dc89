//! What one cell group recorded in a trial, and gathering that from every rank so that each
//! rank sums the dipole, the electrodes and the traces in group order, as one process does.

use crate::cluster::{self, wire};
use crate::error::{Error, Result};

/// One group's recordings of one trial.
#[derive(Debug, Default)]
pub struct GroupOut {
    /// Index of the group in the lowered network.
    pub index: usize,
    /// Summed dipole of the group's cells, per sample (empty without a dipole) [fAm].
    pub dipole: Vec<f64>,
    /// Contribution to every contact, `[step * n_contacts + contact]` (samples 1..) [µV].
    pub lfp: Vec<f64>,
    /// (cell, node, samples) of the recorded voltages [mV].
    pub v: Vec<(usize, usize, Vec<f64>)>,
    /// (cell × synapses + synapse, samples) of the recorded synaptic currents [nA].
    pub i: Vec<(usize, Vec<f64>)>,
    /// (cell, node, samples) of the recorded Ca concentrations [mM].
    pub ca: Vec<(usize, usize, Vec<f64>)>,
}

impl wire::Wire for GroupOut {
    fn put(&self, w: &mut wire::Writer) {
        self.index.put(w);
        self.dipole.put(w);
        self.lfp.put(w);
        self.v.put(w);
        self.i.put(w);
        self.ca.put(w);
    }
    fn get(r: &mut wire::Reader) -> Result<Self> {
        Ok(GroupOut {
            index: wire::Wire::get(r)?,
            dipole: wire::Wire::get(r)?,
            lfp: wire::Wire::get(r)?,
            v: wire::Wire::get(r)?,
            i: wire::Wire::get(r)?,
            ca: wire::Wire::get(r)?,
        })
    }
}

/// Every rank's groups (collective), in group order: `n_groups` in all, each from exactly
/// one rank.
pub fn all_groups(mine: Vec<GroupOut>, n_groups: usize) -> Result<Vec<GroupOut>> {
    let parts = cluster::allgather(&wire::encode(&mine))?;
    drop(mine);
    let mut slots: Vec<Option<GroupOut>> = (0..n_groups).map(|_| None).collect();
    for (k, p) in parts.iter().enumerate() {
        let outs: Vec<GroupOut> = wire::decode(p).map_err(|e| Error::OnRank {
            rank: k,
            message: e.to_string(),
        })?;
        for o in outs {
            let i = o.index;
            match slots.get_mut(i) {
                Some(s @ None) => *s = Some(o),
                _ => {
                    return Err(Error::OnRank {
                        rank: k,
                        message: format!("sent group {i}, which is not its own"),
                    });
                }
            }
        }
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.ok_or_else(|| Error::invalid("groups gathered from the ranks", i, "every group"))
        })
        .collect()
}
