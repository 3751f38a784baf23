"""``unknot start`` and ``unknot resume``: the guided session, hands-free, in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unknot.cli.options import Avoid, Db, Focus, Minutes, ModeOption, NoTools, Position, Seed, Tools

START_HELP = """Start a guided massage session: the whole journey, the same as plain `unknot`.

Today's safety screen (it stops there when massage is not for today), partner or self, tools and minutes (last
time's answers are the defaults: press Enter), the preparation checklist, pain before, then the routine: a timer
that speaks every cue and moves on by itself, so oily hands or a back on a foam roller never need the keyboard.
Then pain after, saved in your journal. The options answer the questions in advance.

\b
Keys during the routine:
  space pause / carry on   n or → next   b or ← back   r repeat the step
  + more pressure   - less   g good   h it hurts   s stop (asks first)   ? how to do it
  q quit (asks whether to save)

Every step is saved as it ends: after Ctrl-C, a closed terminal or a crash, `unknot resume` goes on.
UNKNOT_TIME_SCALE=60 runs the clock 60 times faster (to try a routine out in seconds).

\b
Examples:
  unknot start
  unknot start --mode self --tool tennis_ball --tool foam_roller --minutes 15
  unknot start --mode partner --minutes 20 --no-prepare
  unknot start --mode partner --position seated --minutes 15
  unknot start --no-voice
  unknot start --voice-rate 140 --voice-language en-gb
"""

RESUME_HELP = """Go on with a guided session that was interrupted (Ctrl-C, a closed terminal, a crash).

It starts again at the step after the last one that ended, with a short countdown, then asks for pain after as
usual. A session from an earlier day asks today's safety screen first.

\b
Examples:
  unknot resume
  unknot resume --no-voice
"""

Voice = Annotated[
    bool | None,
    typer.Option("--voice/--no-voice", help="Speak the cues (espeak-ng), or only show them. Default: on (config)."),
]
VoiceRate = Annotated[
    int | None, typer.Option("--voice-rate", metavar="WPM", min=80, max=450, help="Words a minute (default 160).")
]
VoiceLanguage = Annotated[
    str | None,
    typer.Option("--voice-language", metavar="LANG", help="The speech engine's voice: en, en-gb, en-us, fr..."),
]
RecordVoice = Annotated[
    Path | None,
    typer.Option(
        "--record-voice",
        metavar="DIR",
        help="Write each spoken cue to a numbered WAV file in DIR instead of playing it.",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``start`` and ``resume`` to ``app``."""
    app.command("start", help=START_HELP)(start_command)
    app.command("resume", help=RESUME_HELP)(resume_command)


def start_command(
    mode: ModeOption = None,
    tools: Tools = None,
    no_tools: NoTools = False,
    minutes: Minutes = None,
    focus: Focus = None,
    avoid: Avoid = None,
    seed: Seed = 0,
    position: Position = None,
    prepare: bool = typer.Option(True, "--prepare/--no-prepare", help="Show the preparation checklist first."),
    rate_pain: bool = typer.Option(True, "--pain/--no-pain", help="Ask pain before and after."),
    screen_again: bool = typer.Option(
        False, "--screen-again", help="Answer the safety screen again even if you did today."
    ),
    voice: Voice = None,
    voice_rate: VoiceRate = None,
    voice_language: VoiceLanguage = None,
    record_voice: RecordVoice = None,
    db: Db = None,
) -> None:
    """Start a guided session."""
    from unknot.cli.journey import JourneyOptions, run_journey

    options = JourneyOptions(
        mode=mode,
        tools=list(tools or []),
        no_tools=no_tools,
        minutes=minutes,
        focus=list(focus or []),
        avoid=list(avoid or []),
        seed=seed,
        position=position,
        prepare=prepare,
        rate_pain=rate_pain,
        screen_again=screen_again,
        voice=voice,
        voice_rate=voice_rate,
        voice_language=voice_language,
        record_voice=record_voice,
        db=db,
    )
    raise typer.Exit(run_journey(options))


def resume_command(
    voice: Voice = None,
    voice_rate: VoiceRate = None,
    voice_language: VoiceLanguage = None,
    record_voice: RecordVoice = None,
    db: Db = None,
) -> None:
    """Resume an interrupted session."""
    from unknot.cli.journey import JourneyOptions, resume_journey

    options = JourneyOptions(
        voice=voice, voice_rate=voice_rate, voice_language=voice_language, record_voice=record_voice, db=db
    )
    raise typer.Exit(resume_journey(options))
