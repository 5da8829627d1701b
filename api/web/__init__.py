"""Web front: the embeddable chat widget, its demo page, the public document viewer and the agent
console. Static assets and Jinja templates ship as package data; nothing needs a build step."""
from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
