"""Spreadsheet-safe exports: CSV that Swedish and Danish Excel open as columns."""

from __future__ import annotations

import csv
import io


def safe_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows) -> str:
    """Semicolon separated with a byte-order mark: opens as columns in Swedish and Danish
    Excel, where the comma is the decimal sign. Numbers pass as they are; text is made
    safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([v if isinstance(v, int | float) and not isinstance(v, bool)
                         else safe_cell(v) for v in row])
    return out.getvalue()
