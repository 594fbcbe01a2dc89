"""Write files with hnn-core 0.6.1 for the round-trip tests (run by hand, never by CI):

    python tests/reference/generate_files.py        # -> tests/fixtures/files/

  joss_dpl.txt        Dipole.write of the JOSS example (hnn-core's %3.3f / %5.4f columns)
  joss_spk_0.txt      CellResponse.write('joss_spk_%d.txt') of the same run
  erp_dpl_0.txt ...   two ERP trials, to check a multi-trial glob in read_spikes
  erp_spk_%d.txt

With an argument DIR it instead reads, with hnn-core, the files hnn wrote into DIR
(dpl.txt, spk_*.txt) and prints what it found (the other direction of the round trip).
"""
import os
import sys
import warnings

warnings.filterwarnings("ignore")
from hnn_core import jones_2009_model, simulate_dipole, read_dipole, read_spikes
from hnn_core.network_models import add_erp_drives_to_jones_model

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "files")


def write():
    os.makedirs(OUT, exist_ok=True)
    net = jones_2009_model()
    net.add_evoked_drive("evprox1", mu=20.0, sigma=3.0, numspikes=1, location="proximal",
                         weights_ampa={"L2_pyramidal": 0.0008, "L5_pyramidal": 0.0075},
                         synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0})
    dpls = simulate_dipole(net, tstop=100.0, verbose=False)
    dpls[0].write(os.path.join(OUT, "joss_dpl.txt"))
    net.cell_response.write(os.path.join(OUT, "joss_spk_%d.txt"))
    net = jones_2009_model(mesh_shape=(3, 3))
    add_erp_drives_to_jones_model(net)
    dpls = simulate_dipole(net, tstop=60.0, n_trials=2, verbose=False)
    for k, d in enumerate(dpls):
        d.write(os.path.join(OUT, f"erp_dpl_{k}.txt"))
    net.cell_response.write(os.path.join(OUT, "erp_spk_%d.txt"))


def read(d):
    dpl = read_dipole(os.path.join(d, "dpl.txt"))
    print("read_dipole:", len(dpl.times), "samples, keys", list(dpl.data), "agg[100] =", dpl.data["agg"][100])
    cr = read_spikes(os.path.join(d, "spk_*.txt"))
    print("read_spikes:", len(cr.spike_times), "trial(s),", [len(t) for t in cr.spike_times], "spikes,",
          "types", sorted(set(cr.spike_types[0])))


if __name__ == "__main__":
    read(sys.argv[1]) if len(sys.argv) > 1 else write()
