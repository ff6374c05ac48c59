"""imbalanced-learn's own tests of its under-samplers, run on ours.

See ``tests/imblearn_suite.py`` for how the installed test modules are
loaded and our classes substituted. Expected failures are listed in
``EXPECTED_FAILURES``, each with its reason: only tests that pin
imbalanced-learn's random draws, and with imbalanced-learn 0.13 the tests
of its deprecations that 0.14 completed.
"""

import imblearn
import pytest

import skclassgap.under_sampling as ours
from skclassgap._compat import parse_version
from tests.imblearn_suite import cases, load, run

OURS = {name: getattr(ours, name) for name in ours.__all__}
_BASE = "under_sampling/_prototype_selection/tests/"
SUITES = {
    "test_random_under_sampler": _BASE + "test_random_under_sampler.py",
    "test_tomek_links": _BASE + "test_tomek_links.py",
    "test_edited_nearest_neighbours": _BASE + "test_edited_nearest_neighbours.py",
    "test_repeated_edited_nearest_neighbours": _BASE
    + "test_repeated_edited_nearest_neighbours.py",
    "test_allknn": _BASE + "test_allknn.py",
    "test_neighbourhood_cleaning_rule": _BASE + "test_neighbourhood_cleaning_rule.py",
    "test_one_sided_selection": _BASE + "test_one_sided_selection.py",
    "test_condensed_nearest_neighbour": _BASE + "test_condensed_nearest_neighbour.py",
    "test_nearmiss": _BASE + "test_nearmiss.py",
    "test_instance_hardness_threshold": _BASE + "test_instance_hardness_threshold.py",
    "test_cluster_centroids": (
        "under_sampling/_prototype_generation/tests/test_cluster_centroids.py"
    ),
}

_DRAWS = (
    "pins the rows imbalanced-learn's RandomUnderSampler draws "
    "(RandomState.choice per class, output grouped by class); ours draws a "
    "partition-free sample per class and keeps input order (counts equal, "
    "checked elsewhere)"
)
EXPECTED_FAILURES = {
    "test_random_under_sampler::test_rus_fit_resample": _DRAWS,
    "test_random_under_sampler::test_rus_fit_resample_half": _DRAWS,
}
# Tests that only imbalanced-learn 0.13 (the oldest supported) ships: the
# missing parameter or attribute fails inside pytest.warns (pytest's Failed).
_REMOVED = (
    "checks the FutureWarning of a parameter or attribute that imbalanced-learn "
    "0.13 deprecated and 0.14 removed (NCR's kind_sel, the estimator_ of OSS "
    "and CNN); ours follow 0.14's API",
    pytest.fail.Exception,
)
if parse_version(imblearn.__version__) < parse_version("0.14"):
    EXPECTED_FAILURES |= {
        "test_neighbourhood_cleaning_rule::test_ncr_deprecate_kind_sel": _REMOVED,
        "test_one_sided_selection::test_one_sided_selection_deprecation": _REMOVED,
        "test_condensed_nearest_neighbour::"
        "test_condensed_nearest_neighbors_deprecation": _REMOVED,
        "test_random_under_sampler::test_random_under_sampler_full_nat": (
            "pins timedelta64[ns]; pandas 3 reads the NaT column as "
            "timedelta64[s] and ours keeps the input's dtype (0.14's test "
            "checks only that it is a timedelta)"
        ),
    }

MODULES = {name: load(name, relative, OURS) for name, relative in SUITES.items()}
CASES = list(cases(MODULES, OURS, set(), EXPECTED_FAILURES))

# imbalanced-learn's fixtures, made visible to pytest here.
data = MODULES["test_neighbourhood_cleaning_rule"].data


def test_imblearn_under_sampling_suite_collects_every_module():
    """Check that each of imbalanced-learn's test modules gave cases, and that
    every expected failure names a collected test (no stale entries)."""
    modules = {param.values[0].id.split("::")[0] for param in CASES}
    assert modules == set(SUITES)
    keys = {param.values[0].id.split("[")[0] for param in CASES}
    assert set(EXPECTED_FAILURES) <= keys


@pytest.mark.parametrize("case", CASES)
def test_imblearn_under_sampling_suite_passes_on_our_samplers(case, request):
    """Check that imbalanced-learn's test passes with our sampler substituted."""
    run(case, request)
