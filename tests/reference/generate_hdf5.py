"""Write HDF5 dipole files with hnn-core 0.6.1 for tests/hdf5_files.rs (run by hand, never
by CI):

    python tests/reference/generate_hdf5.py        # -> tests/fixtures/files/

  erp_dpl_0.hdf5   read_dipole('erp_dpl_0.txt').write('erp_dpl_0.hdf5'): the same numbers
                   as the text fixture, bit for bit (both sides parse the text exactly)
  tiny_dpl.hdf5    a synthetic 5-sample Dipole (agg, L2, L5): the seed the HDF5 dipole
                   reader's fuzz test (tests/fuzz_readers.rs) mutates
  erp_avg.hdf5     average_dipoles of erp_dpl_0/1.txt, then .scale(3000): nave 2, an
                   integer scale_applied (h5io stores it as 'int'), agg/L2/L5

hnn-core's Dipole.write('x.hdf5') stores a dict with h5io.write_hdf5 (group /h5io, members
key_<name>, a TITLE attribute naming each Python type).
"""
import os
import warnings

warnings.filterwarnings("ignore")
from hnn_core import read_dipole
import numpy as np
from hnn_core.dipole import Dipole, average_dipoles

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "files")

d0 = read_dipole(os.path.join(OUT, "erp_dpl_0.txt"))
d1 = read_dipole(os.path.join(OUT, "erp_dpl_1.txt"))
d0.write(os.path.join(OUT, "erp_dpl_0.hdf5"))
avg = average_dipoles([d0, d1])
avg.scale(3000)
avg.write(os.path.join(OUT, "erp_avg.hdf5"))
print("erp_avg: nave", avg.nave, "scale_applied", repr(avg.scale_applied),
      "agg[100] =", repr(avg.data["agg"][100]))

t = np.arange(5) * 0.025
Dipole(t, np.c_[t * 3.0 - 0.5, t * 1.0, t * 2.0 - 0.5]).write(os.path.join(OUT, "tiny_dpl.hdf5"))
