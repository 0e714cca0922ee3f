#!/usr/bin/env bash
# The architecture holds: layers include only downwards, libsndfile only in
# the recording layer, public headers only standard ones, files and
# functions of a readable size (tests/check_layout.py says exactly).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "${BL_PYTHON:-python3}" "$here/check_layout.py" "$here/.."
