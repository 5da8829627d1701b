"""Sub-commands of this capability (registered by liaison.cli)."""
import argparse


def register(sub: argparse._SubParsersAction) -> None:
    pass
