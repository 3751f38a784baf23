"""`unknot log`, `unknot history` and `unknot db` through the real entry point, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunUnknot


def test_log_then_history(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    run = unknot("log", "upper_trapezius_left", "6", "--quality", "tight", "--note", "after a long meeting")
    assert run.code == 0, run.err
    assert "Saved: Upper trapezius, left 6/10, tight." in run.out
    assert Path(cli_env["XDG_DATA_HOME"], "unknot", "journal.db").exists()  # the default place
    assert unknot("log", "rhomboid_right", "3").code == 0
    entries = unknot("history", "--json").json()
    assert [(e["region"], e["score"], e["quality"], e["note"]) for e in entries] == [
        ("upper_trapezius_left", 6, "tight", "after a long meeting"),
        ("rhomboid_right", 3, None, ""),
    ]
    table = unknot("history", "--region", "rhomboid_right").out
    assert "Rhomboid, right" in table and "3/10" in table and "Upper trapezius" not in table


def test_a_region_by_its_map_number_or_its_name(unknot: RunUnknot) -> None:
    assert "Saved: Rhomboid, left 4/10." in unknot("log", "4", "4").out  # the number on `unknot regions`
    assert "Saved: Mid-back, left 3/10." in unknot("log", "mid-back, LEFT", "3").out
    assert [e["region"] for e in unknot("history", "--json").json()] == ["rhomboid_left", "lower_trapezius_left"]


def test_a_journal_file_given_by_its_path(unknot: RunUnknot, tmp_path: Path) -> None:
    path = tmp_path / "by path.db"
    assert unknot("log", "neck_base", "2", "--db", str(path)).code == 0
    assert len(unknot("history", "--json", "--db", f"sqlite:///{path}").json()) == 1


def test_log_asks_when_nothing_is_given(unknot: RunUnknot) -> None:
    run = unknot("log", input="99\n4\n7\n")
    assert run.code == 0, run.err
    assert "Type a number from 1 to 12." in run.out and "Saved: Rhomboid, left 7/10." in run.out


def test_sharp_pain_gets_advice(unknot: RunUnknot) -> None:
    run = unknot("log", "scapula_left", "5", "--quality", "sharp")
    assert "see a professional" in run.out


def test_bad_input_writes_nothing(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    for args, message in (
        (("log", "rhomboid_left", "11"), "pain score 11 is out of range"),
        (("log", "rhomboid_left", "six"), "is not a whole number"),
        (("log", "rhomboid_left", "-1"), "pain score -1 is out of range"),  # a score, not an option
        (("log", "13", "3"), "region '13' is not an upper-back region"),
        (("log", "lower_back", "3"), "region 'lower_back' is not an upper-back region"),
        (("log", "rhomboid_left", "3", "--quality", "throbbing"), "quality 'throbbing' is not known"),
    ):
        run = unknot(*args)
        assert run.code == 2 and message in run.err and "Traceback" not in run.err, run.err
    assert not Path(cli_env["XDG_DATA_HOME"], "unknot", "journal.db").exists()


def test_not_a_journal_and_unreachable_server(unknot: RunUnknot, tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("not a database")
    run = unknot("history", "--db", f"sqlite:///{other}")
    assert run.code == 1 and "is not an unknot journal" in run.err and "Traceback" not in run.err
    run = unknot("log", "rhomboid_left", "3", "--db", "postgresql+psycopg://u:pw@127.0.0.1:1/j")
    assert run.code == 1 and "cannot reach the database" in run.err and "pw" not in run.err


def test_the_database_url_comes_from_the_environment(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert unknot("log", "neck_base", "2", env={"UNKNOT_DATABASE_URL": url}).code == 0
    assert (tmp_path / "elsewhere.db").exists()
    assert unknot("db", "path", env={"UNKNOT_DATABASE_URL": url}).out.strip() == url
    assert "up to date" in unknot("db", "upgrade", env={"UNKNOT_DATABASE_URL": url}).out


def seed(url: str, region: str, scores: list[int]) -> None:
    """One entry a day, the last one now, written through the library."""
    from datetime import UTC, datetime, timedelta

    from unknot.journal import open_journal
    from unknot.model import PainEntry

    journal = open_journal(url)
    now = datetime.now(UTC)
    for i, score in enumerate(scores):
        journal.add_entry(PainEntry(now - timedelta(days=len(scores) - 1 - i), region, score))
    journal.close()


def test_trends_show_averages_slope_and_a_chart(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    seed(url, "rhomboid_left", [8, 7, 6, 5, 4, 3, 2])
    run = unknot("trends", "--db", url)
    assert run.code == 0, run.err
    assert "Rhomboid, left" in run.out and "5.0" in run.out and "-7.0" in run.out
    assert "▆" in run.out and "▂" in run.out  # 8/10 and 2/10 on the 30-day chart


def test_insights_say_when_to_get_help(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    seed(url, "upper_trapezius_left", [3, 3, 4, 4, 5, 5, 6])
    run = unknot("insights", "--db", url)
    assert run.code == 0, run.err
    assert "Get help:" in run.out and "left upper trapezius" in run.out
    calm = f"sqlite:///{tmp_path / 'calm.db'}"
    seed(calm, "rhomboid_left", [6, 5, 4, 3])
    out = unknot("insights", "--db", calm).out
    assert "Get help" not in out and "easing" in out


def test_export_import_and_forget(unknot: RunUnknot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    seed(url, "rhomboid_left", [5, 4, 3])
    out = tmp_path / "journal.json"
    run = unknot("export", "--format", "json", "-o", str(out), "--db", url)
    assert run.code == 0 and "Wrote 3 entries" in run.err
    csv_text = unknot("export", "--format", "csv", "--db", url).out
    assert csv_text.splitlines()[0] == "at,region,score,quality,note,phase" and len(csv_text.splitlines()) == 4
    assert unknot("forget", "--all", "--db", url, input="n\n").code == 1
    assert len(unknot("history", "--json", "--db", url).json()) == 3
    assert unknot("forget", "--all", "--yes", "--db", url).out.strip() == "The journal is empty."
    assert unknot("history", "--json", "--db", url).json() == []
    run = unknot("import", str(out), "--db", url)
    assert run.code == 0 and "Imported 3 pain ratings, 0 sessions, 0 screens and 0 clearances." in run.out
    run = unknot("import", str(out), "--db", url)  # a second time: nothing new
    assert run.code == 0 and run.out.strip().endswith("; skipped 3 already in the journal.")
    assert len(unknot("history", "--json", "--db", url).json()) == 3
    again = tmp_path / "again.json"
    unknot("export", "-o", str(again), "--db", url)
    assert again.read_text() == out.read_text()
    bad = unknot("export", "--format", "xml", "--db", url)
    assert bad.code == 2 and "choose json, csv, fhir, pdf" in bad.err


@pytest.mark.parametrize("command", ["history", "sessions"])
@pytest.mark.parametrize("days", ["1000000", "0", "-3", "many"])
def test_days_out_of_range_is_one_clear_message(cli: RunUnknot, command: str, days: str) -> None:
    run = cli(command, "--days", days)
    assert run.code == 2, run.out + run.err
    assert "--days" in run.err and "Traceback" not in run.err + run.out and "internal error" not in run.err


def test_a_busy_journal_is_one_clear_line_and_the_same_log_then_works(unknot: RunUnknot, tmp_path: Path) -> None:
    """Issue 14, item 9: `unknot log` failed with an internal error while an import held the journal. Another writer
    holds SQLite's write lock past the wait (UNKNOT_JOURNAL_WAIT: half a second here, 30 s by default)."""
    import sqlite3

    db = tmp_path / "journal.db"
    args = ("log", "rhomboid_left", "6", "--note", "during an import", "--db", f"sqlite:///{db}")
    assert unknot("history", "--db", f"sqlite:///{db}").code == 0  # made and migrated
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        busy = unknot(*args, env={"UNKNOT_JOURNAL_WAIT": "0.5"})
    finally:
        holder.rollback()
        holder.close()
    assert busy.code == 1 and "Traceback" not in busy.err and "internal error" not in busy.err
    lines = busy.err.strip().splitlines()
    assert len(lines) == 1 and "is busy" in lines[0] and "try again" in lines[0], busy.err
    assert unknot(*args, env={"UNKNOT_JOURNAL_WAIT": "0.5"}).code == 0
    kept = unknot("history", "--json", "--db", f"sqlite:///{db}").json()
    assert [(e["score"], e["note"]) for e in kept] == [(6, "during an import")]


@pytest.mark.parametrize("wait", ["soon", "-1", "nan", "99999"])
def test_a_wrong_journal_wait_is_one_clear_message(unknot: RunUnknot, wait: str) -> None:
    run = unknot("history", env={"UNKNOT_JOURNAL_WAIT": wait})
    assert run.code == 2 and "UNKNOT_JOURNAL_WAIT" in run.err and "Traceback" not in run.err
