"""The journal's tables (SQLAlchemy 2, typed). Changing them needs a migration in ``migrations/versions``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The metadata of every journal table."""


class PainEntryRow(Base):
    """A pain rating (0-10) of one region at one time; ``session_id`` and ``phase`` (before / after) when a guided
    session asked for it."""

    __tablename__ = "pain_entries"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 10", name="ck_pain_entries_score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    score: Mapped[int] = mapped_column(Integer)
    quality: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE", name="fk_pain_entries_session"), nullable=True, index=True
    )
    phase: Mapped[str | None] = mapped_column(String(10), nullable=True)


class ScreenRow(Base):
    """A safety screen: the answers and the verdict, as the JSON contract writes them; whom it was about, and when
    it was withdrawn as answered by mistake."""

    __tablename__ = "screens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date, index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[dict[str, Any]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(10), default="self", server_default="self")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ClearanceRow(Base):
    """A consult-first rule cleared by a professional, until withdrawn."""

    __tablename__ = "clearances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(40), index=True)
    cleared_on: Mapped[date] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionRow(Base):
    """A guided session: its routine (the plan contract's JSON) and how it ended."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    mode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), index=True)
    routine: Mapped[dict[str, Any]] = mapped_column(JSON)


class SessionStepRow(Base):
    """What happened to one step of a session (saved as soon as the step ends)."""

    __tablename__ = "session_steps"
    __table_args__ = (UniqueConstraint("session_id", "idx", name="uq_session_steps_idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    seconds: Mapped[float] = mapped_column(Float)
    feedback: Mapped[list[str]] = mapped_column(JSON)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionEventRow(Base):
    """A stop, "it hurts", pause or resume during a session."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class RemoteTapRow(Base):
    """A tap on the receiver's remote: its kind, the step, its number in the session, and when the giver
    acknowledged it (an alarm: stop, it hurts)."""

    __tablename__ = "remote_taps"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_remote_taps_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10))
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seq: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChangeRow(Base):
    """The journal's write counter: one row, ``n`` raised by every write in the same transaction, so a reader
    (the web app's page cache) learns with one light query whether anything changed, whichever process wrote."""

    __tablename__ = "journal_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
