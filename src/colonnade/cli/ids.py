"""Ids on the command line: the full id, or any prefix of it that names one thing."""

from __future__ import annotations

from collections.abc import Iterable

from colonnade.cli.runner import fail

__all__ = ["resolve_id"]


def resolve_id(given: str, ids: Iterable[str], what: str, listing: str) -> str:
    """The one id equal to ``given`` or starting with it; otherwise a one-line error.

    ``what`` names the kind ("API key") and ``listing`` the command that shows ids.
    """
    given = given.strip()
    if not given:
        fail(f"give a {what} id: `{listing}` shows them")
    known = list(ids)
    if given in known:
        return given
    matches = [i for i in known if i.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        fail(f"{what} {given!r} not found: `{listing}` shows the ids")
    shown = ", ".join(sorted(matches)[:5])
    fail(f"{given!r} starts {len(matches)} {what} ids ({shown}): give more characters")
