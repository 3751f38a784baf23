"""The voice really speaks: espeak-ng turns every cue of a routine into sound (written to WAV files here, as the
terminal has no sound device in CI), each of a plausible length, and never longer than the session's estimate,
which is what keeps cues from overlapping."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from tests.conftest import in_ci
from unknot.cli.voice import ENGINE, Silent, Speech, chime_wav, open_voice
from unknot.content import load_catalog
from unknot.model import Mode, PlanRequest
from unknot.planner import plan
from unknot.session import planned_cues

CATALOG = load_catalog()


@pytest.fixture
def engine() -> str:
    path = shutil.which(ENGINE)
    if path is None:
        if in_ci():
            pytest.fail(f"{ENGINE} is needed in CI (.ci/run installs it)")
        pytest.skip(f"{ENGINE} is not installed")
    return path


def seconds_of(path: Path) -> float:
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return wav.getnframes() / wav.getframerate()


def said_in(mode: Mode, minutes: int, tools: tuple[str, ...] = ()) -> list[str]:
    """Every cue a session of that routine says, run to its end with nobody pressing anything."""
    return [cue.text for cue in planned_cues(plan(PlanRequest(mode, minutes, tools), catalog=CATALOG), CATALOG)]


@pytest.mark.parametrize(
    ("mode", "tools"),
    [pytest.param(Mode.PARTNER, (), id="partner"), pytest.param(Mode.SELF, ("tennis_ball",), id="self")],
)
def test_every_cue_of_a_routine_is_spoken_within_its_estimate(
    engine: str, tmp_path: Path, mode: Mode, tools: tuple[str, ...]
) -> None:
    texts = said_in(mode, 5, tools)
    voice = Speech(engine, rate=CATALOG.session.words_per_minute, record_to=tmp_path)
    for text in texts:
        voice.say(text, chime=True)
    voice.close()  # writes everything queued first
    assert voice.problem is None
    assert len(voice.recorded) == len(texts) and all(p.stat().st_size > 1000 for p in voice.recorded)
    from unknot.session import speaking_seconds

    for path, text in zip(voice.recorded, texts, strict=True):
        spoken = seconds_of(path)
        estimate = speaking_seconds(text, CATALOG.session.words_per_minute)
        # Plausible: at least a fifth of a second a word; and within the estimate the schedule spaces cues by.
        assert len(text.split()) * 0.2 <= spoken <= estimate, (text, spoken, estimate)


def test_a_slower_rate_speaks_longer(engine: str, tmp_path: Path) -> None:
    text = "Knead the left upper trapezius between thumb and fingers."
    lengths = []
    for rate in (120, 240):
        voice = Speech(engine, rate=rate, record_to=tmp_path / str(rate))
        voice.say(text)
        voice.close()
        lengths.append(seconds_of(voice.recorded[0]))
    assert lengths[0] > 1.6 * lengths[1]


def test_an_interrupting_cue_drops_what_was_queued(engine: str, tmp_path: Path) -> None:
    voice = Speech(engine, rate=160, record_to=tmp_path)
    voice.say("Half-way.")
    voice.wait()
    for _ in range(20):
        voice.say("Ten seconds left.")
    voice.say("Paused.", interrupt=True)
    voice.close()
    assert 2 <= len(voice.recorded) < 22  # the queue was emptied; "Paused." itself is said


def test_no_engine_is_said_once_and_the_cues_still_come(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    rung: list[int] = []
    voice = open_voice(True, rate=160, bell=lambda: rung.append(1))
    assert isinstance(voice, Silent) and voice.problem is not None and "no speech engine" in voice.problem
    voice.say("Half-way.", chime=True)
    assert rung == [1]  # the bell stands in for the chime
    assert open_voice(False, rate=160).problem is None  # --no-voice is a choice, not a problem


def test_the_chime_is_a_short_soft_tone(tmp_path: Path) -> None:
    path = chime_wav(tmp_path / "chime.wav")
    assert 0.2 <= seconds_of(path) <= 0.5
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
    import array

    samples = array.array("h", frames)
    assert 4000 < max(abs(s) for s in samples) < 16000  # audible, well below full scale
