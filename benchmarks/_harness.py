"""Benchmark harness: median times, ratio ours/peer, peak extra memory, a check.

A benchmark module ``benchmarks/bench_<topic>.py`` defines ``cases(full)``
returning a list of :class:`Case`. Each case times ``ours`` and ``peer`` on the
same data in the same process, several repeats each, interleaved, and reports
the median of each and their ratio. Peak extra memory is measured once per
implementation in this process: freed memory is handed back to the system, the
kernel's resident-set high-water mark is reset, the call runs, and the rise of
the mark over the starting RSS is read (this counts NumPy, numba and BLAS
allocations alike). glibc's mmap threshold is pinned at import so that large
arrays always come from (and return to) the system, not from a heap that
earlier runs left behind. (An earlier version forked a child per measurement;
a child forked after OpenMP code has run in the parent can deadlock.)
"""

import ctypes
import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Case:
    """One comparison.

    ``ours`` and ``peer`` take no arguments (close over prepared data) and
    return a result; ``check(ours_result, peer_result)`` returns a short
    string for the correctness column (e.g. "same counts", "max diff 1e-15")
    and raises ``AssertionError`` when the results disagree.

    A ``self_timed`` case measures its own time, e.g. of one call inside a
    fresh subprocess: ``ours`` and ``peer`` return a dict whose ``"seconds"``
    is the time to report, there is no warm-up call, and ``check`` receives
    the lists of all the dicts of each side.
    """

    group: str
    name: str
    ours: Callable
    peer: Callable
    peer_name: str
    check: Callable = field(default=lambda a, b: "")
    repeats: int = 5
    memory: bool = True
    self_timed: bool = False


def _status_kib(field_name):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


# pyarrow's own allocators (jemalloc, mimalloc) keep freed memory for reuse,
# so a second read of a Parquet file shows no rise of the RSS; the system
# allocator returns it (set before anything imports pyarrow).
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

_LIBC = _libc()
if _LIBC is not None:
    _M_MMAP_THRESHOLD = -3
    _LIBC.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def peak_extra_memory(func):
    """Peak resident memory added by ``func()``, in MiB (NaN where not measurable)."""
    if not os.path.exists("/proc/self/clear_refs"):
        return float("nan")
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
    except OSError:
        return float("nan")
    start = _status_kib("VmRSS")
    func()
    return (_status_kib("VmHWM") - start) / 1024


def _self_timed(case):
    """Times and check of a case whose calls report their own seconds."""
    ours_results, peer_results = [], []
    for _ in range(case.repeats):
        ours_results.append(case.ours())
        peer_results.append(case.peer())
    check = case.check(ours_results, peer_results)
    return (
        [r["seconds"] for r in ours_results],
        [r["seconds"] for r in peer_results],
        check,
    )


def time_case(case):
    """Run a case; return a dict row for the table."""
    if case.self_timed:
        ours_times, peer_times, check = _self_timed(case)
    else:
        ours_result = case.ours()  # warm-up (numba compilation, caches)
        peer_result = case.peer()
        check = case.check(ours_result, peer_result)
        ours_times, peer_times = [], []
        for _ in range(case.repeats):
            for func, times in ((case.ours, ours_times), (case.peer, peer_times)):
                gc.collect()
                start = time.perf_counter()
                func()
                times.append(time.perf_counter() - start)
    ours_t, peer_t = statistics.median(ours_times), statistics.median(peer_times)
    row = {
        "group": case.group,
        "case": case.name,
        "peer": case.peer_name,
        "ours_s": ours_t,
        "peer_s": peer_t,
        "ratio": ours_t / peer_t if peer_t > 0 else float("nan"),
        "speedup": peer_t / ours_t if ours_t > 0 else float("nan"),
        "check": check,
    }
    if case.memory:
        row["ours_mib"] = peak_extra_memory(case.ours)
        row["peer_mib"] = peak_extra_memory(case.peer)
    else:
        row["ours_mib"] = row["peer_mib"] = float("nan")
    return row


def markdown_table(rows):
    """Format rows as a Markdown table."""
    header = (
        "| group | case | peer | ours (s) | peer (s) | ours/peer | speed-up | "
        "ours peak MiB | peer peak MiB | check |\n"
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = [
        f"| {r['group']} | {r['case']} | {r['peer']} | {r['ours_s']:.4f} | "
        f"{r['peer_s']:.4f} | {r['ratio']:.3f} | {r['speedup']:.1f}× | "
        f"{r['ours_mib']:.0f} | {r['peer_mib']:.0f} | {r['check']} |"
        for r in rows
    ]
    return header + "\n".join(lines) + "\n"
