"""Execute a notebook on the `hnn` kernel with nbclient (headless, as CI and
`jupyter nbconvert --execute` do) and check that it ran without errors and drew figures.

    python tests/kernel/run_notebook.py IN.ipynb OUT.ipynb [MIN_FIGURES]

OUT may be IN itself: that is how docs/notebooks/*.ipynb get their stored outputs.
"""

import sys
import time

import nbformat
from nbclient import NotebookClient


def main():
    src, dst = sys.argv[1], sys.argv[2]
    min_figures = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    nb = nbformat.read(src, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "hnn", nb.metadata
    t0 = time.time()
    NotebookClient(nb, kernel_name="hnn", timeout=600).execute()
    took = time.time() - t0
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, cell.source
        for out in cell.outputs:
            assert out.output_type != "error", (cell.source, out)
            if "image/png" in out.get("data", {}):
                figures += 1
    assert figures >= min_figures, f"{figures} figures, expected at least {min_figures}"
    nbformat.validate(nb)
    nbformat.write(nb, dst)
    print(f"{src}: {len(nb.cells)} cells executed in {took:.1f} s, {figures} figures -> {dst}")


if __name__ == "__main__":
    main()
