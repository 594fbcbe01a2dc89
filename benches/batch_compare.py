"""Batch throughput: hnn-core's BatchSimulate (n_jobs=2) against hnn's batch API, the same
sweep in one run, on this machine. Run by hand (results go in docs/performance.md):

    cargo build --release
    python benches/batch_compare.py [--hnn-a 4] [--ours-a 40] [--hnn-b 8] [--ours-b 1000]

(a) the ERP network (full jones_2009_model + add_erp_drives_to_jones_model), dt 0.025 ms,
    tstop 170 ms, sweeping the evprox1 AMPA weight onto L5 pyramidal cells;
(b) the SBI setting (Tolley et al. 2024): full network + ERP drives, dt 0.5 ms, tstop 250,
    four local connection weights 10^U(-5, 1) (pick_connection + nc_dict['A_weight']), the
    'agg' dipole smoothed with 20 ms as the feature; hnn (benches/batch_sbi.rhai) streams x.npy.

Both sides draw θ from numpy's legacy RandomState(0).random_sample (hnn's prior uses a
bit-exact port), so the rows are the same simulations. Peak memory of hnn's run at several N
is read from /usr/bin/time -v. Prints one line per measurement and the load average.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
HNN = os.path.join(ROOT, "target", "release", "hnn")
NAMES = ["L2_basket_L5_pyr", "L5_basket_L5_pyr", "L2_pyr_L5_pyr", "L5_pyr_L5_pyr"]
PICKS = [("L2_basket", "L5_pyramidal", "distal", "gabaa"), ("L5_basket", "L5_pyramidal", "soma", "gabaa"),
         ("L2_pyramidal", "L5_pyramidal", "distal", "ampa"), ("L5_pyramidal", "L5_pyramidal", "proximal", "ampa")]


def theta(n, seed=0):
    u = np.random.RandomState(seed).random_sample((n, 4))
    return 10 ** (-5 + u * 6)


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def hnn_core_a(n):
    from hnn_core import jones_2009_model
    from hnn_core.batch_simulate import BatchSimulate
    from hnn_core.network_models import add_erp_drives_to_jones_model
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)

    def set_params(p, net):  # hnn-core 0.6.1 argument order
        for c in net.connectivity:
            if c["src_type"] == "evprox1" and c["target_type"] == "L5_pyramidal" and c["receptor"] == "ampa":
                c["nc_dict"]["A_weight"] = p["w"]

    b = BatchSimulate(set_params=set_params, net=net, tstop=170.0, dt=0.025, save_outputs=False)
    t = time.time()
    b.run({"w": list(np.linspace(0.5e-3, 2e-3, n))}, n_jobs=2, combinations=False, verbose=False)
    return time.time() - t


def hnn_core_b(n):
    from hnn_core import jones_2009_model, pick_connection
    from hnn_core.batch_simulate import BatchSimulate
    from hnn_core.network_models import add_erp_drives_to_jones_model
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)

    def set_params(p, net):
        for name, (s, tg, loc, rec) in zip(NAMES, PICKS):
            for i in pick_connection(net, src_gids=s, target_gids=tg, loc=loc, receptor=rec):
                net.connectivity[i]["nc_dict"]["A_weight"] = p[name]

    def summary(results):
        return [r["dpl"][0].copy().smooth(20).data["agg"].astype(np.float32) for r in results]

    th = theta(n)
    b = BatchSimulate(set_params=set_params, net=net, tstop=250.0, dt=0.5, save_outputs=False,
                      summary_func=summary, clear_cache=True)
    t = time.time()
    b.run({k: list(th[:, i]) for i, k in enumerate(NAMES)}, n_jobs=2, combinations=False, verbose=False)
    return time.time() - t


def ours(script, consts, out):
    args = ["/usr/bin/time", "-v", HNN, "run", os.path.join(ROOT, "benches", script)]
    for k, v in consts.items():
        args += ["-D", f"{k}={v}"]
    args += ["-D", f"OUT={out}"]
    t = time.time()
    r = subprocess.run(args, capture_output=True, text=True)
    wall = time.time() - t
    if r.returncode != 0:
        sys.exit(r.stderr)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return wall, rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hnn-a", type=int, default=4)
    ap.add_argument("--ours-a", type=int, default=40)
    ap.add_argument("--hnn-b", type=int, default=8)
    ap.add_argument("--ours-b", type=int, default=1000)
    ap.add_argument("--mem-n", default="100,300,1000")
    ap.add_argument("--skip-hnn-core", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hnn_bench_")
    print(f"cores {os.cpu_count()}, load average at start {load()}")
    res = {}
    # a count of 0 skips that side of that case (e.g. --hnn-b 0 --ours-b 0: (a) only)
    if not a.skip_hnn_core and a.hnn_a > 0:
        s = hnn_core_a(a.hnn_a)
        res["hnn-core a"] = a.hnn_a / s * 3600
        print(f"(a) hnn-core BatchSimulate n_jobs=2: {a.hnn_a} sims in {s:.1f} s -> {res['hnn-core a']:.0f} sims/h (load {load()})")
    if a.ours_a > 0:
        w, m = ours("batch_erp.rhai", {"N": a.ours_a}, f"{tmp}/a")
        res["ours a"] = a.ours_a / w * 3600
        print(f"(a) hnn BatchSimulate n_jobs=2: {a.ours_a} sims in {w:.1f} s -> {res['ours a']:.0f} sims/h, peak RSS {m:.0f} MB (load {load()})")
    if not a.skip_hnn_core and a.hnn_b > 0:
        s = hnn_core_b(a.hnn_b)
        res["hnn-core b"] = a.hnn_b / s * 3600
        print(f"(b) hnn-core BatchSimulate n_jobs=2: {a.hnn_b} sims in {s:.1f} s -> {res['hnn-core b']:.0f} sims/h (load {load()})")
    if a.ours_b > 0:
        w, m = ours("batch_sbi.rhai", {"N": a.ours_b}, f"{tmp}/b")
        res["ours b"] = a.ours_b / w * 3600
        print(f"(b) hnn simulate_batch n_jobs=2: {a.ours_b} sims in {w:.1f} s -> {res['ours b']:.0f} sims/h, "
              f"100,000 sims in {100000 / res['ours b']:.2f} h, peak RSS {m:.0f} MB (load {load()})")
    for n in [int(x) for x in a.mem_n.split(",") if x]:
        w, m = ours("batch_sbi.rhai", {"N": n}, f"{tmp}/m{n}")
        print(f"(b) memory: N = {n}: peak RSS {m:.0f} MB, {w:.1f} s (load {load()})")
    for case in "ab":
        if f"hnn-core {case}" in res and f"ours {case}" in res:
            print(f"ratio ({case}): {res[f'ours {case}'] / res[f'hnn-core {case}']:.1f}x")


if __name__ == "__main__":
    main()
