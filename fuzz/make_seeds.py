#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into OUTDIR/<target>/ (one file per seed):
fuzz_policy: every .pol file of examples/, stdlib/, tests/ and docs/, and every ```pol block of
docs/*.md; fuzz_records: the household records of examples/data/ and tests/ (JSON lines, JSON,
CSV, context files); fuzz_decimal: numbers written as the fuzz target reads them."""
import hashlib
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])


def write(target, data):
    directory = out / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > 64 * 1024:  # keep seeds small: the fuzzer mutates them
        data = data[: 64 * 1024]
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


for d in ("examples", "stdlib", "tests", "docs"):
    for path in sorted((root / d).rglob("*.pol")):
        write("fuzz_policy", path.read_bytes())
for path in sorted((root / "docs").rglob("*.md")):
    for block in re.findall(r"```pol[^\n]*\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
        write("fuzz_policy", block)

for d in ("examples/data", "tests"):
    for ext in ("jsonl", "json", "csv"):
        for path in sorted((root / d).rglob("*." + ext)):
            data = path.read_bytes()
            write("fuzz_records", data)
            # Single records too: small inputs mutate faster.
            for line in data.splitlines()[:20]:
                write("fuzz_records", line)
# Records shaped for the fixed policy of fuzz_records.cpp.
write("fuzz_records", '{"id":"h1","region":"north","size":2,"as_of":"2026-02-01","members":[{"age":40,"employed":false,'
      '"hours":"12.5","wage":"$1,234.56","share":"5%","born":"1986-04-30","name":"Ann","status":"married",'
      '"wages":{"2025-Q1":"3000","2025-Q2":"3100.10"},"hours_by_month":{"2025-12":"40"},"flags":{"2025":true},'
      '"children":[{"age":3,"weekly":{"2026-W05":"12.00"}}]}]}\n')
write("fuzz_records", '[{"id":"a","members":[{"age":20}]},{"id":"b","members":[]}]')
write("fuzz_records", "id,age,employed,wage,wages[2025-Q4],status,born\nh1,30,false,$100.00,12.5,single,1990-01-31\n"
      "h1,31,true,\"1,000.00\",,widowed,1991-02-28\nh2,18,,0,,,\n")
write("fuzz_records", '{"unemployment_rate":"6.5%","claims":{"2026-W01":12}}')

for seed in ("1\n2\n", "12.50\n-3.125\n\x01", "0\n0\n", "-0.000\n1\n\x02",
             "99999999999999999999999999999999999999\n0.00000000000000000000001\n\x05",
             "170141183460469231731687303715884105727\n-170141183460469231731687303715884105728\n\x06",
             "123456789.123456789\n987654321.987654321\n\x10", "1" + "0" * 60 + "\n3\n\x33"):
    write("fuzz_decimal", seed)

for target in ("fuzz_policy", "fuzz_records", "fuzz_decimal"):
    print(f"{target}: {len(list((out / target).iterdir()))} seeds")
