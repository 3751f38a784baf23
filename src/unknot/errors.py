"""Every error unknot raises on purpose, under one base class.

The hierarchy::

    UnknotError                 base: catch this once in a front end
    ├── ContentError            a content file is malformed (names the file, the entry and the field)
    ├── ConfigError             the user's config file or a setting is wrong
    ├── JournalError            the journal cannot be opened, read or written (not a journal, unreachable)
    │   ├── NotFoundError       a record asked for by id is not in the journal (a session, a screen)
    │   ├── JournalBusyError    another writer held the journal longer than unknot waits (503, try again)
    │   ├── JournalFullError    the disk (or the database's size limit) is full: nothing was written
    │   ├── JournalReadOnlyError  the journal can be read but not written (a read-only file or filesystem)
    │   └── JournalValueError   a value no journal can keep (a NUL character in a note): exit 2, 400
    ├── SessionStateError       a guided session refused an event in its state ("cannot 'resume' while 'running'")
    └── RequestError            a request from a user or a program is wrong (exit 2 in the CLI)
        ├── RequestFileError    the request file is missing, unreadable or not JSON
        ├── IntakeError         the screening answers name unknown rules or regions, or are incomplete
        ├── PlanError           a routine cannot be built as asked (or today's screen forbids one: exit 3)
        ├── PolicyError         today's policy refuses it: a resume after a blocking verdict, a late withdrawal
        └── PairingError        the receiver's remote refuses a pairing or a device: 403

Each error carries a ``code``: the machine-readable id of the JSON contracts (``../shared/contracts``), so a
front end in ``--json`` mode can print ``{"error": {"code": ..., "message": ...}}``, an ``exit_code`` for the
command line and an ``http_status`` for the web API. A message names the value, the cause and the fix.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ContentError",
    "IntakeError",
    "JournalBusyError",
    "JournalError",
    "JournalFullError",
    "JournalReadOnlyError",
    "JournalValueError",
    "NotFoundError",
    "PairingError",
    "PlanError",
    "PolicyError",
    "RequestError",
    "RequestFileError",
    "SessionStateError",
    "UnknotError",
]


class UnknotError(Exception):
    """Base class of every error unknot raises on purpose."""

    code: str = "error"
    #: Process exit status a command-line front end uses for this error.
    exit_code: int = 1
    #: The HTTP status the web API answers with.
    http_status: int = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ContentError(UnknotError):
    """A content file (YAML in ``unknot/content``) is malformed: the message names file, entry and field."""

    code = "content_error"


class ConfigError(UnknotError):
    """The user's configuration file, or a setting given on the command line, is not valid."""

    code = "config_error"
    exit_code = 2
    http_status = 400


class JournalError(UnknotError):
    """The journal cannot be used: the file is not an unknot journal, or the database cannot be reached."""

    code = "journal_error"
    http_status = 503


class JournalBusyError(JournalError):
    """Another process (an import, a second unknot) held the journal's write lock longer than unknot waits for it;
    nothing was written, and the same write later will work. The web answers 503 with ``Retry-After``."""

    code = "journal_busy"
    #: Seconds after which a client may try again (the web's ``Retry-After``).
    retry_after = 5


class JournalFullError(JournalError):
    """The disk holding the journal is full (SQLite's "database or disk is full"); nothing was written."""

    code = "journal_full"
    http_status = 507


class JournalReadOnlyError(JournalError):
    """The journal can be read but not written: the file, its folder or its filesystem is read-only."""

    code = "journal_read_only"


class JournalValueError(JournalError):
    """A value no journal can keep the same on SQLite and PostgreSQL (a NUL character in a text); nothing was
    written."""

    code = "invalid_request"
    exit_code = 2
    http_status = 400


class NotFoundError(JournalError):
    """A record asked for by its id (a session, a screen) is not in the journal."""

    code = "not_found"
    exit_code = 2
    http_status = 404


class SessionStateError(UnknotError):
    """A guided session cannot take an event in its present state; the message names both."""

    code = "session_state"
    http_status = 409


class RequestError(UnknotError):
    """A request is wrong: a field has the wrong type, is missing, or is not known."""

    code = "invalid_request"
    exit_code = 2
    http_status = 400


class RequestFileError(RequestError):
    """The request file does not exist, cannot be read (``file_not_found``) or is not JSON (``invalid_json``)."""

    code = "file_not_found"


class IntakeError(RequestError):
    """Screening answers that cannot be screened: an unknown rule or region, or an incomplete screen."""

    code = "invalid_request"


class PlanError(RequestError):
    """A routine cannot be built as asked: the message says what to change. ``screen_forbids`` exits 3."""

    code = "invalid_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        if self.code in ("screen_forbids", "screen_required"):
            self.http_status = 409  # the request is right; today's screen is missing or forbids it
        if self.code == "screen_forbids":
            self.exit_code = 3


class PolicyError(RequestError):
    """Today's policy refuses what was asked: going on with a session after a blocking verdict
    (``resume_refused``), withdrawing a screen after its time (``withdraw_too_late``). Exit 3, like a plan the
    screen forbids."""

    code = "policy_refuses"
    exit_code = 3
    http_status = 409


class PairingError(RequestError):
    """The receiver's remote refuses: a pairing link that is missing, spent or over its time, a second device the
    giver has not allowed, a device whose session has ended (``unknot.remote``). Answered 403: the device may not
    do this, whatever it sends."""

    code = "pairing_refused"
    http_status = 403
