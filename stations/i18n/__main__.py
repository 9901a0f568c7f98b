"""Command line of the catalogs: ``python -m stations.i18n extract|update|derive-hant|compile``.

``derive-hant --check`` exits 1 when the committed Traditional catalog is not what the derivation
gives (someone edited it by hand, or forgot to derive after changing the Simplified one).
"""

from __future__ import annotations

import argparse
import sys

from stations.i18n import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stations.i18n", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help=f"write {build.TEMPLATE.name} from the strings marked in the code")
    commands.add_parser(
        "update", help="merge the template into zh_Hans, then derive zh_Hant (run extract first)"
    )
    derive = commands.add_parser("derive-hant", help="write zh_Hant from zh_Hans and the overrides")
    derive.add_argument("--check", action="store_true", help="only check that zh_Hant is up to date")
    commands.add_parser("compile", help="build the .mo file of every catalog")
    args = parser.parse_args(argv)
    try:
        if args.command == "extract":
            changed = [build.TEMPLATE] if build.extract() else []
        elif args.command == "update":
            changed = build.update()
        elif args.command == "derive-hant" and args.check:
            if build.hant.derived_text() != build.po_path(build.DERIVED_CATALOG).read_text(encoding="utf-8"):
                print(
                    f"{build.po_path(build.DERIVED_CATALOG)}: not what zh_Hans and the overrides give; "
                    "do not edit it, run `make i18n-update`",
                    file=sys.stderr,
                )
                return 1
            changed = []
        elif args.command == "derive-hant":
            changed = build.derive_hant()
        else:
            changed = build.compile_all()
    except ValueError as error:  # a bad override or .po file: its own message says where
        print(error, file=sys.stderr)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(build.ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
