//! Plots from scripts: hnn-core's free functions and methods return a `Figure`;
//! `fig.save("x.png")` (or `.svg`) writes it and returns the path.

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::{CellResponseHandle, DipoleHandle};
use super::kwargs::{Kw, RhaiResult, boolean, err, lib, num, string, uint};
use crate::results::Dipole;
use crate::viz::Figure;
use crate::viz::plots;

fn dipoles(v: &Dynamic) -> RhaiResult<Vec<Dipole>> {
    if let Some(h) = v.read_lock::<DipoleHandle>() {
        return Ok(vec![h.0.borrow().clone()]);
    }
    if let Some(a) = v.read_lock::<Array>() {
        return a
            .iter()
            .map(|x| {
                x.read_lock::<DipoleHandle>()
                    .map(|h| h.0.borrow().clone())
                    .ok_or_else(|| "plot_dipole: expected Dipoles".to_string().into())
            })
            .collect();
    }
    err(format!(
        "plot_dipole: expected a Dipole or an array of Dipoles, got {}",
        v.type_name()
    ))
}

fn plot_dipole(v: Dynamic, m: Map) -> RhaiResult<Figure> {
    let kw = Kw::new(
        "plot_dipole",
        m,
        &["layer", "average", "tmin", "tmax", "show"],
    )?;
    let layers: Vec<String> = match kw.get("layer") {
        None => vec!["agg".into()],
        Some(l) if l.is_array() => l
            .read_lock::<Array>()
            .map(|a| {
                a.iter()
                    .map(|x| string(x, "layer"))
                    .collect::<RhaiResult<Vec<_>>>()
            })
            .unwrap_or(Ok(vec![]))?,
        Some(l) => vec![string(l, "layer")?],
    };
    let average = kw
        .get("average")
        .map(|v| boolean(v, "average"))
        .transpose()?
        .unwrap_or(false);
    let tlim = match (kw.num("tmin")?, kw.num("tmax")?) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(0.0), b.unwrap_or(f64::INFINITY))),
    };
    let ds = dipoles(&v)?;
    let tlim = tlim.map(|(a, b)| {
        (
            a,
            if b.is_finite() {
                b
            } else {
                ds[0].times.last().copied().unwrap_or(1.0)
            },
        )
    });
    let refs: Vec<&str> = layers.iter().map(|s| s.as_str()).collect();
    lib(plots::plot_dipole(&ds, &refs, average, tlim))
}

fn raster(c: &mut CellResponseHandle, m: Map) -> RhaiResult<Figure> {
    let kw = Kw::new("plot_spikes_raster", m, &["trial_idx", "show"])?;
    let trial = kw
        .get("trial_idx")
        .map(|v| uint(v, "trial_idx"))
        .transpose()?
        .unwrap_or(0);
    lib(plots::plot_spikes_raster(&c.0, trial))
}

fn hist(c: &mut CellResponseHandle, m: Map) -> RhaiResult<Figure> {
    let kw = Kw::new("plot_spikes_hist", m, &["spike_types", "bins", "show"])?;
    let types: Vec<String> = match kw.get("spike_types") {
        None => vec![],
        Some(v) if v.is_array() => v
            .read_lock::<Array>()
            .map(|a| {
                a.iter()
                    .map(|x| string(x, "spike_types"))
                    .collect::<RhaiResult<Vec<_>>>()
            })
            .unwrap_or(Ok(vec![]))?,
        Some(v) => vec![string(v, "spike_types")?],
    };
    let bins = kw
        .get("bins")
        .map(|v| uint(v, "bins"))
        .transpose()?
        .unwrap_or(50);
    lib(plots::plot_spikes_hist(&c.0, &types, bins))
}

fn psd(v: Dynamic, m: Map) -> RhaiResult<Figure> {
    let kw = Kw::new(
        "plot_psd",
        m,
        &["fmin", "fmax", "tmin", "tmax", "layer", "show"],
    )?;
    let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
    lib(plots::plot_psd(
        &dipoles(&v)?,
        &layer,
        kw.num_or("fmin", 0.0)?,
        kw.num("fmax")?,
        (kw.num("tmin")?, kw.num("tmax")?),
    ))
}

fn tfr(v: Dynamic, m: Map) -> RhaiResult<Figure> {
    let kw = Kw::new(
        "plot_tfr_morlet",
        m,
        &["freqs", "n_cycles", "tmin", "tmax", "layer", "show"],
    )?;
    let freqs: Vec<f64> = kw
        .req("freqs")?
        .read_lock::<Array>()
        .map(|a| {
            a.iter()
                .map(|x| num(x, "freqs"))
                .collect::<RhaiResult<Vec<_>>>()
        })
        .unwrap_or_else(|| err("plot_tfr_morlet: freqs must be an array of frequencies [Hz]"))?;
    let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
    lib(plots::plot_tfr_morlet(
        &dipoles(&v)?,
        &layer,
        &freqs,
        kw.num_or("n_cycles", 7.0)?,
        (kw.num("tmin")?, kw.num("tmax")?),
    ))
}

/// Register the plotting API.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Figure>("Figure");
    engine.register_fn("save", |f: &mut Figure, path: &str| -> RhaiResult<String> {
        lib(f.save(std::path::Path::new(path)))?;
        Ok(path.to_string())
    });
    engine.register_fn("to_string", |f: &mut Figure| {
        format!(
            "<Figure | {} panel(s), {}x{} px>",
            f.panels.len(),
            f.size.0,
            f.size.1
        )
    });
    engine.register_fn(
        "set_size",
        |f: &mut Figure, w: Dynamic, h: Dynamic| -> RhaiResult<Figure> {
            let (w, h) = (num(&w, "width")?, num(&h, "height")?);
            if !(w >= 100.0 && h >= 100.0 && w <= 10000.0 && h <= 10000.0) {
                return err("set_size: width and height must be between 100 and 10000 pixels");
            }
            f.size = (w as u32, h as u32);
            Ok(f.clone())
        },
    );
    engine.register_fn("plot_dipole", |v: Dynamic| plot_dipole(v, Map::new()));
    engine.register_fn("plot_dipole", plot_dipole);
    engine.register_fn("plot", |d: &mut DipoleHandle| {
        plot_dipole(Dynamic::from(d.clone()), Map::new())
    });
    engine.register_fn("plot", |d: &mut DipoleHandle, m: Map| {
        plot_dipole(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("plot_tfr_morlet", tfr);
    engine.register_fn("plot_tfr_morlet", |d: &mut DipoleHandle, m: Map| {
        tfr(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("plot_psd", |v: Dynamic| psd(v, Map::new()));
    engine.register_fn("plot_psd", psd);
    engine.register_fn("plot_psd", |d: &mut DipoleHandle| {
        psd(Dynamic::from(d.clone()), Map::new())
    });
    engine.register_fn("plot_psd", |d: &mut DipoleHandle, m: Map| {
        psd(Dynamic::from(d.clone()), m)
    });
    engine.register_fn("psd", |d: &mut DipoleHandle, m: Map| -> RhaiResult<Map> {
        let kw = Kw::new("psd", m, &["tmin", "tmax", "layer"])?;
        let layer = kw.string("layer")?.unwrap_or_else(|| "agg".into());
        let (f, p) = lib(crate::analysis::psd::dipole_psd(
            &[d.0.borrow().clone()],
            &layer,
            kw.num("tmin")?,
            kw.num("tmax")?,
        ))?;
        let mut out = Map::new();
        out.insert(
            "freqs".into(),
            f.into_iter().map(Dynamic::from).collect::<Array>().into(),
        );
        out.insert(
            "psd".into(),
            p.into_iter().map(Dynamic::from).collect::<Array>().into(),
        );
        Ok(out)
    });
    engine.register_fn("plot_spikes_raster", |c: &mut CellResponseHandle| {
        raster(c, Map::new())
    });
    engine.register_fn("plot_spikes_raster", raster);
    engine.register_fn("plot_spikes_hist", |c: &mut CellResponseHandle| {
        hist(c, Map::new())
    });
    engine.register_fn("plot_spikes_hist", hist);
}
