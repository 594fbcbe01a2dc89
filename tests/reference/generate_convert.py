"""hnn-core 0.6.1's `convert_to_json` on parameter files, summarised for the tests.

Run by hand: /path/to/venv/bin/python tests/reference/generate_convert.py
Writes tests/fixtures/files/convert_summary.json and convert_default_param_dipole.txt.

The converted files themselves are 2.7 MB each (10 x 10 column), so the fixture holds what a
test needs to recognise them: legacy mode, gid ranges, every drive's kind, size, seeds and
dynamics, and every connection's parameters with a checksum of its gid pairs. The GUI's
.param files come from ../shared/data (not part of the repository); hnn-core's own
default.json ships with hnn-core. The converted default.param network is also simulated
(hnn-core reads the converted file back, as a user would) for a dipole reference.
"""
import json
from pathlib import Path

import numpy as np

import hnn_core
from hnn_core import convert_to_json, read_network_configuration, simulate_dipole

assert hnn_core.__version__ == "0.6.1", hnn_core.__version__
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "files"
SHARED = ROOT.parent / "shared" / "data" / "hnn" / "param"
CORE = Path(hnn_core.__file__).parent / "param"

FILES = {
    "default.json": CORE / "default.json",
    "default.param": SHARED / "default.param",
    "OnlyRhythmicDist.param": SHARED / "OnlyRhythmicDist.param",
    "gamma_L5weak_L2weak.param": SHARED / "gamma_L5weak_L2weak.param",
    "AlphaAndBeta.param": SHARED / "AlphaAndBeta.param",
}


def checksum(gid_pairs):
    """Order-independent fingerprint of a connection's (src, target) pairs."""
    s = 0
    for src, targets in gid_pairs.items():
        for t in targets:
            s = (s + (int(src) * 1000003 + int(t)) * 2654435761) % (1 << 61)
    return s


def summary(path):
    d = json.loads(Path(path).read_text())
    drives = {}
    for name, drv in d["external_drives"].items():
        drives[name] = dict(
            type=drv["type"],
            location=drv["location"],
            n_drive_cells=drv["n_drive_cells"],
            cell_specific=drv["cell_specific"],
            event_seed=drv["event_seed"],
            conn_seed=drv["conn_seed"],
            dynamics=drv["dynamics"],
        )
    conns = []
    for c in d["connectivity"]:
        nc = c["nc_dict"]
        conns.append(dict(
            src_type=c["src_type"], target_type=c["target_type"], receptor=c["receptor"],
            loc=c["loc"], A_weight=nc["A_weight"], A_delay=nc["A_delay"], lamtha=nc["lamtha"],
            probability=c["probability"],
            n_pairs=sum(len(v) for v in c["gid_pairs"].values()),
            checksum=checksum(c["gid_pairs"]),
        ))
    return dict(
        legacy_mode=d["legacy_mode"],
        gid_ranges={k: [v["start"], v["stop"]] for k, v in d["gid_ranges"].items()},
        drives=drives,
        connectivity=conns,
    )


out = {}
for name, src in FILES.items():
    dst = Path("/tmp") / f"converted_{name}.json"
    convert_to_json(src, dst)
    out[name] = summary(dst)
    print(name, "legacy" if out[name]["legacy_mode"] else "", list(out[name]["drives"]),
          len(out[name]["connectivity"]), "connections")
(OUT / "convert_summary.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")

net = read_network_configuration(Path("/tmp") / "converted_default.param.json")
dpl = simulate_dipole(net, tstop=170.0, n_trials=1)[0]
with open(OUT / "convert_default_param_dipole.txt", "w") as f:
    f.write(f"# converted default.param read back by hnn-core {hnn_core.__version__}, 170 ms: "
            f"k t agg (every 10th sample); spikes {len(net.cell_response.spike_times[0])}\n")
    for k in range(0, len(dpl.times), 10):
        f.write(f"{k} {float(dpl.times[k])!r} {float(dpl.data['agg'][k])!r}\n")
