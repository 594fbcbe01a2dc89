//! The script API's signatures and documentation: shown by `help()`, offered by tab
//! completion, and written to `docs/api.md` (a test keeps that file current).

/// One documented function or method.
pub struct FnDoc {
    /// Name as typed.
    pub name: &'static str,
    /// Call form.
    pub signature: &'static str,
    /// What it does.
    pub doc: &'static str,
}

const fn f(name: &'static str, signature: &'static str, doc: &'static str) -> FnDoc {
    FnDoc {
        name,
        signature,
        doc,
    }
}

/// Every function and method of the script API, grouped as in hnn-core.
pub const API: &[FnDoc] = &[
    f(
        "jones_2009_model",
        "jones_2009_model(#{ mesh_shape: [10, 10] })",
        "The Jones et al. 2009 / Neymotin et al. 2020 network: 35 + 100 L2 and 35 + 100 L5 cells, all-to-all connectivity, no drives.",
    ),
    f(
        "neymotin_2020_model",
        "neymotin_2020_model(#{ mesh_shape })",
        "Same as jones_2009_model.",
    ),
    f(
        "law_2021_model",
        "law_2021_model(#{ mesh_shape })",
        "Law et al. 2021: slow GABA_B, changed L5 inhibition, no L5 somatic/basal Ca channels.",
    ),
    f(
        "calcium_model",
        "calcium_model(#{ mesh_shape })",
        "Kohl et al. 2022: distance-dependent Ca, Na and K channels in L5 pyramidal dendrites.",
    ),
    f(
        "add_erp_drives_to_jones_model",
        "add_erp_drives_to_jones_model(net, #{ tstart: 0.0 })",
        "Add hnn-core's ERP drives: evdist1 (63.53 ms), evprox1 (26.61 ms), evprox2 (137.12 ms).",
    ),
    f(
        "add_evoked_drive",
        "net.add_evoked_drive(name, #{ mu, sigma, numspikes, location, n_drive_cells, cell_specific, weights_ampa, weights_nmda, space_constant, synaptic_delays, probability, event_seed, conn_seed })",
        "Gaussian-timed spikes from artificial drive cells (one per target cell by default).",
    ),
    f(
        "add_poisson_drive",
        "net.add_poisson_drive(name, #{ tstart, tstop, rate_constant, location, n_drive_cells, cell_specific, weights_ampa, weights_nmda, space_constant, synaptic_delays, probability, event_seed, conn_seed })",
        "Poisson spike trains [rate_constant in Hz, a number or a map per cell type].",
    ),
    f(
        "add_bursty_drive",
        "net.add_bursty_drive(name, #{ tstart, tstart_std, tstop, location, burst_rate, burst_std, numspikes, spike_isi, n_drive_cells, cell_specific, weights_ampa, weights_nmda, synaptic_delays, space_constant, probability, event_seed, conn_seed })",
        "Rhythmic bursts of numspikes spikes spike_isi ms apart at burst_rate Hz.",
    ),
    f(
        "add_spike_train_drive",
        "net.add_spike_train_drive(name, #{ spike_data, location, weights_ampa, weights_nmda, synaptic_delays, space_constant, probability, conn_seed })",
        "Given spike times: spike_data is an array of [time, source] pairs or a map source -> times.",
    ),
    f(
        "add_tonic_bias",
        "net.add_tonic_bias(#{ amplitude: #{ L5_pyramidal: 0.1 }, t0, tstop, section, bias_name })",
        "A constant current [nA] into section(0.5) of every cell of each type from t0 to tstop.",
    ),
    f(
        "add_connection",
        "net.add_connection(src_gids, target_gids, loc, receptor, weight, delay, lamtha, #{ threshold, gain, allow_autapses, probability, conn_seed })",
        "Connect sources to targets (cell types, gids or arrays of gids); weight [uS] and delay [ms] at distance 0.",
    ),
    f(
        "clear_connectivity",
        "net.clear_connectivity()",
        "Remove every cell-to-cell connection (drives stay).",
    ),
    f(
        "clear_drives",
        "net.clear_drives()",
        "Remove every drive and its connections.",
    ),
    f(
        "set_cell_positions",
        "net.set_cell_positions(#{ inplane_distance, layer_separation })",
        "Re-lay the column [um].",
    ),
    f(
        "copy",
        "x.copy()",
        "An independent copy of a Network or Dipole (assignment shares, as in Python).",
    ),
    f(
        "pick_connection",
        "net.pick_connection(#{ src_gids, target_gids, loc, receptor })",
        "Indices of the connections matching every given criterion.",
    ),
    f(
        "set_global_synaptic_gains",
        "net.set_global_synaptic_gains(#{ e_e, e_i, i_e, i_i })",
        "Set the gain of every excitatory/inhibitory connection class.",
    ),
    f(
        "get_global_synaptic_gains",
        "net.get_global_synaptic_gains()",
        "The gains of the four connection classes.",
    ),
    f(
        "gid_ranges",
        "net.gid_ranges",
        "Map of cell type or drive -> gid range.",
    ),
    f(
        "connectivity",
        "net.connectivity",
        "Array of connection summaries (src_type, target_type, loc, receptor, nc_dict, ...).",
    ),
    f(
        "external_drives",
        "net.external_drives",
        "Map of drive name -> its parameters.",
    ),
    f(
        "cell_types",
        "net.cell_types",
        "Array of the cell type names.",
    ),
    f(
        "cell_response",
        "net.cell_response",
        "Spikes and traces of the last simulate_dipole (or ()).",
    ),
    f(
        "simulate_dipole",
        "simulate_dipole(net, #{ tstop, dt: 0.025, n_trials: 1, record_vsec, record_isec, record_ca })",
        "Run the network; returns an array of Dipoles (one per trial) and sets net.cell_response. record_*: false, \"soma\" or \"all\".",
    ),
    f(
        "times",
        "dpl.times / cell_response.times",
        "Sample times [ms].",
    ),
    f("data", "dpl.data", "Map agg/L2/L5 -> array [nAm]."),
    f(
        "scale",
        "dpl.scale(factor)",
        "Multiply in place; returns the dipole.",
    ),
    f(
        "smooth",
        "dpl.smooth(window_len)",
        "Hamming-window smoothing in place [ms]; returns the dipole.",
    ),
    f(
        "write",
        "dpl.write(path) / cell_response.write(\"spk_%d.txt\")",
        "Write hnn-core's text formats.",
    ),
    f(
        "average_dipoles",
        "average_dipoles(dpls)",
        "Sample-wise mean of an array of dipoles.",
    ),
    f(
        "read_dipole",
        "read_dipole(path)",
        "Read a dipole text file (2 or 4 columns).",
    ),
    f(
        "spike_times",
        "cell_response.spike_times",
        "Per trial, the spike times [ms].",
    ),
    f(
        "spike_gids",
        "cell_response.spike_gids",
        "Per trial, the gid of each spike.",
    ),
    f(
        "spike_types",
        "cell_response.spike_types",
        "Per trial, the cell type or drive of each spike.",
    ),
    f(
        "vsec",
        "cell_response.vsec[trial][\"gid\"][section]",
        "Recorded voltages (record_vsec: \"soma\" or \"all\") [mV]; also isec (section_receptor keys) [nA] and ca [mM].",
    ),
    f(
        "write_text",
        "write_text(path, text)",
        "Write a string to a file.",
    ),
    f("help", "help() / help(\"name\")", "This help."),
];

/// The documentation of one name.
pub fn lookup(name: &str) -> Option<&'static FnDoc> {
    API.iter().find(|d| d.name == name)
}

/// `help()`: every name with its one-line description.
pub fn overview() -> String {
    let mut s = String::from(
        "hnn script API (hnn-core names; keyword arguments go in a map: f(a, #{ key: value })):\n",
    );
    for d in API {
        s.push_str(&format!("  {:<30} {}\n", d.name, d.doc));
    }
    s.push_str("help(\"name\") shows a signature.");
    s
}

/// `docs/api.md`, generated from [`API`].
pub fn markdown() -> String {
    let mut s = String::from(
        "# Script API reference\n\nGenerated from `src/script/help.rs` (a test keeps this file current).\n\
         A Python call `f(a, b, key=value)` is `f(a, b, #{ key: value })` in a `.rhai` script.\n\n",
    );
    for d in API {
        s.push_str(&format!(
            "## `{}`\n\n```\n{}\n```\n\n{}\n\n",
            d.name, d.signature, d.doc
        ));
    }
    s
}
