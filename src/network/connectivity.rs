//! Connections between cells (and from drive cells): hnn-core's `add_connection`,
//! `pick_connection`, `clear_connectivity` and the global synaptic gains.

use serde::{Deserialize, Serialize};

use super::{Network, long_name};
use crate::error::{Error, Result};
use crate::model::Receptor;
use crate::rng::Generator;

/// Which gids: a cell-type (or drive) name, one gid, a list of gids, or several type names.
#[derive(Debug, Clone, PartialEq)]
pub enum Gids {
    /// All gids of a cell type or drive.
    Type(String),
    /// Several cell types.
    Types(Vec<String>),
    /// One gid.
    One(usize),
    /// Explicit gids (a Python list or range).
    List(Vec<usize>),
}

/// Targets of a connection: as [`Gids`], or one list per source (hnn-core's nested lists).
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// The same targets for every source.
    All(Gids),
    /// `per_source[i]` are the targets of the i-th source.
    PerSource(Vec<Vec<usize>>),
}

/// One connection rule (hnn-core's `_Connectivity`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// Source cell type or drive.
    pub src_type: String,
    /// Target cell type.
    pub target_type: String,
    /// Source gids as requested (pruning does not shrink it, as in hnn-core).
    pub src_gids: Vec<usize>,
    /// Target gids (sorted, unique).
    pub target_gids: Vec<usize>,
    /// Number of requested sources.
    pub num_srcs: usize,
    /// Number of distinct targets.
    pub num_targets: usize,
    /// Source → targets, in insertion order.
    pub gid_pairs: Vec<(usize, Vec<usize>)>,
    /// Location: a group (`proximal`, `distal`) or a section name.
    pub loc: String,
    /// Receptor.
    pub receptor: Receptor,
    /// Weight at distance 0 [µS].
    pub a_weight: f64,
    /// Delay at distance 0 [ms].
    pub a_delay: f64,
    /// Space constant (in units of the in-plane distance).
    pub lamtha: f64,
    /// Spike threshold of the source [mV].
    pub threshold: f64,
    /// Multiplier of the weight.
    pub gain: f64,
    /// Fraction of pairs kept.
    pub probability: f64,
    /// Whether a cell may connect to itself.
    pub allow_autapses: bool,
}

/// Optional arguments of [`Network::add_connection`], with hnn-core's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionOptions {
    /// Source threshold [mV] (default: the network's).
    pub threshold: Option<f64>,
    /// Weight multiplier (default 1).
    pub gain: f64,
    /// Allow self-connections (default true).
    pub allow_autapses: bool,
    /// Probability of keeping each pair (default 1).
    pub probability: f64,
    /// Seed of the pruning generator (numpy `default_rng(conn_seed)`); `None` draws one.
    pub conn_seed: Option<u64>,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            threshold: None,
            gain: 1.0,
            allow_autapses: true,
            probability: 1.0,
            conn_seed: None,
        }
    }
}

impl Network {
    fn resolve_gids(&self, g: &Gids, what: &str, valid: &[String]) -> Result<Vec<usize>> {
        let type_gids = |name: &str| -> Result<Vec<usize>> {
            let long = long_name(name);
            if !valid.iter().any(|v| v == long) {
                return Err(Error::UnknownName {
                    what: what.into(),
                    name: name.into(),
                    known: valid.join(", "),
                });
            }
            Ok(self
                .gid_range(long)
                .map(|r| r.collect())
                .unwrap_or_default())
        };
        let gids = match g {
            Gids::Type(t) => type_gids(t)?,
            Gids::Types(ts) => {
                let mut v = Vec::new();
                for t in ts {
                    v.extend(type_gids(t)?);
                }
                v
            }
            Gids::One(x) => vec![*x],
            Gids::List(v) => v.clone(),
        };
        for &gid in &gids {
            if self.gid_to_type(gid).is_none() {
                return Err(Error::invalid(
                    what,
                    gid,
                    format!("a gid below {}", self.n_gids()),
                ));
            }
        }
        Ok(gids)
    }

    /// Connect sources to targets (hnn-core's `add_connection`). Weights and delays fall off
    /// with the in-plane distance d as `weight·gain·exp(−d²/λ²)` and `delay/exp(−d²/λ²)`,
    /// λ = `lamtha` × in-plane distance. With `probability` < 1 the kept pairs are drawn as
    /// hnn-core draws them.
    #[allow(clippy::too_many_arguments)]
    pub fn add_connection(
        &mut self,
        src_gids: &Gids,
        target_gids: &Targets,
        loc: &str,
        receptor: Receptor,
        weight: f64,
        delay: f64,
        lamtha: f64,
        opts: &ConnectionOptions,
    ) -> Result<()> {
        let conn = self.make_connection(
            src_gids,
            target_gids,
            loc,
            receptor,
            weight,
            delay,
            lamtha,
            opts,
        )?;
        self.connectivity.push(conn);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn make_connection(
        &self,
        src_gids: &Gids,
        target_gids: &Targets,
        loc: &str,
        receptor: Receptor,
        weight: f64,
        delay: f64,
        lamtha: f64,
        opts: &ConnectionOptions,
    ) -> Result<Connection> {
        let valid_src: Vec<String> = self.gid_ranges.iter().map(|(n, _)| n.clone()).collect();
        let valid_tgt = self.cell_type_names();
        let srcs = self.resolve_gids(src_gids, "src_gids", &valid_src)?;
        if srcs.is_empty() {
            return Err(Error::invalid(
                "src_gids",
                "an empty selection",
                "at least one gid",
            ));
        }
        let src_type = self.gid_to_type(srcs[0]).unwrap_or_default().to_string();
        if srcs.iter().any(|&g| self.gid_to_type(g) != Some(&src_type)) {
            return Err(Error::invalid(
                "src_gids",
                "gids of several types",
                "gids of one cell type or drive",
            ));
        }
        let per_source: Vec<Vec<usize>> = match target_gids {
            Targets::All(g) => {
                let t = self.resolve_gids(g, "target_gids", &valid_tgt)?;
                vec![t; srcs.len()]
            }
            Targets::PerSource(v) => v.clone(),
        };
        if per_source.len() != srcs.len() {
            return Err(Error::invalid(
                "target_gids",
                format!("{} lists for {} sources", per_source.len(), srcs.len()),
                "one list per source",
            ));
        }
        let first = per_source.iter().flatten().next().copied().ok_or_else(|| {
            Error::invalid("target_gids", "an empty selection", "at least one gid")
        })?;
        let target_type = self.gid_to_type(first).unwrap_or_default().to_string();
        let mut target_set: Vec<usize> = per_source.iter().flatten().copied().collect();
        target_set.sort_unstable();
        target_set.dedup();
        for &t in &target_set {
            match self.gid_to_type(t) {
                None => {
                    return Err(Error::invalid(
                        "target_gid",
                        t,
                        format!("a gid below {}", self.n_gids()),
                    ));
                }
                Some(tt) if tt != target_type => {
                    return Err(Error::invalid(
                        "target_gids",
                        "gids of several types",
                        "gids of one cell type",
                    ));
                }
                _ => {}
            }
        }
        let ct = self.cell_type(&target_type).ok_or_else(|| {
            Error::invalid(
                "target_gids",
                format!("gids of drive '{target_type}'"),
                "gids of a cell type",
            )
        })?;
        // location and receptor must exist on the target cells
        let template = &ct.template;
        let sections = template.location_sections(loc).map_err(|_| {
            let mut known: Vec<String> = template.sect_loc.keys().cloned().collect();
            known.extend(template.section_names().iter().map(|s| s.to_string()));
            Error::UnknownName {
                what: format!("loc for '{target_type}' cells"),
                name: loc.into(),
                known: known.join(", "),
            }
        })?;
        // legacy mode pads drives onto every cell type with zero weight, L5 basket cells'
        // empty distal group included (hnn-core builds no synapse for it)
        if sections.is_empty() && !(self.legacy_mode && weight == 0.0) {
            return Err(Error::invalid(
                format!("loc '{loc}' on '{target_type}' cells"),
                "a group without sections",
                "a location the target cells have",
            ));
        }
        for s in &sections {
            let syns = &template.section(s)?.syns;
            if !syns.contains(&receptor) {
                return Err(Error::UnknownName {
                    what: format!("receptor on the '{s}' of '{target_type}' cells"),
                    name: receptor.name().into(),
                    known: syns.iter().map(|r| r.name()).collect::<Vec<_>>().join(", "),
                });
            }
        }
        let threshold = opts.threshold.unwrap_or(self.threshold);
        for (what, v, nonneg) in [
            ("weight", weight, true),
            ("delay", delay, true),
            ("lamtha", lamtha, false),
            ("threshold", threshold, false),
        ] {
            if !v.is_finite() || (nonneg && v < 0.0) {
                return Err(Error::invalid(
                    what,
                    v,
                    if nonneg {
                        "a finite number >= 0"
                    } else {
                        "a finite number"
                    },
                ));
            }
        }
        if !(lamtha > 0.0) {
            return Err(Error::invalid("lamtha", lamtha, "a number > 0"));
        }
        if !(delay > 0.0) {
            return Err(Error::invalid("delay", delay, "a number > 0 [ms]"));
        }
        if !(opts.gain.is_finite() && opts.gain >= 0.0) {
            return Err(Error::invalid(
                format!("gain of {src_type}->{target_type}"),
                opts.gain,
                "a non-negative number",
            ));
        }
        let mut gid_pairs: Vec<(usize, Vec<usize>)> = srcs
            .iter()
            .zip(per_source)
            .map(|(&s, ts)| {
                let ts = if opts.allow_autapses {
                    ts
                } else {
                    ts.into_iter().filter(|&t| t != s).collect()
                };
                (s, ts)
            })
            .collect();
        // hnn-core keys gid_pairs by source: a repeated source keeps its last list
        let mut dedup: Vec<(usize, Vec<usize>)> = Vec::with_capacity(gid_pairs.len());
        for (s, ts) in gid_pairs.drain(..) {
            if let Some(e) = dedup.iter_mut().find(|(x, _)| *x == s) {
                e.1 = ts;
            } else {
                dedup.push((s, ts));
            }
        }
        let mut conn = Connection {
            src_type,
            target_type,
            num_srcs: srcs.len(),
            src_gids: {
                let mut s = srcs.clone();
                s.sort_unstable();
                s.dedup();
                s
            },
            num_targets: target_set.len(),
            target_gids: target_set,
            gid_pairs: dedup,
            loc: loc.into(),
            receptor,
            a_weight: weight,
            a_delay: delay,
            lamtha,
            threshold,
            gain: opts.gain,
            probability: opts.probability,
            allow_autapses: opts.allow_autapses,
        };
        if opts.probability != 1.0 {
            prune(&mut conn, opts.probability, opts.conn_seed)?;
        }
        Ok(conn)
    }

    /// Indices of connections matching every given criterion (hnn-core's `pick_connection`):
    /// any of the sources, any of the targets, any of the locations, any of the receptors.
    pub fn pick_connection(
        &self,
        src_gids: Option<&Gids>,
        target_gids: Option<&Gids>,
        loc: Option<&[&str]>,
        receptor: Option<&[Receptor]>,
    ) -> Result<Vec<usize>> {
        let valid_src: Vec<String> = self.gid_ranges.iter().map(|(n, _)| n.clone()).collect();
        let srcs = src_gids
            .map(|g| self.resolve_gids(g, "src_gids", &valid_src))
            .transpose()?;
        let tgts = target_gids
            .map(|g| self.resolve_gids(g, "target_gids", &self.cell_type_names()))
            .transpose()?;
        if let Some(locs) = loc {
            for l in locs {
                if !["proximal", "distal", "soma"].contains(l) {
                    return Err(Error::UnknownName {
                        what: "loc".into(),
                        name: l.to_string(),
                        known: "proximal, distal, soma".into(),
                    });
                }
            }
        }
        let mut out = Vec::new();
        for (i, c) in self.connectivity.iter().enumerate() {
            let ok_src = srcs
                .as_ref()
                .is_none_or(|s| s.iter().any(|g| c.src_gids.binary_search(g).is_ok()));
            let ok_tgt = tgts
                .as_ref()
                .is_none_or(|t| t.iter().any(|g| c.target_gids.binary_search(g).is_ok()));
            let ok_loc = loc.is_none_or(|l| l.contains(&c.loc.as_str()));
            let ok_rec = receptor.is_none_or(|r| r.contains(&c.receptor));
            let any_given = srcs.as_ref().is_some_and(|s| !s.is_empty())
                || tgts.as_ref().is_some_and(|t| !t.is_empty())
                || loc.is_some_and(|l| !l.is_empty())
                || receptor.is_some_and(|r| !r.is_empty());
            if any_given && ok_src && ok_tgt && ok_loc && ok_rec {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Remove every cell-to-cell connection (drive connections stay).
    pub fn clear_connectivity(&mut self) {
        let drives: Vec<String> = self
            .external_drives
            .iter()
            .map(|d| d.name.clone())
            .collect();
        self.connectivity.retain(|c| drives.contains(&c.src_type));
    }

    fn ei_gids(&self) -> (Vec<usize>, Vec<usize>) {
        let mut e = Vec::new();
        let mut i = Vec::new();
        for ct in &self.cell_types {
            let gids = self
                .gid_range(&ct.name)
                .map(|r| r.collect::<Vec<_>>())
                .unwrap_or_default();
            match ct.metadata.electro_type.as_str() {
                "excitatory" => e.extend(gids),
                "inhibitory" => i.extend(gids),
                _ => {}
            }
        }
        (e, i)
    }

    fn conn_types(&self) -> [(&'static str, Vec<usize>, Vec<usize>); 4] {
        let (e, i) = self.ei_gids();
        [
            ("e_e", e.clone(), e.clone()),
            ("e_i", e.clone(), i.clone()),
            ("i_e", i.clone(), e),
            ("i_i", i.clone(), i),
        ]
    }

    /// Set the gain of every excitatory→excitatory (`e_e`), excitatory→inhibitory (`e_i`),
    /// inhibitory→excitatory (`i_e`) and inhibitory→inhibitory (`i_i`) connection.
    pub fn set_global_synaptic_gains(
        &mut self,
        e_e: Option<f64>,
        e_i: Option<f64>,
        i_e: Option<f64>,
        i_i: Option<f64>,
    ) -> Result<()> {
        let gains = [e_e, e_i, i_e, i_i];
        for (g, (name, _, _)) in gains.iter().zip(self.conn_types()) {
            if let Some(g) = g.filter(|g| !(g.is_finite() && *g >= 0.0)) {
                return Err(Error::invalid(
                    format!("gain '{name}'"),
                    g,
                    "a non-negative number",
                ));
            }
        }
        for (g, (_, src, tgt)) in gains.into_iter().zip(self.conn_types()) {
            let Some(g) = g else { continue };
            let picks =
                self.pick_connection(Some(&Gids::List(src)), Some(&Gids::List(tgt)), None, None)?;
            for p in picks {
                self.connectivity[p].gain = g;
            }
        }
        Ok(())
    }

    /// The gain of the first connection of each of `e_e`, `e_i`, `i_e`, `i_i` that exists.
    pub fn get_global_synaptic_gains(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        for (name, src, tgt) in self.conn_types() {
            let picks =
                self.pick_connection(Some(&Gids::List(src)), Some(&Gids::List(tgt)), None, None);
            if let Some(&i) = picks.ok().as_ref().and_then(|p| p.first()) {
                out.push((name.to_string(), self.connectivity[i].gain));
            }
        }
        out
    }
}

/// Keep a random subset of a connection's pairs, drawn exactly as hnn-core draws it:
/// `default_rng(conn_seed).choice(range(n), round(n·p), replace=False)` over the pairs
/// flattened in insertion order.
fn prune(conn: &mut Connection, probability: f64, conn_seed: Option<u64>) -> Result<()> {
    if !(probability > 0.0 && probability < 1.0) {
        return Err(Error::invalid(
            "probability",
            probability,
            "in the range (0, 1)",
        ));
    }
    let n: usize = conn.gid_pairs.iter().map(|(_, t)| t.len()).sum();
    let n_keep = (n as f64 * probability).round_ties_even() as usize;
    let seed = conn_seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let mut rng = Generator::new(seed);
    let chosen = rng
        .choice_without_replacement(n, n_keep)
        .unwrap_or_default();
    let mut keep = vec![false; n];
    for c in chosen {
        keep[c] = true;
    }
    let mut idx = 0;
    let mut pairs = Vec::with_capacity(conn.gid_pairs.len());
    for (src, targets) in conn.gid_pairs.drain(..) {
        let kept: Vec<usize> = targets
            .into_iter()
            .filter(|_| {
                let k = keep[idx];
                idx += 1;
                k
            })
            .collect();
        if !kept.is_empty() {
            pairs.push((src, kept));
        }
    }
    conn.gid_pairs = pairs;
    Ok(())
}

/// Weight and delay of one pair at in-plane distance computed from the two positions, as
/// hnn-core's `_get_gaussian_connection`.
pub fn gaussian_weight_delay(
    src: [f64; 3],
    target: [f64; 3],
    a_weight: f64,
    a_delay: f64,
    lamtha: f64,
    inplane_distance: f64,
) -> (f64, f64) {
    let dx = target[0] - src[0];
    let dy = target[1] - src[1];
    let d = (dx * dx + dy * dy).sqrt();
    let lam = lamtha * inplane_distance;
    let w = a_weight * (-(d * d) / (lam * lam)).exp();
    let delay = a_delay / (-(d * d) / (lam * lam)).exp();
    (w, delay)
}
