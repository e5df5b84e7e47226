"""xlsx in the layout of a government result notice (公示名单) and the power company's list."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.utils.translation import gettext as _

from gaoxin.common.tabular import tidy_sheet
from gaoxin.parks.choices import Klass, Scale
from gaoxin.parks.models import Evaluation, Result
from gaoxin.parks.queries import surcharge_list


def _book() -> openpyxl.Workbook:
    return openpyxl.Workbook()


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def notice_xlsx(evaluation: Evaluation) -> bytes:
    """One sheet per pool: a title line, then each class as a heading with its firms in rank order."""
    from openpyxl.styles import Alignment, Font

    book = _book()
    book.remove(book.active)
    results = list(
        evaluation.results.select_related("enterprise", "enterprise__park").order_by("pool", "klass", "rank")
    )
    for pool in Scale:
        sheet = book.create_sheet(title=str(pool.label)[:31].replace("(", "").replace(")", ""))
        sheet.append(
            [
                _("%(zone)s %(year)s 亩产效益 evaluation: results")
                % {"zone": evaluation.zone.name, "year": evaluation.year}
            ]
        )
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([str(pool.label)])
        for klass in Klass:
            rows = [r for r in results if r.pool == pool.value and r.klass == klass.value]
            if not rows:
                continue
            sheet.append([])
            sheet.append(["%s (%s)" % (klass.label, _("%(n)s enterprises") % {"n": len(rows)})])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([_("No."), _("Enterprise"), _("Unified social credit code"), _("Park"), _("Score")])
            for n, r in enumerate(rows, 1):
                sheet.append(
                    [
                        n,
                        r.enterprise.name,
                        r.enterprise.uscc,
                        r.enterprise.park.name if r.enterprise.park else "",
                        float(r.score) if klass != "T" else None,
                    ]
                )
        for col, width in zip("ABCDE", (8, 36, 24, 20, 10), strict=True):
            sheet.column_dimensions[col].width = width
        sheet["A1"].alignment = Alignment(horizontal="left")
    return _save(book)


def surcharge_xlsx(evaluation: Evaluation) -> bytes:
    """The D-class list for the power company: it applies the surcharge by account number."""
    from openpyxl.styles import Font

    book = _book()
    sheet = book.active
    sheet.title = "D"
    sheet.append(
        [_("%(year)s D-class enterprises: differentiated electricity price") % {"year": evaluation.year}]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _(
                "鲁发改价格〔2022〕56号: +0.05 / +0.10 / +0.15 yuan/kWh in the 1st / 2nd / 3rd and later consecutive D year."
            )
        ]
    )
    header = [
        _("No."),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Electricity account number"),
        _("Consecutive D years"),
        _("Surcharge (yuan/kWh)"),
    ]
    sheet.append(header)
    for n, r in enumerate(surcharge_list(evaluation), 1):
        sheet.append(
            [
                n,
                r.enterprise.name,
                r.enterprise.uscc,
                r.enterprise.power_account,
                r.consecutive_d,
                float(r.surcharge_yuan_per_kwh),
            ]
        )
    tidy_sheet(sheet, header_row=3)
    return _save(book)


def policy_xlsx(evaluation: Evaluation, listed: dict[str, Any]) -> bytes:
    """One policy's list by class (water or gas surcharge for the utility, by account number; the
    land-use tax relief for the tax office; the banks' and the quotas' lists)."""
    from openpyxl.styles import Font

    pol = listed["policy"]
    book = _book()
    sheet = book.active
    sheet.title = pol.code[:31]
    sheet.append(
        [_("%(year)s %(policy)s by 亩产效益 class") % {"year": evaluation.year, "policy": pol.label}]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([pol.clause])
    header = [_("No."), _("Enterprise"), _("Unified social credit code"), _("Park"), _("Class")]
    if pol.kind == "surcharge":
        header += [
            _("Account number"),
            _("Consecutive D years"),
            _("Surcharge (%(unit)s)") % {"unit": pol.unit},
        ]
        header += [_("Applies")]
    elif pol.kind == "relief":
        header += [_("Land (mu)"), _("Share waived"), _("Estimated relief (yuan/year)")]
    else:
        header += [_("Treatment")]
    sheet.append(header)
    for n, r in enumerate(listed["rows"], 1):
        e = r["enterprise"]
        row: list[Any] = [n, e.name, e.uscc, e.park.name if e.park else "", r["klass"]]
        if pol.kind == "surcharge":
            applies = (
                _("yes")
                if not r["superseded_by"]
                else _("no: %(other)s applies") % {"other": r["superseded_by"]}
            )
            row += [r["account"], r["consecutive_d"], r["value"], applies]
        elif pol.kind == "relief":
            land = r["result"].land_mu
            row += [
                float(land) if land is not None else None,
                r["value"],
                round(r["amount_yuan"], 2) if r["amount_yuan"] is not None else None,
            ]
        else:
            row += [r["treatment"]]
        sheet.append(row)
    tidy_sheet(sheet, header_row=3, percent=[7] if pol.kind == "relief" else [])
    return _save(book)


def land_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """Parcels with their flags: the working list of the land office."""
    from gaoxin.common.tabular import write_xlsx

    columns = [
        _("Parcel"),
        _("Park"),
        _("Area (mu)"),
        _("Users"),
        _("Class"),
        _("Idle"),
        _("Idle since"),
        _("Idle fee (yuan)"),
        _("Reclaimable"),
        _("Low efficiency"),
    ]
    out = []
    for r in rows:
        p, f = r["parcel"], r["flags"]
        out.append(
            dict(
                zip(
                    columns,
                    [
                        p.code,
                        p.park.name,
                        float(p.area_mu),
                        ", ".join(e.name for e in r["users"]),
                        r["klass"],
                        str(r["idle_label"]),
                        f.idle_since,
                        f.idle_fee_yuan,
                        _("yes") if f.reclaimable else "",
                        "; ".join(str(x) for x in r["low_labels"]),
                    ],
                    strict=True,
                )
            )
        )
    return write_xlsx([str(c) for c in columns], out, title="parcels")


def plants_xlsx(plants: list[tuple[Any, Any]], day: Any) -> bytes:
    """The plants with their lettable and leased area on ``day`` (one row a plant)."""
    from gaoxin.common import tabular

    columns = [
        _("Park"),
        _("Plant"),
        _("Standard plant"),
        _("Stage"),
        _("Floors"),
        _("Floor area (m²)"),
        _("Lettable units"),
        _("Lettable area (m²)"),
        _("Leased area (m²)"),
        _("Occupancy"),
        _("Owner"),
        _("Completion planned for"),
        _("Completed on"),
    ]
    rows = []
    for p, occ in plants:
        values = [
            p.park.name,
            p.name,
            _("yes") if p.standard else _("no"),
            p.get_stage_display(),
            p.floors,
            float(p.floor_area_m2),
            p.n_units,
            float(occ.total_m2),
            float(occ.leased_m2),
            None if occ.rate is None else float(occ.rate),
            p.owner.name if p.owner else _("the park's platform company"),
            p.completion_due_on,
            p.completed_on,
        ]
        rows.append(dict(zip(columns, values, strict=True)))
    return tabular.write_xlsx(columns, rows, title=str(day), percent=[_("Occupancy")])


def policy_matches_xlsx(policy: Any, matches: list[Any]) -> bytes:
    """A policy's eligible enterprises with the conditions they meet (the list a department acts on)."""
    from gaoxin.common import tabular

    columns = [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Park"),
        _("State"),
        _("Eligible since"),
        _("Granted on"),
        _("Amount (yuan)"),
        _("Conditions and the enterprise's figures"),
    ]
    rows = []
    for m in matches:
        values = [
            m.enterprise.name,
            m.enterprise.uscc,
            m.enterprise.park.name if m.enterprise.park else "",
            m.get_state_display(),
            m.matched_on,
            m.granted_on,
            None if m.amount_yuan is None else float(m.amount_yuan),
            "; ".join(
                "%s (%s)" % (c["condition"], "—" if c["actual"] is None else c["actual"]) for c in m.checks
            ),
        ]
        rows.append(dict(zip(columns, values, strict=True)))
    return tabular.write_xlsx(columns, rows, title=policy.code)


def requests_xlsx(rows: list[Any]) -> bytes:
    """The service requests with their provider, dates, lateness and rating."""
    from gaoxin.common import tabular

    columns = [
        _("Number"),
        _("Enterprise"),
        _("Field"),
        _("Title"),
        _("Status"),
        _("Provider"),
        _("Filed on"),
        _("Handed over on"),
        _("To be closed by"),
        _("Closed on"),
        _("Late"),
        _("Rating"),
    ]
    out = []
    for r, late in rows:
        values = [
            r.number,
            r.enterprise.name,
            r.get_field_display(),
            r.title,
            r.get_status_display(),
            r.provider.name if r.provider else "",
            r.filed_on,
            r.handed_on,
            r.due_on,
            r.closed_on,
            _("yes") if late else "",
            r.rating,
        ]
        out.append(dict(zip(columns, values, strict=True)))
    return tabular.write_xlsx(columns, out, title=_("Service requests"))


def funnel_xlsx(rows: list[dict[str, Any]], total: Any, paid: Any) -> bytes:
    """The incubation funnel per call and in total, with the conversion rates."""
    from gaoxin.common import tabular

    columns = [
        _("Call"),
        _("Applications"),
        _("Screened"),
        _("Incubated"),
        _("Financed"),
        _("Screened of the applications"),
        _("Incubated of the screened"),
        _("Financed of the incubated"),
        _("Raised (yuan)"),
        _("Grants paid (yuan)"),
        _("Graduated"),
    ]

    def line(title: str, f: Any, paid_yuan: Any) -> dict[str, Any]:
        values = [
            title,
            f.applications,
            f.screened,
            f.incubated,
            f.financed,
            f.screened_rate,
            f.incubated_rate,
            f.financed_rate,
            float(f.raised_yuan),
            float(paid_yuan),
            f.graduated,
        ]
        return dict(zip(columns, values, strict=True))

    out = [line(r["call"].title, r["funnel"], r["paid"]) for r in rows] + [line(str(_("Total")), total, paid)]
    shares = [
        _("Screened of the applications"),
        _("Incubated of the screened"),
        _("Financed of the incubated"),
    ]
    return tabular.write_xlsx(columns, out, title=_("Incubation funnel"), percent=shares)


def _num(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{float(value):,.{digits}f}"


def result_pdf(result: Result, report: dict[str, Any]) -> bytes:
    """One page for the enterprise: its 亩产效益 result, each indicator beside its industry's and its pool's
    peers (median; position among the peers), and its score and class over the years. Chinese text in an
    embedded font (gaoxin.common.fonts)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gaoxin.common.fonts import pdf_font

    font = pdf_font()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    small = ParagraphStyle(
        "s", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK", textColor=colors.grey
    )

    def p(text: object, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    e = result.enterprise
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{e.name} {result.evaluation.year}",
    )
    rated = result.klass != "T"
    summary = (
        _("%(year)s: score %(score)s, class %(klass)s, rank %(rank)s in its pool; %(land)s mu.")
        % {
            "year": result.evaluation.year,
            "score": result.score,
            "klass": result.klass,
            "rank": result.rank,
            "land": _num(result.land_mu),
        }
        if rated
        else _("%(year)s: not rated (class T).") % {"year": result.evaluation.year}
    )
    story: list[Any] = [
        p(_("亩产效益 report: %(name)s") % {"name": e.name}, title),
        Spacer(1, 3 * mm),
        p(f"{e.uscc} · {e.park.name if e.park else '—'} · {report['division']}", body),
        p(summary, body),
        Spacer(1, 4 * mm),
        p(
            _("Beside its peers: %(i)s other rated firms of its industry division, %(p)s of its pool.")
            % {"i": report["industry_peers"], "p": report["pool_peers"]},
            body,
        ),
        Spacer(1, 2 * mm),
    ]
    head = [
        _("Indicator"),
        _("The firm"),
        _("Industry median"),
        _("Position in the industry"),
        _("Pool median"),
        _("Position in the pool"),
    ]
    data: list[list[Any]] = [[p(h) for h in head]]
    for row in report["rows"]:
        ind, pool = row["industry"], row["pool"]

        def position(f: Any) -> str:  # a peer figure of the report
            if f.share_below is None:
                return "—"
            return _("above %(share)s %%") % {"share": round(100 * f.share_below)}

        data.append(
            [
                p(f"{row['label']}（{row['unit']}）" if row["unit"] else row["label"]),
                p(_num(ind.own, 3)),
                p(_num(ind.median, 3)),
                p(position(ind)),
                p(_num(pool.median, 3)),
                p(position(pool)),
            ]
        )
    table = Table(data, colWidths=[48 * mm, 25 * mm, 27 * mm, 28 * mm, 25 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 2 * mm)]
    story.append(
        p(
            _(
                "A median of fewer than %(n)s peers is not shown (it could be traced to one firm). Position: the "
                "share of peers with a lower value; every indicator is better when higher."
            )
            % {"n": report["min_peers"]},
            small,
        )
    )
    story += [Spacer(1, 5 * mm), p(_("Over the years"), body), Spacer(1, 2 * mm)]
    trend: list[list[Any]] = [
        [p(h) for h in (_("Year"), _("Score"), _("Class"), _("Rank"), _("Tax per mu (10k yuan)"))]
    ]
    for t in report["trend"]:
        trend.append(
            [p(t["year"]), p(t["score"]), p(t["klass"]), p(t["rank"] or "—"), p(_num(t["tax_per_mu"], 2))]
        )
    ttable = Table(trend, colWidths=[25 * mm, 30 * mm, 20 * mm, 20 * mm, 40 * mm], repeatRows=1)
    ttable.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
            ]
        )
    )
    story.append(ttable)
    story += [Spacer(1, 4 * mm), p(result.evaluation.scheme.title, small)]
    doc.build(story)
    return out.getvalue()


def idle_cases_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The idle-land ledger (闲置土地处置台账): a case per row with its stage, cause, fee, time limit, and
    a second sheet with every dated document."""
    book = _book()
    sheet = book.active
    sheet.title = _("Cases")[:31]
    sheet.append(
        [
            _("Parcel"),
            _("Park"),
            _("Opened on"),
            _("Stage"),
            _("Cause of the delay"),
            _("Idle land fee (yuan)"),
            _("Construction to start by"),
            _("Time limit until"),
            _("Overdue"),
            _("Closed on"),
        ]
    )
    docs = book.create_sheet(_("Documents")[:31])
    docs.append(
        [_("Parcel"), _("Document"), _("Document number"), _("Issued on"), _("Time limit until"), _("Note")]
    )
    for r in rows:
        case = r["case"]
        sheet.append(
            [
                case.parcel.code,
                case.parcel.park.name,
                case.opened_on,
                case.get_stage_display(),
                _("the government (art. 8)") if case.government_cause else _("the holder (art. 14)"),
                float(case.fee_yuan) if case.fee_yuan is not None else None,
                case.extended_until,
                r["due_on"],
                _("yes") if r["overdue"] else "",
                case.closed_on,
            ]
        )
        for d in r["documents"]:
            docs.append([case.parcel.code, d.get_kind_display(), d.number, d.issued_on, d.due_on, d.note])
    for ws in (sheet, docs):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
    tidy_sheet(sheet, header_row=1)
    tidy_sheet(docs, header_row=1)
    return _save(book)


def redevelopments_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The ledger of low-efficiency land redevelopment (低效用地再开发台账): one per row with its
    approach, dates, progress and outcome, and a second sheet with every progress report."""
    book = _book()
    sheet = book.active
    sheet.title = _("Redevelopments")[:31]
    sheet.append(
        [
            _("Parcel"),
            _("Park"),
            _("Approach"),
            _("Started on"),
            _("To be completed by"),
            _("Status"),
            _("Progress (%)"),
            _("Late"),
            _("Low-efficiency rules met at the start"),
            _("Finished on"),
            _("Rules still met on completion"),
            _("Achieved"),
        ]
    )
    steps = book.create_sheet(_("Progress reports")[:31])
    steps.append([_("Parcel"), _("Date"), _("Progress (%)"), _("What happened")])
    for r in rows:
        item = r["item"]
        outcome = r["outcome"]
        sheet.append(
            [
                item.parcel.code,
                item.parcel.park.name,
                item.get_approach_display(),
                item.started_on,
                item.due_on,
                item.get_status_display(),
                r["progress"],
                _("yes") if r["late"] else "",
                "、".join(r["before"]),
                item.finished_on,
                "、".join(r["remaining"]) if outcome else "",
                (_("yes") if outcome["achieved"] else _("no")) if outcome else "",
            ]
        )
        for s in item.steps.all():
            steps.append([item.parcel.code, s.on, s.progress, s.note])
    for ws in (sheet, steps):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
    tidy_sheet(sheet, header_row=1)
    tidy_sheet(steps, header_row=1)
    return _save(book)
