"""Generate the open-models fixtures with hnn-core 0.6.1 / NEURON 8.2.7.

Run by hand, never by CI:

    python3 -m venv venv && . venv/bin/activate && pip install hnn-core==0.6.1
    python tests/reference/generate_open_models.py [NAME ...]   # -> tests/fixtures/open_models/

Fixtures (each runs in its own process so NEURON state never leaks between them):
  hh_exp2syn_two_section   NEURON's own hh and Exp2Syn on a soma + 5-segment dendrite; the same
                           protocol is run again with copies of hh.mod / exp2syn.mod renamed to
                           hhx / Exp2Synx and compiled with nrnivmodl, and the traces must be
                           identical. NAME.json (protocol, versions, sha256 of the two .mod
                           files), NAME_traces.txt ('# k t names...', every 4th sample and the
                           last, 12 significant digits), NAME_spikes.txt (full precision).
  custom_cell_network      jones_2009_model(mesh_shape=(3, 3)) with the L2_basket template
                           replaced by a custom two-section Cell, plus an evoked drive; 100 ms.
                           NAME.json, NAME_dipole_trial0.txt, NAME_spikes_trial0.txt in the
                           format of tests/fixtures/networks/.
  custom_cell_type_network The same cell as a new type 'custom' (4 cells) next to the four
                           templates via Network(params, pos_dict=, cell_types=), two
                           connections and an evoked drive; 60 ms; same files.
  pyramidal_overrides      Cell.to_dict() of pyramidal('L2_pyramidal') / pyramidal('L5_pyramidal')
                           with and without override_params.
"""
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import hnn_core
from neuron import h
from fixture_text import kept_samples, write_cols, write_rows

h.load_file("stdrun.hoc")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "open_models")


def to_json(x):
    """json.dump default: numpy values and tuples as plain lists/numbers."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, range):
        return [x.start, x.stop]
    raise TypeError(f"not serialisable: {type(x)}")


def plain(x):
    """Recursively turn tuples into lists and numpy scalars into Python numbers."""
    if isinstance(x, dict):
        return {(k if isinstance(k, str) else str(k)): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


# ---------------------------------------------------------------------------------------------
# Fixture 1: hh + Exp2Syn, built-in and compiled with nrnivmodl
# ---------------------------------------------------------------------------------------------

PROTO = {
    "sections": [
        dict(name="soma", L=20.0, diam=20.0, nseg=1, Ra=100.0, cm=1.0, parent=None),
        dict(name="dend", L=200.0, diam=2.0, nseg=5, Ra=100.0, cm=1.0, parent=["soma", 1.0], parent_x=0.0),
    ],
    "mechanisms": {"soma": {"hh": "defaults"}, "dend": {"hh": "defaults"}},
    "synapse": dict(mechanism="Exp2Syn", section="dend", x=0.5, tau1=0.5, tau2=5.0, e=0.0),
    # One NetCon per event, source None, delay 0, fired with nc.event(t) from an
    # FInitializeHandler (type 1: after finitialize).
    "events": [dict(t=5.0, weight=0.01), dict(t=12.0, weight=0.02), dict(t=12.5, weight=0.005)],
    "iclamp": dict(section="soma", x=0.5, delay=25.0, dur=5.0, amp=0.3),
    "celsius": 6.3,
    "v_init": -65.0,
    "dt": 0.025,
    "tstop": 40.0,
    "cvode": False,
    "spike_threshold": 0.0,
    "spike_loc": ["soma", 0.5],
}


def build_hh(hh_name, syn_name):
    soma = h.Section(name="soma")
    dend = h.Section(name="dend")
    for sec, d in zip((soma, dend), PROTO["sections"]):
        sec.L, sec.diam, sec.nseg, sec.Ra, sec.cm = d["L"], d["diam"], d["nseg"], d["Ra"], d["cm"]
        sec.insert(hh_name)
    dend.connect(soma(1), 0)
    s = PROTO["synapse"]
    syn = getattr(h, syn_name)(dend(s["x"]))
    syn.tau1, syn.tau2, syn.e = s["tau1"], s["tau2"], s["e"]
    ncs = []
    for ev in PROTO["events"]:
        nc = h.NetCon(None, syn)
        nc.weight[0] = ev["weight"]
        nc.delay = 0.0
        ncs.append(nc)

    def fire():
        for nc, ev in zip(ncs, PROTO["events"]):
            nc.event(ev["t"])

    fih = h.FInitializeHandler(1, fire)
    ic = h.IClamp(soma(0.5))
    c = PROTO["iclamp"]
    ic.delay, ic.dur, ic.amp = c["delay"], c["dur"], c["amp"]
    recs = {"t": h.Vector().record(h._ref_t), "v_soma": h.Vector().record(soma(0.5)._ref_v)}
    dend_segs = [seg for seg in dend]
    for i, seg in enumerate(dend_segs):
        recs[f"v_dend_{i}"] = h.Vector().record(seg._ref_v)
    recs["i_syn"] = h.Vector().record(syn._ref_i)
    for g in ("m", "h", "n"):
        recs[f"{g}_soma"] = h.Vector().record(getattr(soma(0.5), f"_ref_{g}_{hh_name}"))
    spk = h.Vector()
    snc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    snc.threshold = PROTO["spike_threshold"]
    snc.record(spk)
    keep = [soma, dend, syn, ncs, fih, ic, snc, fire]
    return recs, spk, [seg.x for seg in dend_segs], keep


def run_hh(hh_name, syn_name):
    recs, spk, xs, keep = build_hh(hh_name, syn_name)
    h.CVode().active(0)
    h.celsius = PROTO["celsius"]
    h.dt = PROTO["dt"]
    h.tstop = PROTO["tstop"]
    h.finitialize(PROTO["v_init"])
    while h.t < PROTO["tstop"] - PROTO["dt"] / 2:
        h.fadvance()
    out = {k: np.array(v.to_python()) for k, v in recs.items()}
    return out, list(spk.to_python()), xs, keep


def modfile_dir():
    import neuron
    d = os.path.join(os.path.dirname(neuron.__file__), ".data", "share", "modfile")
    for f in ("hh.mod", "exp2syn.mod"):
        assert os.path.isfile(os.path.join(d, f)), f"{f} not in {d}"
    return d


def hh_exp2syn_two_section():
    import neuron
    d = modfile_dir()
    sha = {f: hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest() for f in ("hh.mod", "exp2syn.mod")}
    # Compile renamed copies with the venv's nrnivmodl.
    tmp = tempfile.mkdtemp(prefix="open_models_")
    src = open(os.path.join(d, "hh.mod")).read()
    new, n = re.subn(r"(?m)^(\s*SUFFIX\s+)hh\b", r"\1hhx", src)
    assert n == 1, "SUFFIX hh not found exactly once"
    open(os.path.join(tmp, "hhx.mod"), "w").write(new)
    src = open(os.path.join(d, "exp2syn.mod")).read()
    new, n = re.subn(r"(?m)^(\s*POINT_PROCESS\s+)Exp2Syn\b", r"\1Exp2Synx", src)
    assert n == 1, "POINT_PROCESS Exp2Syn not found exactly once"
    open(os.path.join(tmp, "exp2synx.mod"), "w").write(new)
    nrnivmodl = os.path.join(os.path.dirname(sys.executable), "nrnivmodl")
    subprocess.run([nrnivmodl], cwd=tmp, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert neuron.load_mechanisms(tmp), "load_mechanisms failed"

    ref, spk, xs, keep = run_hh("hh", "Exp2Syn")
    del keep
    cmp_, spk2, _, keep2 = run_hh("hhx", "Exp2Synx")
    del keep2
    for k in ref:
        assert np.array_equal(ref[k], cmp_[k]), f"built-in and nrnivmodl-compiled traces differ in {k}"
    assert spk == spk2, "built-in and nrnivmodl-compiled spike times differ"
    shutil.rmtree(tmp, ignore_errors=True)

    name = "hh_exp2syn_two_section"
    names = [k for k in ref if k != "t"]
    write_cols(f"{OUT}/{name}_traces.txt", ["t"] + names, [ref["t"]] + [ref[k] for k in names])
    with open(f"{OUT}/{name}_spikes.txt", "w") as f:
        for x in spk:
            f.write(repr(float(x)) + "\n")
    proto = dict(PROTO, record=names, dend_seg_x=xs)
    meta = dict(name=name, hnn_core=hnn_core.__version__, neuron=h.nrnversion(), n_samples=len(ref["t"]),
                modfile_sha256=sha, modfile_source="neuron/.data/share/modfile/",
                compiled_copy_identical=True, protocol=proto)
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump(meta, f, indent=1)
    print(f"{name}: {len(ref['t'])} samples, spikes {np.round(spk, 3).tolist()}, "
          f"soma v in [{ref['v_soma'].min():.1f}, {ref['v_soma'].max():.1f}]; nrnivmodl copy identical")


# ---------------------------------------------------------------------------------------------
# Fixture 2: a network with a custom (non-template) cell type
# ---------------------------------------------------------------------------------------------

CUSTOM = dict(
    name="L2_basket",
    sections=dict(
        soma=dict(L=20.0, diam=20.0, Ra=200.0, cm=0.85, v0=-65.0, end_pts=[[0, 0, 0], [0, 0, 20.0]],
                  mechs={"hh2": {}}, syns=["ampa", "gabaa"]),
        dend=dict(L=150.0, diam=2.0, Ra=200.0, cm=0.85, v0=-65.0, end_pts=[[0, 0, 20.0], [0, 0, 170.0]],
                  mechs={"hh2": {}}, syns=["ampa", "gabaa"]),
    ),
    synapses=dict(ampa=dict(e=0.0, tau1=0.5, tau2=5.0), gabaa=dict(e=-80.0, tau1=0.5, tau2=5.0)),
    sect_loc=dict(proximal=["soma"], distal=["dend"]),
    cell_tree=[[["soma", 0], [["soma", 1]]], [["soma", 1], [["dend", 0]]], [["dend", 0], [["dend", 1]]]],
)

DRIVE = dict(name="evcustom", mu=20.0, sigma=3.0, numspikes=1, location="distal",
             weights_ampa={"L2_basket": 0.02, "L2_pyramidal": 0.002},
             synaptic_delays={"L2_basket": 0.1, "L2_pyramidal": 0.1},
             n_drive_cells="n_cells", cell_specific=True, event_seed=2, conn_seed=3)


def make_custom_cell(name):
    from hnn_core.cell import Cell, Section
    sections = {}
    for sn, d in CUSTOM["sections"].items():
        s = Section(L=d["L"], diam=d["diam"], Ra=d["Ra"], cm=d["cm"], v0=d["v0"], end_pts=[list(p) for p in d["end_pts"]])
        s.mechs = {k: dict(v) for k, v in d["mechs"].items()}
        s.syns = list(d["syns"])
        sections[sn] = s
    cell_tree = {tuple(p): [tuple(c) for c in cs] for p, cs in CUSTOM["cell_tree"]}
    return Cell(name, (0, 0, 0), sections=sections, synapses={k: dict(v) for k, v in CUSTOM["synapses"].items()},
                sect_loc={k: list(v) for k, v in CUSTOM["sect_loc"].items()}, cell_tree=cell_tree)


def write_network(name, net, tstop, extra):
    from hnn_core import simulate_dipole
    dpls = simulate_dipole(net, tstop=tstop, dt=0.025, n_trials=1, verbose=False)
    dpl = dpls[0]
    n = len(dpl.times)
    keep = kept_samples(n)
    rows = [[str(i), repr(float(dpl.times[i]))] + [repr(float(dpl.data[c][i])) for c in ("agg", "L2", "L5")] for i in keep]
    write_rows(f"{OUT}/{name}_dipole_trial0.txt", ["k", "t", "agg", "L2", "L5"], rows)
    st = net.cell_response.spike_times[0]
    sg = net.cell_response.spike_gids[0]
    write_rows(f"{OUT}/{name}_spikes_trial0.txt", ["time", "gid"], [[repr(float(t)), str(int(g))] for t, g in zip(st, sg)])
    conns = [dict(src_type=c["src_type"], target_type=c["target_type"], loc=c["loc"], receptor=c["receptor"],
                  n_pairs=int(sum(len(v) for v in c["gid_pairs"].values())))
             for c in net.connectivity]
    meta = dict(name=name, hnn_core=hnn_core.__version__, neuron=h.nrnversion(), tstop=tstop, n_trials=1,
                n_samples=n, **extra,
                gid_ranges={k: [v.start, v.stop] for k, v in net.gid_ranges.items()}, connectivity=conns)
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump(meta, f, indent=1, default=to_json)
    print(f"{name}: {len(st)} spikes, by gid {sorted(set(int(g) for g in sg))}, {len(net.connectivity)} connections")


def custom_cell_network():
    from hnn_core import jones_2009_model
    net = jones_2009_model(mesh_shape=(3, 3))
    cell = make_custom_cell(CUSTOM["name"])
    # The template object of the existing L2_basket type is replaced (metadata kept), so
    # jones_2009_model's L2_basket connections now target the custom cell. (A new type name
    # goes through Network(params, pos_dict=, cell_types=): see custom_cell_type_network.)
    net.cell_types["L2_basket"]["cell_object"] = cell
    kw = {k: v for k, v in DRIVE.items() if k != "name"}
    net.add_evoked_drive(DRIVE["name"], **kw)
    write_network("custom_cell_network", net, 100.0, dict(
        build="jones_2009_model(mesh_shape=(3, 3)); net.cell_types['L2_basket']['cell_object'] = "
              "Cell(custom.name, (0, 0, 0), sections, synapses, sect_loc, cell_tree); "
              "net.add_evoked_drive(drive.name, **drive without name); simulate_dipole(net, tstop, dt=0.025, n_trials=1)",
        custom_cell=CUSTOM, custom_cell_to_dict=plain(cell.to_dict()),
        custom_cell_pos=plain(net.pos_dict["L2_basket"]), drive=DRIVE))


NEW_TYPE = dict(
    name="custom",
    metadata={"morpho_type": "basket", "electro_type": "inhibitory", "layer": "2", "measure_dipole": False},
    pos=[[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [10.0, 10.0, 0.0]],
    connections=[
        dict(src_gids="custom", target_gids="L2_pyramidal", loc="proximal", receptor="gabaa", weight=0.01, delay=1.0, lamtha=3.0),
        dict(src_gids="L2_pyramidal", target_gids="custom", loc="distal", receptor="ampa", weight=0.005, delay=1.0, lamtha=3.0),
    ],
    drive=dict(name="evnew", mu=20.0, sigma=3.0, numspikes=1, location="distal",
               weights_ampa={"custom": 0.02, "L2_pyramidal": 0.004},
               synaptic_delays={"custom": 0.1, "L2_pyramidal": 0.1},
               n_drive_cells="n_cells", cell_specific=True, event_seed=2, conn_seed=3),
)


def custom_cell_type_network():
    """A new cell type name: Network(params, pos_dict=, cell_types=) with jones_2009_model's
    four types and positions plus 'custom' (the CUSTOM cell). The network has no
    connections but the two added here (jones_2009_model adds its own after building)."""
    from hnn_core import jones_2009_model
    from hnn_core.network import Network
    net0 = jones_2009_model(mesh_shape=(3, 3))
    cell_types = dict(net0.cell_types)
    cell_types["custom"] = {"cell_object": make_custom_cell("custom"), "cell_metadata": dict(NEW_TYPE["metadata"])}
    pos_dict = dict(net0.pos_dict)
    pos_dict["custom"] = [tuple(p) for p in NEW_TYPE["pos"]]
    net = Network(net0._params, mesh_shape=(3, 3), pos_dict=pos_dict, cell_types=cell_types)
    for c in NEW_TYPE["connections"]:
        net.add_connection(**c)
    kw = {k: v for k, v in NEW_TYPE["drive"].items() if k != "name"}
    net.add_evoked_drive(NEW_TYPE["drive"]["name"], **kw)
    write_network("custom_cell_type_network", net, 60.0, dict(
        build="net0 = jones_2009_model(mesh_shape=(3, 3)); cell_types = net0.cell_types + {new.name: "
              "{cell_object: Cell(new.name, (0, 0, 0), custom_cell...), cell_metadata: new.metadata}}; "
              "pos_dict = net0.pos_dict + {new.name: new.pos}; net = Network(net0._params, mesh_shape=(3, 3), "
              "pos_dict=pos_dict, cell_types=cell_types); net.add_connection(**c) for c in new.connections; "
              "net.add_evoked_drive(new.drive.name, **rest); simulate_dipole(net, tstop, dt=0.025, n_trials=1)",
        custom_cell=CUSTOM, new_type=NEW_TYPE, pos_dict={k: plain(v) for k, v in net.pos_dict.items()}))


# ---------------------------------------------------------------------------------------------
# Fixture 3: pyramidal() with override_params
# ---------------------------------------------------------------------------------------------

OVERRIDES = {
    "L2_pyramidal": {"L2Pyr_soma_L": 25.0, "L2Pyr_apicaltrunk_diam": 5.0,
                     "L2Pyr_soma_gnabar_hh2": 0.2, "L2Pyr_gabaa_tau2": 6.0},
    "L5_pyramidal": {"L5Pyr_soma_L": 42.0, "L5Pyr_apicaltrunk_diam": 11.0,
                     "L5Pyr_soma_gkbar_hh2": 0.02, "L5Pyr_dend_gbar_ca": 50.0, "L5Pyr_ampa_tau2": 4.0},
}


def pyramidal_overrides():
    from hnn_core.cells_default import pyramidal
    cells = {}
    for cname, ov in OVERRIDES.items():
        cells[cname] = dict(
            override_params=ov,
            default=plain(pyramidal(cell_name=cname, pos=(0, 0, 0)).to_dict()),
            overridden=plain(pyramidal(cell_name=cname, pos=(0, 0, 0), override_params=dict(ov)).to_dict()),
        )
    name = "pyramidal_overrides"
    meta = dict(name=name, hnn_core=hnn_core.__version__, neuron=h.nrnversion(),
                call="hnn_core.cells_default.pyramidal(cell_name=NAME, pos=(0, 0, 0), override_params=OV).to_dict()",
                cells=cells)
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump(meta, f, indent=1, default=to_json)
    for cname, c in cells.items():
        diff = [s for s in c["default"]["sections"] if c["default"]["sections"][s] != c["overridden"]["sections"][s]]
        print(f"{name}: {cname} sections changed by the overrides: {diff}")


FIXTURES = dict(hh_exp2syn_two_section=hh_exp2syn_two_section, custom_cell_network=custom_cell_network,
                custom_cell_type_network=custom_cell_type_network,
                pyramidal_overrides=pyramidal_overrides)

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or list(FIXTURES)
    if len(names) == 1:
        FIXTURES[names[0]]()
    else:
        for n in names:
            subprocess.run([sys.executable, __file__, n], check=True)
