"""Reference outputs of hnn-core's dipole post-processing (run by hand, never by CI):

    python tests/reference/generate_analysis.py    # -> tests/fixtures/analysis/

The input is a synthetic dipole on hnn's time axis (n = 4001 samples, dt = 0.025 ms):
agg = sin(2π·10·t) + 0.3·sin(2π·55·t) + 0.001·k (t in s, k the sample index), L2 = agg/2,
L5 = agg/2. Outputs (one column each, 17 significant digits):
  savgol_1000   Dipole.savgol_filter(1000) (window 41: scipy's coefficients are exact here)
  savgol_40     the same Savitzky-Golay filter for h_freq 40 (window 1001) computed with a
                well-conditioned least squares (abscissae scaled to [-1, 1]). scipy 1.17.1's
                savgol_coeffs(1001, 5) is wrong (the coefficients sum to 3.5e-10, not 1), so
                hnn-core's own savgol_filter(40) returns ~1e-9 in the interior; see the notes.
  smooth_20     Dipole.smooth(20)
"""
import os
import warnings

warnings.filterwarnings("ignore")
import numpy as np
from hnn_core.dipole import Dipole

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "analysis")
n = 4001
times = np.arange(n) * 0.025
k = np.arange(n)
ts = times / 1000.0
agg = np.sin(2 * np.pi * 10 * ts) + 0.3 * np.sin(2 * np.pi * 55 * ts) + 0.001 * k
cols = {}
d = Dipole(times, np.c_[agg, agg / 2, agg / 2])
d.savgol_filter(1000.0)
cols["savgol_1000"] = d.data["agg"]


def savgol_scaled(x, window, order):
    half = window // 2
    s = np.arange(-half, half + 1) / half
    A = np.vander(s, order + 1, increasing=True)
    kernel = np.linalg.pinv(A)[0]
    y = np.convolve(x, kernel[::-1], "same")
    t = (np.arange(window) - (window - 1) / 2) / half
    B = np.vander(t, order + 1, increasing=True)
    first = np.linalg.lstsq(B, x[:window], rcond=None)[0]
    last = np.linalg.lstsq(B, x[-window:], rcond=None)[0]
    y[:half] = np.vander(t[:half], order + 1, increasing=True) @ first
    y[-half:] = np.vander(t[-half:], order + 1, increasing=True) @ last
    return y


cols["savgol_40"] = savgol_scaled(agg, 1001, 5)
d = Dipole(times, np.c_[agg, agg / 2, agg / 2])
d.smooth(20)
cols["smooth_20"] = d.data["agg"]
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "postproc.txt"), "w") as f:
    f.write("# " + "\t".join(cols) + "\n")
    for i in range(n):
        f.write("\t".join("%.17g" % cols[c][i] for c in cols) + "\n")
print("wrote", os.path.join(OUT, "postproc.txt"))

# PSD as hnn-core's plot_psd computes it (all samples with t < tmax = the last time)
from scipy.signal import periodogram
mask = times < times[-1]
f, p = periodogram(agg[mask], 40000.0, window="hamming", nfft=int(mask.sum()))
with open(os.path.join(OUT, "psd.txt"), "w") as fh:
    fh.write("# freq\tpsd\n")
    for a, b in zip(f, p):
        fh.write("%.17g\t%.17g\n" % (a, b))
print("wrote", os.path.join(OUT, "psd.txt"))

# Morlet power as hnn-core's plot_tfr_morlet computes it (padding='zeros', tmax = last time)
from mne.time_frequency import tfr_array_morlet
import mne
freqs = np.array([40.0, 55.0, 70.0, 90.0])
data = agg[mask]
nt = len(data)
padded = np.r_[np.zeros(nt - 1), data, np.zeros(nt - 1)]
power = tfr_array_morlet(padded[None, None, :], sfreq=40000.0, freqs=freqs, n_cycles=4.0, output="power")
power = power[0, 0, :, nt - 1: 2 * nt - 1]
with open(os.path.join(OUT, "tfr.txt"), "w") as fh:
    fh.write("# mne %s; freqs %s; n_cycles 4; rows: time index; columns: freqs\n" % (mne.__version__, list(freqs)))
    for i in range(0, nt, 8):
        fh.write(str(i) + "\t" + "\t".join("%.17g" % power[j, i] for j in range(len(freqs))) + "\n")
print("wrote", os.path.join(OUT, "tfr.txt"))

# Spike histograms as hnn-core's plot_spikes_hist draws them, read back from the bars it
# draws (left edges and heights; the right end is the x limit it sets), with the legend's
# labels and the bar colours (left edges exact; the last edge exact when hnn-core sets the
# x limit to it, else x + width of the last bar, within an ulp). Input: the erp network fixture's spikes (both trials), typed by
# its gid ranges, on a 6801-sample time axis (k * 0.025 ms).
import json
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb
from hnn_core.cell_response import CellResponse

NET = os.path.join(os.path.dirname(OUT), "networks")
with open(os.path.join(NET, "erp.json")) as fh:
    gid_ranges = json.load(fh)["gid_ranges"]


def gid_type(g):
    return next(n for n, (a, b) in gid_ranges.items() if a <= g < b)


sp_t, sp_g, sp_ty = [], [], []
for trial in (0, 1):
    arr = np.loadtxt(os.path.join(NET, "erp_spikes_trial%d.txt" % trial), ndmin=2)
    sp_t.append([float(t) for t in arr[:, 0]])
    sp_g.append([int(g) for g in arr[:, 1]])
    sp_ty.append([gid_type(int(g)) for g in arr[:, 1]])
cell_types = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"]
sim_times = list(np.arange(6801) * 0.025)
cases = [
    ("default", {}, True),
    ("groups_list", {"spike_types": ["evprox", "evdist"]}, True),
    ("groups_dict", {"spike_types": {"Evoked": ["evdist", "evprox"], "L5": ["L5_"]}}, True),
    ("one_string_trial1", {"spike_types": "evprox", "trial_idx": 1}, True),
    ("cells_colors", {"spike_types": ["L2_", "L5_"], "color": ["C3", "k"]}, True),
    ("no_times", {"trial_idx": [1]}, False),
]
out_cases = []
for name, kw, with_times in cases:
    cr = CellResponse(cell_types, [list(t) for t in sp_t], [list(g) for g in sp_g],
                      [list(y) for y in sp_ty], times=sim_times if with_times else None)
    fig = cr.plot_spikes_hist(show=False, **kw)
    ax = fig.axes[0]
    hists = []
    edges = None
    labels = ax.get_legend_handles_labels()[1]
    assert len(labels) == len(ax.containers)
    for h, lab in zip(ax.containers, labels):
        left = [p.get_x() for p in h.patches]
        last = h.patches[-1]
        # with times hnn-core sets the x limit to the last edge; without, x + width of the
        # last bar is the last edge up to an ulp
        right = ax.get_xlim()[1] if with_times else last.get_x() + last.get_width()
        e = left + [right]
        assert edges is None or edges == e
        edges = e
        rgb = to_rgb(h.patches[0].get_facecolor())
        hists.append({"label": lab, "color": [int(round(c * 255)) for c in rgb],
                      "counts": [int(p.get_height()) for p in h.patches]})
    plt.close(fig)
    out_cases.append({"name": name, "kwargs": kw, "with_times": with_times,
                      "edges": edges, "hists": hists})
with open(os.path.join(OUT, "spikes_hist.json"), "w") as fh:
    json.dump({"input": "networks/erp_spikes_trial{0,1}.txt typed by erp.json gid_ranges; "
                        "times k * 0.025 ms, k < 6801 (absent in no_times)",
               "cases": out_cases}, fh, indent=1)
print("wrote", os.path.join(OUT, "spikes_hist.json"))
