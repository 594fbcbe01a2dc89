"""Text writers shared by the fixture generators (no NEURON or hnn-core state touched).

Traces keep every EVERY-th sample and the last one; numbers are written with 12
significant digits (`write_cols`) or in full (`write_rows` with repr strings).
"""

import numpy as np

EVERY = 4


def kept_samples(n, every=EVERY):
    """Indices of the samples a fixture keeps: every `every`-th, and the last one."""
    keep = list(range(0, n, every))
    if keep[-1] != n - 1:
        keep.append(n - 1)
    return keep


def write_cols(path, header, cols):
    """One row per kept sample: the sample index, then the columns."""
    arr = np.column_stack(cols)
    with open(path, "w") as f:
        f.write("# k\t" + "\t".join(header) + "\n")
        for k in kept_samples(len(arr)):
            f.write(str(k) + "\t" + "\t".join("%.12g" % float(x) for x in arr[k]) + "\n")


def write_rows(path, header, rows):
    """A `# header` line, then one tab-separated line per row of strings."""
    with open(path, "w") as f:
        f.write("# " + "\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
