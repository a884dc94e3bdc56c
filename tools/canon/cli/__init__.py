"""The ``canon`` command line: a thin layer that resolves settings, calls the library, prints.

``app`` holds the group, the console and the shared options; each other module
registers one command or group on it. Library code never prints, exits or imports click.
"""

from canon.cli import apply, checks, data, dev, plan
from canon.cli.app import cli, main, run

__all__ = ["apply", "checks", "cli", "data", "dev", "main", "plan", "run"]
