//! Network functions and methods (thin adapters over `crate::network`).

use rhai::{Array, Dynamic, Engine, Map};

use super::handles::NetHandle;
use super::kwargs::{
    Kw, RhaiResult, boolean, by_type, err, lib, num, one_or_by_type, string, uint,
};
use crate::model::Receptor;
use crate::network::Network;
use crate::network::connectivity::{ConnectionOptions, Gids, Targets};
use crate::network::drives::{DriveDynamics, DriveOptions, RateConstant};
use crate::network::models;
use crate::network::params::Params;

fn mesh(kw: &Kw) -> RhaiResult<(usize, usize)> {
    match kw.get("mesh_shape") {
        None => Ok((10, 10)),
        Some(v) => {
            let a = v
                .read_lock::<Array>()
                .ok_or_else(|| "mesh_shape: expected [n_x, n_y]".to_string())?;
            if a.len() != 2 {
                return err("mesh_shape: expected two integers [n_x, n_y]");
            }
            Ok((uint(&a[0], "mesh_shape[0]")?, uint(&a[1], "mesh_shape[1]")?))
        }
    }
}

fn model(
    name: &str,
    map: Map,
    f: fn((usize, usize)) -> crate::Result<Network>,
) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        name,
        map,
        &[
            "mesh_shape",
            "params",
            "add_drives_from_params",
            "legacy_mode",
        ],
    )?;
    let legacy = kw.flag_or("legacy_mode", false)?;
    let add = kw.flag_or("add_drives_from_params", false)?;
    let params =
        match kw.get("params") {
            None => None,
            Some(v) if v.is_string() => Some(lib(Params::read(std::path::Path::new(&string(
                v, "params",
            )?)))?),
            Some(v) => Some(v.clone().try_cast::<Params>().ok_or_else(|| {
                format!("{name}: params must be a file name or read_params(...)")
            })?),
        };
    if params.is_none() && !add {
        let mut net = lib(f(mesh(&kw)?))?;
        net.legacy_mode = legacy;
        return Ok(NetHandle::new(net));
    }
    if name != "jones_2009_model" && name != "neymotin_2020_model" {
        return err(format!(
            "{name}: params and add_drives_from_params are supported by jones_2009_model"
        ));
    }
    let p = params.unwrap_or_else(Params::hnn_core_default);
    Ok(NetHandle::new(lib(models::jones_2009_model_with_params(
        &p,
        mesh(&kw)?,
        add,
        legacy,
    ))?))
}

fn gids(v: &Dynamic, what: &str) -> RhaiResult<Gids> {
    if let Ok(s) = v.clone().into_string() {
        return Ok(Gids::Type(s));
    }
    if let Ok(i) = v.as_int() {
        return Ok(Gids::One(uint(&Dynamic::from(i), what)?));
    }
    if let Some(r) = v.read_lock::<std::ops::Range<i64>>() {
        return Ok(Gids::List(
            r.clone().filter(|x| *x >= 0).map(|x| x as usize).collect(),
        ));
    }
    if let Some(a) = v.read_lock::<Array>() {
        if a.iter().all(|x| x.is_string()) {
            return Ok(Gids::Types(
                a.iter()
                    .map(|x| string(x, what))
                    .collect::<RhaiResult<_>>()?,
            ));
        }
        return Ok(Gids::List(
            a.iter().map(|x| uint(x, what)).collect::<RhaiResult<_>>()?,
        ));
    }
    err(format!(
        "{what}: expected a cell type name, a gid, a range or an array of gids, got {}",
        v.type_name()
    ))
}

fn targets(v: &Dynamic) -> RhaiResult<Targets> {
    let nested_lists = v
        .read_lock::<Array>()
        .filter(|a| !a.is_empty() && a.iter().all(|x| x.is_array()))
        .map(|a| a.clone());
    if let Some(a) = nested_lists {
        let nested = a
            .iter()
            .map(|x| {
                let inner = x
                    .read_lock::<Array>()
                    .map(|i| i.clone())
                    .unwrap_or_default();
                inner
                    .iter()
                    .map(|g| uint(g, "target_gids"))
                    .collect::<RhaiResult<Vec<_>>>()
            })
            .collect::<RhaiResult<_>>()?;
        return Ok(Targets::PerSource(nested));
    }
    Ok(Targets::All(gids(v, "target_gids")?))
}

fn receptor(v: &Dynamic) -> RhaiResult<Receptor> {
    lib(string(v, "receptor")?.parse())
}

const COMMON: &[&str] = &[
    "location",
    "n_drive_cells",
    "cell_specific",
    "weights_ampa",
    "weights_nmda",
    "space_constant",
    "synaptic_delays",
    "probability",
    "event_seed",
    "conn_seed",
];

fn keys(own: &[&'static str]) -> Vec<&'static str> {
    own.iter().chain(COMMON).copied().collect()
}

fn drive_options(kw: &Kw, mut o: DriveOptions) -> RhaiResult<DriveOptions> {
    o.location = kw
        .string("location")?
        .ok_or_else(|| format!("{}: missing required keyword 'location'", kw.what("")))?;
    if let Some(v) = kw.get("n_drive_cells") {
        o.n_drive_cells = if v.is_string() {
            let s = string(v, "n_drive_cells")?;
            if s != "n_cells" {
                return err(format!(
                    "n_drive_cells: expected an integer or \"n_cells\", got \"{s}\""
                ));
            }
            None
        } else {
            Some(uint(v, "n_drive_cells")?)
        };
    }
    if let Some(v) = kw.get("cell_specific") {
        o.cell_specific = boolean(v, "cell_specific")?;
    }
    if let Some(v) = kw.get("weights_ampa") {
        o.weights_ampa = by_type(v, "weights_ampa")?;
    }
    if let Some(v) = kw.get("weights_nmda") {
        o.weights_nmda = by_type(v, "weights_nmda")?;
    }
    if let Some(x) = kw.num("space_constant")? {
        o.space_constant = x;
    }
    if let Some(v) = kw.get("synaptic_delays") {
        o.synaptic_delays = one_or_by_type(v, "synaptic_delays")?;
    }
    if let Some(v) = kw.get("probability") {
        o.probability = one_or_by_type(v, "probability")?;
    }
    if let Some(v) = kw.get("event_seed") {
        o.event_seed = match v.as_float() {
            // a float with an integral value, e.g. from a parameter matrix
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() <= 9.007_199_254_740_992e15 => {
                f as i64
            }
            Ok(f) => return err(format!("event_seed: expected an integer, got {f}")),
            Err(_) => v
                .as_int()
                .map_err(|_| "event_seed: expected an integer".to_string())?,
        };
    }
    if let Some(v) = kw.get("conn_seed") {
        o.conn_seed = Some(uint(v, "conn_seed")? as u64);
    }
    Ok(o)
}

fn add_evoked(net: &mut NetHandle, name: &str, map: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "add_evoked_drive",
        map,
        &keys(&["mu", "sigma", "numspikes"]),
    )?;
    let d = DriveDynamics::Evoked {
        mu: num(kw.req("mu")?, "mu")?,
        sigma: num(kw.req("sigma")?, "sigma")?,
        numspikes: uint(kw.req("numspikes")?, "numspikes")?,
    };
    let o = drive_options(&kw, DriveOptions::evoked(""))?;
    lib(net.0.borrow_mut().net.add_drive(name, d, &o))?;
    Ok(net.clone())
}

fn add_poisson(net: &mut NetHandle, name: &str, map: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "add_poisson_drive",
        map,
        &keys(&["tstart", "tstop", "rate_constant"]),
    )?;
    let rc = kw.req("rate_constant")?;
    let rate_constant = if rc.is_map() {
        RateConstant::PerType(by_type(rc, "rate_constant")?)
    } else {
        RateConstant::Uniform(num(rc, "rate_constant")?)
    };
    let d = DriveDynamics::Poisson {
        tstart: kw.num_or("tstart", 0.0)?,
        tstop: kw.num("tstop")?,
        rate_constant,
    };
    let o = drive_options(&kw, DriveOptions::poisson(""))?;
    lib(net.0.borrow_mut().net.add_drive(name, d, &o))?;
    Ok(net.clone())
}

fn add_bursty(net: &mut NetHandle, name: &str, map: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "add_bursty_drive",
        map,
        &keys(&[
            "tstart",
            "tstart_std",
            "tstop",
            "burst_rate",
            "burst_std",
            "numspikes",
            "spike_isi",
        ]),
    )?;
    let d = DriveDynamics::Bursty {
        tstart: kw.num_or("tstart", 0.0)?,
        tstart_std: kw.num_or("tstart_std", 0.0)?,
        tstop: kw.num("tstop")?,
        burst_rate: num(kw.req("burst_rate")?, "burst_rate")?,
        burst_std: kw.num_or("burst_std", 0.0)?,
        numspikes: kw
            .get("numspikes")
            .map(|v| uint(v, "numspikes"))
            .transpose()?
            .unwrap_or(2),
        spike_isi: kw.num_or("spike_isi", 10.0)?,
    };
    let o = drive_options(&kw, DriveOptions::bursty(""))?;
    lib(net.0.borrow_mut().net.add_drive(name, d, &o))?;
    Ok(net.clone())
}

fn add_spike_train(net: &mut NetHandle, name: &str, map: Map) -> RhaiResult<NetHandle> {
    let valid = [
        "spike_data",
        "location",
        "weights_ampa",
        "weights_nmda",
        "synaptic_delays",
        "space_constant",
        "probability",
        "conn_seed",
    ];
    let kw = Kw::new("add_spike_train_drive", map, &valid)?;
    let sd = kw.req("spike_data")?;
    let mut pairs: Vec<(f64, usize)> = Vec::new();
    if let Some(m) = sd.read_lock::<Map>() {
        for (i, (_, times)) in m.iter().enumerate() {
            let a = times
                .read_lock::<Array>()
                .ok_or_else(|| "spike_data: each source needs an array of times".to_string())?;
            for t in a.iter() {
                pairs.push((num(t, "spike_data time")?, i));
            }
        }
    } else if let Some(a) = sd.read_lock::<Array>() {
        for p in a.iter() {
            let pa = p
                .read_lock::<Array>()
                .ok_or_else(|| "spike_data: expected [time, source] pairs".to_string())?;
            if pa.len() != 2 {
                return err("spike_data: expected [time, source] pairs");
            }
            pairs.push((
                num(&pa[0], "spike_data time")?,
                uint(&pa[1], "spike_data source")?,
            ));
        }
    } else {
        return err(
            "spike_data: expected an array of [time, source] pairs or a map source -> times",
        );
    }
    let o = drive_options(&kw, DriveOptions::spike_train(""))?;
    lib(net
        .0
        .borrow_mut()
        .net
        .add_spike_train_drive(name, &pairs, &o))?;
    Ok(net.clone())
}

fn add_connection(net: &mut NetHandle, args: [Dynamic; 7], map: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "add_connection",
        map,
        &[
            "threshold",
            "gain",
            "allow_autapses",
            "probability",
            "conn_seed",
        ],
    )?;
    let o = ConnectionOptions {
        threshold: kw.num("threshold")?,
        gain: kw.num_or("gain", 1.0)?,
        allow_autapses: kw.flag_or("allow_autapses", true)?,
        probability: kw.num_or("probability", 1.0)?,
        conn_seed: kw
            .get("conn_seed")
            .map(|v| uint(v, "conn_seed").map(|x| x as u64))
            .transpose()?,
    };
    let [src, tgt, loc, rec, w, d, lam] = args;
    lib(net.0.borrow_mut().net.add_connection(
        &gids(&src, "src_gids")?,
        &targets(&tgt)?,
        &string(&loc, "loc")?,
        receptor(&rec)?,
        num(&w, "weight")?,
        num(&d, "delay")?,
        num(&lam, "lamtha")?,
        &o,
    ))?;
    Ok(net.clone())
}

fn add_tonic_bias(net: &mut NetHandle, map: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "add_tonic_bias",
        map,
        &[
            "amplitude",
            "t0",
            "tstop",
            "section",
            "bias_name",
            "cell_type",
        ],
    )?;
    let amp = kw.req("amplitude")?;
    let amplitude = match kw.string("cell_type")? {
        Some(ct) => vec![(ct, num(amp, "amplitude")?)],
        None => by_type(amp, "amplitude")?,
    };
    let section = kw.string("section")?.unwrap_or_else(|| "soma".into());
    let bias = kw.string("bias_name")?.unwrap_or_else(|| "tonic".into());
    lib(net.0.borrow_mut().net.add_tonic_bias(
        &amplitude,
        kw.num_or("t0", 0.0)?,
        kw.num("tstop")?,
        &section,
        &bias,
    ))?;
    Ok(net.clone())
}

/// `net.connectivity`: live views of the connections (writing `nc_dict` keys changes the
/// network; see `api_connection`).
fn connectivity(net: &mut NetHandle) -> Array {
    super::api_connection::connectivity(net)
}

fn pick(net: &mut NetHandle, map: Map) -> RhaiResult<Array> {
    let kw = Kw::new(
        "pick_connection",
        map,
        &["src_gids", "target_gids", "loc", "receptor"],
    )?;
    let src = kw
        .get("src_gids")
        .map(|v| gids(v, "src_gids"))
        .transpose()?;
    let tgt = kw
        .get("target_gids")
        .map(|v| gids(v, "target_gids"))
        .transpose()?;
    let list = |v: &Dynamic, what: &str| -> RhaiResult<Vec<String>> {
        if let Some(a) = v.read_lock::<Array>() {
            a.iter().map(|x| string(x, what)).collect()
        } else {
            Ok(vec![string(v, what)?])
        }
    };
    let locs = kw.get("loc").map(|v| list(v, "loc")).transpose()?;
    let recs = kw
        .get("receptor")
        .map(|v| {
            list(v, "receptor").and_then(|l| {
                l.iter()
                    .map(|r| lib(r.parse::<Receptor>()))
                    .collect::<RhaiResult<Vec<_>>>()
            })
        })
        .transpose()?;
    let loc_refs: Option<Vec<&str>> = locs
        .as_ref()
        .map(|l| l.iter().map(|s| s.as_str()).collect());
    let picks = lib(net.0.borrow().net.pick_connection(
        src.as_ref(),
        tgt.as_ref(),
        loc_refs.as_deref(),
        recs.as_deref(),
    ))?;
    Ok(picks.into_iter().map(|i| Dynamic::from(i as i64)).collect())
}

/// Register the network API.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<NetHandle>("Network");
    for (name, f) in [
        (
            "jones_2009_model",
            models::jones_2009_model as fn((usize, usize)) -> crate::Result<Network>,
        ),
        ("neymotin_2020_model", models::neymotin_2020_model),
        ("law_2021_model", models::law_2021_model),
        ("calcium_model", models::calcium_model),
    ] {
        engine.register_fn(name, move || model(name, Map::new(), f));
        engine.register_fn(name, move |m: Map| model(name, m, f));
    }
    engine.register_fn("read_network_configuration", |path: &str| {
        read_config(path, Map::new())
    });
    engine.register_fn("read_network_configuration", read_config);
    engine.register_fn("write_configuration", |net: &mut NetHandle, path: &str| {
        write_config(net, path, Map::new())
    });
    engine.register_fn("write_configuration", write_config);
    engine.register_fn(
        "write_network_configuration",
        |net: &mut NetHandle, path: &str| write_config(net, path, Map::new()),
    );
    engine.register_fn(
        "write_network_configuration",
        |net: &mut NetHandle, path: &str, m: Map| write_config(net, path, m),
    );
    engine.register_fn(
        "convert_to_json",
        |params: &str, out: &str| -> RhaiResult<String> { convert(params, out, Map::new()) },
    );
    engine.register_fn("convert_to_json", convert);
    engine.register_type_with_name::<Params>("Params");
    engine.register_fn("read_params", |path: &str| -> RhaiResult<Params> {
        lib(Params::read(std::path::Path::new(path)))
    });
    engine.register_fn("to_string", |p: &mut Params| {
        format!("<Params | {} parameters from {}>", p.values.len(), p.source)
    });
    engine.register_fn(
        "add_erp_drives_to_jones_model",
        |net: &mut NetHandle| -> RhaiResult<NetHandle> {
            lib(models::add_erp_drives_to_jones_model(
                &mut net.0.borrow_mut().net,
                0.0,
            ))?;
            Ok(net.clone())
        },
    );
    engine.register_fn(
        "add_erp_drives_to_jones_model",
        |net: &mut NetHandle, m: Map| -> RhaiResult<NetHandle> {
            let kw = Kw::new("add_erp_drives_to_jones_model", m, &["tstart"])?;
            lib(models::add_erp_drives_to_jones_model(
                &mut net.0.borrow_mut().net,
                kw.num_or("tstart", 0.0)?,
            ))?;
            Ok(net.clone())
        },
    );
    engine.register_fn("add_evoked_drive", add_evoked);
    engine.register_fn("add_poisson_drive", add_poisson);
    engine.register_fn("add_bursty_drive", add_bursty);
    engine.register_fn("add_spike_train_drive", add_spike_train);
    // the positional `name` may also be given in the map, as for any positional parameter
    type DriveFn = fn(&mut NetHandle, &str, Map) -> RhaiResult<NetHandle>;
    for (fname, f) in [
        ("add_evoked_drive", add_evoked as DriveFn),
        ("add_poisson_drive", add_poisson),
        ("add_bursty_drive", add_bursty),
        ("add_spike_train_drive", add_spike_train),
    ] {
        engine.register_fn(
            fname,
            move |net: &mut NetHandle, mut m: Map| -> RhaiResult<NetHandle> {
                let name = m.remove("name").ok_or_else(|| {
                    format!("{fname}: missing the drive name (first argument or 'name' keyword)")
                })?;
                f(net, &string(&name, "name")?, m)
            },
        );
    }
    engine.register_fn("add_tonic_bias", add_tonic_bias);
    engine.register_fn(
        "add_connection",
        |net: &mut NetHandle,
         s: Dynamic,
         t: Dynamic,
         loc: Dynamic,
         r: Dynamic,
         w: Dynamic,
         d: Dynamic,
         l: Dynamic| { add_connection(net, [s, t, loc, r, w, d, l], Map::new()) },
    );
    engine.register_fn(
        "add_connection",
        |net: &mut NetHandle,
         s: Dynamic,
         t: Dynamic,
         loc: Dynamic,
         r: Dynamic,
         w: Dynamic,
         d: Dynamic,
         l: Dynamic,
         m: Map| { add_connection(net, [s, t, loc, r, w, d, l], m) },
    );
    engine.register_fn("add_connection", |net: &mut NetHandle, m: Map| {
        let mut m = m;
        let mut take = |k: &str| -> RhaiResult<Dynamic> {
            m.remove(k)
                .ok_or_else(|| format!("add_connection: missing required keyword '{k}'").into())
        };
        let args = [
            take("src_gids")?,
            take("target_gids")?,
            take("loc")?,
            take("receptor")?,
            take("weight")?,
            take("delay")?,
            take("lamtha")?,
        ];
        add_connection(net, args, m)
    });
    engine.register_fn("clear_connectivity", |net: &mut NetHandle| {
        net.0.borrow_mut().net.clear_connectivity();
        net.clone()
    });
    engine.register_fn("clear_drives", |net: &mut NetHandle| {
        net.0.borrow_mut().net.clear_drives();
        net.clone()
    });
    engine.register_fn(
        "set_cell_positions",
        |net: &mut NetHandle, m: Map| -> RhaiResult<NetHandle> {
            let kw = Kw::new(
                "set_cell_positions",
                m,
                &["inplane_distance", "layer_separation"],
            )?;
            lib(net
                .0
                .borrow_mut()
                .net
                .set_cell_positions(kw.num("inplane_distance")?, kw.num("layer_separation")?))?;
            Ok(net.clone())
        },
    );
    engine.register_fn("copy", |net: &mut NetHandle| {
        NetHandle::new(net.0.borrow().net.copy())
    });
    engine.register_fn("pick_connection", pick);
    engine.register_fn("get_global_synaptic_gains", |net: &mut NetHandle| -> Map {
        net.0
            .borrow()
            .net
            .get_global_synaptic_gains()
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect()
    });
    engine.register_get("gid_ranges", |net: &mut NetHandle| -> Dynamic {
        let m: Map = net
            .0
            .borrow()
            .net
            .gid_ranges
            .iter()
            .map(|(k, r)| {
                (
                    k.as_str().into(),
                    Dynamic::from(r.start as i64..r.end as i64),
                )
            })
            .collect();
        super::api_paths::frozen(m.into())
    });
    engine.register_get("connectivity", connectivity);
    engine.register_get("external_drives", super::api_paths::external_drives);
    // hnn-core's `net.external_biases`: bias name → cell type → #{ amplitude, t0, tstop,
    // section } (tstop `()` when it is the simulation's); a read-only copy
    engine.register_get("external_biases", |net: &mut NetHandle| -> Dynamic {
        let mut out = Map::new();
        for b in &net.0.borrow().net.external_biases {
            let mut spec = Map::new();
            spec.insert("amplitude".into(), b.amplitude.into());
            spec.insert("t0".into(), b.t0.into());
            spec.insert("tstop".into(), b.tstop.map_or(Dynamic::UNIT, Dynamic::from));
            spec.insert("section".into(), b.section.clone().into());
            let by_type = out
                .entry(b.name.as_str().into())
                .or_insert_with(|| Map::new().into());
            if let Some(mut m) = by_type.write_lock::<Map>() {
                m.insert(b.cell_type.as_str().into(), spec.into());
            }
        }
        super::api_paths::frozen(out.into())
    });
    engine.register_fn("gid_to_type", |net: &mut NetHandle, gid: i64| -> Dynamic {
        net.0
            .borrow()
            .net
            .gid_to_type(gid.max(0) as usize)
            .map_or(Dynamic::UNIT, |s| s.to_string().into())
    });
    engine.register_fn("to_string", |net: &mut NetHandle| {
        net.0.borrow().net.summary()
    });
    engine.register_fn("to_debug", |net: &mut NetHandle| {
        net.0.borrow().net.summary()
    });
}

/// `name(#{ ... })` for one of the preset models (hnn-core's positional call shapes go
/// through here).
pub(super) fn model_by_name(name: &str, m: Map) -> RhaiResult<NetHandle> {
    let f: fn((usize, usize)) -> crate::Result<Network> = match name {
        "jones_2009_model" => models::jones_2009_model,
        "neymotin_2020_model" => models::neymotin_2020_model,
        "law_2021_model" => models::law_2021_model,
        "calcium_model" => models::calcium_model,
        other => return err(format!("no model '{other}'")),
    };
    model(name, m, f)
}

fn read_config(path: &str, m: Map) -> RhaiResult<NetHandle> {
    let kw = Kw::new(
        "read_network_configuration",
        m,
        &["read_drives", "read_external_biases"],
    )?;
    let (drives, biases) = (
        kw.flag_or("read_drives", true)?,
        kw.flag_or("read_external_biases", true)?,
    );
    let mut net = lib(crate::io::network_json::read_network_configuration(
        std::path::Path::new(path),
    ))?;
    if !drives {
        net.clear_drives();
    }
    if !biases {
        net.external_biases.clear();
    }
    Ok(NetHandle::new(net))
}

/// `convert_to_json(params_fname, out_fname, #{ include_drives, overwrite })`: the path
/// written.
fn convert(params: &str, out: &str, m: Map) -> RhaiResult<String> {
    let kw = Kw::new("convert_to_json", m, &["include_drives", "overwrite"])?;
    let written = lib(crate::io::convert::convert_to_json(
        std::path::Path::new(params),
        std::path::Path::new(out),
        kw.flag_or("include_drives", true)?,
        kw.flag_or("overwrite", true)?,
    ))?;
    Ok(written.display().to_string())
}

fn write_config(net: &mut NetHandle, path: &str, m: Map) -> RhaiResult<()> {
    let kw = Kw::new("write_configuration", m, &["overwrite"])?;
    let overwrite = kw.flag_or("overwrite", true)?;
    let p = std::path::Path::new(path);
    if !overwrite && p.exists() {
        return err(format!(
            "write_configuration: {path} exists (pass #{{ overwrite: true }})"
        ));
    }
    lib(crate::io::network_json::write_network_configuration(
        &net.0.borrow().net,
        p,
    ))
}
