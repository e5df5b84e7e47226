"""Chinese first: the demo, crawled as every role in zh-hans, shows no English word outside an allow-list
of codes, units, formats and standards' names — a choice label, a clause, a field name or a message left
in English fails the test with the page it is on."""

from __future__ import annotations

import html as htmllib
import re
from collections import defaultdict

import pytest
from django.test import Client

from gaoxin.demo.load import DEMO_USERS, load_demo

PAGES_PER_ROLE = 45
SKIP = ("/static/", "/admin/", "/api/", "/logout/", "/i18n/", "/favicon")
SKIP_PARTS = ("export", ".json", "format=", "/delete/", "download", ".pdf", ".xlsx", "page=")
# Words a Chinese page may show: formats, units, standards and systems by their own names.
ALLOWED = {
    "English",  # the language switch
    *("CSV", "csv", "xlsx", "docx", "Excel", "GeoJSON", "PDF", "JSON", "TOML", "TOTP", "QR", "API", "IP"),
    *("GB", "TD", "ICD", "WGS", "GCJ", "GPS", "OpenStreetMap", "ABO", "Rh", "HiGHS", "CA"),
    *("mmHg", "mmol", "kg", "cm", "km", "kWh", "tce", "ms", "NH", "COD", "SO", "NOx", "MB"),
    "p",  # p-中位 (the p-median model)
}
CODE = re.compile(r"^(?=.*[\d_])[\w.\-]+$|^[A-Z]{2,}(-[A-Z0-9]+)*-?$")  # codes, file names, JNGX-EQUIP-…
HIDDEN = re.compile(r"<(script|style|code|pre|select|textarea|svg|kbd)\b[^>]*>.*?</\1>", re.S | re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z_\-.0-9]*")
HREF = re.compile(r'href="(/[^"#]*)"')


def _visible_text(page: str) -> str:
    body = page[page.find("<body") :]
    text = HIDDEN.sub(" ", body)
    text = re.sub(r"<[^>]+>", " ", text)
    return htmllib.unescape(text)


def _latin_words(text: str, names: set[str]) -> set[str]:
    found = set()
    for word in WORD.findall(text):
        word = word.strip(".-")
        if len(word) < 2 or word in ALLOWED or word in names or CODE.match(word):
            continue
        found.add(word)
    return found


@pytest.mark.django_db
def test_every_page_every_role_reaches_is_chinese() -> None:
    from gaoxin.accounts.models import User
    from gaoxin.lifecircle import services
    from gaoxin.places.models import Zone

    load_demo()
    services.evaluate(actor=None, zone=Zone.objects.get())
    names = {u[0] for u in DEMO_USERS} | {"system", "anonymous"}
    english: dict[str, set[str]] = defaultdict(set)
    pages = 0
    for username in sorted(names - {"system", "anonymous"}):
        client = Client()
        client.force_login(User.objects.get(username=username))
        todo, seen = ["/"], set()
        while todo and len(seen) < PAGES_PER_ROLE:
            url = todo.pop(0)
            if url in seen or url.startswith(SKIP) or any(p in url for p in SKIP_PARTS):
                continue
            seen.add(url)
            answer = client.get(url, follow=True)
            if answer.status_code != 200 or "text/html" not in answer.get("Content-Type", ""):
                continue
            page = answer.content.decode()
            assert '<html lang="zh-hans">' in page, url
            pages += 1
            for word in _latin_words(_visible_text(page), names):
                english[word].add(f"{username} {url}")
            todo += [u.replace("&amp;", "&") for u in HREF.findall(page)]
    assert pages > 100
    assert dict(english) == {}, {w: sorted(where)[:3] for w, where in english.items()}
