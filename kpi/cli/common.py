"""Small helpers the command modules share: filter arguments and who is acting."""

from __future__ import annotations

import argparse
import getpass


def add_filters(sub: argparse.ArgumentParser) -> None:
    """The shared filter arguments: year, school, route, level."""
    sub.add_argument("--year", type=int)
    sub.add_argument("--school", action="append", default=[], metavar="BRIN")
    sub.add_argument("--route")
    sub.add_argument("--level", action="append", default=[])


def actor(args: argparse.Namespace) -> str:
    """Who acts: `--by`, else the logged-in user of the machine."""
    return getattr(args, "by", None) or getpass.getuser()
