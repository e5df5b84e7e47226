"""The kit's form widgets."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from gaoxin.common.forms import DateInput


def test_a_date_input_holds_an_iso_date_in_every_language() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = DateInput().render("d", dt.date(2026, 12, 1))
        assert 'type="date"' in html and 'value="2026-12-01"' in html, (language, html)
