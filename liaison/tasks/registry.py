"""What each kind of task runs: `module:function` paths imported when a task of that kind runs, so
the queue imports no desk (and a worker loads only what it executes).

A handler is `fn(settings, db_url, payload, **context) -> dict | None`; an `on_dead` hook
`fn(settings, db_url, payload, error)` runs once when a task gives up (e.g. marks the job failed).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskKind:
    handler: str
    on_dead: str | None = None

    def load(self) -> Callable:
        return _resolve(self.handler)

    def load_on_dead(self) -> Callable | None:
        return _resolve(self.on_dead) if self.on_dead else None


KINDS: dict[str, TaskKind] = {
    "translation.job": TaskKind("translation.tasks:run_translation_job", "translation.tasks:give_up_translation_job"),
    "ingest.run": TaskKind("ingest.tasks:run_ingest"),
}


def kind(name: str) -> TaskKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown task kind {name!r}; known: {sorted(KINDS)}") from None


def _resolve(path: str) -> Callable:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)
