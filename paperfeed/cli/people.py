"""Commands about users and settings: users, email, settings, config."""

from __future__ import annotations

from pathlib import Path

import click

from paperfeed.cli.base import Context, cli, friendly_errors, user_option
from paperfeed.errors import InputError


@cli.command()
@click.pass_obj
@friendly_errors
def users(obj: Context) -> None:
    """List the users: profile size, last digest, e-mail address and schedule."""
    from paperfeed.accounts import summaries

    rows = summaries(obj.store, obj.settings)
    if not rows:
        obj.say("no users yet: paperfeed profile import FILE --user NAME", err=True)
        return
    header = ("user", "papers", "last digest", "e-mail", "schedule", "top")
    table = [header] + [
        (
            row.name,
            f"{row.included}" if row.included == row.papers else f"{row.included}/{row.papers}",
            row.last_digest or "-",
            row.email or "-",
            row.schedule,
            str(row.top),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


@cli.command()
@user_option("Whose address")
@click.argument("address", required=False)
@click.option("--remove", is_flag=True, help="Remove the address: no more mail.")
@click.pass_obj
@friendly_errors
def email(obj: Context, user: str | None, address: str | None, remove: bool) -> None:
    """Set the address USER's digests are mailed to (show it when ADDRESS is left out)."""
    from paperfeed.accounts import set_email

    user = obj.user(user)
    if remove and address:
        raise InputError("command line", "give an ADDRESS or --remove, not both", field="email")
    if not remove and not address:
        click.echo(obj.store.email(user) or f"{user} has no e-mail address")
        return
    set_email(obj.store, user, None if remove else address)
    obj.say(f"{user}: mail goes to {address}" if address else f"{user}: no more mail")


def _threshold(value: str | None) -> tuple[float | None, bool]:
    """``--threshold``: a number, or ``none`` to clear the user's own threshold."""
    if value is None:
        return None, False
    if value.strip().lower() == "none":
        return None, True
    try:
        return float(value), False
    except ValueError as exc:
        raise InputError(
            "command line", f"expected a number or 'none', got {value!r}", field="threshold"
        ) from exc


@cli.command("settings")
@user_option("Whose settings")
@click.option("--top", type=int, default=None, help="Papers per digest.")
@click.option(
    "--threshold",
    default=None,
    help="Drop picks scoring below this; 'none' falls back to the config's.",
)
@click.option(
    "--schedule",
    type=click.Choice(["daily", "weekdays", "weekly", "never"]),
    default=None,
    help="When `paperfeed run` mails the digest (weekly: Mondays).",
)
@click.pass_obj
@friendly_errors
def user_settings(
    obj: Context, user: str | None, top: int | None, threshold: str | None, schedule: str | None
) -> None:
    """Show or change USER's digest size, threshold and mail schedule (the web app's
    Delivery settings); every channel applies them alike."""
    from paperfeed.accounts import digest_options, set_digest_settings

    user = obj.user(user)
    value, clear = _threshold(threshold)
    set_digest_settings(
        obj.store, user, top=top, threshold=value, clear_threshold=clear, schedule=schedule
    )
    options = digest_options(obj.store, user, obj.settings)
    shown = "none" if options.threshold is None else f"{options.threshold:g}"
    click.echo(
        f"{user}: top {options.top}, threshold {shown}, "
        f"schedule {obj.store.get_setting(user, 'schedule', 'daily')}, "
        f"e-mail {obj.store.email(user) or '-'}"
    )


@cli.group()
def config() -> None:
    """Write or show the config file."""


@config.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
@friendly_errors
def config_init(obj: Context, force: bool) -> None:
    """Write a config file with every setting commented (at --config, else the default)."""
    from paperfeed.config import default_config_path, write_config_template

    path = obj.config_path or default_config_path()
    write_config_template(path, overwrite=force)
    obj.say(f"wrote {path}; edit it, then check it with: paperfeed config show")


@config.command("show")
@click.pass_obj
@friendly_errors
def config_show(obj: Context) -> None:
    """Print the settings in effect (file, environment and defaults merged)."""
    from paperfeed.config import default_config_path

    path = obj.config_path or default_config_path()
    if obj.config_path is not None and not Path(path).is_file():
        raise InputError(str(path), "no such config file (`paperfeed config init` writes one)")
    state = "" if Path(path).is_file() else " (not there: defaults and environment only)"
    click.echo(f"# {path}{state}")
    click.echo(obj.settings.model_dump_json(indent=2))
