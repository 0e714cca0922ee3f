#!/usr/bin/env python3
"""Validate JSON files against the schemas in schemas/ (python3-jsonschema).

    check_schemas.py SCHEMA_DIR NAME FILE...   each FILE against NAME.schema.json
    check_schemas.py SCHEMA_DIR --self         every schema against its meta-schema

Prints one line per file (ok, or the first errors with their JSON path) and
exits 1 when any file does not validate. The schemas refer to each other by
relative $ref (defs.schema.json); every schema of the folder is loaded into
the resolver's store under its $id, so nothing is fetched.
"""
import glob
import json
import os
import sys

import jsonschema


def load_store(folder):
    store = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.schema.json"))):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        store[schema["$id"]] = schema
        store[os.path.basename(path)] = schema
    return store


def validator_for(store, name):
    schema = store[name + ".schema.json"]
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    store = load_store(argv[1])
    if argv[2] == "--self":
        bad = 0
        for key, schema in store.items():
            if key.endswith(".schema.json") and not key.startswith("http"):
                try:
                    jsonschema.validators.validator_for(schema).check_schema(schema)
                except jsonschema.SchemaError as e:
                    print("%s: not a valid schema: %s" % (key, e.message))
                    bad += 1
        return 1 if bad else 0
    v = validator_for(store, argv[2])
    bad = 0
    for path in argv[3:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            for e in errors[:5]:
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                print("%s: %s: %s" % (path, where, e.message[:300]))
        else:
            print("%s: ok (%s)" % (path, argv[2]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
