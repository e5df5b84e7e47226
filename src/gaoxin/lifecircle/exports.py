"""The life-circle files: evaluation results, proposals and scenarios as xlsx (the file a street takes to
the bureau) and a residential area's report as PDF, rendered offline (reportlab). The PDF embeds a
subset of a CJK TrueType font when the installation has one (gaoxin.common.fonts); else it falls back
to Adobe's CID font STSong-Light, which the reader supplies."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Font, PatternFill
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gaoxin.common.fonts import CID_FONT, pdf_font
from gaoxin.common.tabular import save_workbook, tidy_sheet
from gaoxin.lifecircle import queries
from gaoxin.lifecircle.models import AreaResult, Evaluation

FAIL = PatternFill("solid", fgColor="FDECEA")
PASS = PatternFill("solid", fgColor="E3F4E4")


def results_xlsx(evaluation: Evaluation, results: list[AreaResult], title: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Areas")[:31]
    its = queries.items(evaluation)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("Profile"),
            str(evaluation.profile),
            _("Evaluated at"),
            localtime(evaluation.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
    )
    sheet.append([])
    header = [
        _("Code"),
        _("Residential area"),
        _("Street"),
        _("Community"),
        _("Population"),
        _("Completeness"),
        _("Meets every mandatory item"),
        _("Missing items"),
    ]
    header += [f"{it['label']} (≤{it['radius_m']} m)" for it in its]
    sheet.append(header)
    for r in results:
        missing = "、".join(m["label"] for m in queries.missing_items(evaluation, r))
        row: list[Any] = [
            r.area.code,
            r.area.name,
            r.street.name,
            r.area.community.name,
            r.population,
            r.completeness,
            _("yes") if r.passes else _("no"),
            missing,
        ]
        row += [r.items.get(it["type"], {}).get("distance_m") for it in its]
        sheet.append(row)
        for k, it in enumerate(its):
            cell = sheet.cell(row=sheet.max_row, column=len(header) - len(its) + k + 1)
            cell.fill = PASS if r.items.get(it["type"], {}).get("covered") else FAIL
    cov = book.create_sheet(_("Coverage")[:31])
    cov.append(
        [
            _("Item"),
            _("Service class"),
            _("Radius (m)"),
            _("Mandatory"),
            _("Population covered (%)"),
            _("Areas not covered"),
            _("Source clause"),
        ]
    )
    for it in queries.coverage(evaluation, results):
        cov.append(
            [
                it["label"],
                str(it["class_label"]),
                it["radius_m"],
                _("yes") if it["mandatory"] else _("no"),
                it["percent"],
                it["uncovered_areas"],
                it["clause"],
            ]
        )
    tidy_sheet(sheet, header_row=4, percent=[6])  # 达标率 as per cent
    tidy_sheet(cov)
    return save_workbook(book)


def scenario_xlsx(scenario: Any, comparison: dict[str, Any]) -> bytes:
    """A scenario against today: proposed facilities, closures, planned housing, coverage per item and
    the areas that change."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Scenario")[:31]
    sheet.append([_("Scenario"), scenario.name, _("Profile"), str(scenario.profile)])
    sheet.append([])
    sheet.append(
        [
            _("Item"),
            _("Radius (m)"),
            _("Mandatory"),
            _("Today (%)"),
            _("Scenario (%)"),
            _("Supply / norm today"),
            _("Supply / norm in the scenario"),
            _("Demand group today (%)"),
            _("Demand group in the scenario (%)"),
        ]
    )
    for row in comparison["items"]:
        sheet.append(
            [
                row["label"],
                row["radius_m"],
                _("yes") if row["mandatory"] else _("no"),
                row["before"],
                row["after"],
                row["ratio_before"],
                row["ratio_after"],
                row["group_before"],
                row["group_after"],
            ]
        )
    sheet.append([])
    sheet.append([_("Service class"), "", "", _("Today (%)"), _("Scenario (%)")])
    for row in comparison["classes"]:
        sheet.append([str(row["label"]), "", "", row["before"], row["after"]])
    added = book.create_sheet(_("Proposed facilities")[:31])
    added.append([_("Name"), _("Type"), _("Longitude"), _("Latitude"), _("People it adds")])
    for f in scenario.added.select_related("facility_type"):
        added.append([f.name, f.facility_type.name_zh, f.lon, f.lat, f.gain])
    for f in scenario.closed_facilities.all():
        added.append([f.name, _("closed in this scenario"), f.lon, f.lat, None])
    for c in scenario.changes.select_related("facility"):
        lon, lat = (c.lon, c.lat) if c.lon is not None else (c.facility.lon, c.facility.lat)
        what = _("moved or resized in this scenario")
        added.append(
            [c.facility.name, what if c.capacity is None else "%s · %s" % (what, c.capacity), lon, lat, None]
        )
    for a in scenario.areas.all():
        added.append([a.name, _("Planned housing"), a.lon, a.lat, a.population])
    changed = book.create_sheet(_("Areas that change")[:31])
    changed.append([_("Area"), _("Missing today"), _("Missing in the scenario")])
    for c in comparison["changed"]:
        changed.append([c["area"].name, c["before"], c["after"]])
    tidy_sheet(sheet, header_row=3, filter_rows=False)
    tidy_sheet(added)
    tidy_sheet(changed)
    return save_workbook(book)


def proposals_xlsx(proposal: dict[str, Any], street_name: str) -> bytes:
    """The proposed sites of the siting page: a summary line and one row per site."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Proposed sites")[:31]
    item = proposal["item"]
    sheet.append(
        [
            _("Where to build next: %(type)s, %(where)s")
            % {"type": item.facility_type.label, "where": street_name}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("Demand (people)"),
            round(proposal["total_weight"]),
            _("reached today"),
            round(proposal["covered_before"]),
            _("with the proposed sites"),
            round(proposal["covered_after"]),
        ]
    )
    if proposal.get("capacity_per_site"):
        sheet.append([_("Capacitated: places per new site"), proposal["capacity_per_site"]])
    if proposal.get("model") == "center":
        sheet.append(
            [
                _("Longest walk today (m)"),
                proposal["longest_before_m"],
                _("with the proposed sites (m)"),
                proposal["longest_after_m"],
            ]
        )
    plan = proposal.get("model") == "plan"
    if plan:
        sheet.append(
            [
                _("Cost (10k yuan)"),
                proposal["cost_10k"],
                pgettext("siting", "Budget (10k yuan)"),
                proposal["budget_10k"],
                _("Years of running costs"),
                proposal["years"],
            ]
        )
    sheet.append(
        [_("Solver"), _("exact optimum") if proposal.get("solver_gap") is None else _("not proven optimal")]
        + ([] if proposal.get("solver_gap") is None else [_("gap"), proposal["solver_gap"]])
    )
    sheet.append([])
    head = ["#", _("Name"), _("Longitude"), _("Latitude")]
    if plan:
        head += [_("Types here"), _("Land or premises (10k yuan)"), _("Cost (10k yuan)")]
    sheet.append([*head, _("People it adds"), _("Areas it serves")])
    header_row = sheet.max_row
    for n, s in enumerate(proposal["proposals"], 1):
        row = [n, s.get("name") or "", s["lon"], s["lat"]]
        if plan:
            row += ["、".join(s["types"]), round(s["land_yuan"] / 1e4, 2), s["cost_10k"]]
        sheet.append([*row, s["gain"], "、".join(s["areas"])])
    tidy_sheet(sheet, header_row=header_row)
    if plan:
        types = book.create_sheet(_("Types")[:31])
        types.append(
            [
                _("Facility type"),
                _("Radius (m)"),
                _("Demand (people)"),
                _("reached today"),
                _("with the plan"),
                _("New sites"),
                _("Cost per new site (10k yuan)"),
                _("Cost (10k yuan)"),
                _("Closed or moved"),
            ]
        )
        for t in proposal["types"]:
            types.append(
                [
                    t["label"],
                    t["radius_m"],
                    round(t["total"]),
                    round(t["before"]),
                    round(t["after"]),
                    t["new_sites"],
                    round(t["site_cost_yuan"] / 1e4, 2),
                    t["cost_10k"],
                    "、".join(t["closed"]),
                ]
            )
        tidy_sheet(types, header_row=1)
    if proposal.get("curve"):
        curve = book.create_sheet(_("Coverage curve")[:31])
        curve.append(
            [
                _("New sites"),
                _("People reached"),
                _("Added by this site"),
                _("Share of the demand (%)"),
                *([_("Cost (10k yuan)")] if plan else []),
                _("Solver"),
            ]
        )
        for pt in proposal["curve"]:
            curve.append(
                [
                    pt["sites"],
                    round(pt["total"]),
                    round(pt["added"]),
                    pt["percent"],
                    *([pt["cost_10k"]] if plan else []),
                    _("exact optimum") if pt["proven"] else _("not proven optimal"),
                ]
            )
        tidy_sheet(curve, header_row=1)
    return save_workbook(book)


# --- the area report as PDF ---------------------------------------------------------------------


def _summary_line(evaluation: Evaluation, result: AreaResult, font: str = CID_FONT) -> str:
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
    return text.replace(" · ", "，") if font == CID_FONT else text  # the CID font has no middle dot


def area_report_pdf(evaluation: Evaluation, result: AreaResult, rows: list[dict[str, Any]]) -> bytes:
    font = pdf_font()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
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
        Paragraph(escape(_summary_line(evaluation, result, font)), body),
        Spacer(1, 4 * mm),
    ]
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")  # wraps in its column

    def p(text: object) -> Paragraph:
        return Paragraph(escape(str(text)), cell)

    data: list[list[Any]] = [
        [
            p(h)
            for h in (
                _("Item"),
                _("Class"),
                _("Standard (m)"),
                _("Nearest (m)"),
                _("Result"),
                _("Nearest facility"),
            )
        ]
    ]
    for row in rows:
        mark = "▲" if row["mandatory"] else "△"
        result_text = _("pass") if row.get("covered") else _("fail")
        data.append(
            [
                p(f"{mark} {row['label']}"),
                p(row["class_label"]),
                p(row["radius_m"]),
                p("—" if row.get("distance_m") is None else f"{row['distance_m']:.0f}"),
                p(result_text),
                p(row["facility"].name if row.get("facility") else "—"),
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
