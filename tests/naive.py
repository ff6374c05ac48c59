"""Slow, obviously-correct references that kernels and fast paths are tested against."""

import math

import numpy as np


def confusion_naive(y_true, y_pred, labels, sample_weight=None):
    """Python double loop over rows: C[i, j] = sum of weights of
    (labels[i], labels[j])."""
    index = {label: k for k, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)))
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    for t, p, w in zip(y_true, y_pred, weights, strict=True):
        counts[index[t], index[p]] += w
    return counts


def spuriosity_naive(X, y, spurious_features):
    """Per-row loop: mean over the class's features of (x_i - mean_ic) / pop-std_ic.

    ``spurious_features`` is a dict class -> list of column indices; rows of
    other classes get NaN; a feature constant within the class contributes 0.
    """
    import math

    X = [list(map(float, row)) for row in X]
    y = list(y)
    scores = []
    for r, label in enumerate(y):
        features = spurious_features.get(label, [])
        if not features:
            scores.append(math.nan)
            continue
        members = [s for s in range(len(y)) if y[s] == label]
        total = 0.0
        for i in features:
            values = [X[s][i] for s in members]
            mean = sum(values) / len(values)
            std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
            total += 0.0 if std == 0 else (X[r][i] - mean) / std
        scores.append(total / len(features))
    return np.array(scores)


def spurious_gap_naive(y_true, y_pred, spuriosity, k):
    """Per class: sort (score, row) pairs, top-k minus bottom-k accuracy; mean.

    ``k`` is an int already valid for every class (k <= n_c // 2). Classes whose
    scores are NaN are skipped. Returns (mean gap, dict class -> gap).
    """
    import math

    gaps = {}
    for label in sorted(set(y_true)):
        pairs = sorted(
            (spuriosity[r], r) for r in range(len(y_true)) if y_true[r] == label
        )
        if math.isnan(pairs[0][0]):
            continue
        low = [r for _, r in pairs[:k]]
        high = [r for _, r in pairs[len(pairs) - k :]]
        acc_high = sum(y_true[r] == y_pred[r] for r in high) / k
        acc_low = sum(y_true[r] == y_pred[r] for r in low) / k
        gaps[label] = acc_high - acc_low
    return sum(gaps.values()) / len(gaps), gaps


def min_risk_naive(proba, cost):
    """Python loops: for each row, the first j minimising sum_i
    proba[r, i] * cost[i, j]."""
    decisions = np.empty(len(proba), dtype=np.int64)
    for r, p in enumerate(proba):
        risks = [
            sum(float(p[i]) * float(cost[i][j]) for i in range(len(cost)))
            for j in range(len(cost[0]))
        ]
        best = 0
        for j, risk in enumerate(risks):
            if risk < risks[best]:
                best = j
        decisions[r] = best
    return decisions


def expected_cost_naive(
    y_true, y_pred, cost, labels, sample_weight=None, normalize=True
):
    """Python loop over rows: sum of w * cost[true, pred], divided by sum of w."""
    index = {label: k for k, label in enumerate(labels)}
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    total = sum(
        w * cost[index[t]][index[p]]
        for t, p, w in zip(y_true, y_pred, weights, strict=True)
    )
    return total / sum(weights) if normalize else total


def best_threshold_naive(scores, y, func):
    """Best of ``func(y, scores >= t)`` over t in every distinct score and +inf."""
    candidates = sorted(set(scores.tolist())) + [np.inf]
    return max(func(y, (scores >= t).astype(int)) for t in candidates)


def class_breakpoints_naive(scores, offsets, k):
    """Per row: max over j != k of s[i, j] + o[j] minus s[i, k], and the first
    such j."""
    b, a = [], []
    for row in scores:
        others = [(row[j] + offsets[j], j) for j in range(len(row)) if j != k]
        best = max(v for v, _ in others)
        a.append(min(j for v, j in others if v == best))
        b.append(best - row[k])
    return np.array(b), np.array(a)


def best_offset_naive(scores, offsets, k, y, func):
    """Best of ``func(y, argmax(scores + o))`` over o[k] below, between and above
    breakpoints."""
    b, _ = class_breakpoints_naive(scores, offsets, k)
    u = sorted(set(b.tolist()))
    candidates = [u[0] - 1.0, u[-1] + 1.0] + [
        (lo + hi) / 2 for lo, hi in zip(u[:-1], u[1:], strict=True)
    ]
    best = -np.inf
    for c in candidates:
        trial = np.array(offsets, dtype=float)
        trial[k] = c
        best = max(best, func(y, np.argmax(scores + trial, axis=1)))
    return best


def balanced_accuracy_naive(y, pred, w):
    """Mean over the classes of y of the weighted share of their rows predicted
    as themselves."""
    return np.mean(
        [np.sum(w[(y == c) & (pred == c)]) / np.sum(w[y == c]) for c in np.unique(y)]
    )


def balanced_guard_naive(scores, y, w, reference, offset_list, chosen):
    """Walk back from ``chosen`` to the first offsets whose balanced accuracy is at
    least the reference's; if there is none, the highest one among 0..chosen."""

    def ba(offsets):
        return balanced_accuracy_naive(y, np.argmax(scores + offsets, axis=1), w)

    floor = ba(reference)
    for c in range(chosen, -1, -1):
        if ba(offset_list[c]) >= floor - 1e-12:
            return c
    values = [ba(o) for o in offset_list[: chosen + 1]]
    return values.index(max(values))


def below_counts_naive(neg, pos):
    """Distinct values of neg and pos, and how many of each are <= every value."""
    values = sorted(set(list(neg) + list(pos)))
    return (
        np.array(values),
        np.array([sum(v <= u for v in neg) for u in values], dtype=float),
        np.array([sum(v <= u for v in pos) for u in values], dtype=float),
    )


def mixed_candidates_naive(scores, y):
    """Candidates g = 0..G (g lowest distinct scores negative) where group g holds
    a negative (or g = 0) and group g + 1 a positive (or g = G)."""
    values = sorted(set(scores.tolist()))
    groups = [set(y[scores == v].tolist()) for v in values]
    keep = []
    for g in range(len(values) + 1):
        if g > 0 and 0 not in groups[g - 1]:
            continue
        if g < len(values) and 1 not in groups[g]:
            continue
        keep.append(g)
    return np.array(keep, dtype=np.int64)


def class_covariances_naive(X, y):
    """Per class, boolean-mask the rows and take numpy's biased covariance."""
    classes = np.unique(y)
    return classes, np.stack(
        [np.atleast_2d(np.cov(X[y == c].T, bias=True)) for c in classes]
    )


def linear_rule_errors_mc_naive(means, covariances, coef, intercept, n_draws, seed):
    """Monte Carlo in feature space: draw x ~ N(mu_c, Sigma_c), apply the rule, count
    misses."""
    rng = np.random.default_rng(seed)
    coef = np.atleast_2d(coef)
    intercept = np.atleast_1d(intercept)
    errors = []
    for c, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
        x = rng.multivariate_normal(mean, cov, size=n_draws, method="eigh")
        scores = x @ coef.T + intercept
        if coef.shape[0] == 1:
            pred = (scores[:, 0] > 0).astype(int)
        else:
            pred = np.argmax(scores, axis=1)
        errors.append(np.mean(pred != c))
    return np.array(errors)


def kneighbors_naive(query, reference, k, exclude=None):
    """Double loop: exact squared distances, stable sort, drop the excluded row."""
    query = np.asarray(query, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    out = np.empty((len(query), k), dtype=np.int64)
    for i, q in enumerate(query):
        dist = np.array([((q - r) ** 2).sum() for r in reference])
        if exclude is not None and exclude[i] >= 0:
            dist[exclude[i]] = np.inf
        out[i] = np.argsort(dist, kind="stable")[:k]
    return out


def smote_row_naive(x_parent, x_neighbor, gap):
    """One synthetic SMOTE row: the point at ``gap`` on the segment
    parent -> neighbour."""
    return np.asarray(x_parent, dtype=np.float64) + gap * (
        np.asarray(x_neighbor, dtype=np.float64)
        - np.asarray(x_parent, dtype=np.float64)
    )


def count_other_naive(nbrs, y_codes, code):
    """Per row, how many of its neighbours have another class code."""
    return np.array(
        [sum(y_codes[j] != code for j in row) for row in nbrs], dtype=np.int64
    )


def gaussian_classes_sample(means, prior, n, seed):
    """``n`` rows of unit-covariance Gaussian classes centred at ``means``, class
    drawn from ``prior``."""
    rng = np.random.default_rng(seed)
    y = rng.choice(len(prior), size=n, p=prior)
    return means[y] + rng.normal(size=(n, means.shape[1])), y


def gaussian_bayes_naive(X, means, prior):
    """Bayes decision for unit-covariance Gaussian classes under ``prior``:
    the class maximising ``-|x - mean|^2 / 2 + log prior``."""
    sq = ((X[:, None, :] - means[None]) ** 2).sum(axis=2)
    return np.argmax(-0.5 * sq + np.log(prior), axis=1)


def temperature_scaled_naive(proba, temperature, bias):
    """Row by row: ``softmax(log(max(p, eps)) / temperature + bias)``, the max
    logit subtracted before the exponentials."""
    eps = np.finfo(np.float64).eps
    rows = []
    for row in np.asarray(proba, dtype=np.float64):
        z = [
            math.log(max(p, eps)) / temperature + b
            for p, b in zip(row, bias, strict=True)
        ]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        rows.append([v / sum(e) for v in e])
    return np.array(rows)


def group_class_counts_naive(groups, y_true, y_pred, sample_weight=None):
    """Python loop over rows: dicts (group, class) -> tp, support, predicted."""
    from collections import defaultdict

    tp, support, predicted = defaultdict(float), defaultdict(float), defaultdict(float)
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    for g, t, p, w in zip(groups, y_true, y_pred, weights, strict=True):
        support[g, t] += w
        predicted[g, p] += w
        if t == p:
            tp[g, t] += w
    return tp, support, predicted


def smotenc_kneighbors_naive(values, codes, m, k):
    """Per pair: sum of squared differences (column order) + m**2 per differing
    code; stable sort; the row itself excluded. Returns (indices, distances)."""
    n = len(values)
    ind = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k))
    for i in range(n):
        row = []
        for j in range(n):
            if j == i:
                row.append(np.inf)
                continue
            d = sum(
                (float(values[i][c]) - float(values[j][c])) ** 2
                for c in range(len(values[i]))
            )
            differ = sum(int(codes[i][c] != codes[j][c]) for c in range(len(codes[i])))
            row.append(d + m**2 * differ)
        order = np.argsort(row, kind="stable")[:k]
        ind[i], dist[i] = order, np.array(row)[order]
    return ind, dist


def vdm_naive(codes, y, queries, reference):
    """Value difference metric from counts in dicts: for each pair, sum over
    columns of (sum over classes of |P(c|a) - P(c|b)|) ** 2, with P(c|v) the
    share of class c among the rows of ``codes`` holding v in that column."""
    classes = sorted(set(y.tolist()))
    tables = []
    for f in range(codes.shape[1]):
        counts = {}
        for v, label in zip(codes[:, f].tolist(), y.tolist(), strict=True):
            counts.setdefault(v, dict.fromkeys(classes, 0))[label] += 1
        tables.append(
            {
                v: [c[label] / sum(c.values()) for label in classes]
                for v, c in counts.items()
            }
        )
    out = np.zeros((len(queries), len(reference)))
    for a, q in enumerate(queries):
        for b, r in enumerate(reference):
            total = 0.0
            for f, table in enumerate(tables):
                s = 0.0
                for pa, pb in zip(table[q[f]], table[r[f]], strict=True):
                    s += abs(pa - pb)
                total += s * s
            out[a, b] = total
    return out


def majority_vote_naive(codes, voters, parents, u):
    """Per synthetic row and column: count the voters' levels, list the most
    frequent ones in increasing order, take the one of rank floor(u * n_tied)."""
    out = np.empty((len(parents), codes.shape[1]), dtype=np.int64)
    for t, p in enumerate(parents):
        for f in range(codes.shape[1]):
            counts = {}
            for r in voters[p]:
                counts[codes[r, f]] = counts.get(codes[r, f], 0) + 1
            best = max(counts.values())
            tied = sorted(v for v, c in counts.items() if c == best)
            out[t, f] = tied[min(int(u[f, t] * len(tied)), len(tied) - 1)]
    return out


def sq_dist_fraction(a, b):
    """Exact squared Euclidean distance of two rows, as a ``fractions.Fraction``.

    Every float is converted exactly; no rounding happens anywhere.
    """
    from fractions import Fraction

    return sum(
        (Fraction(float(x)) - Fraction(float(y))) ** 2
        for x, y in zip(np.ravel(a), np.ravel(b), strict=True)
    )


def kneighbors_exact_naive(query, reference, k, exclude=None):
    """Double loop over rows with exact rational distances; sort by
    (distance, index); drop the excluded row. The definition the fast
    searches must meet on every finite input."""
    query = np.asarray(query)
    reference = np.asarray(reference)
    out = np.empty((len(query), k), dtype=np.int64)
    for i, q in enumerate(query):
        keys = sorted(
            (sq_dist_fraction(q, r), j)
            for j, r in enumerate(reference)
            if exclude is None or j != exclude[i]
        )
        out[i] = [j for _, j in keys[:k]]
    return out


def merge_topk_naive(val_a, idx_a, val_b, idx_b, k):
    """Per row: pool both lists' (value, index) pairs, sort them, keep k."""
    out_val = np.empty((len(val_a), k), dtype=np.asarray(val_a).dtype)
    out_idx = np.empty((len(val_a), k), dtype=np.int64)
    for q in range(len(val_a)):
        pairs = sorted(
            list(zip(val_a[q].tolist(), idx_a[q].tolist(), strict=True))
            + list(zip(val_b[q].tolist(), idx_b[q].tolist(), strict=True))
        )[:k]
        out_val[q] = [v for v, _ in pairs]
        out_idx[q] = [i for _, i in pairs]
    return out_val, out_idx


def screening_values_naive(query, reference, center, scale):
    """Float64 squared distances between the float32-rounded, centred, scaled
    rows: what the float32 screening approximates (within its error bound)."""
    q = ((np.asarray(query, dtype=np.float64) - center) / scale).astype(np.float32)
    r = ((np.asarray(reference, dtype=np.float64) - center) / scale).astype(np.float32)
    q = q.astype(np.float64)
    r = r.astype(np.float64)
    return np.array([[((a - b) ** 2).sum() for b in r] for a in q])


# Under-sampling and cleaning: the definitions, on exact neighbour orders ------


def exact_integers(X):
    """``(ints, den)``: the rows as Python integers, ``X == ints / den``.

    Every float is an integer times a power of two; scaled by the largest
    power in use, the rows become integers, whose squared distances are exact.
    """
    X = np.asarray(X, dtype=np.float64)
    ratios = [v.as_integer_ratio() for v in X.ravel().tolist()]
    den = max(d for _, d in ratios)
    ints = np.array([n * (den // d) for n, d in ratios], dtype=object)
    return ints.reshape(X.shape), den


def exact_order(X):
    """For every row, the other rows by (exact squared distance, index)."""
    ints, _ = exact_integers(X)
    order = []
    for i in range(len(X)):
        diff = ints - ints[i]
        dist = (diff * diff).sum(axis=1).tolist()
        order.append(
            [j for _, j in sorted((dist[j], j) for j in range(len(X)) if j != i)]
        )
    return order


def _mode_smallest(labels):
    """Most frequent label, ties to the smallest (scipy.stats.mode's rule)."""
    counts = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    best = max(counts.values())
    return min(label for label, c in counts.items() if c == best)


def _counter_minority(y):
    """imbalanced-learn's samplers' minority: fewest rows, first seen among ties."""
    counts = {}
    for label in y.tolist():
        counts[label] = counts.get(label, 0) + 1
    return min(counts, key=counts.get)


def _by_class(y, keep):
    """Kept rows grouped by class (sorted labels), ascending within each."""
    return np.array(
        [
            i
            for label in np.unique(y)
            for i in range(len(y))
            if keep[i] and y[i] == label
        ],
        dtype=np.int64,
    )


def tomek_naive(X, y, targeted, order=None):
    """Rows kept by Tomek links: drop i (of a targeted class) when its nearest
    row j has another class and i is j's nearest row."""
    order = exact_order(X) if order is None else order
    nn = [o[0] for o in order]
    return np.array(
        [
            i
            for i in range(len(y))
            if not (y[i] in targeted and y[nn[i]] != y[i] and nn[nn[i]] == i)
        ],
        dtype=np.int64,
    )


def enn_naive(X, y, targeted, k, kind_sel, order=None):
    """Rows kept by edited nearest neighbours, grouped by class."""
    order = exact_order(X) if order is None else order
    keep = []
    for i in range(len(y)):
        if y[i] not in targeted:
            keep.append(True)
            continue
        labels = [y[j] for j in order[i][:k]]
        if kind_sel == "all":
            keep.append(all(label == y[i] for label in labels))
        else:
            keep.append(_mode_smallest(labels) == y[i])
    return _by_class(y, keep)


def ncr_naive(X, y, targeted, k, threshold, order=None):
    """Rows kept by the neighbourhood cleaning rule (imbalanced-learn's version)."""
    order = exact_order(X) if order is None else order
    removed = np.ones(len(y), dtype=bool)
    removed[enn_naive(X, y, targeted, k, "mode", order)] = False
    minority = _counter_minority(y)
    n_min = int(np.sum(y == minority))
    cleaned = {c for c in targeted if np.sum(y == c) > n_min * threshold}
    for i in np.flatnonzero(y == minority):
        vote = _mode_smallest([y[i]] + [y[j] for j in order[i][: k - 1]])
        if vote != minority:
            for j in order[i][:k]:
                if y[j] in cleaned:
                    removed[j] = True
    return np.flatnonzero(~removed)


def nearmiss_naive(X, y, wanted, version, k, k3):
    """Rows kept by NearMiss: per reduced class (``wanted``: label -> rows), the
    rows by score (distances from exact squared distances, summed in
    increasing order), ties to the lower row."""
    ints, den = exact_integers(X)
    minority = _counter_minority(y)
    min_rows = np.flatnonzero(y == minority)

    def squared(i, rows):
        diff = ints[rows] - ints[i]
        return (diff * diff).sum(axis=1).tolist()

    def root(s):
        # sqrt(s) / den without overflow: scale by an even power of two
        # (den is one too).
        e = max(0, s.bit_length() - 1000) // 2 * 2
        return math.ldexp(math.sqrt(s / 2**e), e // 2 - (den.bit_length() - 1))

    def dists(i):
        return sorted(root(s) for s in squared(i, min_rows))

    out = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        if label not in wanted:
            out.extend(rows)
            continue
        if version == 3:
            near = set()
            for m in min_rows:
                dist = squared(m, rows)
                near.update(sorted(range(len(rows)), key=lambda t: (dist[t], t))[:k3])
            rows = rows[sorted(near)]
        scores = []
        for i in rows:
            d = dists(i)
            chosen = d[-k:] if version == 2 else d[:k]
            total = 0.0
            for value in chosen:
                total += value
            scores.append(-total if version == 3 else total)
        ranked = sorted(range(len(rows)), key=lambda t: (scores[t], rows[t]))
        out.extend(rows[ranked[: wanted[label]]])
    return np.array(out, dtype=np.int64)


def cnn_naive(X, y, targeted, k, seed, n_seeds=1):
    """Hart's condensing, one pass (imbalanced-learn's reading): per targeted
    class, seeds drawn as imbalanced-learn draws them, then every other row of
    the class in input order is added when the k-NN vote (exact order, ties to
    the lower row; vote ties to the smallest label) of the current set
    misclassifies it."""
    ints, _ = exact_integers(X)
    rng = np.random.RandomState(seed)
    minority = _counter_minority(y)
    out = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        if label not in targeted:
            out.extend(rows)
            continue
        seeds = rows[rng.randint(0, len(rows), size=n_seeds)]
        members = sorted(np.flatnonzero(y == minority).tolist() + seeds.tolist())
        added = []
        for i in rows:
            if i in seeds:
                continue
            diff = ints[members] - ints[i]
            dist = (diff * diff).sum(axis=1).tolist()
            near = sorted(range(len(members)), key=lambda t: (dist[t], members[t]))[:k]
            if _mode_smallest([y[members[t]] for t in near]) != label:
                added.append(i)
                members = sorted(members + [i])
        out.extend(seeds.tolist() + added)
    return np.array(out, dtype=np.int64)


def stratified_row_bootstrap_naive(y_true, y_pred, labels, n_boot, seed):
    """Per-class (tp, predicted) of ``n_boot`` resamples drawn row by row,
    each class's rows with replacement (supports fixed)."""
    rng = np.random.default_rng(seed)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    by_class = [np.flatnonzero(y_true == c) for c in np.unique(y_true)]
    tp = np.zeros((n_boot, len(labels)))
    predicted = np.zeros((n_boot, len(labels)))
    for b in range(n_boot):
        rows = np.concatenate([rng.choice(r, size=len(r)) for r in by_class])
        for j, c in enumerate(labels):
            tp[b, j] = np.sum((y_true[rows] == c) & (y_pred[rows] == c))
            predicted[b, j] = np.sum(y_pred[rows] == c)
    return tp, predicted
