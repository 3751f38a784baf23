"""The ``unknot`` console script: runs the Typer app and turns errors into one clear line."""

from __future__ import annotations

import os
import sys

from unknot.errors import UnknotError


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never ends in a traceback for an error unknot expects."""
    from unknot.cli.app import app

    try:
        app(args=argv, prog_name="unknot")
    except UnknotError as exc:
        from unknot.cli.console import print_error

        print_error(exc.message)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("\nunknot: cancelled; nothing was saved.\n")
        sys.exit(130)
    except Exception as exc:  # a bug: one line, and the traceback on request
        if os.environ.get("UNKNOT_DEBUG"):
            raise
        sys.stderr.write(
            f"unknot: internal error: {type(exc).__name__}: {exc}\n"
            "Please report it; run again with UNKNOT_DEBUG=1 to see the details.\n"
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover - `python -m unknot.cli.main`
    main()
