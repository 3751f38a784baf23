"""The user's settings: a small TOML file in the user's config directory, shared by the front ends.

On Linux the file is ``$XDG_CONFIG_HOME/unknot/config.toml`` (``~/.config/unknot/config.toml``); elsewhere
platformdirs says where. The number to call is, first found: the command-line flag, the config file, the country
of the locale (``LC_ALL``, ``LC_TELEPHONE``, ``LC_MESSAGES``, ``LANG``), the content's default (112).

Besides the emergency number: the voice of the guided session (on or off, its rate in words a minute, its
language), and the choices of the last session (mode, tools, minutes), offered as the defaults next time.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from unknot.errors import ConfigError
from unknot.model import PHONE_NUMBER, Catalog

__all__ = [
    "Settings",
    "config_path",
    "emergency_number",
    "load_settings",
    "locale_country",
    "save_settings",
    "update_settings",
    "user_dir",
    "validate_emergency_number",
    "validate_setting",
]

_LOCALE = re.compile(r"^[a-zA-Z]{2,3}_([A-Z]{2})\b")
_LOCALE_VARS = ("LC_ALL", "LC_TELEPHONE", "LC_MESSAGES", "LANG")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user has set once, for every session (None: not set, the default applies)."""

    emergency_number: str | None = None
    voice: bool | None = None  # spoken cues in guided sessions (default: on)
    voice_rate: int | None = None  # words a minute (default: the content's, session.yaml)
    voice_language: str | None = None  # a speech-engine voice such as en, en-gb, fr (default: en)
    mode: str | None = None  # the last session's choices, offered next time
    tools: tuple[str, ...] | None = None
    minutes: int | None = None
    theme: str | None = None  # the web app's colours: light or dark (default: the system's)


THEMES = ("light", "dark")
VOICE_RATES = (80, 450)
TOOLS = ("tennis_ball", "lacrosse_ball", "foam_roller", "massage_cane")
_LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]{2,8})*$", re.IGNORECASE)


def user_dir(kind: str, environ: Mapping[str, str] | None = None) -> Path:
    """unknot's folder of ``kind`` ("config" or "data") for this user; it may not exist yet."""
    env = os.environ if environ is None else environ
    if sys.platform.startswith("linux"):
        # platformdirs' answer on Linux (XDG), without its import cost on the start-up path.
        variable, fallback = _XDG[kind]
        base = env.get(variable, "").strip()
        return (Path(base) if base and os.path.isabs(base) else Path.home() / fallback) / "unknot"
    import platformdirs

    where = platformdirs.user_config_dir if kind == "config" else platformdirs.user_data_dir
    return Path(where("unknot", appauthor=False))


_XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share")}


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file lives (it may not exist yet)."""
    return user_dir("config", environ) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file means defaults. Raises ``ConfigError`` when it is malformed."""
    path = path or config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    import tomllib

    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the config file {path} is not valid TOML ({exc}); fix it or delete it") from None
    known = {f.name for f in fields(Settings)}
    values: dict[str, object] = {}
    for key, value in doc.items():
        if key not in known:
            raise ConfigError(
                f"the config file {path} has the unknown setting '{key}'; the settings are: {', '.join(sorted(known))}"
            )
        values[key] = validate_setting(key, value, where=f"in {path}")
    return Settings(**values)  # type: ignore[arg-type]


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` to the config file (atomically) and return its path."""
    path = path or config_path()
    lines = ["# unknot settings: `unknot config set NAME VALUE` writes this file.\n"]
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None:
            lines.append(f"{f.name} = {_toml(value)}\n")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"cannot write the config file {path}: {exc.strerror}") from None
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def validate_setting(name: str, value: object, *, where: str = "") -> object:
    """``value`` as setting ``name`` holds it (from TOML or the command line); ``ConfigError`` naming the fix."""
    place = f" {where}" if where else ""
    if name == "emergency_number":
        return validate_emergency_number(str(value), where=where)
    if name == "voice":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("on", "yes", "true", "1"):
            return True
        if word in ("off", "no", "false", "0"):
            return False
        raise ConfigError(f"voice '{value}'{place} is not on or off; give on or off")
    if name in ("voice_rate", "minutes"):
        low, high = VOICE_RATES if name == "voice_rate" else (3, 60)
        text = str(value).strip()
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None and text.isascii() and text.isdigit():
            number = int(text)
        if number is None or not low <= number <= high:
            what = "words a minute" if name == "voice_rate" else "minutes"
            raise ConfigError(
                f"{name.replace('_', '-')} '{value}'{place} is not a whole number of {what} from {low} to {high}"
            )
        return number
    if name == "voice_language":
        text = str(value).strip()
        if not _LANGUAGE.match(text):
            raise ConfigError(f"voice-language '{value}'{place} is not a language such as en, en-gb or fr")
        return text.lower()
    if name == "theme":
        text = str(value).strip().lower()
        if text not in THEMES:
            raise ConfigError(f"theme '{value}'{place} is not light or dark (unset it to follow the system)")
        return text
    if name == "mode":
        text = str(value).strip().lower()
        if text not in ("partner", "self"):
            raise ConfigError(f"mode '{value}'{place} is not partner or self")
        return text
    if name == "tools":
        items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
        tools = tuple(str(t).strip().lower() for t in items)
        unknown = [t for t in tools if t not in TOOLS]
        if unknown:
            raise ConfigError(f"tool '{unknown[0]}'{place} is not one unknot knows; the tools are: {', '.join(TOOLS)}")
        return tuple(dict.fromkeys(tools))
    raise ConfigError(f"'{name}' is not a setting")


def update_settings(settings: Settings, **changes: object) -> Settings:
    """``settings`` with ``changes`` applied (values already validated)."""
    return replace(settings, **changes)  # type: ignore[arg-type]


def validate_emergency_number(number: str, *, where: str = "") -> str:
    """Return ``number`` if it is 2 to 6 digits, else raise ``ConfigError``."""
    if not PHONE_NUMBER.match(number):
        place = f" {where}" if where else ""
        raise ConfigError(
            f"emergency number '{number}'{place} is not a phone number: give 2 to 6 digits, such as 112, 999 or 911"
        )
    return number


def locale_country(environ: Mapping[str, str] | None = None) -> str | None:
    """The country of the user's locale (``en_GB.UTF-8`` gives ``GB``), or None."""
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            match = _LOCALE.match(value)
            return match.group(1) if match else None
    return None


def emergency_number(
    catalog: Catalog,
    explicit: str | None = None,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> str:
    """The number to call: the flag, else the config file, else the locale's country, else the default.

    A malformed config file never stands between the user and the number to call: ``warn`` is told, and the
    locale's number is used.
    """
    if explicit is not None:
        return validate_emergency_number(explicit.strip(), where="given with --emergency-number")
    if settings is None:
        try:
            settings = load_settings(config_path(environ))
        except ConfigError as exc:
            if warn is not None:
                warn(f"{exc.message}; using the emergency number of your locale meanwhile")
            settings = Settings()
    if settings.emergency_number:
        return settings.emergency_number
    return catalog.emergency_numbers.for_country(locale_country(environ))
