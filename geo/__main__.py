"""Command line: ``python -m geo geocode FILE [options]`` and ``python -m geo check FILE``.

Exit codes: 0 done (even if some rows fell back or failed: the summary lists them), 1 the input
file is bad (``file:line: column: message``) or a check failed, 2 bad usage, 130 interrupted (the
data file is left as it was; the cache keeps every answer already paid for).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cache import DEFAULT_PATH, GeoCache
from geo.client import DEFAULT_DOMAIN, DEFAULT_USER_AGENT, ClientConfig, OnlineGeocoder
from geo.csvio import InputError, read_table, write_table


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    geocode = commands.add_parser("geocode", help="fill lat/lon of rows that lack them")
    geocode.add_argument("file", type=Path, help="stations CSV (e.g. data/stations.csv)")
    geocode.add_argument(
        "--offline", action="store_true", help="use only the cache and the gazetteer: no request at all"
    )
    geocode.add_argument(
        "--refresh",
        nargs="+",
        default=[],
        metavar="ID",
        help="re-geocode these station_ids (bypassing the cache)",
    )
    geocode.add_argument(
        "--user-agent",
        default=DEFAULT_USER_AGENT,
        help="User-Agent sent to the geocoder (Nominatim requires a real one)",
    )
    geocode.add_argument(
        "--domain", default=DEFAULT_DOMAIN, help="geocoder host[:port] (default: %(default)s)"
    )
    geocode.add_argument("--scheme", default="https", choices=("https", "http"))
    geocode.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for one answer (default: %(default)s)",
    )
    geocode.add_argument(
        "--min-delay",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds between requests (default: %(default)s; the public Nominatim allows no less)",
    )
    geocode.add_argument(
        "--retries", type=int, default=2, help="retries after a timeout, 429 or 5xx (default: %(default)s)"
    )
    geocode.add_argument(
        "--backoff",
        type=float,
        default=2.0,
        metavar="S",
        help="first wait before a retry, doubled each time (default: %(default)s)",
    )
    geocode.add_argument("--cache", type=Path, default=DEFAULT_PATH, help="cache file (default: %(default)s)")
    progress = geocode.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress", dest="progress", action="store_true", default=None, help="always show the progress bar"
    )
    progress.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="never show it (default: only on a terminal)",
    )
    check = commands.add_parser("check", help="every coordinate lies inside its own country")
    check.add_argument("file", type=Path)
    return parser


def _geocode(args: argparse.Namespace) -> int:
    table = read_table(args.file)
    try:
        cache = GeoCache.load(args.cache)
    except ValueError as err:
        _say(f"error: {err}")
        return 1
    known = {table.get(i, "station_id") for i in range(len(table.rows))}
    unknown = [sid for sid in args.refresh if sid not in known]
    if unknown:
        _say(f"error: --refresh names no row of {args.file}: {', '.join(unknown)}")
        return 2
    from geo.geocode import Geocoder  # after the cheap checks: loads shapely and boundaries

    online = None
    if not args.offline:
        if args.domain == DEFAULT_DOMAIN and args.min_delay < 1.0:
            _say("error: the public Nominatim allows at most one request per second (--min-delay >= 1)")
            return 2
        online = OnlineGeocoder(
            ClientConfig(
                user_agent=args.user_agent,
                domain=args.domain,
                scheme=args.scheme,
                timeout=args.timeout,
                min_delay=args.min_delay,
                max_retries=args.retries,
                backoff=args.backoff,
            )
        )
    geocoder = Geocoder(cache, online, say=_say)
    summary = geocoder.run(table, refresh=frozenset(args.refresh), progress=args.progress)
    summary.written = write_table(table)
    for line in summary.lines():
        print(line)
    if summary.written:
        print(f"wrote {args.file}: {summary.changed_rows} row(s) changed")
    else:
        print(f"{args.file}: unchanged")
    return 0


def _check(args: argparse.Namespace) -> int:
    from geo.check import check_table

    table = read_table(args.file)
    findings, checked = check_table(table)
    for finding in findings:
        print(f"{args.file}:{finding.line}: {finding.station_id}: {finding.message}")
    print(f"checked {checked} coordinate(s) of {len(table.rows)} row(s): {len(findings)} problem(s)")
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _geocode(args) if args.command == "geocode" else _check(args)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        _say(f"{len(err.problems)} problem(s): {args.file} left untouched")
        return 1
    except KeyboardInterrupt:
        _say(f"interrupted: {args.file} left untouched; answers so far are kept in the cache")
        return 130


if __name__ == "__main__":
    sys.exit(main())
