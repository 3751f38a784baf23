"""What a request reaches through the app: the journal, the content and the live sessions (set up in ``app.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request

from unknot.contract import intake_from_json
from unknot.journal import Journal
from unknot.model import Catalog, Verdict
from unknot.policy import DayPolicy
from unknot.settings import Settings
from unknot.summary import JournalSummary
from unknot.today import take_screen, todays_policy
from unknot.web.live import LiveSessions

__all__ = [
    "catalog_of",
    "current_settings",
    "emergency_number_for",
    "journal_of",
    "live_of",
    "policy_for",
    "save_screen",
    "summary_for",
]


def journal_of(request: Request) -> Journal:
    """The app's journal."""
    journal: Journal = request.app.state.journal
    return journal


def catalog_of(request: Request) -> Catalog:
    """The content."""
    catalog: Catalog = request.app.state.catalog
    return catalog


def live_of(request: Request) -> LiveSessions:
    """The sessions under way."""
    live: LiveSessions = request.app.state.live
    return live


def current_settings(request: Request) -> Settings:
    """The user's settings, read again only when the config file has changed (``unknot config`` may change it
    while the server runs); a broken file never stops a page: `unknot config show` says what is wrong."""
    from unknot.errors import ConfigError
    from unknot.settings import config_path, load_settings

    path = config_path()
    try:
        stat = path.stat()
        stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    cached = getattr(request.app.state, "settings_cache", None)
    if cached is not None and cached[0] == (path, stamp):
        settings: Settings = cached[1]
        return settings
    try:
        settings = load_settings(path)
    except ConfigError:
        settings = Settings()
    request.app.state.settings_cache = ((path, stamp), settings)
    return settings


def policy_for(request: Request, subject: str = "self") -> DayPolicy:
    """Today's policy for ``subject``, from the journal (made again only when the journal or the minute changed)."""
    from unknot.web.cache import drawn

    return drawn(
        request, "policy", lambda now: todays_policy(journal_of(request), catalog_of(request), now, subject), subject
    )


def summary_for(request: Request) -> JournalSummary:
    """The journal summary (``unknot.summary``) for the user, made again only when the journal or the minute
    changed."""
    from unknot.summary import journal_summary
    from unknot.web.cache import drawn

    return drawn(request, "summary", lambda now: journal_summary(journal_of(request), catalog_of(request), now))


def emergency_number_for(request: Request) -> str:
    """The number to call: --emergency-number, the settings, the locale, the default."""
    from unknot.settings import emergency_number

    flag = request.app.state.config.emergency_number
    return emergency_number(catalog_of(request), flag, settings=current_settings(request))


def save_screen(request: Request, answers: dict[str, Any], subject: str = "self") -> tuple[Verdict, DayPolicy]:
    """Screen ``answers`` (the contract's request) about ``subject`` and keep it; this screen's verdict and today's
    policy after it."""
    verdict, _record, policy = take_screen(
        journal_of(request),
        catalog_of(request),
        datetime.now().astimezone(),
        intake_from_json(answers),
        subject=subject,
        emergency_number=emergency_number_for(request),
    )
    return verdict, policy
