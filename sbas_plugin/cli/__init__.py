"""The `sbas` command: the headless face of sbas_plugin.core. One module per subcommand, each with
register(commands) adding its parser and a run(args) returning the exit status."""

import argparse
import sys

from sbas_plugin.__about__ import __version__
from sbas_plugin.cli import (
    check,
    coherence,
    decompose,
    demo,
    download,
    extract,
    install_mintpy,
    pairs,
    plot,
    points,
    report,
    run,
    search,
    simulate,
    status,
    submit,
    update,
    validate,
)

COMMANDS = (
    check,
    search,
    pairs,
    points,
    run,
    demo,
    simulate,
    extract,
    plot,
    submit,
    status,
    download,
    update,
    validate,
    decompose,
    report,
    coherence,
    install_mintpy,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sbas", description="Sentinel-1 SBAS InSAR ground-motion pipeline.")
    parser.add_argument("--version", action="version", version=f"sbas {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KeyboardInterrupt:  # Ctrl-C: the progress bar was ended on the way out; no traceback
        print("sbas: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
