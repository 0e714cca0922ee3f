#!/usr/bin/env python3
"""Check CSV files against the column dictionary (schemas/columns.csv).

    check_columns.py COLUMNS.csv TABLE[+TABLE...] FILE... [--load]

Each FILE's header must be exactly the dictionary's columns of TABLE, in
order ("batch_key+hinge.csv": the batch key columns, then hinge.csv's); a
dictionary column written <channel> stands for one or more channel columns
(SIDE.CODE). With --load every FILE is also read with pandas using the
documented dtypes (float64, int64, Int64, string), which fails on a value
that is not of its column's type. One line per file; exit 1 on any
mismatch.
"""
import csv
import re
import sys

CHANNEL = re.compile(r"^((L|R)\.)?[A-Z][A-Z0-9]*$")


def dictionary(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tables = {}
    for r in rows:
        tables.setdefault(r["table"], []).append(r)
    return tables


def expected(tables, spec):
    cols = []
    for t in spec.split("+"):
        if t not in tables:
            raise SystemExit("check_columns: no table %s in the dictionary" % t)
        cols += tables[t]
    return cols


def check_header(header, cols):
    """None when the header fits, else what differs; and the dtype of each column."""
    dtypes, i = {}, 0
    for c in cols:
        if c["column"] == "<channel>":
            n = 0
            while i < len(header) and CHANNEL.match(header[i]):
                dtypes[header[i]] = c["dtype"]
                i, n = i + 1, n + 1
            if n == 0:
                return "no channel column at position %d" % (i + 1), dtypes
            continue
        if i >= len(header):
            return "column %s (position %d) is missing" % (c["column"], i + 1), dtypes
        if header[i] != c["column"]:
            return "column %d is %r, the dictionary says %r" % (i + 1, header[i], c["column"]), dtypes
        dtypes[header[i]] = c["dtype"]
        i += 1
    if i < len(header):
        return "column %r (position %d) is not in the dictionary" % (header[i], i + 1), dtypes
    return None, dtypes


def load(path, dtypes):
    import pandas as pd
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=True)
    bad = [c for c, t in dtypes.items() if str(df[c].dtype) != t]
    if bad:
        return "dtypes differ: " + ", ".join("%s is %s, not %s" % (c, df[c].dtype, dtypes[c]) for c in bad)
    return "%d rows" % len(df)


def main(argv):
    args = [a for a in argv[1:] if a != "--load"]
    if len(args) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cols = expected(dictionary(args[0]), args[1])
    bad = 0
    for path in args[2:]:
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
        why, dtypes = check_header(header, cols)
        if why is None and "--load" in argv:
            try:
                what = load(path, dtypes)
            except Exception as e:  # pandas says what did not parse
                what = "dtypes differ: pandas cannot read it so: %s" % str(e).splitlines()[0]
            if what.startswith("dtypes differ"):
                why = what
        if why:
            bad += 1
            print("%s: %s: %s" % (path, args[1], why))
        else:
            print("%s: ok (%s)" % (path, args[1]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
