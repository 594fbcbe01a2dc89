"""scipy's `signal.decimate` (what hnn-core's plots do with `decim=`), for tests/decimate.rs.

Run by hand: /path/to/venv/bin/python tests/reference/generate_decimate.py
Writes tests/fixtures/analysis/decimate.json: an input signal (2001 samples: two sines and
RandomState(0) noise) and its decimation by 3, by 13, and by [5, 4] in turn (hnn-core's
`_decimate_plot_data`), full precision, plus the filter coefficients for q = 4.
"""
import json
from pathlib import Path

import numpy as np
import scipy
from scipy.signal import cheby1, decimate

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "decimate.json"
t = np.arange(2001) * 0.025
x = np.sin(2 * np.pi * 0.01 * t * 40) + 0.3 * np.sin(2 * np.pi * t * 0.9) \
    + 0.2 * np.random.RandomState(0).randn(t.size)
chain = x
for q in (5, 4):
    chain = decimate(chain, q)
b, a = cheby1(8, 0.05, 0.8 / 4)
OUT.write_text(json.dumps({
    "scipy": scipy.__version__,
    "x": x.tolist(),
    "q3": decimate(x, 3).tolist(),
    "q13": decimate(x, 13).tolist(),
    "q5_4": chain.tolist(),
    "b4": b.tolist(),
    "a4": a.tolist(),
}))
