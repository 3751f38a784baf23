"""The terminal's voice: spoken cues through espeak-ng, and a chime at each step, without blocking the timer.

A worker thread says the cues one after another (espeak-ng in a child process); a cue that answers the user
(``interrupt``) empties the queue and cuts off what is being said. The timer never waits for speech.

What can go wrong is said once, in ``problem``: no speech engine installed, or one that cannot reach a sound device
(espeak-ng then writes ALSA errors and exits 0). The chime is a short tone made here, played by the first of
``paplay``, ``aplay`` or sox's ``play`` that is installed and works; otherwise the terminal's bell.

``record_to`` writes every cue to a numbered WAV file instead of playing it: to hear what a routine will say, or to
check that the voice really speaks.
"""

from __future__ import annotations

import math
import queue
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENGINE", "Silent", "Speech", "Voice", "chime_wav", "open_voice"]

ENGINE = "espeak-ng"
PLAYERS = (("paplay",), ("aplay", "-q"), ("play", "-q"))


class Voice:
    """What the player needs from a voice."""

    problem: str | None = None  # why it cannot speak or chime, said once on the screen

    def say(self, text: str, *, interrupt: bool = False, chime: bool = False) -> None:
        """Queue ``text`` (after a chime when ``chime``); ``interrupt`` cuts off what is being said first."""

    def close(self) -> None:
        """Stop speaking and release the worker."""


class Silent(Voice):
    """No voice (``--no-voice``); the chime alone, as the terminal's bell."""

    def __init__(self, bell: Callable[[], None] | None = None, problem: str | None = None) -> None:
        self.bell = bell
        self.problem = problem

    def say(self, text: str, *, interrupt: bool = False, chime: bool = False) -> None:
        """Ring the bell at a chime; say nothing."""
        if chime and self.bell is not None:
            self.bell()


@dataclass(frozen=True, slots=True)
class _Item:
    text: str
    chime: bool
    done: threading.Event | None = None  # set when the worker reaches this item: all before it has been said


class Speech(Voice):
    """espeak-ng on a worker thread."""

    def __init__(
        self,
        engine: str,
        *,
        rate: int,
        language: str = "en",
        record_to: Path | None = None,
        bell: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.rate = rate
        self.language = language
        self.record_to = record_to
        self.bell = bell
        self.problem = None
        self.recorded: list[Path] = []
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._current: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="unknot-voice-")
        self._chime = chime_wav(Path(self._tmp.name) / "chime.wav")
        self._player = _first_player() if record_to is None else None
        self._worker = threading.Thread(target=self._run, name="unknot-voice", daemon=True)
        self._worker.start()

    def say(self, text: str, *, interrupt: bool = False, chime: bool = False) -> None:
        """Queue the cue; never waits."""
        if interrupt:
            self._cut()
        self._queue.put(_Item(text, chime))

    def close(self) -> None:
        """Stop what is being said (when recording, write what is queued first), end the worker, remove the chime."""
        if self.record_to is not None:
            self.wait()
        self._cut()
        self._queue.put(None)
        self._worker.join(timeout=2)
        self._tmp.cleanup()

    def wait(self, timeout: float = 30) -> None:
        """Wait until everything queued has been said (for recording a whole routine)."""
        done = threading.Event()
        self._queue.put(_Item("", False, done))
        done.wait(timeout)

    # --- the worker ---------------------------------------------------------------------------------------------

    def _cut(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._current is not None and self._current.poll() is None:
                self._current.terminate()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if item.done is not None:
                item.done.set()
                continue
            if item.chime:
                self._ring()
            self._speak(item.text)

    def _ring(self) -> None:
        if self.record_to is not None:
            return
        if self._player is not None and self._play([*self._player, str(self._chime)]):
            return
        self._player = None  # it failed once (no sound device): the bell from now on
        if self.bell is not None:
            self.bell()

    def _play(self, command: list[str]) -> bool:
        result = self._run_child(command)
        return result is not None and result[0] == 0 and b"error" not in result[1].lower()

    def _speak(self, text: str) -> None:
        command = [self.engine, "-s", str(self.rate), "-v", self.language]
        if self.record_to is not None:
            self.record_to.mkdir(parents=True, exist_ok=True)
            path = self.record_to / f"{len(self.recorded) + 1:03d}.wav"
            command += ["-w", str(path)]
            self.recorded.append(path)
        result = self._run_child([*command, "--", text])
        if result is None:
            self.problem = self.problem or f"{ENGINE} could not be started; the cues are shown, not spoken"
            return
        code, err = result
        if code < 0:  # cut off by an interrupting cue
            return
        if code != 0 or b"error" in err.lower():
            text = err.decode(errors="replace")
            if "ALSA" in text or "pcm" in text.lower() or "audio" in text.lower():
                why = "no sound device it can use"
            else:
                why = (text.strip().splitlines() or [f"exit status {code}"])[-1]
            self.problem = self.problem or f"{ENGINE} cannot speak here ({why}); the cues are shown on screen"

    def _run_child(self, command: list[str]) -> tuple[int, bytes] | None:
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError:
            return None
        with self._lock:
            self._current = child
        _, err = child.communicate()
        with self._lock:
            self._current = None
        return child.returncode, err


def _first_player() -> tuple[str, ...] | None:
    for command in PLAYERS:
        if shutil.which(command[0]):
            return command
    return None


def chime_wav(path: Path, *, seconds: float = 0.35, rate: int = 22050) -> Path:
    """Write a soft two-tone chime (a fading 660 Hz then 880 Hz) as a 16-bit mono WAV file; returns ``path``."""
    frames = bytearray()
    count = int(seconds * rate)
    for i in range(count):
        t = i / rate
        tone = 660.0 if t < seconds / 2 else 880.0
        fade = math.exp(-6.0 * (t % (seconds / 2)) / (seconds / 2))
        frames += struct.pack("<h", int(9000 * fade * math.sin(2 * math.pi * tone * t)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


def open_voice(
    enabled: bool,
    *,
    rate: int,
    language: str = "en",
    record_to: Path | None = None,
    bell: Callable[[], None] | None = None,
) -> Voice:
    """The voice to use: espeak-ng when enabled and installed; else silence, with the reason in ``problem``."""
    if not enabled:
        return Silent(bell)
    engine = shutil.which(ENGINE)
    if engine is None:
        how = "sudo apt install espeak-ng" if sys.platform.startswith("linux") else "install espeak-ng"
        return Silent(bell, problem=f"no speech engine: the cues are shown, not spoken ({how} to hear them)")
    return Speech(engine, rate=rate, language=language, record_to=record_to, bell=bell)
