"""Small renderers the analysis results share: ISO dates, flag lines and HTML tables.

Example:
    >>> import datetime as dt
    >>> iso(dt.date(2027, 3, 31)), iso(None)
    ('2027-03-31', None)
    >>> table_html([["id", "slip"], ["kb", "3 < 5"]]).split("<tbody>")[1]
    '<tr><td>kb</td><td>3 &lt; 5</td></tr></tbody></table>'
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backplan.scheduling.result import Flag

__all__ = ["flag_line", "flags_html", "iso", "table_html"]


def iso(day: dt.date | None) -> str | None:
    """The date as ``YYYY-MM-DD``, or None for no date."""
    return None if day is None else day.isoformat()


def flag_line(flag: Flag) -> str:
    """One flag as ``severity: [code] subject: message``."""
    return f"{flag.severity}: [{flag.code}] {flag.subject}: {flag.message}"


def flags_html(flags: Iterable[Flag]) -> str:
    """The flags as an HTML list (code, subject and message), or ``""`` when there are none."""
    esc = html.escape
    items = "".join(f"<li><b>{esc(f.code)}</b> {esc(f.subject)}: {esc(f.message)}</li>"
                    for f in flags)
    return f"<ul>{items}</ul>" if items else ""


def table_html(rows: list[list[str]], *, right: Collection[int] = ()) -> str:
    """An HTML table of text rows, the first being the header; every cell escaped, the columns
    numbered in ``right`` (numbers) aligned right."""
    esc = html.escape
    head = "".join(f"<th>{esc(cell)}</th>" for cell in rows[0])
    cell_open = ["<td style='text-align:right'>" if k in right else "<td>"
                 for k in range(len(rows[0]))]
    body = "".join("<tr>" + "".join(f"{cell_open[k]}{esc(cell)}</td>"
                                    for k, cell in enumerate(row)) + "</tr>"
                   for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
