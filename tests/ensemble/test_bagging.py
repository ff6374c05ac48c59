"""BalancedBaggingClassifier and EasyEnsembleClassifier: draws against
imbalanced-learn, weights by provenance, priors, routing, bad input."""

import re

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.ensemble import BalancedBaggingClassifier as ImbBagging
from imblearn.ensemble import EasyEnsembleClassifier as ImbEasy
from imblearn.over_sampling import SMOTE as ImbSMOTE
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from skclassgap.compose import ResampledClassifier
from skclassgap.ensemble import BalancedBaggingClassifier, EasyEnsembleClassifier
from skclassgap.over_sampling import SMOTE
from skclassgap.under_sampling import RandomUnderSampler


def _data(n=400, weights=(0.85,), n_classes=2, seed=0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )


class _Recorder(DecisionTreeClassifier):
    """Decision tree that remembers the rows, labels and weights it was fitted on."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.seen_ = (np.asarray(X), np.asarray(y), sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


class _KnownProba(LogisticRegression):
    """A classifier whose probabilities are known: softmax of the first
    ``n_classes`` columns of X (fit only records the classes)."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        logits = np.asarray(X)[:, : len(self.classes_)]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def _member_counts(member, y_drawn):
    """Class counts of the rows a member's estimator saw (our layout and
    imbalanced-learn's: a pipeline whose first step records sample_indices_)."""
    return np.bincount(y_drawn[member[0].sample_indices_], minlength=3).tolist()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"max_samples": 0.5},
        {"bootstrap": False, "max_samples": 0.7},
        {"max_features": 0.5, "bootstrap_features": True},
        {"sampling_strategy": "all", "replacement": True},
        {"sampling_strategy": "majority"},
        {"sampling_strategy": {0: 30}},
    ],
    ids=repr,
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_balanced_bagging_draws_match_imblearn(params, n_classes):
    """Check that with the same seed every member draws the same rows and
    columns as imbalanced-learn's, and its estimator sees the same class
    counts."""
    weights = (0.75,) if n_classes == 2 else (0.15, 0.3)
    X, y = _data(weights=weights, n_classes=n_classes)
    ours = BalancedBaggingClassifier(n_estimators=6, random_state=7, **params)
    theirs = ImbBagging(n_estimators=6, random_state=7, **params)
    ours.fit(X, y)
    theirs.fit(X, y)
    for m in range(6):
        drawn = ours.estimators_samples_[m]
        np.testing.assert_array_equal(drawn, theirs.estimators_samples_[m])
        np.testing.assert_array_equal(
            ours.estimators_features_[m], theirs.estimators_features_[m]
        )
        assert _member_counts(ours.estimators_[m], y[drawn]) == _member_counts(
            theirs.estimators_[m], y[drawn]
        )


@pytest.mark.parametrize("sampling_strategy", ["auto", "all", {0: 40, 1: 60}])
def test_easy_ensemble_counts_match_imblearn(sampling_strategy):
    """Check that each EasyEnsemble member's estimator sees the class counts
    of imbalanced-learn's, every row of the kept classes and no other."""
    X, y = _data(weights=(0.15, 0.3), n_classes=3)
    ours = EasyEnsembleClassifier(
        n_estimators=4, sampling_strategy=sampling_strategy, random_state=0
    ).fit(X, y)
    theirs = ImbEasy(
        n_estimators=4, sampling_strategy=sampling_strategy, random_state=0
    ).fit(X, y)
    for m in range(4):
        rows = ours.estimators_samples_[m]
        assert np.bincount(y[rows], minlength=3).tolist() == _member_counts(
            theirs.estimators_[m], y
        )
        assert len(np.unique(rows)) == len(rows)


def test_balanced_bagging_weights_follow_draws_and_sampler():
    """Check that each member's estimator receives w[drawn][sampler rows]: a
    row drawn c times carries c copies of its weight (scikit-learn's bagging
    multiplies the weight by the count), then the sampler's rows keep theirs."""
    X, y = _data()
    w = np.random.default_rng(0).uniform(0.5, 3.0, len(y))
    clf = BalancedBaggingClassifier(_Recorder(), n_estimators=5, random_state=0)
    clf.fit(X, y, sample_weight=w)
    for member, drawn in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        kept = drawn[member[0].sample_indices_]
        X_seen, _, w_seen = member[-1].seen_
        np.testing.assert_array_equal(X_seen, X[kept])
        np.testing.assert_array_equal(w_seen, w[kept])
        totals = np.bincount(kept, weights=w_seen, minlength=len(y))
        np.testing.assert_allclose(totals, w * np.bincount(kept, minlength=len(y)))


@pytest.mark.parametrize("estimator", [DecisionTreeClassifier(), LogisticRegression()])
def test_balanced_bagging_integer_weights_equal_repeated_rows(estimator):
    """Check that integer weights equal repeated rows when members take every
    row in order and the sampler keeps them all (the weights then reach the
    estimators unchanged): same probabilities."""
    X, y = _data(n=200)
    w = np.random.default_rng(1).integers(1, 4, len(y))
    params = dict(
        n_estimators=3,
        bootstrap=False,
        sampling_strategy={},
        random_state=0,
    )
    weighted = BalancedBaggingClassifier(estimator, **params).fit(X, y, w)
    repeated = BalancedBaggingClassifier(estimator, **params).fit(
        np.repeat(X, w, axis=0), np.repeat(y, w)
    )
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(weighted.train_priors_, repeated.train_priors_)
    np.testing.assert_allclose(weighted.original_prior_, repeated.original_prior_)


def test_balanced_bagging_original_prior_follows_formula():
    """Check that with members whose probabilities are known and whose
    training priors differ (bootstrap draws, nothing removed), predict_proba
    under the original prior is sum_m p(x) * original / prior_m, normalised."""
    X, y = _data(weights=(0.2, 0.3), n_classes=3)
    clf = BalancedBaggingClassifier(
        _KnownProba(),
        n_estimators=4,
        sampling_strategy={},
        proba_prior="original",
        random_state=0,
    ).fit(X, y)
    priors = clf.train_priors_
    assert not np.allclose(priors[0], priors[1])
    for m, drawn in enumerate(clf.estimators_samples_):
        np.testing.assert_allclose(priors[m], np.bincount(y[drawn]) / len(drawn))
    p = _KnownProba().fit(X, y).predict_proba(X)
    expected = sum(p * clf.original_prior_ / prior for prior in priors)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(expected))
    clf.set_params(proba_prior="fit")
    np.testing.assert_allclose(clf.predict_proba(X), p)


def test_balanced_bagging_one_member_equals_resampled_classifier():
    """Check that one member without draws equals ResampledClassifier with
    the member's sampler: the same correction to the original prior."""
    X, y = _data()
    clf = BalancedBaggingClassifier(
        LogisticRegression(),
        n_estimators=1,
        bootstrap=False,
        proba_prior="original",
        random_state=3,
    ).fit(X, y)
    seed = clf.estimators_[0][0].random_state
    single = ResampledClassifier(
        LogisticRegression(),
        sampler=RandomUnderSampler(random_state=seed),
        proba_prior="original",
    ).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), single.predict_proba(X))
    np.testing.assert_array_equal(clf.predict(X), single.predict(X))


def test_balanced_bagging_original_prior_calibrates_mean():
    """Check that the balanced members' probabilities overstate the minority
    and the original-prior ones match its frequency on average."""
    X, y = _data(n=3000, weights=(0.95,))
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=5, random_state=0
    ).fit(X, y)
    raw = clf.predict_proba(X)[:, 1].mean()
    clf.set_params(proba_prior="original")
    moved = clf.predict_proba(X)[:, 1].mean()
    assert raw > 2 * y.mean()
    assert abs(moved - y.mean()) < 0.25 * y.mean()
    np.testing.assert_array_equal(
        clf.predict(X), clf.set_params(proba_prior="fit").predict(X)
    )


@pytest.mark.parametrize(
    "cls, params",
    [
        (BalancedBaggingClassifier, {"n_estimators": 6}),
        (BalancedBaggingClassifier, {"n_estimators": 6, "sampler": SMOTE()}),
        (EasyEnsembleClassifier, {"n_estimators": 4}),
    ],
    ids=["bagging", "bagging-smote", "easy"],
)
def test_balanced_bagging_same_output_for_any_n_jobs(cls, params):
    """Check that a seed gives the same ensemble with 1 and 2 workers, and
    again on a second fit."""
    X, y = _data()
    a = cls(random_state=0, n_jobs=1, **params).fit(X, y).predict_proba(X)
    b = cls(random_state=0, n_jobs=2, **params).fit(X, y).predict_proba(X)
    c = cls(random_state=0, n_jobs=2, **params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(b, c)


def test_balanced_bagging_warm_start_equals_fresh_fit():
    """Check that 3 then 7 members with warm_start give the members, priors
    and probabilities of one fit with 7."""
    X, y = _data()
    warm = BalancedBaggingClassifier(n_estimators=3, warm_start=True, random_state=5)
    warm.fit(X, y).set_params(n_estimators=7).fit(X, y)
    fresh = BalancedBaggingClassifier(n_estimators=7, random_state=5).fit(X, y)
    np.testing.assert_array_equal(warm.predict_proba(X), fresh.predict_proba(X))
    np.testing.assert_array_equal(warm.train_priors_, fresh.train_priors_)
    for a, b in zip(warm.estimators_samples_, fresh.estimators_samples_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_balanced_bagging_keeps_dataframe_for_members():
    """Check that DataFrame columns reach the members (their estimators know
    the drawn columns' names) and feature_names_in_ is recorded."""
    X, y = _data()
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=3, max_features=4, random_state=0
    ).fit(df, y)
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    for member, features in zip(clf.estimators_, clf.estimators_features_, strict=True):
        np.testing.assert_array_equal(
            member[-1].feature_names_in_, df.columns[features]
        )
    np.testing.assert_allclose(clf.predict_proba(df), clf.predict_proba(df.copy()))


def test_balanced_bagging_routes_per_row_metadata():
    """Check that with metadata routing a per-row array requested by the
    estimator follows the drawn and resampled rows."""

    class _Tagged(LogisticRegression):
        def fit(self, X, y, sample_weight=None, tag=None):
            self.tag_ = tag
            return super().fit(X, y, sample_weight=sample_weight)

    X, y = _data()
    tag = np.arange(len(y)) * 10
    with sklearn.config_context(enable_metadata_routing=True):
        clf = BalancedBaggingClassifier(
            _Tagged().set_fit_request(tag=True, sample_weight=False),
            n_estimators=3,
            random_state=0,
        ).fit(X, y, tag=tag)
    for member, drawn in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        np.testing.assert_array_equal(
            member[-1].tag_, tag[drawn][member[0].sample_indices_]
        )
    with pytest.raises(ValueError, match="tag"):
        BalancedBaggingClassifier(_Tagged()).fit(X, y, tag=tag)


def test_balanced_bagging_grid_search_over_member_and_prior():
    """Check that GridSearchCV tunes the members' parameters and that the
    Brier score picks probabilities under the original prior."""
    X, y = _data(n=1200, weights=(0.93,))
    grid = GridSearchCV(
        BalancedBaggingClassifier(
            DecisionTreeClassifier(), sampler=RandomUnderSampler(), random_state=0
        ),
        {
            "estimator__max_depth": [2, 4],
            "sampler__replacement": [False, True],
            "proba_prior": ["fit", "original"],
        },
        scoring="neg_brier_score",
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["proba_prior"] == "original"
    assert len(grid.cv_results_["params"]) == 8


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
def test_balanced_bagging_feature_importances_and_oob():
    """Check that the members' importances are averaged on their columns,
    and that the out-of-bag score is that of the rows each member did not draw."""
    X, y = _data()
    clf = BalancedBaggingClassifier(
        n_estimators=8, max_features=3, oob_score=True, random_state=0
    ).fit(X, y)
    expected = np.zeros(X.shape[1])
    for member, features in zip(clf.estimators_, clf.estimators_features_, strict=True):
        np.add.at(expected, features, member[-1].feature_importances_)
    np.testing.assert_allclose(clf.feature_importances_, expected / expected.sum())
    total, count = np.zeros((len(y), 2)), np.zeros(len(y))
    for member, features, drawn in zip(
        clf.estimators_, clf.estimators_features_, clf.estimators_samples_, strict=True
    ):
        out = np.setdiff1d(np.arange(len(y)), drawn)
        total[out] += member.predict_proba(X[out][:, features])
        count[out] += 1
    seen = count > 0
    expected_score = np.mean(np.argmax(total[seen], axis=1) == y[seen])
    assert clf.oob_score_ == pytest.approx(expected_score)
    assert not hasattr(
        BalancedBaggingClassifier(Perceptron()).fit(X, y), "feature_importances_"
    )


def _few_minority():
    """100 rows, 4 of class 1."""
    X = np.random.default_rng(0).normal(size=(100, 6))
    y = np.zeros(100, dtype=int)
    y[[5, 30, 60, 90]] = 1
    return X, y


@pytest.mark.parametrize(
    "estimator, fit_kwargs, error, message",
    [
        (
            BalancedBaggingClassifier(sampler=SMOTE(k_neighbors=5), random_state=0),
            {},
            ValueError,
            r"sampler SMOTE of member \d+ cannot resample .* smallest class, 1, "
            r"has \d rows.*k_neighbors=5",
        ),
        (
            BalancedBaggingClassifier(sampler=ImbSMOTE(k_neighbors=5), random_state=0),
            {},
            ValueError,
            r"member \d+ cannot resample .* smallest class, 1, has \d rows",
        ),
        (
            BalancedBaggingClassifier(max_samples=1, random_state=0),
            {},
            ValueError,
            r"rows drawn for member 0 held a single class in each of 11 draws "
            r"\(the last: class 0, 1 rows\)",
        ),
        (
            BalancedBaggingClassifier(Perceptron(), proba_prior="original"),
            {},
            ValueError,
            "proba_prior='original' .* Perceptron has no predict_proba",
        ),
        (
            EasyEnsembleClassifier(estimator=Perceptron(), proba_prior="original"),
            {},
            ValueError,
            "Perceptron has no predict_proba",
        ),
        (
            BalancedBaggingClassifier(sampler=SMOTE(), sampling_strategy=0.5),
            {},
            ValueError,
            "sampling_strategy=0.5, replacement=False with sampler=SMOTE",
        ),
        (
            BalancedBaggingClassifier(KNeighborsClassifier()),
            {"sample_weight": np.ones(100)},
            ValueError,
            "KNeighborsClassifier.fit does not accept sample_weight",
        ),
        (
            BalancedBaggingClassifier(sampler=ImbSMOTE(k_neighbors=2), bootstrap=False),
            {"sample_weight": np.ones(100)},
            ValueError,
            "sample_weight cannot be carried through SMOTE",
        ),
        (
            BalancedBaggingClassifier(max_samples=500, bootstrap=False),
            {},
            ValueError,
            "max_samples=500 asks for 500 rows per member, but without bootstrap "
            "at most n_samples=100",
        ),
        (
            BalancedBaggingClassifier(max_features=9),
            {},
            ValueError,
            "max_features=9 asks for 9 features per member, but X has 6",
        ),
        (
            BalancedBaggingClassifier(oob_score=True, bootstrap=False),
            {},
            ValueError,
            "only available if bootstrap=True",
        ),
        (
            BalancedBaggingClassifier(oob_score=True, warm_start=True),
            {},
            ValueError,
            "only available if warm_start=False",
        ),
    ],
    ids=range(12),
)
def test_balanced_bagging_bad_input(estimator, fit_kwargs, error, message):
    """Check that each bad configuration is refused with a message naming it."""
    X, y = _few_minority()
    with pytest.raises(error, match=message):
        estimator.fit(X, y, **fit_kwargs)


def test_balanced_bagging_redraws_single_class_rows():
    """Check that a member whose first draw holds one class draws again from
    its seed's stream, that estimators_samples_ replays the redraw, and that
    the other members keep scikit-learn's first draw."""
    X, y = _few_minority()
    clf = BalancedBaggingClassifier(
        _Recorder(), n_estimators=20, max_samples=20, random_state=0
    ).fit(X, y)
    seeds = np.random.RandomState(0).randint(np.iinfo(np.int32).max, size=20)
    redrawn = 0
    for seed, member, drawn in zip(
        seeds, clf.estimators_, clf.estimators_samples_, strict=True
    ):
        # Every feature in order draws nothing; then the rows.
        first = np.random.RandomState(seed).randint(0, 100, 20)
        assert len(np.unique(y[drawn])) == 2
        np.testing.assert_array_equal(
            member[-1].seen_[0], X[drawn][member[0].sample_indices_]
        )
        if len(np.unique(y[first])) == 2:
            np.testing.assert_array_equal(drawn, first)
        else:
            redrawn += 1
    assert redrawn > 0


def test_balanced_bagging_single_class_is_refused():
    """Check that y with one class is refused before any member is drawn."""
    X, _ = _data(n=30)
    with pytest.raises(ValueError, match=re.escape("got 1 class (7)")):
        BalancedBaggingClassifier().fit(X, np.full(30, 7))


def test_balanced_bagging_warm_start_cannot_shrink():
    """Check that warm start refuses fewer members and warns on as many."""
    X, y = _data()
    clf = BalancedBaggingClassifier(n_estimators=3, warm_start=True).fit(X, y)
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="n_estimators=2 must be larger or equal"):
        clf.set_params(n_estimators=2).fit(X, y)


def test_easy_ensemble_grid_search_over_members():
    """Check that GridSearchCV tunes EasyEnsemble's members and prior."""
    X, y = _data(n=600, weights=(0.9,))
    grid = GridSearchCV(
        EasyEnsembleClassifier(n_estimators=3, random_state=0),
        {
            "estimator": [LogisticRegression(), DecisionTreeClassifier(max_depth=2)],
            "replacement": [False, True],
            "proba_prior": ["fit", "original"],
        },
        scoring="neg_log_loss",
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["proba_prior"] == "original"
    assert len(grid.cv_results_["params"]) == 8


@pytest.mark.parametrize(
    "cls", [BalancedBaggingClassifier, EasyEnsembleClassifier], ids=lambda c: c.__name__
)
def test_balanced_bagging_leaves_missing_values_to_members(cls):
    """Check that NaN reaches members whose pipeline imputes it (the
    pipeline's tags say it refuses NaN), and that a member refusing NaN
    raises its own error."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    X, y = _data()
    X[::5, 1] = np.nan
    imputing = make_pipeline(SimpleImputer(), LogisticRegression())
    clf = cls(estimator=imputing, n_estimators=3, random_state=0).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        cls(estimator=LogisticRegression(), n_estimators=3).fit(X, y)
