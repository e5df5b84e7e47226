"""The 亩产效益 scheme is edited in a form — weights, benchmark factors, quotas in per cent, caps,
surcharges — and saved as a new version whose TOML keeps its comments; the TOML is the import/export."""

from __future__ import annotations

import tomllib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.common.models import AuditEvent
from gaoxin.parks import services
from gaoxin.parks.analysis import scheme_parameters
from gaoxin.parks.models import Scheme


def _scheme() -> Scheme:
    services.sync_builtin_schemes()
    return Scheme.objects.get(name="jining-2025", version=1)


def _values(scheme: Scheme, **changed: float) -> dict[str, object]:
    data: dict[str, object] = {p.key: p.shown for p in scheme_parameters(scheme.source)}
    return data | changed | {"action": "values", "title": "2025 方案（本区权重）"}


def test_the_numbers_of_the_scheme_in_a_form_make_a_new_version(client_of, park_staff):  # type: ignore[no-untyped-def]
    scheme = _scheme()
    c = client_of(park_staff)
    page = c.get(reverse("parks:scheme", args=[scheme.pk])).content.decode()
    assert 'name="pool__0__indicator__0__weight"' in page and 'value="20.0"' in page  # A ≤ 20 %, in per cent
    answer = c.post(
        reverse("parks:scheme", args=[scheme.pk]),
        _values(
            scheme,
            pool__0__indicator__0__weight=45,
            pool__0__indicator__1__weight=10,
            pool__0__quotas__a_share=15,
        ),
    )
    new = Scheme.objects.get(name="jining-2025", version=2)
    assert answer.status_code == 302 and answer["Location"] == reverse("parks:scheme", args=[new.pk])
    data = tomllib.loads(new.source)
    above = data["pool"][0]
    assert above["indicator"][0]["weight"] == 45 and above["indicator"][1]["weight"] == 10
    assert above["quotas"]["a_share"] == 0.15 and data["pool"][1]["quotas"]["a_share"] == 0.2
    assert "鲁政字〔2019〕235号" in new.source and new.source.count("#") == scheme.source.count(
        "#"
    )  # comments kept
    assert new.title == "2025 方案（本区权重）"


def test_numbers_the_core_refuses_save_nothing(client_of, park_staff):  # type: ignore[no-untyped-def]
    scheme = _scheme()
    page = client_of(park_staff).post(
        reverse("parks:scheme", args=[scheme.pk]),
        _values(scheme, pool__0__quotas__a_share=80, pool__0__quotas__b_share=40),
    )
    assert page.status_code == 200 and not Scheme.objects.filter(version=2).exists()
    refused = client_of(park_staff).post(
        reverse("parks:scheme", args=[scheme.pk]), _values(scheme, land__let_share=150)
    )
    assert refused.status_code == 200 and not Scheme.objects.filter(version=2).exists()


def test_the_toml_is_the_import_and_the_export(client_of, park_staff, leader):  # type: ignore[no-untyped-def]
    scheme = _scheme()
    c = client_of(park_staff)
    download = c.get(reverse("parks:scheme", args=[scheme.pk]) + "?format=toml")
    assert download.status_code == 200 and download.content.decode() == scheme.source
    assert AuditEvent.objects.filter(action="export").exists()
    edited = scheme.source.replace("idle_fee_share = 0.20", "idle_fee_share = 0.25")
    upload = SimpleUploadedFile("scheme.toml", edited.encode(), content_type="application/toml")
    answer = c.post(
        reverse("parks:scheme", args=[scheme.pk]), {"action": "toml", "title": "改", "file": upload}
    )
    assert answer.status_code == 302
    assert tomllib.loads(Scheme.objects.get(version=2).source)["land"]["idle_fee_share"] == 0.25
    looked = client_of(leader).get(reverse("parks:scheme", args=[scheme.pk])).content.decode()
    assert 'name="pool__0__indicator__0__weight"' not in looked and "save-values" not in looked  # reads only
