from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse


def test_pages_are_chinese_by_default(client_of, planner):
    html = client_of(planner).get(reverse("places:facility_list")).content.decode()
    assert "设施" in html and "全部街道" in html and "Facilities</h1>" not in html


def test_english_is_available(client_of, planner):
    c = client_of(planner)
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = c.get(reverse("places:facility_list")).content.decode()
    assert "<h1>Facilities</h1>" in html


def test_every_chinese_message_is_translated_and_compiled():
    for locale_dir in settings.LOCALE_PATHS:
        po_path = Path(locale_dir) / "zh_Hans" / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
        mo = polib.mofile(str(po_path.with_suffix(".mo")))
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}  # one msgid may have several contexts
        stale = [e.msgid for e in po if not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr]
        assert stale == [], "run `make messages` to recompile the catalogue"


def test_chinese_even_when_the_browser_asks_for_english(client_of, planner):
    html = client_of(planner).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "分街道概况" in html
