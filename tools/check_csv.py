"""Read `x3d-cost --format csv` with Python's csv module and check it is tidy data that round-trips with the JSON.

Usage (from the repository root, after `swift build`):

    python3 tools/check_csv.py [--binary .build/debug/x3d-cost]

For X3D-XS and X3D-M, totals and --per-layer: every row has every column; every column whose JSON value is a
number parses as a number (int where the JSON has an int) and equals the JSON value under the same name; shapes
joined with `x` equal the JSON arrays. Exits 1 on the first mismatch, naming the preset, row, column and values.
"""
import argparse
import csv
import io
import json
import subprocess
import sys


def run(binary, args):
    return subprocess.run([binary] + args, check=True, capture_output=True, text=True).stdout


def flatten_totals(document):
    record = dict(document["config"])
    record.update(document["totals"])
    return [record]


def check(preset, rows, records):
    if len(rows) != len(records):
        sys.exit(f"{preset}: {len(rows)} CSV rows, {len(records)} JSON records")
    for index, (row, record) in enumerate(zip(rows, records)):
        for key, value in record.items():
            cell = row.get(key)
            if cell is None:
                sys.exit(f"{preset} row {index}: column {key} missing")
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int):
                parsed = int(cell)
            elif isinstance(value, float):
                parsed = float(cell)
            elif isinstance(value, list):
                parsed = [int(part) for part in cell.split("x")] if cell else []
            else:
                parsed = cell
            if parsed != value:
                sys.exit(f"{preset} row {index} column {key}: CSV {cell!r}, JSON {value!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/x3d-cost")
    binary = parser.parse_args().binary
    for preset in ["xs", "m"]:
        for extra in [[], ["--per-layer"]]:
            args = ["--preset", preset] + extra
            text = run(binary, args + ["--format", "csv"])
            rows = list(csv.DictReader(io.StringIO(text, newline="")))
            document = json.loads(run(binary, args + ["--format", "json"]))
            records = document["layers"] if extra else flatten_totals(document)
            check(" ".join(args), rows, records)
            print(f"{' '.join(args)}: {len(rows)} rows × {len(rows[0])} columns round-trip")


if __name__ == "__main__":
    main()
