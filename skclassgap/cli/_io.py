"""What both commands share: reading and writing files, sizes, Dask setup.

Every failure the user can fix becomes a :class:`~skclassgap.cli._errors.UserError`
with one line saying what was wrong with which file or option. The commands
import this module when they run, not when ``--help`` builds the parser:
Dask and ``distributed`` are imported only when a command asks for them.
"""

import json
import logging
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from skclassgap.cli._errors import UserError
from skclassgap.utils._dask import DASK_EXTRA, import_dask

# -- values ---------------------------------------------------------------------


def one_line(exc):
    """The message of an exception on one line (its type when it has none)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def to_python(value):
    """A JSON-able Python scalar from a NumPy one; anything else as is."""
    return value.item() if isinstance(value, np.generic) else value


def finite(value):
    """NaN and infinities become None (strict JSON has neither), recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


# -- output files -----------------------------------------------------------------


def check_output(option, path):
    """Refuse an output path whose directory does not exist, before any work."""
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise UserError(
            f"cannot write {option} {path!r}: no such directory {str(parent)!r}"
        )


def write_text(option, path, text):
    """Write ``text`` to the file of ``option``; a failure is a user error."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot write {option} {str(path)!r}: {exc.strerror}"
        ) from None


def write_json(option, path, result):
    """Write ``result`` as strict JSON (NaN and infinities as null)."""
    text = json.dumps(finite(result), indent=2, allow_nan=False)
    write_text(option, path, text + "\n")


# -- input files ------------------------------------------------------------------

_READERS = {"csv": pd.read_csv, "parquet": pd.read_parquet, "feather": pd.read_feather}


def read_frame(path, kind, *, what, **options):
    """Read a file with pandas (``kind``: csv, parquet or feather).

    ``options`` go to the pandas reader. A missing pyarrow names the ``io``
    extra; any other failure of the reader is the user's file, reported as
    ``cannot read PATH as WHAT: message``.
    """
    try:
        return _READERS[kind](path, **options)
    except ImportError as exc:
        raise UserError(
            f"reading {what} files needs pyarrow ({exc}); install it with "
            "pip install 'skclassgap[io]'"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise UserError(
            f"cannot read {str(path)!r} as {what}: {one_line(exc)}"
        ) from None


# -- sizes ------------------------------------------------------------------------

# Units of parse_size, case-insensitive: a subset of dask.utils.parse_bytes's,
# with the same values (a test holds them equal). Not Dask's parser itself:
# Dask is an optional extra, and the size decides whether it is needed at all.
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def parse_size(text, option):
    """Bytes of a size such as ``"500MB"``, ``"2GiB"`` or ``"1e9"``."""
    match = re.fullmatch(r"\s*([0-9.]+(?:e[0-9]+)?)\s*([a-zA-Z]*)\s*", str(text))
    unit = match.group(2).lower() if match else None
    try:
        number = float(match.group(1)) if unit in _UNITS else None
    except ValueError:  # "1.2.3"
        number = None
    if number is None:
        raise UserError(
            f"{option} {text!r} is not a size; use e.g. 500MB, 2GiB or 1000000000"
        )
    return int(number * _UNITS[unit])


def format_size(n_bytes):
    """``"1.5 GiB"``, ``"12.0 KiB"``, ``"900 B"``."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes} B"


# -- Dask ---------------------------------------------------------------------------


def import_dask_dataframe(reason):
    """``dask`` and ``dask.dataframe``, or a user error naming the extra.

    ``reason`` says what needs Dask (``"--scheduler"``, ``"data larger than
    --memory-budget"``). The version check is the library's own
    (:func:`skclassgap.utils._dask.import_dask`).
    """
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise UserError(
            f"{reason} needs Dask; install the extra with {DASK_EXTRA}"
        ) from None
    try:
        dask, _, dataframe = import_dask(reason)
    except ImportError as exc:  # installed, older than skclassgap supports
        raise UserError(one_line(exc)) from None
    return dask, dataframe


class DaskScheduler:
    """A distributed Client for ``--scheduler ADDRESS`` (closed on exit), or none.

    ``"local"`` starts a local cluster of worker processes; any other address
    is a running scheduler's. Without an address Dask runs on local threads.
    """

    def __init__(self, address):
        self.address = address
        self.cluster = self.client = None

    def __enter__(self):
        if self.address is None:
            return self
        try:
            import distributed
        except ImportError:
            raise UserError(
                f"--scheduler needs distributed; install the extra with {DASK_EXTRA}"
            ) from None
        try:
            if self.address == "local":
                self.cluster = distributed.LocalCluster(
                    processes=True, dashboard_address=":0", silence_logs=logging.ERROR
                )
                self.client = distributed.Client(self.cluster, set_as_default=False)
            else:
                self.client = distributed.Client(
                    self.address, timeout="10s", set_as_default=False
                )
        except Exception as exc:  # noqa: BLE001 - any connection failure
            self.__exit__(None, None, None)
            raise UserError(
                f"cannot connect to the Dask scheduler {self.address!r}: "
                f"{one_line(exc)}"
            ) from None
        return self

    @property
    def scheduler(self):
        """What ``dask.config.set(scheduler=...)`` should use."""
        return "threads" if self.client is None else self.client

    def describe(self):
        """Where the computation runs, for the report's first line."""
        if self.client is None:
            return "Dask, local threads"
        n_workers = len(self.client.scheduler_info().get("workers", {}))
        where = "local cluster" if self.cluster is not None else self.address
        return f"Dask, {where} with {n_workers} workers"

    def __exit__(self, *exc):
        for closable in (self.client, self.cluster):
            if closable is not None:
                closable.close()
