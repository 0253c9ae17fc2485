#!/bin/sh
# Runs a Python example of docs/embedding.md with the built module on PYTHONPATH ($1: the
# directory holding the package pol); exit 77 (skipped) when the module is not built there.
set -eu
export PYTHONPATH="$1"
shift
/usr/bin/python3 -c "import pol" 2>/dev/null || { echo "the Python module is not built in $PYTHONPATH: skipped"; exit 77; }
exec /usr/bin/python3 "$@"
