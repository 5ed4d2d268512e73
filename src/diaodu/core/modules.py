"""Discovery of the modules' optional parts (``diaodu/<module>/<part>.py``).

The foundation mounts whatever a module ships — CLI group, API router, pages, demo data,
background jobs — without importing modules it does not have."""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = ("monitor", "speech", "tasks", "projects", "reports")


def optional_part(module: str, part: str) -> ModuleType | None:
    """``diaodu.<module>.<part>`` if it exists; None if not (an import error inside it is raised)."""
    name = f"diaodu.{module}.{part}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name and exc.name != f"diaodu.{module}":
            raise
        return None


def parts(part: str) -> list[tuple[str, ModuleType]]:
    """Every module's ``part``, in loop order (monitor, speech, tasks, projects, reports)."""
    return [(m, found) for m in MODULES if (found := optional_part(m, part)) is not None]
