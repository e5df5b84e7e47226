"""A request through the seven steps with each step's gate, the time limit and its escalation at the
boundary, what each persona sees, the pages (a resident from her phone with a photo) and the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.common.models import AuditEvent
from gaoxin.governance import access, services
from gaoxin.governance.models import Case, ServiceType

NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


def lamp(gov, zone, **kw):  # type: ignore[no-untyped-def]
    return services.report(
        gov["resident"],
        zone,
        service=ServiceType.objects.get(code="street_lamp"),
        description="路灯不亮",
        lon=116.641,
        lat=35.411,
        now=kw.pop("now", NOW),
        **kw,
    )


def test_a_lamp_through_every_step_each_by_its_own_people(zone, gov):  # type: ignore[no-untyped-def]
    case = lamp(gov, zone)
    assert case.grid == gov["grid"] and case.street is not None and case.street.code == "370871001"
    for who, action in [(gov["other_worker"], "open"), (gov["resident"], "open"), (gov["handler"], "open")]:
        with pytest.raises(PermissionDenied):
            services.step(who, case, action)
    with pytest.raises(PermissionDenied):
        services.step(gov["worker"], case, "dispatch", department=gov["lamps"])  # the centre dispatches
    with pytest.raises(ValidationError):
        services.step(gov["centre"], case, "dispatch", department=gov["lamps"])  # not before it is opened
    case = services.step(gov["worker"], case, "open", now=NOW)
    with pytest.raises(ValidationError):
        services.step(gov["centre"], case, "close")  # no close before the unit reports back
    case = services.step(
        gov["centre"], case, "dispatch", department=gov["lamps"], now=NOW + dt.timedelta(hours=1)
    )
    assert case.due_at == NOW + dt.timedelta(
        hours=73
    )  # 72 hours from the dispatch (standards/governance.toml)
    with pytest.raises(PermissionDenied):
        services.step(gov["outsider"], case, "accept")  # another unit
    case = services.step(gov["handler"], case, "accept", now=NOW + dt.timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.step(gov["handler"], case, "feedback", note="  ")  # say what was done
    case = services.step(
        gov["handler"], case, "feedback", note="已更换灯泡", now=NOW + dt.timedelta(hours=20)
    )
    case = services.step(gov["worker"], case, "send_back", note="仍不亮", now=NOW + dt.timedelta(hours=21))
    assert case.status == "handling" and case.sent_back == 1 and case.fed_back_at is None
    case = services.step(
        gov["handler"], case, "feedback", note="已更换线路", now=NOW + dt.timedelta(hours=30)
    )
    case = services.step(gov["worker"], case, "close", now=NOW + dt.timedelta(hours=31))
    assert case.status == "closed"
    with pytest.raises(PermissionDenied):
        services.step(gov["other_resident"], case, "rate", rating=5)
    with pytest.raises(ValidationError):
        services.step(gov["resident"], case, "rate", rating=6)
    case = services.step(gov["resident"], case, "rate", rating=5, note="很快")
    with pytest.raises(ValidationError):
        services.step(gov["resident"], case, "rate", rating=1)  # once
    assert [e.action for e in case.events.all()] == [
        "report",
        "open",
        "dispatch",
        "accept",
        "feedback",
        "send_back",
        "feedback",
        "close",
        "rate",
    ]
    assert AuditEvent.objects.filter(target_type="case", action="update").count() == 8


def test_cancelling_needs_a_reason(zone, gov):  # type: ignore[no-untyped-def]
    case = lamp(gov, zone)
    with pytest.raises(ValidationError):
        services.step(gov["worker"], case, "cancel", note="")
    case = services.step(gov["worker"], case, "cancel", note="重复上报")
    assert case.status == "cancelled" and case.cancel_reason == "重复上报"


def test_escalation_from_the_moment_after_the_limit(zone, gov):  # type: ignore[no-untyped-def]
    case = lamp(gov, zone)
    services.step(gov["worker"], case, "open", now=NOW)
    case = services.step(gov["centre"], case, "dispatch", department=gov["lamps"], now=NOW)
    due = case.due_at
    assert services.escalate_overdue(None, zone, due) == []  # the due moment itself is on time
    late = services.escalate_overdue(None, zone, due + dt.timedelta(seconds=1))
    assert [c.pk for c in late] == [case.pk]
    assert services.escalate_overdue(None, zone, due + dt.timedelta(days=1)) == []  # once
    with pytest.raises(PermissionDenied):
        services.escalate_overdue(gov["worker"], zone)
    urgent = lamp(gov, zone, urgency="urgent")
    services.step(gov["worker"], urgent, "open", now=NOW)
    urgent = services.step(gov["centre"], urgent, "dispatch", department=gov["lamps"], now=NOW)
    assert urgent.due_at == NOW + dt.timedelta(hours=24)


def test_each_persona_sees_its_own(zone, gov):  # type: ignore[no-untyped-def]
    mine = lamp(gov, zone)
    elsewhere = services.report(
        gov["other_resident"],
        zone,
        service=ServiceType.objects.get(code="noise"),
        description="夜间噪声",
        address="柳行某小区",
    )
    assert set(access.visible_cases(gov["resident"], zone)) == {mine}
    assert set(access.visible_cases(gov["worker"], zone)) == {mine}  # their grid
    assert set(access.visible_cases(gov["other_worker"], zone)) == set()
    assert set(access.visible_cases(gov["handler"], zone)) == set()  # nothing dispatched to them yet
    services.step(gov["worker"], mine, "open")
    services.step(gov["centre"], mine, "dispatch", department=gov["lamps"])
    assert set(access.visible_cases(gov["handler"], zone)) == {mine}
    assert set(access.visible_cases(gov["outsider"], zone)) == set()
    assert set(access.visible_cases(gov["leader"], zone)) == {mine, elsewhere}
    assert not access.can_take(gov["leader"], mine, "close")


def test_a_resident_files_from_her_phone_and_follows_it(client_of, zone, gov):  # type: ignore[no-untyped-def]
    c = client_of(gov["resident"])
    form = c.get("/governance/report/")
    assert form.status_code == 200 and "source" not in form.context["form"].fields  # a resident is the source
    sent = c.post(
        "/governance/report/",
        {
            "service": ServiceType.objects.get(code="street_lamp").pk,
            "description": "小区门口路灯不亮",
            "lon": "116.641",
            "lat": "35.411",
            "urgency": "normal",
            "photo": SimpleUploadedFile("路灯.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        },
    )
    assert sent.status_code == 302
    case = Case.objects.get(description="小区门口路灯不亮")
    assert case.photo is not None and case.grid == gov["grid"] and case.requester == gov["resident"]
    assert c.get("/governance/mine/").status_code == 200
    assert c.get(f"/governance/photos/{case.photo_id}/").status_code == 200
    assert c.get("/governance/").status_code == 302  # a resident's board is her own requests
    nowhere = c.post(
        "/governance/report/", {"service": case.service_id, "description": "x", "urgency": "normal"}
    )
    assert (
        nowhere.status_code == 200 and not Case.objects.filter(description="x").exists()
    )  # no place: refused
    stranger = client_of(gov["other_resident"])
    assert stranger.get(f"/governance/cases/{case.pk}/").status_code == 404
    assert stranger.get(f"/governance/photos/{case.photo_id}/").status_code == 404
    worker = client_of(gov["worker"])
    page = worker.get(f"/governance/cases/{case.pk}/")
    assert page.status_code == 200 and "open" in dict(page.context["actions"])
    assert worker.post(f"/governance/cases/{case.pk}/", {"action": "open"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "opened"
    board = client_of(gov["leader"]).get("/governance/")
    assert board.status_code == 200 and case.number in board.content.decode()


def test_the_contact_is_masked_for_those_who_do_not_handle_it(client_of, zone, gov):  # type: ignore[no-untyped-def]
    case = lamp(gov, zone, contact_phone="13812345678", contact_name="陈静")
    leader_page = client_of(gov["leader"]).get(f"/governance/cases/{case.pk}/").content.decode()
    assert "13812345678" not in leader_page and "138****5678" in leader_page and "陈静" not in leader_page
    worker_page = client_of(gov["worker"]).get(f"/governance/cases/{case.pk}/").content.decode()
    assert "13812345678" in worker_page
    assert AuditEvent.objects.filter(target_type="case", action="read", actor_name="worker").exists()


def test_the_staff_api(client_of, zone, gov):  # type: ignore[no-untyped-def]
    case = lamp(gov, zone)
    services.step(gov["worker"], case, "open")
    services.step(gov["centre"], case, "dispatch", department=gov["lamps"])
    c = client_of(gov["handler"])
    listed = c.get("/api/governance/cases").json()
    assert [x["number"] for x in listed] == [case.number] and listed[0]["department"] == "市政公用处"
    assert c.post(f"/api/governance/cases/{case.pk}/steps/close").status_code == 403  # not the unit's step
    assert c.post(f"/api/governance/cases/{case.pk}/steps/accept").json()["status"] == "handling"
    refused = c.post(f"/api/governance/cases/{case.pk}/steps/feedback", {"note": ""})
    assert refused.status_code == 400
    done = c.post(f"/api/governance/cases/{case.pk}/steps/feedback", {"note": "已修复"})
    assert done.status_code == 200 and done.json()["answer"] == "已修复"
    assert client_of(gov["other_resident"]).get(f"/api/governance/cases/{case.pk}").status_code == 404


def test_numbers_count_up_per_day_whatever_else_is_stored(zone, gov):  # type: ignore[no-untyped-def]
    Case.objects.create(
        zone=zone,
        number="GX20260701D001",
        service=ServiceType.objects.get(code="noise"),
        description="d",
        address="a",
        source="hotline",
        reported_at=NOW,
    )
    first, second = lamp(gov, zone), lamp(gov, zone)
    assert (first.number, second.number) == ("GX202607010001", "GX202607010002")
    assert lamp(gov, zone, now=NOW + dt.timedelta(days=1)).number == "GX202607020001"


def test_grids_import_from_geojson_all_or_nothing(client_of, zone, gov):  # type: ignore[no-untyped-def]
    import json

    from gaoxin.governance.models import Grid

    def feature(
        code: str, community: str, workers: str = "", ring: list[list[float]] | None = None
    ) -> dict[str, object]:
        ring = ring or [
            [116.630, 35.400],
            [116.640, 35.400],
            [116.640, 35.410],
            [116.630, 35.410],
            [116.630, 35.400],
        ]
        return {
            "type": "Feature",
            "properties": {
                "网格编码": code,
                "网格名称": f"网格{code}",
                "社区代码": community,
                "网格员账号": workers,
            },
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    def upload(features: list[dict[str, object]]) -> object:
        body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
        return client_of(gov["centre"]).post(
            "/governance/grids/",
            {"file": SimpleUploadedFile("grids.geojson", body), "coordinate_system": "wgs84"},
        )

    bad = upload(
        [
            feature("N1", "370871001001", "worker"),
            feature("N2", "999999999999"),  # no such community
            feature("N3", "370871001001", "nobody"),  # no such user
            feature(
                "N4", "370871001001", ring=[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.0]]
            ),  # elsewhere
        ]
    )
    assert bad.status_code == 400 and not Grid.objects.filter(code__startswith="N").exists()
    assert {(p["row"], p["field"]) for p in bad.context["problems"]} >= {
        (2, "community"),
        (3, "workers"),
        (4, "geometry"),
    }
    ok = upload([feature("N1", "370871001001", "worker"), feature("N2", "370871001201")])
    assert ok.status_code == 302
    assert set(Grid.objects.get(code="N1").workers.values_list("username", flat=True)) == {"worker"}
    assert client_of(gov["worker"]).post("/governance/grids/", {}).status_code == 403
    assert client_of(gov["worker"]).get("/governance/grids/").status_code == 200


def test_the_lists_read_the_same_queries_for_few_and_many(client_of, zone, gov):  # type: ignore[no-untyped-def]
    from tests.site.test_query_counts import assert_no_n_plus_one

    def grow(n: int) -> None:
        for _ in range(n):
            case = lamp(gov, zone)
            services.step(gov["worker"], case, "open")
            services.step(gov["centre"], case, "dispatch", department=gov["lamps"])

    for url in ("/governance/", "/api/governance/cases", "/open311/v2/requests.json"):
        assert_no_n_plus_one(client_of(gov["centre"]), url, grow)
