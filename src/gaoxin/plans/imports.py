"""The importer of a task allocation table (任务配当表) into a programme: every row checked (number,
content, units, the time nodes cell), all of it written or none of it. Tasks are matched by their
number: a re-import updates them, their nodes are replaced by the file's (matched by what is due, so a
node's reports and supervision notice stay with it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.errors import describe
from gaoxin.common.imports import Checked, Importer, Problem, header_map, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.plans import access, analysis
from gaoxin.plans.datasets import TASK_COLUMNS, UNIT_SEPARATORS
from gaoxin.plans.models import Node, Programme, SupervisionNotice, Task, Unit

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


def register_all() -> None:
    register(TaskTableImporter())
