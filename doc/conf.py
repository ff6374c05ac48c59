"""Sphinx configuration of the skclassgap documentation.

``api.rst`` is written here at every build from the subpackages' ``__all__``,
so the API reference lists every public name of whatever is installed (a
family merged later shows up without editing the docs).
"""

import importlib
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# The examples fit small models (digits-sized logistic regressions): one BLAS
# thread is faster for them, and multi-threaded BLAS on a busy 2-core machine
# made a single fit up to 100x slower (3.8 s against 0.04 s).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from threadpoolctl import threadpool_limits  # noqa: E402

import skclassgap  # noqa: E402

threadpool_limits(limits=1)

project = "skclassgap"
author = "skclassgap developers"
copyright = "skclassgap developers"
release = version = skclassgap.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
]

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.dpi": 90}
intersphinx_mapping = {}  # no network during the build
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {
    "description": "Per-class gaps of scikit-learn classifiers",
    "page_width": "1100px",
}
nitpicky = False
os.environ.setdefault("MPLBACKEND", "Agg")

# Subpackage -> one-line description in the API reference.
_TITLES = {
    "metrics": "Per-class metrics and scorers",
    "over_sampling": "Synthetic oversampling",
    "under_sampling": "Under-sampling and cleaning",
    "combine": "Over-sampling followed by cleaning",
    "compose": "Composition",
    "cost_sensitive": "Cost-sensitive learning",
    "threshold": "Thresholds, offsets and logit adjustment",
    "spectral": "Spectral imbalance",
    "spurious": "Spurious cues",
    "datasets": "Data sets",
    "plotting": "Plotting",
    "cli": "Command line",
    "utils": "Utilities",
}


def _write_api():
    lines = [
        "API reference",
        "=============",
        "",
        "Every public name of every subpackage (read from its ``__all__``).",
        "",
    ]
    for sub in skclassgap._SUBMODULES:
        module = importlib.import_module(f"skclassgap.{sub}")
        names = list(getattr(module, "__all__", []))
        if not names:
            continue
        title = f":mod:`skclassgap.{sub}`: {_TITLES.get(sub, sub)}"
        lines += [
            title,
            "-" * len(title),
            "",
            f".. automodule:: skclassgap.{sub}",
            "   :no-members:",
            "",
            f".. currentmodule:: skclassgap.{sub}",
            "",
            ".. autosummary::",
            "   :toctree: generated/",
            "   :template: autosummary/entry.rst",
            "",
            *(f"   {name}" for name in sorted(names)),
            "",
        ]
    text = "\n".join(lines)
    target = HERE / "api.rst"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


_write_api()
templates_path = ["_templates"]

# scikit-learn's glossary terms and guide labels that docstrings refer to, and
# the API pages of scikit-learn, imbalanced-learn, NumPy and SciPy: linked to
# their web sites, since intersphinx cannot fetch inventories offline.
_SKLEARN = "https://scikit-learn.org/stable/"
_SKLEARN_LABELS = {
    "metadata_routing": "metadata_routing.html",
    # labels in the docstrings of inherited scikit-learn methods
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "df_output_transform": "auto_examples/miscellaneous/plot_set_output.html",
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        "auto_examples/miscellaneous/plot_set_output.html"
    ),
}
_API_PAGES = {
    "sklearn": _SKLEARN + "modules/generated/",
    "imblearn": "https://imbalanced-learn.org/stable/references/generated/",
    "numpy": "https://numpy.org/doc/stable/reference/generated/",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/",
}

_SHAPE = re.compile(r"shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def _literal_shape_names(app, what, name, obj, options, lines):
    """Quote fitted-attribute names in shapes, e.g. ``(n_features_in_,)``.

    Unquoted, reST reads ``n_features_in_`` as a link to a missing target.
    """
    for i, line in enumerate(lines):
        lines[i] = _SHAPE.sub(
            lambda m: "shape (" + _TRAILING_UNDERSCORE.sub(r"``\1``", m.group(1)) + ")",
            line,
        )


def _sklearn_reference(app, env, node, contnode):
    """Resolve scikit-learn glossary terms, labels and API names to its web site."""
    from docutils import nodes

    target = node.get("reftarget", "")
    if node.get("reftype") == "term":
        anchor = "term-" + re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")
        uri = f"{_SKLEARN}glossary.html#{anchor}"
    elif node.get("reftype") == "ref" and target in _SKLEARN_LABELS:
        uri = _SKLEARN + _SKLEARN_LABELS[target]
    elif (
        node.get("refdomain") == "py"
        and node.get("reftype") in {"class", "func", "obj", "meth"}
        and target.split(".")[0] in _API_PAGES
        and target.count(".") >= 1
    ):
        # these projects name their API pages after the public path
        uri = _API_PAGES[target.split(".")[0]] + f"{target}.html"
    else:
        return None
    ref = nodes.reference("", "", internal=False, refuri=uri)
    ref.append(contnode)
    return ref


def setup(app):
    # before numpydoc (priority 500) turns the sections into reST
    app.connect("autodoc-process-docstring", _literal_shape_names, priority=400)
    app.connect("missing-reference", _sklearn_reference)
