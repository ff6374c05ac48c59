"""First call in a fresh process: what a user waits for before any result.

Each timed call runs in its own fresh Python process, on small data (1,000
rows x 10 features, binary 9:1, ``make_classification(random_state=0)``). The
process imports the library (timed separately: the check column gives the
median import time of each side), builds the data, then times the one call:
``fit_resample`` of SMOTE, BorderlineSMOTE, ADASYN and GaussianOverSampler,
``per_class_report`` on predicted labels, and ``fit`` + ``predict`` of
ThresholdCalibrator around a LogisticRegression. Peers run the same way in
their own fresh processes: imbalanced-learn's SMOTE, BorderlineSMOTE and
ADASYN, its RandomOverSampler with ``shrinkage=1.0`` (a smoothed bootstrap,
the closest it has to a Gaussian oversampler), scikit-learn's
``classification_report`` and TunedThresholdClassifierCV.

Two rows per call:

``empty cache``
    ``SKCLASSGAP_CACHE_DIR`` points at a new empty directory for every run, so
    any numba kernel the call needs is compiled during the call.
``warm cache``
    One untimed run fills a cache directory first; every timed run reuses it
    (kernels are loaded from disk, not compiled).

Peers have no compiled cache; their two rows differ only by noise. Three
runs per row (five with ``--full``), medians reported: about 80 fresh
processes, a few minutes (each process imports scikit-learn); so this module
runs only when named: ``python -m benchmarks --only first_call``.

``python -m benchmarks.bench_first_call --threshold`` prints the study behind
``KERNEL_MIN_ROWS["labels"]`` (the size below which the metrics count with NumPy and
never call a kernel): per-call time of ``macro_f1_score`` on the NumPy path
and on the kernel path at several sizes, and the one-time cost of the first
kernel call in a fresh process (compiled, or loaded from a warm cache).
"""

import argparse
import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap

from benchmarks._harness import Case

# Not in ``python -m benchmarks``'s default set (minutes of fresh processes):
# run it with ``--only first_call``.
IN_DEFAULT_SET = False

_DATA = """
    from sklearn.datasets import make_classification
    import numpy as np

    X, y = make_classification(
        n_samples=1000, n_features=10, weights=[0.9], random_state=0
    )
    rng = np.random.default_rng(0)
    y_pred = np.where(rng.random(len(y)) < 0.8, y, 1 - y)
"""

# name -> (our import, our call, peer name, peer import, peer call)
TASKS = {
    "SMOTE": (
        "from skclassgap.over_sampling import SMOTE",
        "SMOTE(random_state=0).fit_resample(X, y)",
        "imblearn SMOTE",
        "from imblearn.over_sampling import SMOTE",
        "SMOTE(random_state=0).fit_resample(X, y)",
    ),
    "BorderlineSMOTE": (
        "from skclassgap.over_sampling import BorderlineSMOTE",
        "BorderlineSMOTE(random_state=0).fit_resample(X, y)",
        "imblearn BorderlineSMOTE",
        "from imblearn.over_sampling import BorderlineSMOTE",
        "BorderlineSMOTE(random_state=0).fit_resample(X, y)",
    ),
    "ADASYN": (
        "from skclassgap.over_sampling import ADASYN",
        "ADASYN(random_state=0).fit_resample(X, y)",
        "imblearn ADASYN",
        "from imblearn.over_sampling import ADASYN",
        "ADASYN(random_state=0).fit_resample(X, y)",
    ),
    "GaussianOverSampler": (
        "from skclassgap.over_sampling import GaussianOverSampler",
        "GaussianOverSampler(random_state=0).fit_resample(X, y)",
        "imblearn RandomOverSampler(shrinkage=1)",
        "from imblearn.over_sampling import RandomOverSampler",
        "RandomOverSampler(shrinkage=1.0, random_state=0).fit_resample(X, y)",
    ),
    "per_class_report": (
        "from skclassgap.metrics import per_class_report",
        "per_class_report(y, y_pred)",
        "sklearn classification_report",
        "from sklearn.metrics import classification_report",
        "classification_report(y, y_pred, output_dict=True)",
    ),
    "ThresholdCalibrator": (
        "from sklearn.linear_model import LogisticRegression\n"
        "from skclassgap.threshold import ThresholdCalibrator",
        "ThresholdCalibrator(LogisticRegression(), objective='balanced_accuracy',"
        " random_state=0).fit(X, y).predict(X)",
        "sklearn TunedThresholdClassifierCV",
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.model_selection import TunedThresholdClassifierCV",
        "TunedThresholdClassifierCV(LogisticRegression(),"
        " scoring='balanced_accuracy', random_state=0).fit(X, y).predict(X)",
    ),
}


def _script(imports, call):
    """Source of a child process: timed import, untimed data, timed call."""
    body = "\n".join(
        [
            "import json, time",
            "start = time.perf_counter()",
            imports,
            "import_s = time.perf_counter() - start",
            textwrap.dedent(_DATA),
            "start = time.perf_counter()",
            call,
            "seconds = time.perf_counter() - start",
            "print(json.dumps({'seconds': seconds, 'import_s': import_s}))",
        ]
    )
    return body


def run_fresh(code, cache_dir=None):
    """Run ``code`` in a fresh interpreter; return the JSON of its last line."""
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    made = cache_dir is None
    cache_dir = tempfile.mkdtemp(prefix="skcg-cache-") if made else cache_dir
    env["SKCLASSGAP_CACHE_DIR"] = cache_dir
    env["SKCLASSGAP_NUMBA_CACHE"] = "1"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    finally:
        if made:
            shutil.rmtree(cache_dir, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


class _WarmCache:
    """A cache directory filled by one untimed run, on first use."""

    def __init__(self, code):
        self.code = code
        self.path = None

    def __call__(self):
        if self.path is None:
            self.path = tempfile.mkdtemp(prefix="skcg-warm-")
            atexit.register(shutil.rmtree, self.path, True)
            run_fresh(self.code, self.path)
        return run_fresh(self.code, self.path)


def _imports(ours, peer):
    median = statistics.median
    return (
        f"import {median(r['import_s'] for r in ours):.2f} s / "
        f"{median(r['import_s'] for r in peer):.2f} s"
    )


def cases(full=False):
    repeats = 5 if full else 3
    out = []
    for name, (imports, call, peer_name, peer_imports, peer_call) in TASKS.items():
        ours_code = _script(imports, call)
        peer_code = _script(peer_imports, peer_call)
        warm = _WarmCache(ours_code)
        for label, ours in (
            ("empty cache", lambda code=ours_code: run_fresh(code)),
            ("warm cache", warm),
        ):
            out.append(
                Case(
                    "first call",
                    f"{name} 1000x10, {label}",
                    ours,
                    lambda code=peer_code: run_fresh(code),
                    peer_name,
                    _imports,
                    repeats,
                    memory=False,
                    self_timed=True,
                )
            )
    return out


# --- the study behind KERNEL_MIN_ROWS ---

_FIRST_KERNEL = """
import json, time
import numpy as np
from skclassgap.metrics import macro_f1_score
from skclassgap._kernels._config import KERNEL_MIN_ROWS

KERNEL_MIN_ROWS["labels"] = 0  # force the kernels
rng = np.random.default_rng(0)
y_true = rng.integers(0, 10, 1000)
y_pred = rng.integers(0, 10, 1000)
start = time.perf_counter()
macro_f1_score(y_true, y_pred)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


_PER_CALL = """
import json, statistics, sys, time
import numpy as np
from skclassgap.metrics import macro_f1_score
from skclassgap._kernels._config import KERNEL_MIN_ROWS

rng = np.random.default_rng(0)
rows = []
for n in json.loads(sys.argv[1]):
    y_true = rng.integers(0, 10, n)
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, 10, n))
    row = [n]
    for threshold in (10**12, 0):  # NumPy path, kernel path
        KERNEL_MIN_ROWS["labels"] = threshold
        macro_f1_score(y_true, y_pred)
        times = []
        for _ in range(15):
            start = time.perf_counter()
            macro_f1_score(y_true, y_pred)
            times.append(time.perf_counter() - start)
        row.append(statistics.median(times))
    rows.append(row)
print(json.dumps({"rows": rows}))
"""


def threshold_table(sizes=(10**3, 10**4, 3 * 10**4, 10**5, 3 * 10**5, 10**6)):
    """Markdown table: NumPy path vs kernel path per call, and kernel start-up.

    Everything runs in fresh child processes, so that the allocator settings
    of this benchmark process (see ``benchmarks._harness``) do not distort the
    NumPy path's temporaries.
    """
    warm = _WarmCache(_FIRST_KERNEL)
    warm()  # fills the cache the per-call timings load from
    env_code = _PER_CALL.replace("sys.argv[1]", repr(json.dumps(list(sizes))))
    rows = run_fresh(env_code, warm.path)["rows"]
    lines = [
        "| rows | NumPy path (ms) | kernel path (ms) | NumPy - kernel (ms) |",
        "|---:|---:|---:|---:|",
    ]
    for n, numpy_s, kernel_s in rows:
        lines.append(
            f"| {n:,} | {numpy_s * 1e3:.2f} | {kernel_s * 1e3:.2f} | "
            f"{(numpy_s - kernel_s) * 1e3:.2f} |"
        )
    empty = [run_fresh(_FIRST_KERNEL)["seconds"] for _ in range(3)]
    loaded = [warm()["seconds"] for _ in range(3)]
    lines += [
        "",
        "First macro_f1_score call on the kernel path in a fresh process "
        "(1,000 rows, median of 3):",
        f"empty cache (compiles) {statistics.median(empty):.3f} s, "
        f"warm cache (loads) {statistics.median(loaded):.3f} s.",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_first_call")
    parser.add_argument(
        "--threshold",
        action="store_true",
        help="print the NumPy-vs-kernel study behind KERNEL_MIN_ROWS",
    )
    args = parser.parse_args(argv)
    if args.threshold:
        print(threshold_table())
        return 0
    parser.error("run the cases with: python -m benchmarks --only first_call")


if __name__ == "__main__":
    sys.exit(main())
