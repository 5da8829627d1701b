"""Errors shared across the CLI (kept apart from liaison.cli so `python -m liaison.cli` sees the same class)."""


class CliError(Exception):
    """An error to print as one clear line (exit status 2), without a traceback."""
