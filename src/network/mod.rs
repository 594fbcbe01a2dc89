//! Networks as hnn-core describes them: cell types on a column, connections, drives and
//! tonic biases. A `Network` is plain data; `add_*` methods validate and change nothing when
//! they fail. Simulation lives in [`crate::sim::network`].

pub mod connectivity;
pub mod coords;
pub mod default_params;
pub mod drives;
pub mod electrodes;
pub mod events;
pub mod legacy;
pub mod models;
pub mod params;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::CellTemplate;
use connectivity::Connection;
use coords::create_cell_coords;
use drives::Drive;

/// Descriptive metadata of a cell type (hnn-core's `cell_metadata`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellMetadata {
    /// `pyramidal` or `basket`.
    pub morpho_type: String,
    /// `excitatory` or `inhibitory`.
    pub electro_type: String,
    /// Cortical layer (`2` or `5`).
    pub layer: String,
    /// Whether the type's cells contribute to the dipole.
    pub measure_dipole: bool,
    /// Literature reference.
    pub reference: String,
}

/// One cell type of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellType {
    /// Name (`L2_basket`, `L2_pyramidal`, `L5_basket`, `L5_pyramidal`).
    pub name: String,
    /// The template every cell of the type is built from.
    pub template: CellTemplate,
    /// Metadata.
    pub metadata: CellMetadata,
}

/// A tonic current injection (an IClamp at `section(0.5)` of every cell of a type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TonicBias {
    /// Bias name (several biases may coexist).
    pub name: String,
    /// Target cell type.
    pub cell_type: String,
    /// Amplitude [nA].
    pub amplitude: f64,
    /// Onset [ms].
    pub t0: f64,
    /// End [ms]; `None` means the simulation's tstop.
    pub tstop: Option<f64>,
    /// Section receiving the clamp.
    pub section: String,
}

/// A network: cell types, their positions and gids, connectivity, drives, biases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Cell types in gid order.
    pub cell_types: Vec<CellType>,
    /// Positions per cell type and per drive (drive cells sit at the origin) [µm].
    pub pos_dict: Vec<(String, Vec<[f64; 3]>)>,
    /// The column origin: position of drive cells [µm].
    pub origin: [f64; 3],
    /// Gid ranges: cell types first, then drives in the order they were added.
    pub gid_ranges: Vec<(String, Range<usize>)>,
    /// Connections in the order they were added.
    pub connectivity: Vec<Connection>,
    /// External drives in the order they were added.
    pub external_drives: Vec<Drive>,
    /// Tonic biases.
    pub external_biases: Vec<TonicBias>,
    /// Spike threshold of every cell [mV].
    pub threshold: f64,
    /// Default connection delay of the preset models [ms].
    pub delay: f64,
    /// Pyramidal grid shape (n_x, n_y).
    pub mesh_shape: (usize, usize),
    /// Grid spacing [µm].
    pub inplane_distance: f64,
    /// Separation of the L2 and L5 pyramidal layers [µm].
    pub layer_separation: f64,
    /// Temperature [°C].
    pub celsius: f64,
    /// Extracellular electrode arrays, in the order they were added.
    #[serde(default)]
    pub rec_arrays: Vec<electrodes::ElectrodeArray>,
    /// hnn-core's `legacy_mode` (HNN GUI `.param` files): drives target every cell type
    /// (untargeted ones with zero weight) and their parameter ranges are not checked.
    #[serde(default)]
    pub legacy_mode: bool,
}

impl Network {
    /// A network with the given cell types on an `n_x` × `n_y` column (no connections).
    ///
    /// `cell_types` are laid out like hnn-core's default: `L5_pyramidal`, `L2_pyramidal`,
    /// `L5_basket`, `L2_basket` take the layouts of the same names.
    pub fn new(cell_types: Vec<CellType>, mesh_shape: (usize, usize)) -> Result<Network> {
        if mesh_shape.0 < 1 || mesh_shape.1 < 1 {
            return Err(Error::invalid(
                "mesh_shape",
                format!("({}, {})", mesh_shape.0, mesh_shape.1),
                "a pair of positive integers",
            ));
        }
        // refuse a mesh the machine cannot hold before laying it out (each cell needs at
        // least a few kB: positions, gids, connections, state)
        crate::limits::check_alloc(
            &format!("cells of a {} x {} mesh", mesh_shape.0, mesh_shape.1),
            mesh_shape.0 as f64 * mesh_shape.1 as f64 * cell_types.len().max(1) as f64,
            4096,
        )?;
        for ct in &cell_types {
            ct.template.validate()?;
        }
        let mut net = Network {
            cell_types: Vec::new(),
            pos_dict: Vec::new(),
            origin: [0.0; 3],
            gid_ranges: Vec::new(),
            connectivity: Vec::new(),
            external_drives: Vec::new(),
            external_biases: Vec::new(),
            threshold: 0.0,
            delay: 1.0,
            mesh_shape,
            inplane_distance: 1.0,
            layer_separation: 1307.4,
            celsius: 37.0,
            rec_arrays: Vec::new(),
            legacy_mode: false,
        };
        let layout = create_cell_coords(
            mesh_shape.0,
            mesh_shape.1,
            net.layer_separation,
            net.inplane_distance,
        );
        net.origin = layout.origin;
        for ct in cell_types {
            let pos = layout_for(&layout, &ct.name).ok_or_else(|| {
                Error::invalid(
                    format!("cell type '{}'", ct.name),
                    "no layout",
                    "one of L2_basket, L2_pyramidal, L5_basket, L5_pyramidal",
                )
            })?;
            net.add_cell_type(&ct.name, pos);
            net.cell_types.push(ct);
        }
        Ok(net)
    }

    /// Add a cell type of any template at the given positions, after the network's other
    /// cell types and before any drive (hnn-core's `Network(params, pos_dict=...,
    /// cell_types=...)` with a cell type of its own; its gids follow the earlier types').
    /// Connections and drives then name it like a template's type.
    pub fn add_cell_type_at(&mut self, ct: CellType, pos: Vec<[f64; 3]>) -> Result<()> {
        ct.template.validate()?;
        if self.gid_range(&ct.name).is_some() {
            return Err(Error::invalid(
                "cell type name",
                &ct.name,
                "a name the network does not have yet",
            ));
        }
        if !self.external_drives.is_empty() {
            return Err(Error::invalid(
                format!("cell type '{}'", ct.name),
                "added after a drive",
                "cell types added before any drive (drive gids follow the cells')",
            ));
        }
        if pos.is_empty() || pos.iter().flatten().any(|x| !x.is_finite()) {
            return Err(Error::invalid(
                format!("positions of cell type '{}'", ct.name),
                format!("{} positions", pos.len()),
                "at least one position, all coordinates finite",
            ));
        }
        crate::limits::check_alloc(
            &format!("cells of type '{}'", ct.name),
            pos.len() as f64,
            4096,
        )?;
        self.add_cell_type(&ct.name, pos);
        self.cell_types.push(ct);
        Ok(())
    }

    fn add_cell_type(&mut self, name: &str, pos: Vec<[f64; 3]>) {
        let start = self.n_gids();
        self.gid_ranges
            .push((name.to_string(), start..start + pos.len()));
        self.pos_dict.push((name.to_string(), pos));
    }

    /// Total number of gids (cells and drive cells).
    pub fn n_gids(&self) -> usize {
        self.gid_ranges.last().map_or(0, |(_, r)| r.end)
    }

    /// Number of real cells.
    pub fn n_cells(&self) -> usize {
        self.cell_types
            .iter()
            .map(|ct| self.gid_range(&ct.name).map_or(0, |r| r.len()))
            .sum()
    }

    /// The gid range of a cell type or drive.
    pub fn gid_range(&self, name: &str) -> Option<Range<usize>> {
        self.gid_ranges
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| r.clone())
    }

    /// The cell type or drive a gid belongs to (hnn-core's `gid_to_type`).
    pub fn gid_to_type(&self, gid: usize) -> Option<&str> {
        self.gid_ranges
            .iter()
            .find(|(_, r)| r.contains(&gid))
            .map(|(n, _)| n.as_str())
    }

    /// A cell type by name (hnn-core's long or short names).
    pub fn cell_type(&self, name: &str) -> Option<&CellType> {
        let long = long_name(name);
        self.cell_types.iter().find(|ct| ct.name == long)
    }

    /// A cell type by name, mutably (to edit its template before a run).
    pub fn cell_type_mut(&mut self, name: &str) -> Option<&mut CellType> {
        let long = long_name(name);
        self.cell_types.iter_mut().find(|ct| ct.name == long)
    }

    /// Names of the cell types, in gid order.
    pub fn cell_type_names(&self) -> Vec<String> {
        self.cell_types.iter().map(|c| c.name.clone()).collect()
    }

    /// Positions of a cell type or drive.
    pub fn positions(&self, name: &str) -> Option<&[[f64; 3]]> {
        self.pos_dict
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_slice())
    }

    /// Position of a gid (drive cells: the origin).
    pub fn gid_position(&self, gid: usize) -> Option<[f64; 3]> {
        let name = self.gid_to_type(gid)?;
        let start = self.gid_range(name)?.start;
        self.positions(name)?.get(gid - start).copied()
    }

    /// Re-lay the column with a new grid spacing and/or layer separation
    /// (hnn-core's `set_cell_positions`); drive cells move to the new origin.
    pub fn set_cell_positions(
        &mut self,
        inplane_distance: Option<f64>,
        layer_separation: Option<f64>,
    ) -> Result<()> {
        let inplane = inplane_distance.unwrap_or(self.inplane_distance);
        let sep = layer_separation.unwrap_or(self.layer_separation);
        if !(inplane.is_finite() && inplane > 0.0) {
            return Err(Error::invalid(
                "inplane_distance",
                inplane,
                "a positive number [µm]",
            ));
        }
        if !(sep.is_finite() && sep > 0.0) {
            return Err(Error::invalid(
                "layer_separation",
                sep,
                "a positive number [µm]",
            ));
        }
        let layout = create_cell_coords(self.mesh_shape.0, self.mesh_shape.1, sep, inplane);
        for (name, pos) in &mut self.pos_dict {
            if let Some(p) = layout_for(&layout, name) {
                *pos = p;
            } else {
                let n = pos.len();
                *pos = vec![layout.origin; n];
            }
        }
        self.origin = layout.origin;
        self.inplane_distance = inplane;
        self.layer_separation = sep;
        Ok(())
    }

    /// A deep copy (hnn-core's `copy`: results are never stored in a `Network` here, so
    /// there is nothing to clear).
    pub fn copy(&self) -> Network {
        self.clone()
    }

    /// Add an extracellular electrode array recorded during simulation (hnn-core's
    /// `add_electrode_array`). Names must be unique.
    pub fn add_electrode_array(&mut self, array: electrodes::ElectrodeArray) -> Result<()> {
        if self.rec_arrays.iter().any(|a| a.name == array.name) {
            return Err(Error::invalid(
                "electrode array name",
                format!("'{}'", array.name),
                "a name not used yet (it already exists, use another name)",
            ));
        }
        self.rec_arrays.push(array);
        Ok(())
    }

    /// Add a tonic bias: an IClamp of `amplitude` nA from `t0` to `tstop` at
    /// `section(0.5)` of every cell of each given type.
    pub fn add_tonic_bias(
        &mut self,
        amplitude: &[(String, f64)],
        t0: f64,
        tstop: Option<f64>,
        section: &str,
        bias_name: &str,
    ) -> Result<()> {
        let mut new = Vec::new();
        for (ct, amp) in amplitude {
            let ctype = self
                .cell_type(ct)
                .ok_or_else(|| unknown_cell_type(self, ct))?;
            if !amp.is_finite() {
                return Err(Error::invalid(
                    format!("tonic bias amplitude for {ct}"),
                    amp,
                    "a finite number [nA]",
                ));
            }
            if !t0.is_finite() || t0 < 0.0 {
                return Err(Error::invalid(
                    "tonic bias t0",
                    t0,
                    "a finite number >= 0 [ms]",
                ));
            }
            if let Some(ts) = tstop {
                if !ts.is_finite() || ts < 0.0 {
                    return Err(Error::invalid(
                        "tonic bias tstop",
                        ts,
                        "a finite number >= 0 [ms]",
                    ));
                }
                if ts < t0 {
                    return Err(Error::invalid(
                        "tonic bias duration (tstop - t0)",
                        ts - t0,
                        "non-negative",
                    ));
                }
            }
            ctype.template.section(section)?;
            let name = ctype.name.clone();
            if self
                .external_biases
                .iter()
                .chain(&new)
                .any(|b: &TonicBias| b.name == bias_name && b.cell_type == name)
            {
                return Err(Error::invalid(
                    format!("tonic bias '{bias_name}'"),
                    format!("already defined for {name}"),
                    "a new bias_name",
                ));
            }
            new.push(TonicBias {
                name: bias_name.into(),
                cell_type: name,
                amplitude: *amp,
                t0,
                tstop,
                section: section.into(),
            });
        }
        self.external_biases.extend(new);
        Ok(())
    }

    /// hnn-core's one-line summary, e.g. `<Network | 35 L2_basket cells ...>`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .cell_types
            .iter()
            .map(|ct| {
                format!(
                    "{} {} cells",
                    self.gid_range(&ct.name).map_or(0, |r| r.len()),
                    ct.name
                )
            })
            .collect();
        format!("<Network | {}>", parts.join("\n"))
    }
}

fn layout_for(layout: &coords::ColumnLayout, name: &str) -> Option<Vec<[f64; 3]>> {
    Some(match name {
        "L5_pyramidal" => layout.l5_pyramidal.clone(),
        "L2_pyramidal" => layout.l2_pyramidal.clone(),
        "L5_basket" => layout.l5_basket.clone(),
        "L2_basket" => layout.l2_basket.clone(),
        _ => return None,
    })
}

/// hnn-core's long cell-type name for a short one (`L2Pyr` → `L2_pyramidal`).
pub fn long_name(name: &str) -> &str {
    match name {
        "L2Basket" => "L2_basket",
        "L2Pyr" => "L2_pyramidal",
        "L5Basket" => "L5_basket",
        "L5Pyr" => "L5_pyramidal",
        other => other,
    }
}

pub(crate) fn unknown_cell_type(net: &Network, name: &str) -> Error {
    Error::UnknownName {
        what: "cell type".into(),
        name: name.into(),
        known: net.cell_type_names().join(", "),
    }
}
