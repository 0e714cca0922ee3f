"""pandas where it is installed: the tidy tables of the CSV outputs."""
try:
    import pandas as _pd
except ImportError:  # optional
    _pd = None

HAVE_PANDAS = _pd is not None


def frame(columns):
    """A DataFrame of {name: column} (pandas needed)."""
    if _pd is None:
        raise ImportError("pandas is not installed (apt install python3-pandas); the numbers are also in the "
                          "result's arrays and dicts")
    return _pd.DataFrame(columns)


def records(rows):
    """A DataFrame of a list of row dicts, columns in the rows' order."""
    if _pd is None:
        return frame({})
    return _pd.DataFrame.from_records(rows, columns=list(rows[0].keys()) if rows else None)
