#!/usr/bin/env python3
"""Keeps docs/embedding.md and the programs of tests/embedding/ the same.

    check_doc.py blocks DOC ROOT
        Every fenced code block of DOC in C++ or C (```cpp, ```c) must follow a marker
        <!-- file: PATH --> and be byte for byte the file ROOT/PATH; every tests/embedding/*.cpp,
        *.c and *.py must be shown. Blocks in other languages may carry a marker too and are then compared.
    check_doc.py output DOC NAME PROGRAM [ARGS...]
        Runs PROGRAM; it must exit 0 and print exactly the block after <!-- output: NAME -->.
        Exit status 77 of PROGRAM (skipped) is passed on.
"""
import pathlib
import re
import subprocess
import sys

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
MARKER = re.compile(r"<!-- (file|output): (\S+) -->\n\n?$")


def blocks(doc):
    """(language, text, marker kind, marker value) of every fenced block, in order."""
    out = []
    for m in FENCE.finditer(doc):
        before = doc[:m.start()]
        marker = MARKER.search(before[-300:])
        out.append((m.group(1), m.group(2), marker.group(1) if marker else None,
                    marker.group(2) if marker else None))
    return out


def main(argv):
    if len(argv) >= 4 and argv[1] == "blocks":
        doc, root = pathlib.Path(argv[2]).read_text(), pathlib.Path(argv[3])
        failures, shown = [], set()
        for language, text, kind, value in blocks(doc):
            if kind == "file":
                shown.add(value)
                path = root / value
                if not path.exists():
                    failures.append(f"{value}: shown in the doc but there is no such file")
                elif path.read_text() != text:
                    failures.append(f"{value}: the doc's block differs from the file (copy the file into the doc)")
            elif language in ("cpp", "c"):
                failures.append(f"a ```{language} block without <!-- file: tests/embedding/NAME --> before it:\n"
                                + text[:200])
        examples = [p for pattern in ("*.cpp", "*.c", "*.py") for p in (root / "tests/embedding").glob(pattern)]
        for path in sorted(p for p in examples if p.name != "check_doc.py"):
            rel = str(path.relative_to(root))
            if rel not in shown:
                failures.append(f"{rel}: built and run by ctest, but not shown in the doc")
        for f in failures:
            print("FAIL:", f)
        print(f"{len(shown)} files shown in the doc; {len(failures)} problems")
        return 1 if failures else 0
    if len(argv) >= 5 and argv[1] == "output":
        doc, name, command = pathlib.Path(argv[2]).read_text(), argv[3], argv[4:]
        expected = [text for _, text, kind, value in blocks(doc) if kind == "output" and value == name]
        if len(expected) != 1:
            print(f"FAIL: the doc has {len(expected)} blocks marked <!-- output: {name} -->")
            return 1
        run = subprocess.run(command, capture_output=True, text=True)
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        if run.returncode == 77:  # skipped (the Python module is not built)
            return 77
        if run.returncode != 0:
            print(f"FAIL: {name} exited with {run.returncode}")
            return 1
        if run.stdout != expected[0]:
            print(f"FAIL: {name} printed something else than the doc shows; the doc shows:\n{expected[0]}")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
