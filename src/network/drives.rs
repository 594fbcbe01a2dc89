//! External drives: evoked, Poisson, bursty and spike-train inputs from artificial drive
//! cells (hnn-core's `add_*_drive`). Event times are generated per trial by [`super::events`].

use serde::{Deserialize, Serialize};

use super::Network;
use super::connectivity::{ConnectionOptions, Gids, Targets};
use crate::error::{Error, Result};
use crate::model::Receptor;

/// A per-cell-type value, in the order given.
pub type ByType = Vec<(String, f64)>;

/// Poisson rate: one value for every target, or one per cell type [Hz].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RateConstant {
    /// The same rate everywhere.
    Uniform(f64),
    /// A rate per target cell type.
    PerType(ByType),
}

/// How a drive's event times are generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DriveDynamics {
    /// `numspikes` Gaussian times around `mu`.
    Evoked {
        /// Mean [ms].
        mu: f64,
        /// Standard deviation [ms].
        sigma: f64,
        /// Spikes per drive cell.
        numspikes: usize,
    },
    /// A Poisson process from `tstart` to `tstop`.
    Poisson {
        /// Start [ms].
        tstart: f64,
        /// End [ms]; `None`: the simulation's tstop.
        tstop: Option<f64>,
        /// Rate [Hz].
        rate_constant: RateConstant,
    },
    /// Rhythmic bursts of `numspikes` spikes `spike_isi` apart at `burst_rate`.
    Bursty {
        /// Start of the first burst [ms].
        tstart: f64,
        /// Jitter of the start, one draw per trial and drive [ms].
        tstart_std: f64,
        /// End [ms]; `None`: the simulation's tstop.
        tstop: Option<f64>,
        /// Bursts per second [Hz].
        burst_rate: f64,
        /// Jitter of each burst [ms].
        burst_std: f64,
        /// Spikes per burst.
        numspikes: usize,
        /// Interval between the spikes of a burst [ms].
        spike_isi: f64,
    },
    /// Given spike times per drive cell.
    SpikeTrain {
        /// Spike times [ms].
        times: Vec<f64>,
        /// Drive cell (0-based) of each time.
        gids: Vec<usize>,
    },
}

/// A drive as attached to the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drive {
    /// Unique name (its drive cells form the gid range of this name).
    pub name: String,
    /// Event-time generation.
    pub dynamics: DriveDynamics,
    /// Target location (group or section).
    pub location: String,
    /// Number of drive cells.
    pub n_drive_cells: usize,
    /// One drive cell per target cell (true) or all-to-all (false).
    pub cell_specific: bool,
    /// AMPA weights per target type [µS].
    pub weights_ampa: ByType,
    /// NMDA weights per target type [µS].
    pub weights_nmda: ByType,
    /// Delays per target type [ms].
    pub synaptic_delays: ByType,
    /// Connection probability per target type.
    pub probability: ByType,
    /// Space constant of weights and delays.
    pub space_constant: f64,
    /// Seed of the event generators.
    pub event_seed: i64,
    /// Seed of connection pruning.
    pub conn_seed: Option<u64>,
    /// Target cell types, in network order.
    pub target_types: Vec<String>,
}

/// Options common to every drive (hnn-core's keyword arguments with their defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct DriveOptions {
    /// Target location.
    pub location: String,
    /// `None`: one per target cell when cell-specific.
    pub n_drive_cells: Option<usize>,
    /// One drive cell per target cell.
    pub cell_specific: bool,
    /// AMPA weights per type [µS].
    pub weights_ampa: ByType,
    /// NMDA weights per type [µS].
    pub weights_nmda: ByType,
    /// Delays: one value or one per type [ms].
    pub synaptic_delays: Vec<(Option<String>, f64)>,
    /// Probabilities: one value or one per type.
    pub probability: Vec<(Option<String>, f64)>,
    /// Space constant.
    pub space_constant: f64,
    /// Event seed.
    pub event_seed: i64,
    /// Connection seed.
    pub conn_seed: Option<u64>,
}

impl Drive {
    /// The options that add this drive again as it is (weights, delays and probabilities
    /// per target type, seeds).
    pub fn options(&self) -> DriveOptions {
        let keyed = |v: &ByType| v.iter().map(|(k, x)| (Some(k.clone()), *x)).collect();
        DriveOptions {
            location: self.location.clone(),
            n_drive_cells: (!self.cell_specific).then_some(self.n_drive_cells),
            cell_specific: self.cell_specific,
            weights_ampa: self.weights_ampa.clone(),
            weights_nmda: self.weights_nmda.clone(),
            synaptic_delays: keyed(&self.synaptic_delays),
            probability: keyed(&self.probability),
            space_constant: self.space_constant,
            event_seed: self.event_seed,
            conn_seed: self.conn_seed,
        }
    }
}

impl DriveOptions {
    /// hnn-core's defaults for an evoked drive (cell-specific, space constant 3).
    pub fn evoked(location: &str) -> Self {
        Self::new(location)
    }

    /// hnn-core's defaults for a Poisson drive (cell-specific, space constant 100).
    pub fn poisson(location: &str) -> Self {
        DriveOptions {
            space_constant: 100.0,
            ..Self::new(location)
        }
    }

    /// hnn-core's defaults for a bursty drive (one drive cell shared by all targets, space
    /// constant 100).
    pub fn bursty(location: &str) -> Self {
        DriveOptions {
            space_constant: 100.0,
            cell_specific: false,
            n_drive_cells: Some(1),
            ..Self::new(location)
        }
    }

    /// hnn-core's defaults for a spike-train drive (shared drive cells, space constant 3).
    pub fn spike_train(location: &str) -> Self {
        DriveOptions {
            cell_specific: false,
            conn_seed: None,
            ..Self::new(location)
        }
    }

    /// Defaults shared by all drive types at `location` (those of an evoked drive).
    pub fn new(location: &str) -> Self {
        DriveOptions {
            location: location.into(),
            n_drive_cells: None,
            cell_specific: true,
            weights_ampa: vec![],
            weights_nmda: vec![],
            synaptic_delays: vec![(None, 0.1)],
            probability: vec![(None, 1.0)],
            space_constant: 3.0,
            event_seed: 2,
            conn_seed: Some(3),
        }
    }
}

fn per_type(v: &[(Option<String>, f64)], targets: &[String], what: &str) -> Result<ByType> {
    if let [(None, x)] = v {
        return Ok(targets.iter().map(|t| (t.clone(), *x)).collect());
    }
    let mut out = Vec::new();
    for (k, x) in v {
        let Some(k) = k else {
            return Err(Error::invalid(
                what,
                "a mix of one value and per-type values",
                "one number or one per type",
            ));
        };
        out.push((super::long_name(k).to_string(), *x));
    }
    let mut keys: Vec<&String> = out.iter().map(|(k, _)| k).collect();
    keys.sort();
    let mut want: Vec<&String> = targets.iter().collect();
    want.sort();
    if keys != want {
        return Err(Error::invalid(
            what,
            format!(
                "values for {}",
                keys.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "one number, or one per target type ({})",
                targets.join(", ")
            ),
        ));
    }
    Ok(out)
}

impl Network {
    /// Attach a drive: check everything, create its drive cells at the origin and connect
    /// them (hnn-core's `_attach_drive`). Nothing changes if an error is returned.
    pub fn add_drive(
        &mut self,
        name: &str,
        dynamics: DriveDynamics,
        o: &DriveOptions,
    ) -> Result<()> {
        let mut trial = self.clone();
        trial.attach_drive(name, dynamics, o)?;
        *self = trial;
        Ok(())
    }

    fn attach_drive(
        &mut self,
        name: &str,
        dynamics: DriveDynamics,
        o: &DriveOptions,
    ) -> Result<()> {
        if self.gid_ranges.iter().any(|(n, _)| n == name) {
            return Err(Error::invalid(
                format!("drive '{name}'"),
                "already defined",
                "a new name",
            ));
        }
        check_dynamics(&dynamics, self.legacy_mode)?;
        let norm = |v: &ByType| -> ByType {
            v.iter()
                .map(|(k, w)| (super::long_name(k).to_string(), *w))
                .collect()
        };
        let (wa, wn) = (norm(&o.weights_ampa), norm(&o.weights_nmda));
        for (k, w) in wa.iter().chain(&wn) {
            if self.cell_type(k).is_none() {
                return Err(super::unknown_cell_type(self, k));
            }
            if !(w.is_finite() && *w >= 0.0) {
                return Err(Error::invalid(
                    format!("weight for {k}"),
                    w,
                    "a finite number >= 0 [µS]",
                ));
            }
        }
        // target types in network order
        let targets: Vec<String> = self
            .cell_types
            .iter()
            .map(|c| c.name.clone())
            .filter(|n| wa.iter().chain(&wn).any(|(k, _)| k == n))
            .collect();
        if targets.is_empty() {
            return Err(Error::invalid(
                format!("drive '{name}'"),
                "no weights",
                "weights_ampa and/or weights_nmda for at least one cell type",
            ));
        }
        if o.location == "distal" {
            for t in &targets {
                let ct = self.cell_type(t).expect("checked");
                if ct.metadata.morpho_type == "basket" && ct.metadata.layer == "5" {
                    return Err(Error::invalid(
                        format!("drive '{name}'"),
                        format!("a distal drive onto {t}"),
                        "no L5_basket weights for a distal drive (L5 basket cells have no distal dendrites)",
                    ));
                }
            }
        }
        for t in &targets {
            let tpl = &self.cell_type(t).expect("checked").template;
            if tpl.location_sections(&o.location).is_err() {
                let mut known: Vec<String> = tpl.sect_loc.keys().cloned().collect();
                known.extend(tpl.section_names().iter().map(|s| s.to_string()));
                return Err(Error::UnknownName {
                    what: format!("location for {t} (drive '{name}')"),
                    name: o.location.clone(),
                    known: known.join(", "),
                });
            }
        }
        let delays = per_type(&o.synaptic_delays, &targets, "synaptic_delays")?;
        for (k, d) in &delays {
            if !(d.is_finite() && *d > 0.0) {
                return Err(Error::invalid(
                    format!("synaptic delay for {k}"),
                    d,
                    "a finite number > 0 [ms]",
                ));
            }
        }
        let probability = per_type(&o.probability, &targets, "probability")?;
        if !(o.space_constant.is_finite() && o.space_constant > 0.0) {
            return Err(Error::invalid(
                "space_constant",
                o.space_constant,
                "a number > 0",
            ));
        }
        if let DriveDynamics::Poisson { rate_constant, .. } = &dynamics {
            match rate_constant {
                RateConstant::Uniform(r) => {
                    if !(r.is_finite() && *r > 0.0) {
                        return Err(Error::invalid("rate_constant", r, "a rate > 0 [Hz]"));
                    }
                }
                RateConstant::PerType(v) => {
                    if !o.cell_specific {
                        return Err(Error::invalid(
                            "rate_constant",
                            "a per-type rate",
                            "a single rate unless cell_specific is true",
                        ));
                    }
                    for t in &targets {
                        if !v.iter().any(|(k, _)| super::long_name(k) == t) {
                            return Err(Error::invalid(
                                "rate_constant",
                                format!("no rate for {t}"),
                                "a rate for every target cell type",
                            ));
                        }
                    }
                    for (k, r) in v {
                        if !(r.is_finite() && *r > 0.0) {
                            return Err(Error::invalid(
                                format!("rate_constant for {k}"),
                                r,
                                "a rate > 0 [Hz]",
                            ));
                        }
                    }
                }
            }
        }
        // hnn-core's legacy mode (HNN GUI .param files): every cell type is a target, the
        // untargeted ones with an AMPA weight of 0, delay 0.1 ms and probability 1 — which
        // sizes cell-specific drives over the whole network, as the GUI numbered its gids
        let (conn_targets, conn_wa, conn_delays, conn_prob) = if self.legacy_mode {
            let all: Vec<String> = self.cell_types.iter().map(|c| c.name.clone()).collect();
            let mut wa2 = wa.clone();
            let mut d2 = delays.clone();
            let mut p2 = probability.clone();
            for t in &all {
                if !targets.contains(t) {
                    wa2.push((t.clone(), 0.0));
                    d2.push((t.clone(), 0.1));
                    p2.push((t.clone(), 1.0));
                }
            }
            (all, wa2, d2, p2)
        } else {
            (
                targets.clone(),
                wa.clone(),
                delays.clone(),
                probability.clone(),
            )
        };
        let n_drive_cells = if o.cell_specific {
            if o.n_drive_cells.is_some() {
                return Err(Error::invalid(
                    "n_drive_cells",
                    o.n_drive_cells.unwrap_or(0),
                    "'n_cells' (leave it unset) when cell_specific is true",
                ));
            }
            conn_targets
                .iter()
                .map(|t| self.gid_range(t).map_or(0, |r| r.len()))
                .sum()
        } else {
            match o.n_drive_cells {
                Some(n) if n > 0 => n,
                other => {
                    return Err(Error::invalid(
                        "n_drive_cells",
                        other.map_or("'n_cells'".to_string(), |n| n.to_string()),
                        "an integer > 0 when cell_specific is false",
                    ));
                }
            }
        };
        // Poisson with one rate and cell-specific drive cells: one rate per target type
        let dynamics = match dynamics {
            DriveDynamics::Poisson {
                tstart,
                tstop,
                rate_constant: RateConstant::Uniform(r),
            } if o.cell_specific => DriveDynamics::Poisson {
                tstart,
                tstop,
                rate_constant: RateConstant::PerType(
                    targets.iter().map(|t| (t.clone(), r)).collect(),
                ),
            },
            DriveDynamics::Poisson {
                tstart,
                tstop,
                rate_constant: RateConstant::PerType(v),
            } => DriveDynamics::Poisson {
                tstart,
                tstop,
                rate_constant: RateConstant::PerType(
                    v.into_iter()
                        .map(|(k, r)| (super::long_name(&k).to_string(), r))
                        .collect(),
                ),
            },
            d => d,
        };
        let start = self.n_gids();
        self.gid_ranges
            .push((name.to_string(), start..start + n_drive_cells));
        self.pos_dict
            .push((name.to_string(), vec![self.origin; n_drive_cells]));
        self.external_drives.push(Drive {
            name: name.into(),
            dynamics,
            location: o.location.clone(),
            n_drive_cells,
            cell_specific: o.cell_specific,
            weights_ampa: wa.clone(),
            weights_nmda: wn.clone(),
            synaptic_delays: delays.clone(),
            probability: probability.clone(),
            space_constant: o.space_constant,
            event_seed: o.event_seed,
            conn_seed: o.conn_seed,
            target_types: conn_targets.clone(),
        });

        let mut src_idx = start;
        for (seed_increment, t) in conn_targets.iter().enumerate() {
            let tgids: Vec<usize> = self.gid_range(t).map(|r| r.collect()).unwrap_or_default();
            let delay = conn_delays
                .iter()
                .find(|(k, _)| k == t)
                .map_or(0.1, |(_, d)| *d);
            let p = conn_prob
                .iter()
                .find(|(k, _)| k == t)
                .map_or(1.0, |(_, p)| *p);
            let (srcs, targets_spec) = if o.cell_specific {
                let s: Vec<usize> = (src_idx..src_idx + tgids.len()).collect();
                src_idx += tgids.len();
                (
                    Gids::List(s),
                    Targets::PerSource(tgids.iter().map(|&g| vec![g]).collect()),
                )
            } else {
                (
                    Gids::Type(name.to_string()),
                    Targets::All(Gids::List(tgids)),
                )
            };
            let mut first: Option<usize> = None;
            for (receptor, weights) in [(Receptor::Ampa, &conn_wa), (Receptor::Nmda, &wn)] {
                let Some((_, w)) = weights.iter().find(|(k, _)| k == t) else {
                    continue;
                };
                let opts = ConnectionOptions {
                    probability: p,
                    conn_seed: o.conn_seed.map(|s| s + seed_increment as u64),
                    ..ConnectionOptions::default()
                };
                let mut conn = self.make_connection(
                    &srcs,
                    &targets_spec,
                    &o.location,
                    receptor,
                    *w,
                    delay,
                    o.space_constant,
                    &opts,
                )?;
                // hnn-core gives the second receptor's connection the first one's sources
                if let Some(f) = first {
                    conn.src_gids = self.connectivity[f].src_gids.clone();
                }
                self.connectivity.push(conn);
                first.get_or_insert(self.connectivity.len() - 1);
            }
        }
        Ok(())
    }

    /// Add a spike-train drive from `(time, source)` pairs (hnn-core's list-of-tuples form):
    /// one drive cell per distinct source, numbered in sorted order.
    pub fn add_spike_train_drive(
        &mut self,
        name: &str,
        spike_data: &[(f64, usize)],
        o: &DriveOptions,
    ) -> Result<()> {
        let mut ids: Vec<usize> = spike_data.iter().map(|(_, g)| *g).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(Error::invalid(
                "spike_data",
                "no spikes",
                "at least one (time, gid) pair",
            ));
        }
        let times = spike_data.iter().map(|(t, _)| *t).collect();
        let gids = spike_data
            .iter()
            .map(|(_, g)| ids.binary_search(g).unwrap_or(0))
            .collect();
        let o = DriveOptions {
            cell_specific: false,
            n_drive_cells: Some(ids.len()),
            ..o.clone()
        };
        self.add_drive(name, DriveDynamics::SpikeTrain { times, gids }, &o)
    }

    /// Remove every drive and its connections (hnn-core's `clear_drives`).
    pub fn clear_drives(&mut self) {
        let names: Vec<String> = self
            .external_drives
            .iter()
            .map(|d| d.name.clone())
            .collect();
        self.connectivity.retain(|c| !names.contains(&c.src_type));
        self.gid_ranges.retain(|(n, _)| !names.contains(n));
        self.pos_dict.retain(|(n, _)| !names.contains(n));
        self.external_drives.clear();
        // gids after the cell types are re-packed (hnn-core just shortens the count)
        let mut next = 0;
        for (_, r) in &mut self.gid_ranges {
            let len = r.len();
            *r = next..next + len;
            next += len;
        }
    }
}

/// A drive's active window: start >= 0 and, if given, end >= start (in legacy mode only
/// finite: GUI files null a drive by an empty or negative window).
fn check_window(tstart: f64, tstop: Option<f64>, legacy: bool) -> Result<()> {
    if legacy {
        return match tstop {
            Some(t) if !t.is_finite() => Err(Error::invalid("tstop", t, "a finite end time [ms]")),
            _ if !tstart.is_finite() => Err(Error::invalid("tstart", tstart, "a finite time [ms]")),
            _ => Ok(()),
        };
    }
    if !(tstart.is_finite() && tstart >= 0.0) {
        return Err(Error::invalid("tstart", tstart, "a start time >= 0 [ms]"));
    }
    if let Some(t) = tstop.filter(|t| !(t.is_finite() && *t >= 0.0 && *t >= tstart)) {
        return Err(Error::invalid(
            "tstop",
            t,
            "an end time >= tstart >= 0 [ms]",
        ));
    }
    Ok(())
}

/// Finite values always; the ranges (windows, counts) only outside legacy mode, where
/// hnn-core skips them so that GUI files can carry "nulled" drives.
fn check_dynamics(d: &DriveDynamics, legacy: bool) -> Result<()> {
    let finite = |what: &str, v: f64| -> Result<()> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid(what, v, "a finite number"))
        }
    };
    match d {
        DriveDynamics::Evoked {
            mu,
            sigma,
            numspikes,
        } => {
            finite("mu", *mu)?;
            finite("sigma", *sigma)?;
            if *sigma < 0.0 {
                return Err(Error::invalid("sigma", sigma, "a standard deviation >= 0"));
            }
            if *numspikes == 0 {
                return Err(Error::invalid(
                    "numspikes",
                    numspikes,
                    "a number of spikes > 0",
                ));
            }
        }
        DriveDynamics::Poisson { tstart, tstop, .. } => {
            finite("tstart", *tstart)?;
            check_window(*tstart, *tstop, legacy)?;
        }
        DriveDynamics::Bursty {
            tstart,
            tstart_std,
            tstop,
            burst_rate,
            burst_std,
            numspikes,
            spike_isi,
        } => {
            for (w, v) in [
                ("tstart", tstart),
                ("tstart_std", tstart_std),
                ("burst_rate", burst_rate),
                ("burst_std", burst_std),
                ("spike_isi", spike_isi),
            ] {
                finite(w, *v)?;
            }
            check_window(*tstart, *tstop, legacy)?;
            if *tstart_std < 0.0 || *burst_std < 0.0 {
                return Err(Error::invalid(
                    "tstart_std/burst_std",
                    tstart_std.min(*burst_std),
                    "standard deviations >= 0",
                ));
            }
            if !(*burst_rate > 0.0) {
                return Err(Error::invalid("burst_rate", burst_rate, "a rate > 0 [Hz]"));
            }
            if *numspikes == 0 {
                return Err(Error::invalid(
                    "numspikes",
                    numspikes,
                    "a number of spikes > 0",
                ));
            }
            let period = 1000.0 / burst_rate;
            let duration = (*numspikes as f64 - 1.0) * spike_isi;
            if duration > period {
                return Err(Error::invalid(
                    "burst duration (numspikes - 1) * spike_isi",
                    duration,
                    format!("at most the burst period 1000/burst_rate = {period} ms"),
                ));
            }
        }
        DriveDynamics::SpikeTrain { times, gids } => {
            if times.len() != gids.len() {
                return Err(Error::invalid(
                    "spike_data",
                    "times and gids of different lengths",
                    "one gid per time",
                ));
            }
            for t in times {
                finite("spike time", *t)?;
            }
        }
    }
    Ok(())
}
