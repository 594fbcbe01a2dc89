"""The JOSS example as hnn-core users run it, for timing whole processes (issue 15).

    python benches/joss_whole.py OUT

The code of the hnn-core paper (Jas et al., JOSS 2023), as `scripts/joss_example.rhai` does
it: the default network, the proximal evoked drive, 100 ms, the three plots saved as PNG
(matplotlib's Agg backend), and the dipole and spikes written in hnn-core's text formats.
`benches/joss_whole.sh` times it next to `hnn run scripts/joss_example.rhai`.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from hnn_core import jones_2009_model, simulate_dipole  # noqa: E402

out = sys.argv[1]
net = jones_2009_model()
weights_ampa = {"L2_basket": 0.09, "L2_pyramidal": 0.02, "L5_basket": 0.2,
                "L5_pyramidal": 8e-3}
synaptic_delays = {"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_basket": 1.0,
                   "L5_pyramidal": 1.0}
net.add_evoked_drive("evprox1", mu=20.0, sigma=2.0, numspikes=1,
                     weights_ampa=weights_ampa, location="proximal",
                     synaptic_delays=synaptic_delays)
dpl = simulate_dipole(net, tstop=100.0)
net.cell_response.plot_spikes_hist(show=False).savefig(f"{out}/hnn_figure_1.png")
dpl[0].plot(show=False).savefig(f"{out}/hnn_figure_2.png")
net.cell_response.plot_spikes_raster(show=False).savefig(f"{out}/hnn_figure_3.png")
plt.close("all")
print(net)
print(dpl[0])
dpl[0].write(f"{out}/dpl.txt")
net.cell_response.write(f"{out}/spk_%d.txt")
