"""The kit's spreadsheets are readable: widths from the content, the header frozen and filterable,
shares shown as per cent."""

from __future__ import annotations

import io

import openpyxl

from gaoxin.common.tabular import write_xlsx


def test_a_written_sheet_is_readable() -> None:
    data = write_xlsx(
        ["名称", "达标率", "code"],
        [
            {"名称": "洸河街道东闸社区居委会服务站", "达标率": 0.94, "code": "A1"},
            {"名称": "x", "达标率": 1, "code": "B"},
        ],
        percent=["达标率"],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
    assert sheet.column_dimensions["A"].width >= 28  # 14 CJK characters count double
    assert sheet["B2"].value == 0.94 and sheet["B2"].number_format == "0%"
    assert sheet["A1"].font.bold
