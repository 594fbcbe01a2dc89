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
