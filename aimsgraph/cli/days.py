"""Days given on the command line (--as-of, --effective): a date, never in the future; and the notice a day before
the first recorded change of the org facts gets."""

from __future__ import annotations

from datetime import date

import click

from aimsgraph.errors import InputError
from aimsgraph.facts.history import first_effective_after
from aimsgraph.store import Store


def parse_day(value: str | None, option: str) -> date | None:
    """`value` (YYYY-MM-DD) as a date, None when not given; a non-date or a future day is one line and exit 2."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date; use YYYY-MM-DD", field=option) from None
    return not_future(day, option)


def not_future(day: date, option: str) -> date:
    """`day`, refused when it is after today (nothing has been recorded about it yet)."""
    if day > date.today():
        raise InputError(f"{day} is in the future; use today ({date.today()}) or an earlier day", field=option)
    return day


def note_earliest(store: Store, day: date | None) -> None:
    """One notice line on standard error when `day` is before the first recorded change set."""
    first = first_effective_after(store, day) if day is not None else None
    if first is not None:
        click.echo(
            f"aimsgraph: note: {day} is before the first recorded change of the org facts ({first}); "
            "the earliest recorded facts apply",
            err=True,
        )
