"""``unknot config``: the settings kept in the user's config file (so far, the emergency number)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from unknot.settings import Settings

CONFIG_HELP = """Show or change your settings, kept in a small file in your config directory.

\b
Examples:
  unknot config show
  unknot config set emergency-number 999
  unknot config unset emergency-number
  unknot config path
"""

KEYS = {"emergency-number": "emergency_number", "emergency_number": "emergency_number"}

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
    typer.echo(f"config file: {config_path()}")


@config_app.command("set")
def set_(
    key: str = typer.Argument(..., metavar="NAME", help="The setting: emergency-number."),
    value: str = typer.Argument(..., metavar="VALUE", help="Its new value."),
) -> None:
    """Set a setting.

    \b
    Example:
      unknot config set emergency-number 999
    """
    from unknot.settings import save_settings, update_settings, validate_emergency_number

    field = _field(key)
    value = validate_emergency_number(value.strip())
    path = save_settings(update_settings(_current(), **{field: value}))
    typer.echo(f"{key} = {value}  (saved in {path})")


@config_app.command("unset")
def unset(key: str = typer.Argument(..., metavar="NAME", help="The setting: emergency-number.")) -> None:
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
        raise ConfigError(f"'{key}' is not a setting; the settings are: emergency-number")
    return KEYS[key]
