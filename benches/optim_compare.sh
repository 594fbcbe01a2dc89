#!/usr/bin/env bash
# Whole fits of hnn-core's optimize_evoked tutorial problem, hnn-rs next to hnn-core, in one
# run on one machine (issue #11's speed bar).
#
#   PYTHON=/path/to/venv/bin/python benches/optim_compare.sh            # all three solvers
#   SOLVERS="cma" PYTHON=... benches/optim_compare.sh                   # one of them
#   COMPAT=hnn-core-0.6.1 SOLVERS=bayesian PYTHON=... benches/optim_compare.sh
#       # ours runs hnn-core's own Bayesian loop with the fixture's seed (BAYES_SEED, 0)
#
# The problem: evprox2 mu, sigma and L5 AMPA weight; target yes_trial_S1; full network;
# 1 trial; scale 3000; smooth 30; max_iter 50 (CMA: popsize 10 x 5 generations, the same 50
# simulations). Ours runs scripts/optimize_evoked.rhai, which also simulates the initial and
# the optimised network and draws the figures (2 simulations more than the fit: the ratio is
# conservative). hnn-core runs tests/reference/generate_optim.py (the fit alone), its CMA
# generations with N_JOBS processes (default 2, its best on this machine). PYTHON must have
# hnn-core 0.6.1, scikit-learn and cma. Prints one line per solver and side: wall seconds, CPU
# seconds (user + system), peak RSS in MB and the best RMSE.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
SOLVERS=${SOLVERS:-"cobyla bayesian cma"}
THREADS=${THREADS:-2}
export N_JOBS=${N_JOBS:-2}
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_core=0
"$PY" -c "import hnn_core, neuron, sklearn, cma" 2>/dev/null && have_core=1 ||
    echo "($PY lacks hnn-core, scikit-learn or cma: only our side runs)" >&2
printf '%-9s %-8s %9s %9s %8s %9s\n' solver side wall_s cpu_s rss_MB best_rmse
for s in $SOLVERS; do
    extra=()
    if [ "$s" = cma ]; then extra=(-D MAX_ITER=5 -D POPSIZE=10); fi
    if [ -n "${COMPAT:-}" ]; then extra+=(-D COMPAT="$COMPAT"); fi
    if [ -n "${COMPAT:-}" ] && [ "$s" = bayesian ]; then extra+=(-D SEED="${BAYES_SEED:-0}"); fi
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" target/release/hnn --threads "$THREADS" run \
        scripts/optimize_evoked.rhai -D SOLVER="$s" -D N_TRIALS=1 -D OUT="$tmp" \
        "${extra[@]}" >"$tmp/ours.log"
    best=$(sed -n 's/^best RMSE \([0-9.]*\).*/\1/p' "$tmp/ours.log")
    read -r wall user sys rss <"$tmp/time"
    printf '%-9s %-8s %9.1f %9.1f %8.0f %9.4f\n' "$s" hnn-rs "$wall" "$(echo "$user + $sys" | bc)" \
        "$(echo "$rss / 1024" | bc)" "$best"
    if [ $have_core = 1 ]; then
        OPTIM_OUT="$tmp" /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
            "$PY" tests/reference/generate_optim.py tutorial "$s" >/dev/null
        best=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['best_obj'])" \
            "$tmp/tutorial_$s.json")
        read -r wall user sys rss <"$tmp/time"
        printf '%-9s %-8s %9.1f %9.1f %8.0f %9.4f\n' "$s" hnn-core "$wall" \
            "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)" "$best"
    fi
done
