"""unknot's knowledge, as data: regions, screening rules, categories, restrictions and sources (YAML).

``load_catalog()`` returns the validated ``Catalog``, once per process. Validating the YAML takes PyYAML and
pydantic, which together cost more start-up time than the whole ``unknot screen --json`` budget, so the
validated catalog is kept in a pickle beside the files (in ``__pycache__``, as Python keeps bytecode) and
reused while unknot's version and the sizes and modification times of the files, and of the code that
defines and validates the catalog, are unchanged. A cache that cannot be read or written is ignored: the
files are always the truth.
"""

from __future__ import annotations

import os
import pickle
import sys
from functools import cache
from pathlib import Path

from unknot._version import __version__
from unknot.model import Catalog

__all__ = ["CONTENT_DIR", "CONTENT_FILES", "load_catalog", "load_catalog_from"]

CONTENT_DIR = Path(__file__).resolve().parent
CONTENT_FILES = (
    "sources.yaml",
    "regions.yaml",
    "restrictions.yaml",
    "categories.yaml",
    "rules.yaml",
    "groups.yaml",
    "emergency_numbers.yaml",
    "tools.yaml",
    "positions.yaml",
    "techniques.yaml",
    "preparation.yaml",
    "transitions.yaml",
    "insights.yaml",
    "session.yaml",
    "day.yaml",
    "pressure.yaml",
    "remote.yaml",
)
_CACHE_FORMAT = 2


@cache
def load_catalog() -> Catalog:
    """The content shipped with unknot, validated; loaded once per process."""
    key = _cache_key(CONTENT_DIR)
    path = CONTENT_DIR / "__pycache__" / f"catalog.{sys.implementation.cache_tag}.pickle"
    cached = _read_cache(path, key)
    if cached is not None:
        return cached
    catalog = load_catalog_from(CONTENT_DIR)
    _write_cache(path, key, catalog)
    return catalog


def load_catalog_from(directory: Path) -> Catalog:
    """Read and validate the content files in ``directory`` (no cache); raises ``ContentError``."""
    from unknot.content._validate import build_catalog

    return build_catalog(directory)


# The code whose change changes the cached objects' shape or meaning.
_CODE = (Path(__file__).resolve(), CONTENT_DIR / "_validate.py", CONTENT_DIR.parent / "model.py")


def _cache_key(directory: Path) -> tuple[object, ...]:
    stats = []
    for path in (*(directory / name for name in CONTENT_FILES), *_CODE):
        try:
            st = os.stat(path)
        except OSError:
            return ()  # a missing file: never a cache hit, the loader will say what is missing
        stats.append((path.name, st.st_mtime_ns, st.st_size))
    return (_CACHE_FORMAT, __version__, str(directory), *stats)


def _read_cache(path: Path, key: tuple[object, ...]) -> Catalog | None:
    if not key:
        return None
    try:
        with open(path, "rb") as fh:
            stored_key, catalog = pickle.load(fh)
    except Exception:  # a missing, truncated or stale-format cache is only a miss
        return None
    if stored_key != key or not isinstance(catalog, Catalog):
        return None
    return catalog


def _write_cache(path: Path, key: tuple[object, ...], catalog: Catalog) -> None:
    if not key:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump((key, catalog), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a reader sees the old cache or the new one, never half of one
    except OSError:
        tmp.unlink(missing_ok=True)  # read-only install: run without a cache
