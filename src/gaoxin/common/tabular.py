"""Reading and writing tables in CSV, xlsx and GeoJSON, with problems reported by row.

A reader returns `Row`s: the row number a user sees in the file (CSV/xlsx: the spreadsheet line,
the header being line 1; GeoJSON: the feature number from 1) and a dict of the row's cells by
header. A GeoJSON feature's geometry is kept under the key ``geometry``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

GEOMETRY_KEY = "geometry"


class TableError(ValueError):
    """The file as a whole cannot be read (encoding, format, empty). The message is translated."""


@dataclass
class Row:
    number: int
    cells: dict[str, Any] = field(default_factory=dict)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312, what Excel in
    Chinese Windows writes). Anything else is rejected rather than guessed."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV and try again."))


def _clean_header(values: Iterable[Any]) -> list[str]:
    return [str(v).strip() if v is not None else "" for v in values]


def read_csv(content: bytes) -> list[Row]:
    text = _decode(content)
    if not text.strip():
        raise TableError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _clean_header(next(reader))
    except (StopIteration, csv.Error) as exc:
        raise TableError(_("The file is not a readable CSV table: %(reason)s") % {"reason": exc}) from None
    rows: list[Row] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            rows.append(Row(reader.line_num, dict(zip(header, (c.strip() for c in cells), strict=False))))
    except csv.Error as exc:
        raise TableError(
            _("Line %(line)s is not valid CSV: %(reason)s") % {"line": reader.line_num, "reason": exc}
        ) from None
    return rows


def read_xlsx(content: bytes) -> list[Row]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not content:
        raise TableError(_("The file is empty."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            _("The file is not a readable xlsx workbook: %(reason)s") % {"reason": exc}
        ) from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header = _clean_header(next(it))
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    rows: list[Row] = []
    for number, values in enumerate(it, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {
            h: ("" if v is None else (v.strip() if isinstance(v, str) else v))
            for h, v in zip(header, values, strict=False)
        }
        rows.append(Row(number, cells))
    book.close()
    return rows


def read_geojson(content: bytes) -> list[Row]:
    text = _decode(content)
    if not text.strip():
        raise TableError(_("The file is empty."))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(_("The file is not valid JSON: %(reason)s") % {"reason": exc}) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise TableError(_("A GeoJSON file must be a FeatureCollection."))
    rows: list[Row] = []
    for number, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict):
            raise TableError(_("Feature %(n)s is not an object.") % {"n": number})
        props = feature.get("properties") or {}
        cells: dict[str, Any] = {
            str(k): (v.strip() if isinstance(v, str) else ("" if v is None else v)) for k, v in props.items()
        }
        cells[GEOMETRY_KEY] = feature.get("geometry")
        rows.append(Row(number, cells))
    return rows


READERS = {"csv": read_csv, "xlsx": read_xlsx, "geojson": read_geojson}


def read_table(content: bytes, file_format: str) -> list[Row]:
    try:
        reader = READERS[file_format]
    except KeyError:
        raise TableError(_("Unknown file format %(fmt)s.") % {"fmt": file_format}) from None
    rows = reader(content)
    if not rows:
        raise TableError(_("The file has a header but no data rows."))
    return rows


def format_for_filename(filename: str) -> str | None:
    name = filename.lower()
    for suffix, fmt in ((".csv", "csv"), (".xlsx", "xlsx"), (".geojson", "geojson"), (".json", "geojson")):
        if name.endswith(suffix):
            return fmt
    return None


# --- writers --------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel on a Chinese Windows opens it without garbling."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8-sig")


def _display_width(value: Any) -> int:
    """Characters as a spreadsheet shows them: a CJK character is two wide."""
    text = str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def tidy_sheet(
    sheet: Any, *, header_row: int = 1, percent: Iterable[int] = (), filter_rows: bool = True
) -> None:
    """A sheet people can read: columns as wide as their content (a CJK character counts twice, at most
    60), the header row bold, frozen and filterable, and the ``percent`` columns (1-based) shown as
    per cent (0.94 → 94%) while the cell keeps the number."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 6), 60)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if filter_rows and sheet.max_row > header_row and sheet.max_column:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    for column in percent:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            if isinstance(cell.value, int | float):
                cell.number_format = "0%"
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:  # a day is shown as a day, without a time of day
            if isinstance(cell.value, dt.date) and not isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"


def save_workbook(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
    *,
    title: str = "data",
    percent: Iterable[str] = (),
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    shares = set(percent)
    tidy_sheet(sheet, percent=[i + 1 for i, c in enumerate(columns) if c in shares])
    return save_workbook(book)


def write_geojson(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    features = []
    for row in rows:
        props = {c: row.get(c) for c in columns if c != GEOMETRY_KEY}
        features.append({"type": "Feature", "geometry": row.get(GEOMETRY_KEY), "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")
