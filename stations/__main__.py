"""Command line: ``python -m stations validate [files]``, ``python -m stations bump-version`` and
``python -m stations settings`` (the environment variables the app reads, as the README's table),
``python -m stations serve`` (the dashboard as it is deployed, stations/web/serve.py) and
``python -m stations publish --out DIR`` (the static published map, see stations/publish).

``validate`` prints every problem as ``file:line: column: message`` and exits 1 if there is any,
so that an editor of the CSV files sees all their mistakes at once and CI can gate on it. Where a
``datapackage.json`` sits beside the files, it is checked too: a data change without a new data
version fails. ``bump-version`` records the files as they are under a new version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stations import settings

DEFAULT_FILES = ("data/stations.csv", "data/responses.csv", "data/unidentified.csv")


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["serve"]:
        # The supervisor stays small: it imports neither pandas nor Streamlit.
        from stations.web import serve

        return serve.main(args_in[1:])
    from stations.data import datapackage
    from stations.data.validate import validate_paths

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
    bump = commands.add_parser(
        "bump-version", help="record the data files as a new data version in datapackage.json"
    )
    bump.add_argument("--data-dir", default="data", help="directory of the data files (default: %(default)s)")
    commands.add_parser("settings", help="print the environment variables the app reads (Markdown)")
    commands.add_parser(
        "serve", help="serve the dashboard as deployed (see `python -m stations serve --help`)"
    )
    publish = commands.add_parser(
        "publish", help="write the static published map (one folder) from the validated data"
    )
    publish.add_argument("--out", required=True, type=Path, help="the site's folder (replaced whole)")
    publish.add_argument(
        "--data-dir", default="data", help="directory of the data files (default: %(default)s)"
    )
    publish.add_argument(
        "--country",
        action="append",
        default=None,
        metavar="ISO2",
        help="publish only these country pages (repeat; default: every host country)",
    )
    args = parser.parse_args(args_in)
    if args.command == "settings":
        print(settings.markdown_table(), end="")
        return 0
    if args.command == "bump-version":
        return _bump(Path(args.data_dir))
    if args.command == "publish":
        return _publish(Path(args.data_dir), args.out, args.country)
    problems = validate_paths(args.files)
    for directory in sorted({Path(f).parent for f in args.files}):
        if (directory / datapackage.PACKAGE_FILE).exists():
            problems += datapackage.check(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {', '.join(args.files)}", file=sys.stderr)
    return 0


def _bump(directory: Path) -> int:
    """Validate first: a version is only recorded for files that pass."""
    from stations.data import citation_file, datapackage
    from stations.data.validate import validate_paths

    files = [directory / Path(name).name for name in DEFAULT_FILES]
    problems = validate_paths([f for f in files if f.exists() or f.name in datapackage.REQUIRED])
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) found: no version recorded", file=sys.stderr)
        return 1
    package = datapackage.bump(directory)
    print(
        f"data version {package['version']} recorded in {directory / datapackage.PACKAGE_FILE}",
        file=sys.stderr,
    )
    # The repository's CITATION.cff (beside the data directory) names the same version and date.
    cff = directory.resolve().parent / citation_file.FILE
    if cff.exists():
        citation_file.update(cff, package["version"], package["created"][:10], citation_file.public_url())
        print(f"data version {package['version']} written in {cff}", file=sys.stderr)
    return 0


def _publish(directory: Path, out: Path, countries: list[str] | None) -> int:
    """Validate, then write the site; a failed check writes nothing."""
    from stations.data.load import DataError
    from stations.publish import site, source

    try:
        loaded = source.load(directory)
    except DataError as err:
        for problem in err.problems:
            print(problem)
        print(f"{len(err.problems)} problem(s) found: nothing published", file=sys.stderr)
        return 1
    built = site.publish(loaded, out, public_url=settings.PUBLIC_URL.read(), countries=countries)
    print(
        f"published {len(built.pages)} page(s) of data version {loaded.version or 'unknown'} "
        f"({loaded.short_digest}) in {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
