"""Check by hand that hnn-core 0.6.1 reads the network files hnn-rs writes.

    hnn -e 'let n = jones_2009_model(); add_erp_drives_to_jones_model(n); n.write_configuration("/tmp/ours_erp.json");'
    /path/to/venv/bin/python tests/reference/check_hnn_core_reads_ours.py /tmp/ours_erp.json

Prints whether hnn-core's Network built from our file equals jones_2009_model() with its ERP
drives, and the largest dipole difference of a 170 ms simulation of both.
"""
import sys

import numpy as np
from hnn_core import jones_2009_model, read_network_configuration, simulate_dipole
from hnn_core.network_models import add_erp_drives_to_jones_model

ours = read_network_configuration(sys.argv[1])
ref = jones_2009_model()
add_erp_drives_to_jones_model(ref)
print("network equal:", ours == ref)
a = simulate_dipole(ours, tstop=170.0, verbose=False)[0].data["agg"]
b = simulate_dipole(ref, tstop=170.0, verbose=False)[0].data["agg"]
print("max |dipole difference| [nAm]:", float(np.max(np.abs(a - b))))
