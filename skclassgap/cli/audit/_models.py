"""The baseline classifiers of ``skclassgap audit --model``.

Each factory imports scikit-learn when called, so that ``--help`` stays fast.
"""


def _logreg(random_state):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000)


def _hgb(random_state):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=random_state)


def _rf(random_state):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(random_state=random_state, n_jobs=1)


def _knn(random_state):
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier()


# name -> factory(random_state) -> unfitted classifier; --model's choices.
MODELS = {"logreg": _logreg, "hgb": _hgb, "rf": _rf, "knn": _knn}
