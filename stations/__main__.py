"""Command line: ``python -m stations validate [files]``.

Prints every problem as ``file:line: column: message`` and exits 1 if there is any, so that
an editor of the CSV files sees all their mistakes at once and CI can gate on it.
"""

from __future__ import annotations

import argparse
import sys

from stations.load import validate_paths

DEFAULT_FILES = ("data/stations.csv", "data/responses.csv", "data/unidentified.csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stations", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check data files against the schema")
    validate.add_argument(
        "files",
        nargs="*",
        default=list(DEFAULT_FILES),
        help=(
            "files to check; names containing 'response' are read as responses, 'unidentified' as the "
            "record of unidentified stations, checked with the stations against the reports' totals "
            "(default: %(default)s)"
        ),
    )
    args = parser.parse_args(argv)
    problems = validate_paths(args.files)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {', '.join(args.files)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
