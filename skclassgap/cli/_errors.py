"""The one exception type of the command line, and the check of a data path."""


class UserError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


# Suffixes read by pandas (compressed CSV as pandas reads it: by its suffix).
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zst", ".zip", ".tsv")
READABLE_SUFFIXES = (*CSV_SUFFIXES, ".parquet", ".feather")


def file_kind(path):
    """The readable suffix ``path`` ends with (lower case), or None."""
    name = str(path).lower()
    return next((s for s in READABLE_SUFFIXES if name.endswith(s)), None)


def check_path(path):
    """Refuse a missing file or an unknown format before any heavy import."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    if file_kind(path) is None:
        raise UserError(
            f"cannot read {path.name!r}: expected a file ending in "
            f"{', '.join(READABLE_SUFFIXES)}"
        )
    return path
