"""matplotlib access for the displays: one clear message when it is missing."""


def require_pyplot(caller):
    """Import and return ``matplotlib.pyplot``, or explain how to install it.

    Parameters
    ----------
    caller : str
        Name of the method that needs matplotlib, shown in the message.

    Returns
    -------
    pyplot : module
        ``matplotlib.pyplot``.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, which is not installed. Install it with "
            "pip install 'skclassgap[plot]' (or pip install matplotlib)."
        ) from exc
    return plt


def axes_or_new(ax, caller, figsize):
    """The given axes, or new ones on a new figure of ``figsize``."""
    plt = require_pyplot(caller)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def class_colors(n):
    """``n`` distinguishable colours (tab10, then tab20 beyond 10 classes)."""
    plt = require_pyplot("class_colors")
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]
