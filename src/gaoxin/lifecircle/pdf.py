"""A residential area's life-circle report as PDF, rendered offline (reportlab, with the Adobe CID
font STSong-Light for Chinese, which PDF readers provide: nothing is downloaded or embedded)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gaoxin.lifecircle.models import AreaResult, Evaluation

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _summary_line(evaluation: Evaluation, result: AreaResult) -> str:
    text = _(
        "%(street)s · %(community)s · population %(pop)s · completeness %(c)s%% · profile %(p)s · evaluated %(t)s"
    ) % {
        "street": result.street.name,
        "community": result.area.community.name,
        "pop": result.population,
        "c": round(100 * (result.completeness or 0)),
        "p": evaluation.profile,
        "t": localtime(evaluation.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    return text.replace(" · ", "，")  # the CID font has no middle dot


def area_report_pdf(evaluation: Evaluation, result: AreaResult, rows: list[dict[str, Any]]) -> bytes:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=str(result.area.name),
    )
    area = result.area
    story: list[Any] = [
        Paragraph(_("Life-circle report: %(a)s") % {"a": area.name}, title),
        Spacer(1, 4 * mm),
        Paragraph(_summary_line(evaluation, result), body),
        Spacer(1, 4 * mm),
    ]
    data = [[_("Item"), _("Class"), _("Standard (m)"), _("Nearest (m)"), _("Result"), _("Nearest facility")]]
    for row in rows:
        mark = "▲" if row["mandatory"] else "△"
        result_text = _("pass") if row.get("covered") else _("fail")
        data.append(
            [
                f"{mark} {row['label']}",
                str(row["class_label"]),
                str(row["radius_m"]),
                "—" if row.get("distance_m") is None else f"{row['distance_m']:.0f}",
                result_text,
                row["facility"].name if row.get("facility") else "—",
            ]
        )
    table = Table(data, colWidths=[48 * mm, 22 * mm, 20 * mm, 20 * mm, 14 * mm, 58 * mm], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, row in enumerate(rows, start=1):
        style.append(
            ("BACKGROUND", (4, i), (4, i), colors.HexColor("#e3f4e4" if row.get("covered") else "#fdecea"))
        )
    table.setStyle(TableStyle(style))
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            _(
                "▲ mandatory, △ recommended. Distances are walking distances on the street network from the area's gates."
            ),
            body,
        ),
    ]
    doc.build(story)
    return out.getvalue()
