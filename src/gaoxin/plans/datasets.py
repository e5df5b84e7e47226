"""The columns of a task allocation table (任务配当表) as the zone's offices keep it: one task per row,
the time nodes in one cell, one per line ("2026-03-31 完成方案", done ones marked "（已完成 2026-03-28）").
The export writes the same layout, so a table exported, edited and imported again round-trips."""

from __future__ import annotations

from gaoxin.common.imports import Column

TASK_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", required=True, aliases=("编号",)),
    Column("content", "任务内容", required=True, aliases=("工作任务", "重点任务")),
    Column("measurable", "量化目标", aliases=("目标",)),
    Column("lead", "牵头单位", required=True),
    Column("partners", "责任单位", aliases=("配合单位",)),
    Column("leader", "责任领导", aliases=("分管领导",)),
    Column("nodes", "时间节点", aliases=("完成时限",)),
)
TASK_HEADERS = [c.zh for c in TASK_COLUMNS]
UNIT_SEPARATORS = "、,，;；/\n"

MONTH_COLUMNS: tuple[Column, ...] = (
    Column("project", "项目编号", required=True),
    Column("month", "月份", required=True),
    Column(
        "completed_10k_yuan",
        "本月完成投资(万元)",
        required=True,
        aliases=("本月完成投资（万元）", "本月完成投资"),
    ),
    Column("signed", "累计签约户数"),
    Column("demolished", "累计拆除户数"),
    Column("units_started", "安置房累计开工套数"),
    Column("units_finished", "安置房累计竣工套数"),
    Column("units_delivered", "安置房累计交付套数"),
    Column("note", "形象进度"),
)
MONTH_HEADERS = [c.zh for c in MONTH_COLUMNS]
