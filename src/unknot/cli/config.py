"""``unknot config``: the settings kept in the user's config file (the emergency number, the voice, and the last
session's choices, offered as defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from unknot.settings import Settings

CONFIG_HELP = """Show or change your settings, kept in a small file in your config directory.

\b
The settings:
  emergency-number   the number to call in an emergency (default: your locale's)
  voice              on or off: spoken cues in guided sessions (default: on)
  voice-rate         words a minute, 80 to 450 (default: 160)
  voice-language     the speech engine's voice, such as en, en-gb, en-us, fr (default: en)
  theme              light or dark, for the web app (default: the system's)
  mode, tools, minutes   the last session's choices, offered next time (set by unknot start)

\b
Examples:
  unknot config show
  unknot config set emergency-number 999
  unknot config set voice off
  unknot config set voice-rate 140
  unknot config unset emergency-number
  unknot config path
"""

NAMES = ("emergency-number", "voice", "voice-rate", "voice-language", "theme", "mode", "tools", "minutes")
KEYS = {**{n: n.replace("-", "_") for n in NAMES}, **{n.replace("-", "_"): n.replace("-", "_") for n in NAMES}}

config_app = typer.Typer(help=CONFIG_HELP, no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    """Add the ``config`` group to ``app``."""
    app.add_typer(config_app, name="config")


@config_app.command("show")
def show() -> None:
    """Show every setting and where its value comes from.

    \b
    Example:
      unknot config show
    """
    from unknot.cli.console import print_warning
    from unknot.content import load_catalog
    from unknot.errors import ConfigError
    from unknot.settings import Settings, config_path, emergency_number, load_settings, locale_country

    try:
        settings = load_settings()
    except ConfigError as exc:
        print_warning(f"{exc.message}; `unknot config set` rewrites it")
        settings = Settings()
    catalog = load_catalog()
    number = emergency_number(catalog, settings=settings)
    if settings.emergency_number:
        origin = "config file"
    elif locale_country():
        origin = f"locale ({locale_country()})"
    else:
        origin = "default"
    typer.echo(f"emergency-number = {number}    ({origin})")
    defaults = {"voice": "on", "voice_rate": str(catalog.session.words_per_minute), "voice_language": "en"}
    for name in NAMES[1:]:
        value = getattr(settings, name.replace("-", "_"))
        if value is None:
            default = defaults.get(name.replace("-", "_"))
            typer.echo(f"{name} = {default}    (default)" if default else f"{name} is not set")
        else:
            typer.echo(f"{name} = {_shown(value)}    (config file)")
    typer.echo(f"config file: {config_path()}")


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return " ".join(value) or "(none)"
    return str(value)


@config_app.command("set")
def set_(
    key: str = typer.Argument(..., metavar="NAME", help="The setting: " + ", ".join(NAMES) + "."),
    value: str = typer.Argument(..., metavar="VALUE", help="Its new value."),
) -> None:
    """Set a setting.

    \b
    Examples:
      unknot config set emergency-number 999
      unknot config set voice off
      unknot config set tools "tennis_ball foam_roller"
    """
    from unknot.settings import save_settings, update_settings, validate_setting

    field = _field(key)
    checked = validate_setting(field, value.strip())
    path = save_settings(update_settings(_current(), **{field: checked}))
    typer.echo(f"{key} = {_shown(checked)}  (saved in {path})")


@config_app.command("unset")
def unset(
    key: str = typer.Argument(..., metavar="NAME", help="The setting: " + ", ".join(NAMES) + "."),
) -> None:
    """Forget a setting, going back to the default.

    \b
    Example:
      unknot config unset emergency-number
    """
    from unknot.settings import save_settings, update_settings

    field = _field(key)
    path = save_settings(update_settings(_current(), **{field: None}))
    typer.echo(f"{key} is back to its default  (saved in {path})")


@config_app.command("path")
def path() -> None:
    """Print where the config file is.

    \b
    Example:
      unknot config path
    """
    from unknot.settings import config_path

    typer.echo(str(config_path()))


def _current() -> Settings:
    """The settings to change: a malformed file is replaced (and the user told), not a dead end."""
    from unknot.cli.console import print_warning
    from unknot.errors import ConfigError
    from unknot.settings import Settings, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        print_warning(f"{exc.message}; it will be replaced")
        return Settings()


def _field(key: str) -> str:
    from unknot.errors import ConfigError

    if key not in KEYS:
        raise ConfigError(f"'{key}' is not a setting; the settings are: {', '.join(NAMES)}")
    return KEYS[key]
