"""Reading a JSON request (a file, or standard input for ``-``) and printing the contract's answer or error: what
``screen --json``, ``plan --json`` and ``import`` share."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from unknot.errors import RequestFileError, UnknotError

__all__ = ["dump_json", "print_answer", "read_request", "source_name"]


def print_answer(answer: Callable[[], dict[str, Any]]) -> int:
    """Print ``answer()`` as JSON (exit 0), or the contract's error for an ``UnknotError`` (its exit status)."""
    from unknot.contract import error_to_json

    try:
        out = answer()
    except UnknotError as exc:
        sys.stdout.write(dump_json(error_to_json(exc)) + "\n")
        sys.stderr.write(f"unknot: error: {exc.message.encode('utf-8', 'backslashreplace').decode()}\n")
        return exc.exit_code
    sys.stdout.write(dump_json(out, indent=2) + "\n")
    return 0


def dump_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text, readable UTF-8 where it can be; a lone surrogate echoed from a request (valid in JSON,
    not in UTF-8) is written as its ``\\u`` escape, so the answer is always printable JSON."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, indent=indent, ensure_ascii=True)
    return text


def read_request(source: str) -> str:
    """The text of the request file, or of standard input for ``-``; ``RequestFileError`` if unreadable."""
    if source == "-":
        if sys.stdin.isatty():
            sys.stderr.write("unknot: reading JSON from standard input; end it with Ctrl-D\n")
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RequestFileError("standard input is not UTF-8 text", code="invalid_json") from None
        return _not_empty(text, "standard input")
    path = Path(source)
    try:
        return _not_empty(path.read_text(encoding="utf-8-sig"), f"the file '{source}'")
    except FileNotFoundError:
        raise RequestFileError(f"the file '{source}' does not exist; check the path") from None
    except IsADirectoryError:
        raise RequestFileError(f"'{source}' is a directory, not a JSON file") from None
    except PermissionError:
        raise RequestFileError(f"the file '{source}' cannot be read: permission denied") from None
    except UnicodeDecodeError:
        raise RequestFileError(f"the file '{source}' is not UTF-8 text, so not JSON", code="invalid_json") from None
    except OSError as exc:
        raise RequestFileError(f"the file '{source}' cannot be read: {exc.strerror}") from None


def _not_empty(text: str, name: str) -> str:
    if not text.strip():
        raise RequestFileError(f"{name} is empty: it should hold a JSON object", code="invalid_json")
    return text


def source_name(source: str) -> str:
    """How an error names the request's source."""
    return "standard input" if source == "-" else f"the file '{source}'"
