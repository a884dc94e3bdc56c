"""The ``canon`` command line."""

from canon.cli.app import cli, main, run

__all__ = ["cli", "main", "run"]
