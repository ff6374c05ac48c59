"""Mixed tables for the sampler tests: built in code, or read from the real
tables shipped for the tests and the package (no network)."""

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "cli" / "audit" / "data"
PENGUINS = DATA / "penguins.csv"
HYPOTHYROID = DATA / "hypothyroid.csv.gz"


def mixed_frame(n=400, minority=0.2, n_classes=2, seed=0):
    """A DataFrame with one column of every supported dtype, and its labels.

    Classes differ in their continuous means and in their level frequencies.
    ``colour`` is a category column with an unused category ("purple");
    ``code`` an object column mixing ints and strings.
    """
    rng = np.random.default_rng(seed)
    share = np.r_[1 - minority, np.full(n_classes - 1, minority / (n_classes - 1))]
    y = rng.choice(n_classes, size=n, p=share)
    shift = y[:, None]
    p_red = np.where(y == 0, 0.6, 0.2)
    colour = np.where(
        rng.random(n) < p_red, "red", rng.choice(["green", "blue"], size=n)
    )
    X = pd.DataFrame(
        {
            "length": rng.normal(size=n) + 2.0 * y,
            "weight": (rng.normal(size=(n, 1)) * 3 + shift).astype(np.float32)[:, 0],
            "count": rng.integers(0, 1000, n) + 300 * y,
            "colour": pd.Categorical(
                colour, categories=["purple", "red", "green", "blue"]
            ),
            "shape": pd.array(
                np.where(rng.random(n) < 0.3 + 0.3 * (y > 0), "round", "square"),
                dtype="str",
            ),
            "flag": rng.random(n) < 0.5,
            "code": pd.array(
                [["a", 1, "b"][i] for i in rng.integers(0, 3, n)], dtype=object
            ),
        }
    )
    return X, y


CATEGORICAL = ["colour", "shape", "flag", "code"]
CONTINUOUS = ["length", "weight", "count"]


def penguins(dropna=True):
    """Palmer penguins: (X, y) with species as the label (3 classes)."""
    frame = pd.read_csv(PENGUINS)
    if dropna:
        frame = frame.dropna().reset_index(drop=True)
    for column in ("island", "sex"):
        frame[column] = frame[column].astype("category")
    y = frame.pop("species").to_numpy()
    return frame, y


def car_like(seed=0):
    """Every combination of six categorical attributes (4*4*4*3*3*3 = 1728 rows,
    as in UCI car evaluation), strings, with a rare class given by a rule."""
    rng = np.random.default_rng(seed)
    levels = [
        ["vhigh", "high", "med", "low"],
        ["vhigh", "high", "med", "low"],
        ["2", "3", "4", "5more"],
        ["2", "4", "more"],
        ["small", "med", "big"],
        ["low", "med", "high"],
    ]
    grid = np.array(np.meshgrid(*[range(len(v)) for v in levels], indexing="ij"))
    grid = grid.reshape(6, -1).T
    X = pd.DataFrame(
        {
            f"a{j}": pd.array(np.array(levels[j])[grid[:, j]], dtype="str")
            for j in range(6)
        }
    )
    good = (grid[:, 0] >= 2) & (grid[:, 5] == 2) & (grid[:, 3] >= 1)
    y = (good & (rng.random(len(X)) < 0.7)).astype(int)
    return X, y


def hypothyroid(raw=False):
    """UCI hypothyroid (3,163 rows, 151 of class "hypothyroid"): 18 text columns
    and 7 numeric ones. Unless ``raw``, TBG (92 % missing) is dropped, missing
    numbers take their column's median and a missing sex the level "missing"."""
    frame = pd.read_csv(HYPOTHYROID, na_values="?")
    y = frame.pop("class").to_numpy()
    if raw:
        return frame, y
    frame = frame.drop(columns="TBG")
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric].fillna(frame[numeric].median())
    frame["sex"] = frame["sex"].fillna("missing")
    return frame, y


def abalone19():
    """abalone19 as the package ships it: Sex categorical, 7 measurements."""
    from skclassgap.datasets import load_abalone19

    X, y = load_abalone19(return_X_y=True)
    return X, y.to_numpy()
