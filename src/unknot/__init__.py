"""unknot: guides people safely through upper-back massage for pain relief.

The core is pure and small: ``load_catalog`` reads the content (rules, regions, sources), ``screen`` turns
an ``Intake`` into a ``Verdict``. Front ends import the core only through the names exported here.

Names are imported on first use (PEP 562), so that ``import unknot`` costs nothing on the start-up path of
``unknot --help``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from unknot._version import __version__

if TYPE_CHECKING:
    from unknot.content import load_catalog
    from unknot.contract import error_to_json, intake_from_json, verdict_to_json
    from unknot.errors import (
        ConfigError,
        ContentError,
        IntakeError,
        RequestError,
        RequestFileError,
        UnknotError,
    )
    from unknot.model import (
        Answer,
        Catalog,
        Category,
        Finding,
        Intake,
        Reason,
        Region,
        Rule,
        Source,
        Verdict,
    )
    from unknot.screening import screen

_EXPORTS = {
    "load_catalog": "unknot.content",
    "error_to_json": "unknot.contract",
    "intake_from_json": "unknot.contract",
    "verdict_to_json": "unknot.contract",
    "ConfigError": "unknot.errors",
    "ContentError": "unknot.errors",
    "IntakeError": "unknot.errors",
    "RequestError": "unknot.errors",
    "RequestFileError": "unknot.errors",
    "UnknotError": "unknot.errors",
    "Answer": "unknot.model",
    "Catalog": "unknot.model",
    "Category": "unknot.model",
    "Finding": "unknot.model",
    "Intake": "unknot.model",
    "Reason": "unknot.model",
    "Region": "unknot.model",
    "Rule": "unknot.model",
    "Source": "unknot.model",
    "Verdict": "unknot.model",
    "screen": "unknot.screening",
}

__all__ = [
    "Answer",
    "Catalog",
    "Category",
    "ConfigError",
    "ContentError",
    "Finding",
    "Intake",
    "IntakeError",
    "Reason",
    "Region",
    "RequestError",
    "RequestFileError",
    "Rule",
    "Source",
    "UnknotError",
    "Verdict",
    "__version__",
    "error_to_json",
    "intake_from_json",
    "load_catalog",
    "screen",
    "verdict_to_json",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'unknot' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
