"""What a request reaches through the app: the journal, the content and the live sessions (set up in ``app.py``)."""

from __future__ import annotations

from fastapi import Request

from unknot.journal import Journal
from unknot.model import Catalog
from unknot.web.live import SUBJECT, LiveSessions

__all__ = ["SUBJECT", "catalog_of", "journal_of", "live_of"]


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
