//! The `extracellular` group of a results bundle: each electrode array's description and
//! its potentials per trial.

use hdf5_pure::{AttrValue, FileBuilder};

use super::reader::Reader;
use crate::error::Result;
use crate::network::electrodes::{ElectrodeArray, Method};
use crate::results::ExtracellularArray;

/// The `extracellular` group of a results bundle: each array's description and potentials.
pub(super) fn write_extracellular(b: &mut FileBuilder, arrays: &[ExtracellularArray]) {
    let mut g = b.create_group("extracellular");
    g.set_attr(
        "names",
        AttrValue::VarLenStringArray(arrays.iter().map(|a| a.name.clone()).collect()),
    );
    for a in arrays {
        let mut ag = g.create_group(&a.name);
        ag.set_attr("method", AttrValue::VarLenString(a.method.name().into()));
        ag.set_attr("conductivity", AttrValue::F64(a.conductivity));
        ag.set_attr("min_distance", AttrValue::F64(a.min_distance));
        ag.set_attr("n_trials", AttrValue::I64(a.voltages.len() as i64));
        let c = a.positions.len();
        let flat: Vec<f64> = a.positions.iter().flatten().copied().collect();
        ag.create_dataset("positions")
            .with_f64_data(&flat)
            .with_shape(&[c as u64, 3]);
        ag.create_dataset("times").with_f64_data(&a.times);
        for (k, trial) in a.voltages.iter().enumerate() {
            let flat: Vec<f64> = trial.iter().flatten().copied().collect();
            ag.create_dataset(&format!("trial_{k}"))
                .with_f64_data(&flat)
                .with_shape(&[c as u64, a.times.len() as u64]);
        }
        g.add_group(ag.finish());
    }
    b.add_group(g.finish());
}

/// The arrays of a bundle's `extracellular` group.
pub(super) fn read_extracellular(r: &Reader) -> Result<Vec<ExtracellularArray>> {
    let g = r.group("/extracellular")?;
    let mut out = Vec::new();
    for name in r.attr_strings(&g, "/extracellular", "names")? {
        let p = format!("/extracellular/{name}");
        let ag = r.group(&p)?;
        let method_s = r.attr_string(&ag, &p, "method")?;
        let method = Method::parse(&method_s).map_err(|_| {
            r.err(
                &format!("attribute '{p}' method"),
                format!("\"{method_s}\""),
                "\"psa\" or \"lsa\"",
            )
        })?;
        let n_trials = r.attr_count(&ag, &p, "n_trials")?;
        let pos = r.f64s_2d(&format!("{p}/positions"), None, Some(3))?;
        let c = pos.len() / 3;
        let positions: Vec<[f64; 3]> = pos.chunks(3).map(|q| [q[0], q[1], q[2]]).collect();
        let spec = ElectrodeArray::new(
            &name,
            positions,
            r.attr_f64(&ag, &p, "conductivity")?,
            method,
            r.attr_f64(&ag, &p, "min_distance")?,
        )
        .map_err(|e| {
            r.err(
                &format!("group '{p}'"),
                e.to_string(),
                "a valid electrode array",
            )
        })?;
        let mut arr = crate::sim::network::empty_recording(&spec);
        arr.times = r.f64s(&format!("{p}/times"))?;
        let n = arr.times.len();
        for k in 0..n_trials {
            let v = r.f64s_2d(&format!("{p}/trial_{k}"), Some(c), Some(n))?;
            arr.voltages.push(if n == 0 {
                vec![Vec::new(); c]
            } else {
                v.chunks(n).map(|row| row.to_vec()).collect()
            });
        }
        out.push(arr);
    }
    Ok(out)
}
