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
        "jones_2009_model(params, add_drives_from_params, legacy_mode, mesh_shape) — each optional, positionally or in #{ params: \"file.param\" or read_params(...), add_drives_from_params: false, legacy_mode: false, mesh_shape: [10, 10] }",
        "The Jones et al. 2009 / Neymotin et al. 2020 network: 35 + 100 L2 and 35 + 100 L5 cells, all-to-all connectivity, no drives (unless add_drives_from_params). params: a legacy .param or .json parameter file.",
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
        "src_type",
        "net.connectivity[i].src_type",
        "Source cell type or drive name (read only).",
    ),
    f(
        "target_type",
        "net.connectivity[i].target_type",
        "Target cell type (read only).",
    ),
    f(
        "src_gids",
        "net.connectivity[i].src_gids",
        "Source gids, sorted (read only).",
    ),
    f(
        "target_gids",
        "net.connectivity[i].target_gids",
        "Target gids, sorted (read only).",
    ),
    f(
        "num_srcs",
        "net.connectivity[i].num_srcs",
        "Number of sources (read only).",
    ),
    f(
        "num_targets",
        "net.connectivity[i].num_targets",
        "Number of targets (read only).",
    ),
    f(
        "gid_pairs",
        "net.connectivity[i].gid_pairs",
        "Map source gid -> target gids after pruning (read only).",
    ),
    f(
        "loc",
        "net.connectivity[i].loc",
        "\"proximal\", \"distal\" or \"soma\" (read only).",
    ),
    f(
        "receptor",
        "net.connectivity[i].receptor",
        "\"ampa\", \"nmda\", \"gabaa\" or \"gabab\" (read only).",
    ),
    f(
        "nc_dict",
        "net.connectivity[i].nc_dict",
        "The connection's A_weight [uS], A_delay [ms], lamtha, threshold [mV], gain; each can be assigned.",
    ),
    f(
        "probability",
        "net.connectivity[i].probability",
        "Connection probability used when it was made (read only).",
    ),
    f(
        "allow_autapses",
        "net.connectivity[i].allow_autapses",
        "Whether a cell may connect to itself (read only).",
    ),
    f(
        "A_weight",
        "conn.nc_dict.A_weight = w",
        "Weight at distance 0 [uS], >= 0.",
    ),
    f(
        "A_delay",
        "conn.nc_dict.A_delay = d",
        "Delay at distance 0 [ms], >= 0 (shorter than dt is fine).",
    ),
    f(
        "lamtha",
        "conn.nc_dict.lamtha = l",
        "Space constant of the weight and delay falloff, > 0.",
    ),
    f(
        "threshold",
        "conn.nc_dict.threshold = v",
        "Spike threshold of the sources [mV] (hnn-core stores it, the network's threshold is used).",
    ),
    f(
        "gain",
        "conn.nc_dict.gain = g",
        "Weight multiplier (set_global_synaptic_gains sets it), >= 0.",
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
        "net.set_cell_positions() / net.set_cell_positions(#{ inplane_distance, layer_separation })",
        "Re-lay the column [um].",
    ),
    f(
        "copy",
        "x.copy()",
        "An independent copy of a Network or Dipole (assignment shares, as in Python).",
    ),
    f(
        "pick_connection",
        "pick_connection(net, src_gids, target_gids, loc, receptor) — each optional, positionally or in #{ src_gids, target_gids, loc, receptor }",
        "Indices of the connections matching every given criterion (none given: an empty list, as hnn-core).",
    ),
    f(
        "set_global_synaptic_gains",
        "net.set_global_synaptic_gains(e_e, e_i, i_e, i_i, copy) — each optional, positionally or in #{ e_e, e_i, i_e, i_i, copy: false }",
        "Set the gain of every excitatory/inhibitory connection class (a gain not given is left). copy: true changes and returns a copy, leaving the network as it was.",
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
        "net.connectivity / net.connectivity[i]",
        "Array of live connection views (hnn-core's connection dicts: src_type, target_type, src_gids, target_gids, loc, receptor, nc_dict, ...): net.connectivity[i][\"nc_dict\"][\"A_weight\"] = w (or .nc_dict.A_weight = w) changes the network; keys that cannot change after the connection is made are errors on assignment. c.copy() gives a plain map.",
    ),
    f(
        "external_drives",
        "net.external_drives",
        "Map of drive name -> its parameters.",
    ),
    f(
        "external_biases",
        "net.external_biases",
        "Map of bias name -> cell type -> #{ amplitude, t0, tstop, section } (tstop () when it is the simulation's); read-only (add_tonic_bias adds one).",
    ),
    f(
        "cell_types",
        "net.cell_types",
        "Array of the cell type names.",
    ),
    f(
        "convert_to_json",
        "convert_to_json(params_fname, out_fname, include_drives, overwrite) — each after out_fname optional, positionally or in #{ include_drives: true, overwrite: true }",
        "Convert a legacy parameter file (.param, in hnn-core's legacy mode, or flat .json) into a network configuration file, without the drives the file nulls. Returns the path written (.json appended if needed).",
    ),
    f(
        "add_electrode_array",
        "net.add_electrode_array(name, electrode_pos, #{ conductivity: 0.3, method: \"psa\" | \"lsa\", min_distance: 0.5 })",
        "Record extracellular potentials [µV] at the contacts electrode_pos ([x, y, z] or an array of them, µm) from every segment's transmembrane current: point sources (psa) or line sources (lsa) in a medium of the given conductivity [S/m].",
    ),
    f(
        "rec_arrays",
        "net.rec_arrays[name]",
        "Map of electrode array name -> ExtracellularArray; holds the potentials after simulate_dipole (arr[trial] copies one trial; len(arr) is the number of trials).",
    ),
    f(
        "voltages",
        "arr.voltages[trial][contact][sample]",
        "The recorded potentials [µV]; arr.times holds the sample times [ms], arr.sfreq the rate [Hz].",
    ),
    f(
        "positions",
        "arr.positions",
        "The contact positions [[x, y, z], ...] [µm].",
    ),
    f("n_contacts", "arr.n_contacts", "Number of contacts."),
    f(
        "len",
        "len(arr)",
        "Number of trials an ExtracellularArray holds.",
    ),
    f(
        "conductivity",
        "arr.conductivity",
        "Conductivity of the medium [S/m].",
    ),
    f("method", "arr.method", "\"psa\" or \"lsa\"."),
    f(
        "min_distance",
        "arr.min_distance",
        "Smallest source distance used [µm].",
    ),
    f(
        "plot_lfp",
        "arr.plot_lfp(#{ trial_no, contact_no, tmin, tmax, ax, color: \"cividis\", voltage_offset: 50, voltage_scalebar: 200, decim })",
        "Laminar LFP: one trace per contact, stacked voltage_offset µV apart and labelled by depth, with a scale bar (voltage_offset: () overlays them on a µV axis).",
    ),
    f(
        "plot_csd",
        "arr.plot_csd(vmin, vmax, interpolation, sink, colorbar, ax, show) — each optional, positionally or in #{ vmin, vmax, interpolation: \"spline\" | \"none\", sink: \"b\" | \"r\", colorbar: true, ax, show }",
        "Current source density of trial 0 over time and depth (jet colours, sinks blue by default), spline-interpolated across depth.",
    ),
    f(
        "calculate_csd2d",
        "calculate_csd2d(lfp_data, delta)",
        "CSD of [channel][sample] potentials by the 3-point second difference across channels spaced delta µm, borders extrapolated (hnn-core's calculate_csd2d).",
    ),
    f(
        "cell_response",
        "net.cell_response",
        "Spikes and traces of the last simulate_dipole (or ()).",
    ),
    f(
        "simulate_dipole",
        "simulate_dipole(net, #{ tstop, dt: 0.025, n_trials: 1, record_vsec, record_isec, record_ca, max_steps: 2e7, max_events: 5e7 })",
        "Run the network; returns an array of Dipoles (one per trial) and sets net.cell_response. record_*: false, \"soma\" or \"all\". A run of more than max_steps time steps or max_events drive events per trial, or needing more memory than the machine has, is refused before it starts. Ctrl-C stops a run at the next epoch.",
    ),
    f(
        "Optimizer",
        "Optimizer(net, #{ tstop, constraints: #{ name: [lo, hi] }, set_params: Fn(\"set_params\"), initial_params, solver: \"bayesian\" | \"cobyla\" | \"cma\", obj_fun: \"dipole_rmse\" | \"dipole_corr\" | \"maximize_psd\" | |dpl, kwargs| ..., max_iter: 200, compat })",
        "hnn-core's optimiser. set_params(net, params) edits a fresh copy of net for every evaluation; parameters are bound by name. compat: \"hnn-core-0.6.1\" reproduces 0.6.1's bugs and runs its Bayesian loop step for step (docs/optimization.md). Also Optimizer(net, tstop, constraints, set_params, #{ ... }).",
    ),
    f(
        "fit",
        "optim.fit(#{ target, n_trials: 1, scale_factor, smooth_window_len, f_bands, relative_bandpower, popsize: 16, sigma0: 0.25, seed: 123, tolfun: 0.01, dt: 0.025, compat })",
        "Run the fit; then optim.net_, optim.obj_ (running best per iteration), optim.opt_params_ and optim.history (every evaluation: params, obj, seconds). Trials and CMA candidates run in parallel; the result does not depend on the thread count. Ctrl-C stops it between evaluations.",
    ),
    f(
        "net_",
        "optim.net_",
        "After fit: a copy of the initial network with set_params applied at opt_params_ (not simulated); () before.",
    ),
    f(
        "obj_",
        "optim.obj_",
        "After fit: the running best objective, max_iter values (per generation for CMA).",
    ),
    f(
        "opt_params_",
        "optim.opt_params_",
        "After fit: the best parameters, in the order of optim.constraints (names sorted).",
    ),
    f(
        "history",
        "optim.history",
        "Every evaluation of the last fit: #{ params, obj, seconds }.",
    ),
    f(
        "constraints",
        "optim.constraints",
        "Map name -> [lo, hi] given to Optimizer.",
    ),
    f(
        "initial_params",
        "optim.initial_params",
        "Map name -> start value (the midpoints when not given).",
    ),
    f(
        "solver",
        "optim.solver",
        "\"bayesian\", \"cobyla\" or \"cma\".",
    ),
    f(
        "obj_fun",
        "optim.obj_fun",
        "The objective's name, or the script function.",
    ),
    f(
        "max_iter",
        "optim.max_iter",
        "The iteration budget given to Optimizer.",
    ),
    f(
        "tstop",
        "optim.tstop",
        "The simulated duration [ms] (also the end of the RMSE window).",
    ),
    f(
        "plot_convergence",
        "optim.plot_convergence(#{ ax, show })",
        "The running best objective against the number of calls (hnn-core's convergence plot).",
    ),
    f(
        "optimize_evoked",
        "optimize_evoked(net, tstop, n_trials, target_dpl, initial_dpl, #{ maxiter: 50, timing_range_multiplier: 3.0, sigma_range_multiplier: 50.0, synweight_range_multiplier: 500.0, decay_multiplier: 1.6, scale_factor: 1.0, smooth_window_len, dt: 0.025, which_drives: \"all\", return_rmse: false, compat })",
        "hnn-core's legacy chunked COBYLA fit of the evoked drives; returns the fitted network (or [net, rmse per evaluation] with return_rmse). initial_dpl may also be given in the map.",
    ),
    f(
        "BatchSimulate",
        "BatchSimulate(#{ set_params, net: jones_2009_model(), tstop: 170, dt: 0.025, n_trials: 1, save_folder: \"./sim_results\", batch_size: 100, overwrite: true, save_outputs: false, save_dpl: true, save_spiking: false, save_lfp: false, save_voltages: false, save_currents: false, save_calcium: false, record_vsec: false, record_isec: false, clear_cache: false, summary_func })",
        "hnn-core's batch simulator. set_params(net, params) (hnn-core dev's argument order) edits a fresh copy of net for each simulation; summary_func(results) is called once per batch.",
    ),
    f(
        "run",
        "batch.run(param_grid, #{ return_output: true, combinations: true, n_jobs: 1 })",
        "Simulate every point of param_grid (a map name -> values, keys in sorted order, or an array of [name, values] pairs): combinations true is the Cartesian product (last key fastest), false zips lists of equal length. Networks are built on the script's thread, simulations run on n_jobs threads (the same numbers for any n_jobs). Returns #{ summary_statistics (one per batch), simulated_data (per batch, per simulation #{ param_values, dpl, net, spiking, error }) } or () when return_output is false. A set_params that fails marks its row (error: message) and the run goes on. With save_outputs each batch is written as save_folder/sim_run_<start>-<end>.npz (docs/files.md).",
    ),
    f(
        "load_results",
        "batch.load_results(path)",
        "Read a sim_run_<start>-<end>.npz file: #{ param_values, status, messages, dpl ([sim][trial] Dipole), spiking ([sim] #{ spike_times, spike_gids, spike_types }) }.",
    ),
    f(
        "load_all_results",
        "batch.load_all_results()",
        "load_results of every sim_run_*.npz in save_folder, in order of their first simulation.",
    ),
    f(
        "simulate_batch",
        "simulate_batch(net, theta, #{ set_params, param_names, seeds: \"fixed\", features, out, chunk: 256, tstop: 170, dt: 0.025, n_trials: 1, n_jobs, overwrite: false, model })",
        "The matrix form for simulation-based inference. theta: an N x P array, or a box-uniform prior #{ n, low, high, transform: \"linear\"|\"log10\" (or one per parameter), seed }. set_params(net, params) gets a map name -> value per row. seeds: \"fixed\", #{ base: B } (every drive's event_seed = B + row) or #{ column: name }. features: #{ layer: \"agg\", scale, smooth [ms], tmin, tmax, decim, waveform: true, bands: [[lo, hi], ...], log_power, peaks, rates }. Writes out/x.npy, theta.npy, seeds.npy, status.npy, failures.jsonl and batch.json chunk by chunk (docs/files.md); running it again resumes. Returns #{ n, n_run, n_skipped, n_failed, failures, feature_names, out }.",
    ),
    f(
        "cmap_color",
        "cmap_color(\"viridis\", v)",
        "The colour of a matplotlib colour map at v in [0, 1], as \"#rrggbb\" (for color: keywords).",
    ),
    f(
        "read_npy",
        "read_npy(path)",
        "A 1-D or 2-D numeric .npy file as an array (of rows).",
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
        "dpl.write(path, overwrite) — overwrite optional, positionally or in #{ overwrite: true } / cell_response.write(\"spk_%d.txt\") / params.write(\"p.json\")",
        "Write hnn-core's formats (overwrite: false refuses an existing file): a dipole as HDF5 when path ends in .hdf5 (or .h5; hnn_core.read_dipole reads it), as text otherwise; spikes as text, one file per trial; parameters as one flat JSON object (read_params reads it).",
    ),
    f(
        "average_dipoles",
        "average_dipoles(dpls)",
        "Sample-wise mean of an array of dipoles.",
    ),
    f(
        "read_dipole",
        "read_dipole(path)",
        "Read a dipole written by hnn-core or hnn: HDF5 for .hdf5 (or .h5), else text (2 or 4 columns).",
    ),
    f(
        "write_results",
        "write_results(path, net, dpls)",
        "Write one HDF5 file (docs/files.md) with the network configuration, the settings of its last simulate_dipole, the dipoles, net.cell_response (spikes, recorded vsec/isec/ca) and the hnn version.",
    ),
    f(
        "read_results",
        "read_results(path)",
        "Read a write_results file: #{ net (with net.cell_response), dpls, settings, hnn_version }; simulate_dipole(r.net, r.settings) runs it again.",
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
        "read_network_configuration",
        "read_network_configuration(path, read_drives, read_external_biases) — each optional, positionally or in #{ read_drives: true, read_external_biases: true }",
        "Load a network written by hnn-core's net.write_configuration (cells, positions, connectivity, drives, biases).",
    ),
    f(
        "write_configuration",
        "net.write_configuration(path, overwrite) / write_network_configuration(net, path, overwrite) — overwrite optional, positionally or in #{ overwrite: true }",
        "Write the network as hnn-core's configuration JSON (hnn_core.read_network_configuration reads it).",
    ),
    f(
        "write_network_configuration",
        "write_network_configuration(net, path, #{ overwrite: true })",
        "Same as net.write_configuration(path).",
    ),
    f(
        "read_params",
        "read_params(path, file_contents) — file_contents optional, positionally or in #{ file_contents }",
        "Read a legacy HNN .param or hnn-core .json parameter file (file_contents: the text to parse instead of reading the file, in the format path's extension names); p[\"key\"] reads one value, p[\"gbar_L*\"] the matching ones (a Params), p.keys() lists them. hnn-core's and HNN's shipped sets are built in by name: read_params(\"default.param\"), read_params(\"gamma_L5weak_L2weak.json\").",
    ),
    f(
        "gid_to_type",
        "net.gid_to_type(gid)",
        "The cell type or drive name owning a gid (() if none).",
    ),
    f(
        "cell_metadata",
        "cell.cell_metadata",
        "Map: morpho_type, electro_type, layer, measure_dipole.",
    ),
    f(
        "cell_object",
        "net.cell_types[name].cell_object",
        "The cell template itself (hnn-core spelling; the same object as net.cell_types[name]).",
    ),
    f(
        "name",
        "cell.name",
        "Template name (L2Pyr, L5Pyr, L2Basket, L5Basket).",
    ),
    f(
        "sections",
        "cell.sections",
        "Map section name → Section (L, diam, cm, Ra, v0, nseg, mechs, syns, end_pts). Assigning writes through to the network, as in hnn-core: cell.sections[\"apical_1\"].L = 700.",
    ),
    f(
        "L",
        "sec.L / sec.L = 700",
        "Section length [µm]; assigning changes the network's template (modify_section).",
    ),
    f(
        "diam",
        "sec.diam / sec.diam = 2",
        "Section diameter [µm]; settable.",
    ),
    f("Ra", "sec.Ra", "Axial resistivity [Ω·cm]; settable."),
    f("cm", "sec.cm", "Membrane capacitance [µF/cm²]; settable."),
    f("v0", "sec.v0", "Initial voltage [mV]; settable."),
    f(
        "nseg",
        "sec.nseg",
        "Number of segments (read-only: set by L and d_lambda).",
    ),
    f(
        "syns",
        "sec.syns",
        "Receptor names of the section's synapses (read-only).",
    ),
    f(
        "end_pts",
        "sec.end_pts",
        "The section's end points [[x, y, z], [x, y, z]] [µm] (read-only).",
    ),
    f(
        "mechs",
        "sec.mechs[mech][param] / sec.mechs[mech][param] = x",
        "Mechanisms of a section; assigning a parameter writes through (set_mech_param).",
    ),
    f(
        "synapses",
        "cell.synapses",
        "Map receptor → Synapse (ampa, nmda, gabaa, gabab); cell.synapses[\"gabab\"][\"tau1\"] = 45.0 writes through to the network.",
    ),
    f(
        "e",
        "syn.e / syn[\"e\"]",
        "Synaptic reversal potential [mV]; settable.",
    ),
    f(
        "tau1",
        "syn.tau1 / syn[\"tau1\"]",
        "Exp2Syn rise time constant [ms]; settable.",
    ),
    f(
        "tau2",
        "syn.tau2 / syn[\"tau2\"]",
        "Exp2Syn decay time constant [ms]; settable.",
    ),
    f(
        "keys",
        "params.keys() / vsec[0].keys() / sec.mechs[m].keys()",
        "The keys of a Params set (params[\"gbar_L*\"] selects by wildcard, as hnn-core), of a per-trial gid dict, or of a mechanism's parameters.",
    ),
    f(
        "values",
        "vsec[0].values()",
        "The traces of a per-trial gid dict.",
    ),
    f(
        "contains",
        "vsec[0].contains(gid)",
        "Whether a gid was recorded.",
    ),
    f(
        "sect_loc",
        "cell.sect_loc",
        "Map proximal/distal → section names targeted by drives and connections.",
    ),
    f(
        "modify_section",
        "cell.modify_section(section, L, diam, cm, Ra, v0) — each after section optional, positionally or in #{ L, diam, cm, Ra, v0 }",
        "Change a section's geometry or passive properties [µm, µF/cm², Ω·cm, mV]; applies to every cell of the type.",
    ),
    f(
        "set_mech_param",
        "cell.set_mech_param(section, mech, param, value)",
        "Set one mechanism parameter (a number) in one section.",
    ),
    f(
        "remove_mech",
        "cell.remove_mech(section, mech)",
        "Remove a mechanism from a section.",
    ),
    f(
        "set_synapse",
        "cell.set_synapse(receptor, #{ e, tau1, tau2 })",
        "Change a receptor's reversal potential [mV] and rise/decay times [ms].",
    ),
    f("sfreq", "dpl.sfreq", "Sampling frequency [Hz]."),
    f(
        "nave",
        "dpl.nave",
        "Number of trials averaged into this dipole.",
    ),
    f(
        "scale_applied",
        "dpl.scale_applied",
        "Total factor applied by scale() (1 for a raw dipole).",
    ),
    f(
        "savgol_filter",
        "dpl.savgol_filter(h_freq)",
        "Savitzky-Golay low-pass in place (polyorder 3, window from h_freq [Hz]); returns the dipole.",
    ),
    f(
        "psd",
        "dpl.psd(#{ tmin, tmax, layer: \"agg\" })",
        "Periodogram (Hamming window) as a map #{ freqs [Hz], psd [nAm²/Hz] }.",
    ),
    f(
        "rmse",
        "rmse(dpl, exp_dpl, #{ tstart, tstop, weights })",
        "Root-mean-square error to an experimental dipole, resampled to its times (hnn-core's optimisation objective); keywords optional.",
    ),
    f(
        "anticorr",
        "anticorr(dpl, exp_dpl, #{ tstart, tstop, weights })",
        "1 − Pearson correlation of the resampled series over [tstart, tstop] (hnn-core's `_anticorr`); keywords optional.",
    ),
    f(
        "smooth_waveform",
        "smooth_waveform(data, window_len, sfreq)",
        "hnn-core's utility: a list of numbers smoothed with a normalised Hamming window of window_len ms at sfreq Hz (as dpl.smooth); returns the smoothed list.",
    ),
    f(
        "read_spikes",
        "read_spikes(\"spk_*.txt\", gid_ranges) — gid_ranges optional, positionally or in #{ gid_ranges: net.gid_ranges }",
        "Read spike files (one per trial; a glob pattern) into a cell response. With gid_ranges every spike's type is set from its gid, and legacy two-column files (time gid) are read.",
    ),
    f(
        "mean_rates",
        "cell_response.mean_rates(#{ tstart, tstop, gid_ranges: net.gid_ranges, mean_type: \"all\" | \"trial\" | \"cell\" })",
        "Mean firing rates [Hz] per cell type.",
    ),
    f(
        "ca",
        "cell_response.ca[trial][\"gid\"][section]",
        "Recorded calcium concentration [mM] (record_ca).",
    ),
    f(
        "isec",
        "cell_response.isec[trial][\"gid\"][\"section_receptor\"]",
        "Recorded synaptic currents [nA] (record_isec).",
    ),
    f(
        "plot_dipole",
        "plot_dipole(dpl or dpls, #{ layer: \"agg\" or [..], average, tmin, tmax, ax, color, label, decim: 5 or [5, 4], show })",
        "Dipole time course [nAm]; trials thin, average thick. decim: scipy.signal.decimate factors applied before drawing (as hnn-core). Returns a figure.",
    ),
    f(
        "plot",
        "dpl.plot(tmin, tmax, layer, decim, ax, color, show) — each optional, positionally or in #{ ... } / ax.plot(x, y, #{ color, linewidth, label })",
        "dpl.plot: same as plot_dipole(dpl, #{ ... }). ax.plot: a line through the points (x, y) in the axes (matplotlib's ax.plot).",
    ),
    f(
        "plot_spikes_raster",
        "cell_response.plot_spikes_raster(trial_idx, ax, show, cell_types, colors, show_legend, marker_size, dpl, overlay_dipoles) — each optional, positionally or in #{ trial_idx: all, ax, show, cell_types: [..], colors: [..] or #{ type: colour }, show_legend: true, marker_size: 1.0, dpl: dpls, overlay_dipoles: false }",
        "Spike raster coloured by cell type (trials given are drawn together; default all). cell_types: the types drawn (each one of the response's); colors: one per cell type or a map; marker_size: tick length in rows. overlay_dipoles with dpl: the trial-mean L2 (dashed) and L5 dipoles in grey over the upper and lower rows, scaled down until they fit, as hnn-core does.",
    ),
    f(
        "plot_spikes_hist",
        "cell_response.plot_spikes_hist(trial_idx, ax, spike_types, color, invert_spike_types, show) — each optional, positionally or in #{ trial_idx, ax, spike_types, color, invert_spike_types, show, bins: 49 }",
        "Spike-time histogram per drive (or cell type when there are no drive spikes), binned as hnn-core does (49 bins from 0 to the last sample time). spike_types: a prefix (\"evprox\" takes evprox1, evprox2), an array of them, or a map label -> [prefixes] (colours then follow the sorted labels). color: one, an array cycled over the labels, or a map label -> colour; default r, g, b, y, m, c. invert_spike_types: a label or labels whose histograms hang from the top (hnn-core's inverted twin axis, sharing the y range).",
    ),
    f(
        "plot_psd",
        "plot_psd(dpl or dpls, #{ fmin, fmax, tmin, tmax, layer, ax, color, label, show })",
        "Power spectral density (mean over trials).",
    ),
    f(
        "plot_tfr_morlet",
        "plot_tfr_morlet(dpl or dpls, freqs, #{ n_cycles: 7 or one per frequency, tmin, tmax, layer, decim, padding: \"zeros\" | \"mirror\" | (), ax, colormap: \"inferno\", colorbar: true, colorbar_inside: false, show }) / dpl.plot_tfr_morlet(freqs, n_cycles, tmin, tmax, layer, decim, padding, ax, colormap, colorbar, colorbar_inside, show)",
        "Morlet time-frequency power as a heat map (MNE's tfr_array_morlet) with a colour bar labelled in the dipoles' scale. decim: decimation factors applied before the transform (fewer columns); padding: how the signal is extended before the transform (() for none); colormap: inferno, viridis, plasma, magma, cividis, Greys, jet; colorbar_inside: a small white-labelled bar in the upper right of the map.",
    ),
    f(
        "plot_voltages",
        "cell_response.plot_voltages(#{ gids: [..], section: \"soma\", trial_idx: 0, ax })",
        "Recorded membrane voltages [mV] (needs record_vsec).",
    ),
    f(
        "plot_connectivity_matrix",
        "plot_connectivity_matrix(net, conn_idx, ax, show_weight, colorbar, colormap, show) — each after conn_idx optional, positionally or in #{ ax, show_weight: true, colorbar: true, colormap: \"Greys\", show }",
        "Source × target matrix of one connection's weights (show_weight: false draws every connected pair as 1), colours from the smallest to the largest entry, with a colour bar \"Weight\".",
    ),
    f(
        "plot_cell_connectivity",
        "plot_cell_connectivity(net, conn_idx, src_gid, axes, colorbar, colormap, show) — each after conn_idx optional, positionally or in #{ src_gid, axes: [ax_src, ax] or [ax], colorbar: true, colormap: \"viridis\", show }",
        "One source cell's connection weights onto the target cells on the (x, y) grid (coloured from the smallest to the largest weight, colour bar \"Weight\"); source cells on the left (left out when axes is one axes).",
    ),
    f(
        "plot_drive_strength",
        "plot_drive_strength(net, show_weight, ax, colorbar, color_scale, normalize, show) — each optional, positionally or in #{ show_weight: true, ax, colorbar: true, color_scale: \"linear\" | \"log\", normalize: true, show }",
        "Drive × cell type matrix of summed, distance-scaled drive weights [µS or relative] (show_weight: false counts the connected pairs), in viridis with a colour bar.",
    ),
    f(
        "plot_cells",
        "plot_cells(net, ax, show) / net.plot_cells(ax, show) — each optional, positionally or in #{ ax, show }",
        "3-D cell positions by type (µm depth, grid units across).",
    ),
    f(
        "plot_morphology",
        "cell.plot_morphology(ax, color, pos, xlim, ylim, zlim, show) — each optional, positionally or in #{ ax, color: \"b\" or #{ section: colour }, pos: [x, y, z], xlim: [-250, 150], ylim: [-100, 100], zlim: [-100, 1200], show }",
        "3-D drawing of a cell template's sections [µm] (one colour per section unless color is given). pos moves the soma there (hnn-core's axis convention: the cell lies in its x-z plane); with pos or a limit the axes span pos plus the limits (hnn-core's defaults for those not given).",
    ),
    f(
        "figure",
        "figure(#{ nrows: 1, ncols: 1, figsize: [w, h], sharex, sharey, constrained_layout, gridspec_kw: #{ height_ratios: [1, 2] } })",
        "A grid of axes; pass fig.axes[i] as ax: to any plot function. Panels never overlap (constrained_layout is accepted and always on).",
    ),
    f(
        "tight_layout",
        "fig.tight_layout()",
        "Accepted for matplotlib's call; returns the figure (panels never overlap).",
    ),
    f(
        "show",
        "fig.show()",
        "Write the figure to hnn_figure_<n>.png (and draw it inline where the terminal can); in a notebook (hnn kernel), show it with the cell's output. Plots made with show: true (the default) that a script never saves are written so by hnn run at the end, into -D OUT when given.",
    ),
    f(
        "axes",
        "fig.axes",
        "Array of the figure's axes (row-major).",
    ),
    f(
        "set_title",
        "ax.set_title(s) / set_xlabel(s) / set_ylabel(s)",
        "Axes title and axis labels; returns the axes.",
    ),
    f("set_xlabel", "ax.set_xlabel(s)", "x-axis label."),
    f(
        "cla",
        "ax.cla() / ax.clear()",
        "Empty the axes of everything drawn in it (title, labels and limits too); returns the axes.",
    ),
    f("clear", "ax.clear()", "The same as ax.cla()."),
    f("set_ylabel", "ax.set_ylabel(s)", "y-axis label."),
    f(
        "set_xlim",
        "ax.set_xlim(lo, hi) / set_ylim(lo, hi)",
        "Axis limits; returns the axes.",
    ),
    f("set_ylim", "ax.set_ylim(lo, hi)", "y-axis limits."),
    f(
        "legend",
        "ax.legend([labels]) | ax.legend([handles], [labels])",
        "Label the axes' lines in the order they were drawn (matplotlib's ax.legend(labels)), or show one entry per Line2D handle instead (ax.legend(handles, labels)); returns the axes.",
    ),
    f(
        "Line2D",
        "Line2D(xdata, ydata, #{ color, lw, label })",
        "A line style for a legend handle (matplotlib.lines.Line2D, as hnn-core's tutorials build legends).",
    ),
    f(
        "set_size",
        "fig.set_size(width, height)",
        "Figure size in pixels (100 to 10000).",
    ),
    f(
        "save",
        "fig.save(\"name.png\" or \"name.svg\")",
        "Write the figure; returns the path. In the REPL a figure value is also saved and shown.",
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

/// Names offered by completion (the prompt, the kernel): functions, methods, properties and
/// keyword names.
pub fn completion_words() -> Vec<String> {
    let mut w: Vec<String> = API.iter().map(|d| d.name.to_string()).collect();
    for d in API {
        // keyword names from the signature's map literal
        if let Some(i) = d.signature.find("#{") {
            for k in d.signature[i + 2..].split([',', '}', ' ', ':']) {
                let k = k.trim();
                if !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !k.chars().all(|c| c.is_ascii_digit())
                {
                    w.push(k.to_string());
                }
            }
        }
    }
    for extra in [
        "let",
        "print",
        "for",
        "while",
        "if",
        "else",
        "true",
        "false",
        "L2_basket",
        "L2_pyramidal",
        "L5_basket",
        "L5_pyramidal",
        "proximal",
        "distal",
        "soma",
    ] {
        w.push(extra.to_string());
    }
    w.sort();
    w.dedup();
    w
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every function, method and property the engine registers has an entry.
    #[test]
    fn every_registered_name_is_documented() {
        let engine = super::super::build_engine();
        let names: BTreeSet<String> = engine
            .gen_fn_signatures(false)
            .iter()
            .map(|s| s.split('(').next().unwrap_or("").to_string())
            .filter(|n| !n.starts_with("index$") && n != "to_string" && n != "to_debug")
            .map(|n| {
                n.trim_start_matches("get$")
                    .trim_start_matches("set$")
                    .to_string()
            })
            .collect();
        let missing: Vec<_> = names
            .iter()
            .filter(|n| super::lookup(n).is_none())
            .collect();
        assert!(missing.is_empty(), "undocumented: {missing:?}");
        assert!(
            names.len() > 60,
            "the engine registers {} names",
            names.len()
        );
    }
}
