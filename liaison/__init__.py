"""Liaison core: settings, offline defaults, database, accounts and the `liaison` CLI.

Importing this package sets the offline/telemetry defaults before any heavy library is imported,
so no code path of the project can reach a model hub or a telemetry endpoint by accident.
"""
from liaison._offline import apply_offline_defaults

apply_offline_defaults()

__version__ = "0.1.0"
