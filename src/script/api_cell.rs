//! Cell templates of a network from scripts: inspect sections, change geometry
//! (`modify_section`), mechanism parameters and synapse kinetics before a run.

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::NetHandle;
use super::kwargs::{Kw, RhaiResult, err, lib, num, string};
use crate::model::{CellTemplate, ParamValue, SynapseKinetics};

/// One cell type's template inside a network (`net.cell_types["L5_pyramidal"]`).
#[derive(Debug, Clone)]
pub struct CellHandle {
    net: NetHandle,
    name: String,
}

impl CellHandle {
    /// The cell type's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// hnn-core's `cell_metadata` dict.
    pub fn metadata(&self) -> RhaiResult<Map> {
        let st = self.net.0.borrow();
        let ct = st
            .net
            .cell_type(&self.name)
            .ok_or_else(|| format!("no cell type '{}'", self.name))?;
        let m = &ct.metadata;
        let mut out = Map::new();
        out.insert("morpho_type".into(), m.morpho_type.clone().into());
        out.insert("electro_type".into(), m.electro_type.clone().into());
        out.insert("layer".into(), m.layer.clone().into());
        out.insert("measure_dipole".into(), m.measure_dipole.into());
        Ok(out)
    }

    /// A copy of the template.
    pub fn template(&self) -> RhaiResult<CellTemplate> {
        self.with(|t| t.clone())
    }

    /// Read the template.
    pub(super) fn with<T>(&self, f: impl FnOnce(&CellTemplate) -> T) -> RhaiResult<T> {
        let st = self.net.0.borrow();
        let ct = st
            .net
            .cell_type(&self.name)
            .ok_or_else(|| format!("no cell type '{}'", self.name))?;
        Ok(f(&ct.template))
    }

    /// Change the template in the network.
    pub(super) fn with_mut<T>(
        &self,
        f: impl FnOnce(&mut CellTemplate) -> crate::Result<T>,
    ) -> RhaiResult<T> {
        let mut st = self.net.0.borrow_mut();
        let ct = st
            .net
            .cell_type_mut(&self.name)
            .ok_or_else(|| format!("no cell type '{}'", self.name))?;
        lib(f(&mut ct.template))
    }
}

/// Register cell access.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<CellHandle>("Cell");
    engine.register_get("cell_types", |net: &mut NetHandle| -> Map {
        let names = net.0.borrow().net.cell_type_names();
        names
            .into_iter()
            .map(|n| {
                (
                    n.as_str().into(),
                    Dynamic::from(CellHandle {
                        net: net.clone(),
                        name: n,
                    }),
                )
            })
            .collect()
    });
    // hnn-core's net.cell_types[name]['cell_object'] and ['cell_metadata']
    engine.register_get("cell_object", |c: &mut CellHandle| c.clone());
    engine.register_get(
        "cell_metadata",
        |c: &mut CellHandle| -> RhaiResult<Dynamic> {
            Ok(super::api_paths::frozen(c.metadata()?.into()))
        },
    );
    engine.register_get("name", |c: &mut CellHandle| -> RhaiResult<String> {
        c.with(|t| t.name.clone())
    });
    engine.register_get("sect_loc", |c: &mut CellHandle| -> RhaiResult<Map> {
        c.with(|t| {
            t.sect_loc
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().into(),
                        v.iter()
                            .map(|s| Dynamic::from(s.clone()))
                            .collect::<Array>()
                            .into(),
                    )
                })
                .collect()
        })
    });
    engine.register_fn(
        "modify_section",
        |c: &mut CellHandle, sec: &str, m: Map| -> RhaiResult<CellHandle> {
            let kw = Kw::new("modify_section", m, &["L", "diam", "cm", "Ra", "v0"])?;
            let (l, d, cm, ra, v0) = (
                kw.num("L")?,
                kw.num("diam")?,
                kw.num("cm")?,
                kw.num("Ra")?,
                kw.num("v0")?,
            );
            c.with_mut(|t| t.modify_section(sec, l, d, cm, ra, v0))?;
            Ok(c.clone())
        },
    );
    engine.register_fn(
        "set_mech_param",
        |c: &mut CellHandle,
         sec: &str,
         mech: &str,
         param: &str,
         v: Dynamic|
         -> RhaiResult<CellHandle> {
            let x = num(&v, param)?;
            c.with_mut(|t| t.set_mech_param(sec, mech, param, ParamValue::Const(x)))?;
            Ok(c.clone())
        },
    );
    engine.register_fn(
        "set_synapse",
        |c: &mut CellHandle, receptor: &str, m: Map| -> RhaiResult<CellHandle> {
            let kw = Kw::new("set_synapse", m, &["e", "tau1", "tau2"])?;
            let r = lib(receptor.parse())?;
            let (e, tau1, tau2) = (kw.num("e")?, kw.num("tau1")?, kw.num("tau2")?);
            c.with_mut(|t| {
                let old = t.synapses.get(&r).copied().unwrap_or(SynapseKinetics {
                    e: 0.0,
                    tau1: 1.0,
                    tau2: 2.0,
                });
                t.set_synapse(
                    r,
                    SynapseKinetics {
                        e: e.unwrap_or(old.e),
                        tau1: tau1.unwrap_or(old.tau1),
                        tau2: tau2.unwrap_or(old.tau2),
                    },
                )
            })?;
            Ok(c.clone())
        },
    );
    engine.register_fn(
        "remove_mech",
        |c: &mut CellHandle, sec: &str, mech: &str| -> RhaiResult<CellHandle> {
            let removed = c.with_mut(|t| Ok(t.section_mut(sec)?.mechs.remove(mech).is_some()))?;
            if !removed {
                return err(format!(
                    "remove_mech: section '{sec}' has no mechanism '{mech}'"
                ));
            }
            Ok(c.clone())
        },
    );
    engine.register_fn("to_string", |c: &mut CellHandle| -> String {
        c.with(|t| format!("<Cell | {} ({} sections)>", t.name, t.sections.len()))
            .unwrap_or_default()
    });
    let _ = string;
}
