import pytest

try:
    import matplotlib
except ImportError:  # the plot extra is not installed: nothing here can run
    collect_ignore_glob = ["test_*.py"]
else:
    matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
