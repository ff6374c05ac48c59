"""Docstring blocks the ensembles share, written once (see :func:`fill_doc`)."""

_BLOCKS = {
    "sampling_strategy": """\
sampling_strategy : float, str, dict or callable, default={default}
    Rows kept per class by each member's random under-sampler, with
    imbalanced-learn's under-sampling semantics: a float ``r`` in
    ``(0, 1]`` is the wanted minority/majority ratio (binary only); a
    string names the classes reduced to the minority's count
    (``"majority"``, ``"not minority"``, ``"not majority"``, ``"all"``,
    ``"auto"`` = ``"not minority"``); a dict maps a class to the rows it
    keeps; a callable takes ``y`` and returns such a dict.""",
    "proba_prior": """\
proba_prior : {{"fit", "original"}}, default="fit"
    Class prior of ``predict_proba`` and ``predict_log_proba``.
    ``"fit"``: the members' probabilities averaged unchanged (each member
    learnt the prior of its balanced sample). ``"original"``: moved to
    the prior of the data passed to ``fit`` by Bayes' rule, member ``m``'s
    probabilities re-weighted by ``original_prior_ / train_priors_[m]``,
    summed over members and normalised once: for members sharing one
    training prior (balanced samples), exactly Bayes' correction of their
    average. These are probabilities for data with the training data's
    class frequencies. ``predict`` is the balanced rule either way (the
    argmax under the training prior).""",
    "n_jobs": """\
n_jobs : int, default=None
    Number of joblib workers over members, for ``fit`` and the
    predictions. ``None`` means 1 unless in a
    :func:`joblib.parallel_config` context; ``-1`` means all processors.
    Members are fitted with one BLAS/OpenMP thread each; the result does
    not depend on ``n_jobs``.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seeds the members: one integer seed per member is drawn up front,
    and each member's estimator, sampler and row draws follow from its
    seed alone. An int gives the same ensemble on every run, for any
    ``n_jobs``.""",
    "prior_attributes": """\
train_priors_ : ndarray of shape (n_estimators, n_classes)
    Row ``m``: class frequencies of the rows member ``m``'s estimator was
    fitted on (after its resampling), weighted by the sample weights it
    received.
original_prior_ : ndarray of shape (n_classes,)
    Class frequencies of ``y`` passed to ``fit`` (weighted by
    ``sample_weight``).""",
    "liu2020": """\
.. [1] Z. Liu, W. Cao, Z. Gao, J. Bian, H. Chen, Y. Chang and T.-Y. Liu,
   "Self-paced Ensemble for Highly Imbalanced Massive Data
   Classification", IEEE 36th International Conference on Data
   Engineering (ICDE), 2020, pp. 841-852.""",
}


def fill_doc(**defaults):
    """Class decorator: replace each ``%(name)s`` line of the docstring by the
    shared block ``name``, indented as that line (``{default}`` in a block
    by ``defaults[name]``)."""

    def decorate(cls):
        lines = []
        for line in cls.__doc__.split("\n"):
            stripped = line.strip()
            name = stripped[2:-2] if stripped.startswith("%(") else None
            if name in _BLOCKS:
                indent = line[: len(line) - len(line.lstrip())]
                text = _BLOCKS[name].replace("{default}", str(defaults.get(name, "")))
                text = text.replace("{{", "{").replace("}}", "}")
                lines += [indent + part if part else part for part in text.split("\n")]
            else:
                lines.append(line)
        cls.__doc__ = "\n".join(lines)
        return cls

    return decorate
