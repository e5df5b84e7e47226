"""Low-efficiency land redevelopment tracked to completion: start, progress, the outcome measured from
the data, the page, the ledger, the gates, the audit trail."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.analysis import idle_land
from gaoxin.common.models import AuditEvent
from gaoxin.parks import queries, services
from gaoxin.parks.models import LandParcel, Park, Redevelopment
from tests.parks.conftest import enterprise

DAY = dt.date(2025, 3, 2)


@pytest.fixture
def low(evaluation_2025):  # type: ignore[no-untyped-def]
    """E3's parcel: 1.5 万元/亩 against a pool mean of 10 and a contract of 3, plot ratio 0.7 — low-efficiency
    by three rules; and a parcel that is not."""
    services.score(None, evaluation_2025)
    e3 = LandParcel.objects.get(uses__enterprise=enterprise("E3"))
    e3.completed_on, e3.plot_ratio, e3.contracted_tax_per_mu_yuan = (
        dt.date(2016, 1, 1),
        Decimal("0.7"),
        Decimal("30000"),
    )
    e3.save()
    fine = LandParcel.objects.create(
        park=Park.objects.get(code="equip"), code="FINE-1", area_m2=Decimal("6667")
    )
    return e3, fine


def test_the_outcome_is_what_the_data_say() -> None:
    out = idle_land.redevelopment_outcome(
        ["plot_ratio", "tax_below_average"], ["tax_below_average", "sublet"]
    )
    assert out == {
        "cleared": ["plot_ratio"],
        "remaining": ["tax_below_average"],
        "new": ["sublet"],
        "achieved": False,
    }
    assert idle_land.redevelopment_outcome(["plot_ratio"], [])["achieved"]


def test_a_redevelopment_from_start_to_completion(low) -> None:  # type: ignore[no-untyped-def]
    e3, fine = low
    with pytest.raises(ValidationError):
        services.start_redevelopment(
            None, fine, approach="upgrade", started_on=DAY, due_on=DAY
        )  # not low-efficiency
    with pytest.raises(ValidationError):
        services.start_redevelopment(
            None, e3, approach="upgrade", started_on=DAY, due_on=DAY - dt.timedelta(days=1)
        )
    item = services.start_redevelopment(
        None,
        e3,
        approach="upgrade",
        started_on=DAY,
        due_on=dt.date(2026, 3, 1),
        plan="加建二层厂房，技改投资800万元",
    )
    assert set(item.rules_before) == {"tax_below_average", "tax_below_contract", "plot_ratio"}
    with pytest.raises(ValidationError):
        services.start_redevelopment(
            None, e3, approach="merger", started_on=DAY, due_on=dt.date(2026, 3, 1)
        )  # one at a time
    services.report_redevelopment(None, item, on=dt.date(2025, 5, 1), progress=30, note="规划许可已批")
    with pytest.raises(ValidationError):
        services.report_redevelopment(None, item, on=dt.date(2025, 6, 1), progress=20, note="倒退")
    with pytest.raises(ValidationError):
        services.report_redevelopment(None, item, on=dt.date(2025, 4, 1), progress=50, note="早于上次")
    with pytest.raises(ValidationError):
        services.report_redevelopment(None, item, on=dt.date(2025, 6, 1), progress=101, note="超过")
    services.report_redevelopment(None, item, on=dt.date(2025, 9, 1), progress=100, note="二层厂房竣工")
    # the plot ratio rises to 1.4; the tax has not followed yet
    e3.plot_ratio = Decimal("1.4")
    e3.save()
    services.finish_redevelopment(None, item, on=dt.date(2025, 9, 30), done=True)
    item.refresh_from_db()
    assert item.status == "done" and item.finished_on == dt.date(2025, 9, 30)
    assert "plot_ratio" not in item.rules_after and "tax_below_average" in item.rules_after
    with pytest.raises(ValidationError):
        services.report_redevelopment(None, item, on=dt.date(2025, 10, 1), progress=100, note="已结束")
    rows = queries.redevelopments(_planner(), e3.park.zone, dt.date(2025, 10, 1))
    row = next(r for r in rows if r["item"].pk == item.pk)
    assert (
        row["progress"] == 100
        and not row["outcome"]["achieved"]
        and row["outcome"]["cleared"] == ["plot_ratio"]
    )
    events = AuditEvent.objects.filter(target_type="redevelopment", target_id=str(item.pk))
    assert events.count() == 4  # start, two reports, completion


def _planner():  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "root-r", password="x-Long-enough-42"
    )


def test_the_pages_the_ledger_and_the_gates(client_of, park_staff, e3_user, low) -> None:  # type: ignore[no-untyped-def]
    e3, _fine = low
    c = client_of(park_staff)
    page = c.get(reverse("parks:redevelopments"))
    assert page.status_code == 200 and e3.code in page.content.decode()  # a candidate to start
    started = c.post(
        reverse("parks:redevelopments"),
        {
            "parcel": e3.pk,
            "approach": "replace",
            "started_on": "2025-03-02",
            "due_on": "2026-03-01",
            "plan": "腾笼换鸟",
        },
    )
    item = Redevelopment.objects.get(parcel=e3)
    assert started.status_code == 302 and started["Location"] == reverse(
        "parks:redevelopment", args=[item.pk]
    )
    bad = c.post(reverse("parks:redevelopment", args=[item.pk]), {"action": "report", "on": "2025-04-01"})
    assert (
        bad.status_code == 200 and "errorlist" in bad.content.decode()
    )  # no progress given: said, not saved
    assert item.steps.count() == 0
    ok = c.post(
        reverse("parks:redevelopment", args=[item.pk]),
        {"action": "report", "on": "2025-04-01", "progress": 40, "note": "新企业入驻"},
    )
    assert ok.status_code == 302
    detail = c.get(reverse("parks:redevelopment", args=[item.pk])).content.decode()
    assert "新企业入驻" in detail and 'id="report-form"' in detail
    book = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("parks:redevelopments"), {"format": "xlsx"}).content)
    )
    assert (
        book.worksheets[0].cell(2, 1).value == e3.code and book.worksheets[1].cell(2, 4).value == "新企业入驻"
    )
    # an enterprise sees none of it; it cannot report
    e = client_of(e3_user)
    assert e.get(reverse("parks:redevelopments")).status_code in (403, 404)
    assert e.post(
        reverse("parks:redevelopment", args=[item.pk]), {"action": "done", "on": "2025-05-01"}
    ).status_code in (403, 404)
    item.refresh_from_db()
    assert item.status == "under_way"
