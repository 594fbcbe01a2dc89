//! A byte encoding of the values ranks exchange: spikes, simulation results, batch rows.
//!
//! Numbers travel as their exact bits (little endian), so a value decoded on another rank is
//! the same value, NaN payloads included. The encoding is private to one run of one binary:
//! every rank runs the same build, so there is no version field.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::results::{CellResponse, Dipole, ExtracellularArray, SourceApproximation};
use crate::sim::network::SimOutput;

/// Bytes being written.
#[derive(Debug, Default)]
pub struct Writer(pub Vec<u8>);

/// Bytes being read.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Read from the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(Error::invalid(
                "message from another rank",
                format!("{} bytes", self.bytes.len()),
                "a complete message (it ended early)",
            )),
        }
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// True when every byte has been read.
    pub fn is_done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// A value that can cross from one rank to another.
pub trait Wire: Sized {
    /// Append the value's bytes.
    fn put(&self, w: &mut Writer);
    /// Read a value written by [`Wire::put`].
    fn get(r: &mut Reader) -> Result<Self>;
}

/// Encode one value.
pub fn encode<T: Wire>(v: &T) -> Vec<u8> {
    let mut w = Writer::default();
    v.put(&mut w);
    w.0
}

/// Decode one value that fills `bytes` exactly.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T> {
    let mut r = Reader::new(bytes);
    let v = T::get(&mut r)?;
    if !r.is_done() {
        return Err(Error::invalid(
            "message from another rank",
            format!("{} bytes", bytes.len()),
            "exactly one value (bytes were left over)",
        ));
    }
    Ok(v)
}

impl Wire for () {
    fn put(&self, _: &mut Writer) {}
    fn get(_: &mut Reader) -> Result<Self> {
        Ok(())
    }
}

impl Wire for u64 {
    fn put(&self, w: &mut Writer) {
        w.0.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Result<Self> {
        r.u64()
    }
}

impl Wire for usize {
    fn put(&self, w: &mut Writer) {
        (*self as u64).put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        usize::try_from(r.u64()?).map_err(|_| {
            Error::invalid("count from another rank", "too large", "fits this machine")
        })
    }
}

impl Wire for i64 {
    fn put(&self, w: &mut Writer) {
        (*self as u64).put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(r.u64()? as i64)
    }
}

impl Wire for f64 {
    fn put(&self, w: &mut Writer) {
        self.to_bits().put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(f64::from_bits(r.u64()?))
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Writer) {
        w.0.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(r.take(1)?[0] != 0)
    }
}

impl Wire for String {
    fn put(&self, w: &mut Writer) {
        self.len().put(w);
        w.0.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = usize::get(r)?;
        let b = r.take(n)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| Error::invalid("text from another rank", "not UTF-8", "UTF-8 text"))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Writer) {
        self.len().put(w);
        for x in self {
            x.put(w);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = usize::get(r)?;
        // every element takes at least one byte: a corrupt count cannot allocate much
        let mut v = Vec::with_capacity(n.min(r.bytes.len() - r.pos));
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Ok(v)
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok((A::get(r)?, B::get(r)?))
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
        self.2.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok((A::get(r)?, B::get(r)?, C::get(r)?))
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Writer) {
        self.is_some().put(w);
        if let Some(x) = self {
            x.put(w);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(if bool::get(r)? {
            Some(T::get(r)?)
        } else {
            None
        })
    }
}

impl<T: Wire, E: Wire> Wire for std::result::Result<T, E> {
    fn put(&self, w: &mut Writer) {
        match self {
            Ok(x) => {
                true.put(w);
                x.put(w);
            }
            Err(m) => {
                false.put(w);
                m.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(if bool::get(r)? {
            Ok(T::get(r)?)
        } else {
            Err(E::get(r)?)
        })
    }
}

impl<K: Wire + Ord, V: Wire> Wire for BTreeMap<K, V> {
    fn put(&self, w: &mut Writer) {
        self.len().put(w);
        for (k, v) in self {
            k.put(w);
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = usize::get(r)?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = K::get(r)?;
            m.insert(k, V::get(r)?);
        }
        Ok(m)
    }
}

/// An error as it crosses ranks: a non-finite voltage and a stop request keep their kind
/// (so every rank reports exactly what one process would), anything else its message.
impl Wire for Error {
    fn put(&self, w: &mut Writer) {
        match self {
            Error::NonFinite {
                cell,
                gid,
                section,
                t,
            } => {
                0u64.put(w);
                cell.put(w);
                gid.put(w);
                section.put(w);
                t.put(w);
            }
            Error::Interrupted => 1u64.put(w),
            Error::OnRank { rank, message } => {
                2u64.put(w);
                rank.put(w);
                message.put(w);
            }
            e => {
                2u64.put(w);
                super::rank().put(w);
                e.to_string().put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match u64::get(r)? {
            0 => Error::NonFinite {
                cell: String::get(r)?,
                gid: usize::get(r)?,
                section: String::get(r)?,
                t: f64::get(r)?,
            },
            1 => Error::Interrupted,
            _ => Error::OnRank {
                rank: usize::get(r)?,
                message: String::get(r)?,
            },
        })
    }
}

impl Wire for Dipole {
    fn put(&self, w: &mut Writer) {
        self.times.put(w);
        self.data.put(w);
        self.nave.put(w);
        self.scale_applied.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(Dipole {
            times: Wire::get(r)?,
            data: Wire::get(r)?,
            nave: Wire::get(r)?,
            scale_applied: Wire::get(r)?,
        })
    }
}

impl Wire for CellResponse {
    fn put(&self, w: &mut Writer) {
        self.spike_times.put(w);
        self.spike_gids.put(w);
        self.spike_types.put(w);
        self.times.put(w);
        self.cell_type_names.put(w);
        self.vsec.put(w);
        self.isec.put(w);
        self.ca.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(CellResponse {
            spike_times: Wire::get(r)?,
            spike_gids: Wire::get(r)?,
            spike_types: Wire::get(r)?,
            times: Wire::get(r)?,
            cell_type_names: Wire::get(r)?,
            vsec: Wire::get(r)?,
            isec: Wire::get(r)?,
            ca: Wire::get(r)?,
        })
    }
}

impl Wire for ExtracellularArray {
    fn put(&self, w: &mut Writer) {
        self.name.put(w);
        let flat: Vec<f64> = self.positions.iter().flatten().copied().collect();
        flat.put(w);
        self.conductivity.put(w);
        matches!(self.method, SourceApproximation::Lsa).put(w);
        self.min_distance.put(w);
        self.times.put(w);
        self.voltages.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let name = String::get(r)?;
        let flat = Vec::<f64>::get(r)?;
        Ok(ExtracellularArray {
            name,
            positions: flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
            conductivity: Wire::get(r)?,
            method: if bool::get(r)? {
                SourceApproximation::Lsa
            } else {
                SourceApproximation::Psa
            },
            min_distance: Wire::get(r)?,
            times: Wire::get(r)?,
            voltages: Wire::get(r)?,
        })
    }
}

impl Wire for SimOutput {
    fn put(&self, w: &mut Writer) {
        self.dipoles.put(w);
        self.cell_response.put(w);
        self.rec_arrays.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(SimOutput {
            dipoles: Wire::get(r)?,
            cell_response: Wire::get(r)?,
            rec_arrays: Wire::get(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_bit_for_bit() {
        let v: Vec<(f64, usize)> = vec![(f64::NAN, 3), (-0.0, 0), (1e-300, usize::MAX >> 1)];
        let back: Vec<(f64, usize)> = decode(&encode(&v)).unwrap();
        for (a, b) in v.iter().zip(&back) {
            assert_eq!(a.0.to_bits(), b.0.to_bits());
            assert_eq!(a.1, b.1);
        }
        let r: std::result::Result<Vec<String>, String> = Err("row 3 failed".into());
        assert_eq!(
            decode::<std::result::Result<Vec<String>, String>>(&encode(&r)).unwrap(),
            r
        );
        let e = Error::NonFinite {
            cell: "L5_pyramidal".into(),
            gid: 7,
            section: "soma".into(),
            t: 1.5,
        };
        assert_eq!(
            decode::<Error>(&encode(&e)).unwrap().to_string(),
            e.to_string()
        );
    }

    #[test]
    fn short_or_long_messages_are_errors() {
        let b = encode(&vec![1.0f64, 2.0]);
        assert!(decode::<Vec<f64>>(&b[..b.len() - 1]).is_err());
        let mut long = b.clone();
        long.push(0);
        assert!(decode::<Vec<f64>>(&long).is_err());
        // a count far beyond the bytes present fails instead of allocating
        assert!(decode::<Vec<f64>>(&encode(&(u64::MAX >> 8))).is_err());
    }
}
