#!/bin/sh
# Runs the C API test under valgrind: any leak (definite, indirect or possible) or memory error
# fails. Exit 77 (ctest: skipped) when valgrind is not installed.
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is not installed: skipped"
  exit 77
fi
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 "$@"
