"""Generate the random-number parity fixture for hnn::rng.

Run by hand, never by CI (any numpy 2.x; the committed file was made with numpy 2.4.6):

    python tests/reference/generate_rng.py        # writes tests/fixtures/rng/golden.json

Streams recorded:

* legacy ``np.random.RandomState(seed)`` (MT19937): raw 32-bit words (including the
  stretches around the first two state regenerations at words 624 and 1248),
  ``random_sample``, ``standard_normal``, ``normal``, ``exponential``, ``uniform`` and an
  interleaved sequence of scalar calls in the order hnn-core's drives make them;
* ``np.random.default_rng(seed)`` (SeedSequence + PCG64): the seed-sequence pool and
  state, raw 64-bit outputs, ``random()``, bounded ``integers`` (32- and 64-bit paths,
  with the half-word buffer shared between calls), and
  ``choice(range(n), k, replace=False)`` for cases on both sides of numpy's algorithm
  switch, followed by a few further draws to check the generator state afterwards.

Floats are written with Python's ``repr`` (shortest round-trip form), integers exactly.
The script also asserts that ``choice(range(n), k, replace=False)`` and
``choice(n, k, replace=False)`` return the same indices for every case.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "rng", "golden.json")

LEGACY_SEEDS = [0, 1, 2, 274, 544, 814, 12345, 2**31, 2**32 - 1]
LONG_NORMAL_SEEDS = [0, 274, 2**32 - 1]
PCG_SEEDS = [0, 1, 2, 274, 12345, 2**32 - 1, 2**32, 2**40 + 7, 2**63, 2**64 - 1]

# (seed, n, k): numpy uses the tail-shuffle algorithm iff n > 10000 and k > n // 50,
# Floyd's algorithm + shuffle otherwise.
CHOICE_CASES = [
    (0, 10000, 5000),      # Floyd (n not > 10000)
    (0, 10001, 5000),      # tail shuffle
    (1, 10000, 50),        # Floyd
    (2, 20000, 400),       # Floyd (k == n // 50)
    (2, 20000, 401),       # tail shuffle (k == n // 50 + 1)
    (274, 3500, 1750),     # Floyd; hnn-core style: round(35 * 100 * 0.5)
    (544, 3500, 350),
    (3, 100, 99),
    (4, 7, 3),
    (5, 10, 0),
    (6, 10, 10),
    (7, 0, 0),
    (8, 1, 1),
    (9, 12000, 12000),     # tail shuffle over the whole array (first index 1)
    (10, 30000, 20000),    # tail shuffle
    (11, 100000, 1000),    # Floyd with a large population
    (2**32 - 1, 1000, 300),
    (2**32, 1000, 300),
    (2**64 - 1, 20000, 10000),
]


def floats(values):
    return [float(v) for v in values]


def legacy_case(seed):
    rs = np.random.RandomState(seed)
    raw = rs.randint(0, 2**32, size=1260, dtype=np.uint32)
    # randint over the full uint32 range returns the raw words; cross-check with the
    # bit generator's raw output.
    raw_bg = np.random.MT19937()
    raw_bg._legacy_seeding(seed)
    assert np.array_equal(raw, raw_bg.random_raw(1260).astype(np.uint32))
    raw = [int(v) for v in raw]

    case = {"seed": seed}
    case["raw_u32_head"] = raw[:20]
    case["raw_u32_620"] = raw[620:640]
    case["raw_u32_1240"] = raw[1240:1260]
    case["random_sample"] = floats(np.random.RandomState(seed).random_sample(10))
    case["standard_normal"] = floats(np.random.RandomState(seed).standard_normal(15))
    if seed in LONG_NORMAL_SEEDS:
        # ~2000 words: crosses state regenerations with a Box-Muller pair pending.
        case["standard_normal_long"] = floats(np.random.RandomState(seed).standard_normal(801))
    case["normal_63_53_3_85"] = floats(np.random.RandomState(seed).normal(63.53, 3.85, 10))
    case["exponential_100"] = floats(np.random.RandomState(seed).exponential(1000 / 10, 10))
    case["uniform_m2_5"] = floats(np.random.RandomState(seed).uniform(-2.0, 5.0, 10))

    # Interleaved scalar calls; the cached Box-Muller deviate must survive the
    # exponential/uniform draws in between. scale=0 still consumes a deviate.
    rs = np.random.RandomState(seed)
    ops = []
    for i in range(12):
        kind = ["normal", "exponential", "normal", "uniform", "normal0"][i % 5]
        if kind == "normal":
            ops.append(["normal", float(rs.normal(63.53, 3.85))])
        elif kind == "normal0":
            ops.append(["normal0", float(rs.normal(17.0, 0.0))])
        elif kind == "exponential":
            ops.append(["exponential", float(rs.exponential(1.0 / 10.0) * 1000.0)])
        else:
            ops.append(["uniform", float(rs.uniform(0.0, 1.0))])
    case["interleaved"] = ops
    return case


def pcg_case(seed):
    case = {"seed": seed}
    ss = np.random.SeedSequence(seed)
    case["pool"] = [int(v) for v in ss.pool]
    case["state_u64"] = [int(v) for v in ss.generate_state(4, np.uint64)]
    case["raw_u64"] = [int(v) for v in np.random.default_rng(seed).bit_generator.random_raw(10)]
    case["random"] = floats(np.random.default_rng(seed).random(10))

    rng = np.random.default_rng(seed)
    ints = []
    # (low, high): 32-bit Lemire path, full 32-bit word path, 64-bit Lemire path,
    # empty range (no draw), negative offsets; a random() in between must not disturb
    # the buffered half word.
    for low, high in [(0, 10), (0, 2**32), (0, 2**40), (5, 6), (-5, 5), (0, 1000),
                      (-(2**62), 2**62), (0, 3), (0, 2**33 + 1), (0, 7)]:
        ints.append([low, high, int(rng.integers(low, high))])
    ints.append(["random", float(rng.random())])
    for low, high in [(0, 100), (0, 100), (0, 100)]:
        ints.append([low, high, int(rng.integers(low, high))])
    case["integers"] = ints
    return case


def choice_case(seed, n, k):
    by_range = np.random.default_rng(seed)
    got = by_range.choice(range(n), k, replace=False)
    by_int = np.random.default_rng(seed)
    got_int = by_int.choice(n, k, replace=False)
    assert np.array_equal(got, got_int), (seed, n, k)
    after = [int(v) for v in by_range.integers(0, 1000, size=3)]
    after_int = [int(v) for v in by_int.integers(0, 1000, size=3)]
    assert after == after_int
    branch = "tail_shuffle" if (n > 10000 and k > n // 50) else "floyd"
    return {
        "seed": seed,
        "n": n,
        "k": k,
        "branch": branch,
        "choice": [int(v) for v in got],
        "after_integers_0_1000": after,
        "after_random": float(by_range.random()),
    }


def main():
    data = {
        "numpy_version": np.__version__,
        "range_equals_int": True,  # asserted for every choice case below
        "legacy": [legacy_case(s) for s in LEGACY_SEEDS],
        "pcg64": [pcg_case(s) for s in PCG_SEEDS],
        "choice": [choice_case(*c) for c in CHOICE_CASES],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} (numpy {np.__version__})")


if __name__ == "__main__":
    main()
