"""The importer of a task allocation table (任务配当表) into a programme: every row checked (number,
content, units, the time nodes cell), all of it written or none of it. Tasks are matched by their
number: a re-import updates them, their nodes are replaced by the file's (matched by what is due, so a
node's reports and supervision notice stay with it)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.errors import describe
from gaoxin.common.imports import Checked, Importer, Problem, RowReader, header_map, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.common.units import YUAN_PER_WAN
from gaoxin.plans import access, analysis
from gaoxin.plans.datasets import MONTH_COLUMNS, TASK_COLUMNS, UNIT_SEPARATORS
from gaoxin.plans.models import Node, Programme, Project, ProjectMonth, SupervisionNotice, Task, Unit

KIND = "plans.tasks"


@dataclass
class TaskRow:
    row: int
    number: str
    content: str
    measurable: str
    lead: str
    partners: list[str]
    leader: str
    nodes: list[Any]


def split_units(text: str) -> list[str]:
    names = [n.strip() for n in re.split(f"[{re.escape(UNIT_SEPARATORS)}]", text or "")]
    return list(dict.fromkeys(n for n in names if n))


class TaskTableImporter(Importer):
    kind = KIND
    formats = ("xlsx", "csv")
    columns = TASK_COLUMNS

    def label(self) -> str:
        return _("Task allocation table (任务配当表)")

    def allowed(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def manages(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        if not rows:
            return Checked(problems=[Problem(0, "file", _("The file has no rows."))])
        hmap, problems = header_map(self.columns, rows[0].cells)
        programme_id = options.get("programme")
        if not isinstance(programme_id, int) or not Programme.objects.filter(pk=programme_id).exists():
            problems.append(Problem(0, "programme", _("Choose the programme the table belongs to.")))
        if problems:
            return Checked(problems=problems)
        parsed: list[TaskRow] = []
        seen: dict[str, int] = {}

        def cell(row: Row, name: str, limit: int) -> str:
            header = hmap.get(name)
            value = row.cells.get(header, "") if header else ""
            text = str(value if value is not None else "").strip()
            if isinstance(value, float) and value.is_integer():
                text = str(int(value))
            if len(text) > limit:
                problems.append(
                    Problem(row.number, header or name, _("At most %(n)s characters.") % {"n": limit})
                )
            return text[:limit]

        for row in rows:
            number = cell(row, "number", 20)
            content = cell(row, "content", 2000)
            lead = cell(row, "lead", 100)
            for name, value in (("number", number), ("content", content), ("lead", lead)):
                if not value:
                    problems.append(Problem(row.number, hmap[name], _("This cell is required.")))
            if number and number in seen:
                problems.append(
                    Problem(
                        row.number,
                        hmap["number"],
                        _("Task %(n)s is already on row %(row)s.") % {"n": number, "row": seen[number]},
                    )
                )
            seen.setdefault(number, row.number)
            partners = split_units(cell(row, "partners", 1000))
            if any(len(p) > 100 for p in partners):
                problems.append(
                    Problem(
                        row.number,
                        hmap.get("partners", "partners"),
                        _("A unit's name has at most 100 characters."),
                    )
                )
            try:
                nodes = analysis.parse_nodes(cell(row, "nodes", 4000))
            except AnalysisError as exc:
                problems.append(Problem(row.number, hmap.get("nodes", "nodes"), describe(exc)))
                nodes = []
            parsed.append(
                TaskRow(
                    row.number,
                    number,
                    content,
                    cell(row, "measurable", 300),
                    lead,
                    partners,
                    cell(row, "leader", 60),
                    nodes,
                )
            )
        if problems:
            return Checked(problems=problems)
        programme = Programme.objects.get(pk=options["programme"])
        existing = set(programme.tasks.values_list("number", flat=True))
        new = sum(r.number not in existing for r in parsed)
        return Checked(
            rows=parsed,
            summary={"tasks": len(parsed), "new_tasks": new, "nodes": sum(len(r.nodes) for r in parsed)},
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        programme = Programme.objects.select_for_update().get(pk=options["programme"])
        units = {u.name: u for u in Unit.objects.filter(zone=programme.zone)}
        created_units = 0

        def unit(name: str) -> Unit:
            nonlocal created_units
            if name not in units:
                units[name] = Unit.objects.create(zone=programme.zone, name=name)
                created_units += 1
            return units[name]

        for order, r in enumerate(checked.rows, start=1):
            task, _created = Task.objects.update_or_create(
                programme=programme,
                number=r.number,
                defaults={
                    "content": r.content,
                    "measurable": r.measurable,
                    "lead": unit(r.lead),
                    "leader": r.leader,
                    "order": order,
                },
            )
            task.partners.set([unit(n) for n in r.partners if n != r.lead])
            old = {n.title: n for n in task.nodes.all()}
            keep = []
            for p in r.nodes:
                node = old.pop(p.title, None) or Node(task=task, title=p.title)
                node.due_on, node.done_on = p.due_on, p.done_on
                node.save()
                if p.done_on is not None:  # finished: its supervision notice (if any) is closed
                    SupervisionNotice.objects.filter(node=node, closed_on=None).update(closed_on=p.done_on)
                keep.append(node.pk)
            task.nodes.exclude(pk__in=keep).delete()
        return {"units_created": created_units}


MONTHS_KIND = "plans.project_months"


class ProjectMonthImporter(Importer):
    """The monthly progress of the major projects (one row per project and month; a month already
    recorded is corrected). Investment in 万元 as the projects report it, stored in yuan."""

    kind = MONTHS_KIND
    formats = ("xlsx", "csv")
    columns = MONTH_COLUMNS

    def label(self) -> str:
        return _("Monthly progress of the major projects")

    def allowed(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def manages(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        if not rows:
            return Checked(problems=[Problem(0, "file", _("The file has no rows."))])
        hmap, problems = header_map(self.columns, rows[0].cells)
        zone_id = options.get("zone")
        if problems or not isinstance(zone_id, int):
            return Checked(problems=problems or [Problem(0, "zone", _("No zone is loaded."))])
        today = options.get("today")
        last = analysis.parse_month(today) if isinstance(today, str) else None
        found = {p.code: p for p in Project.objects.filter(zone_id=zone_id)}
        parsed = []
        seen: dict[tuple[str, Any], int] = {}
        for row in rows:
            r = RowReader(row, hmap)
            code = r.text("project", required=True, max_length=30)
            project = found.get(code)
            if code and project is None:
                r.problem("project", _("No project with this code: %(code)s") % {"code": code})
            raw_month = r.raw("month")
            month = None
            if hasattr(raw_month, "year") and hasattr(raw_month, "month"):
                month = dt.date(raw_month.year, raw_month.month, 1)
            elif str(raw_month).strip():
                try:
                    month = analysis.parse_month(str(raw_month))
                except AnalysisError as exc:
                    r.problem("month", describe(exc))
            else:
                r.problem("month", _("This field is required."))
            if month is not None and last is not None and month > last:
                r.problem("month", _("A month that has not begun has no progress yet."))
            if not r.has("completed_10k_yuan"):
                r.problem("completed_10k_yuan", _("This field is required."))
            amount = r.decimal("completed_10k_yuan", places="0.01")
            counts = {
                name: r.integer(name)
                for name in ("signed", "demolished", "units_started", "units_finished", "units_delivered")
            }
            if project is not None and project.households is not None:
                for name in ("signed", "demolished"):
                    count = counts[name]
                    if count is not None and count > project.households:
                        r.problem(name, _("More than the households to relocate."))
            note = r.text("note", max_length=300)
            key = (code, month)
            if month is not None and key in seen:
                r.problem("month", _("This project's month is already on row %(row)s.") % {"row": seen[key]})
            seen.setdefault(key, row.number)
            problems += r.problems
            if not r.problems and project is not None and month is not None and amount is not None:
                parsed.append((project, month, amount * YUAN_PER_WAN, counts, note))
        if problems:
            return Checked(problems=problems)
        return Checked(
            rows=parsed, summary={"months": len(parsed), "projects": len({p.pk for p, *_r in parsed})}
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        for project, month, amount, counts, note in checked.rows:
            ProjectMonth.objects.update_or_create(
                project=project, month=month, defaults={"completed_yuan": amount, "note": note, **counts}
            )
        return {}


def register_all() -> None:
    register(TaskTableImporter())
    register(ProjectMonthImporter())
