"""The one exception type of the command line."""


class UserError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


READABLE_SUFFIXES = (".csv", ".parquet", ".feather")


def check_path(path):
    """Refuse a missing file or an unknown format before any heavy import."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise UserError(
            f"cannot read {path.name!r}: expected a .csv, .parquet or .feather file"
        )
    return path
