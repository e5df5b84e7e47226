"""Objections reach the staff: an enterprise's "a figure is wrong" during the land notice waits in the
park staff's queue on the evaluation page until they answer it (the enterprise sees the answer); objections
to data and to results carry their evidence, which only the staff and the filing enterprise can open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.parks import services
from gaoxin.parks.models import Appeal, Confirmation, Result
from tests.conftest import PASSWORD
from tests.parks.conftest import enterprise


def test_a_data_objection_reaches_the_staff_queue_and_its_answer_the_enterprise(  # type: ignore[no-untyped-def]
    client_of, evaluation_2025, e1_user, e3_user, park_staff, leader
):
    services.run_step(None, evaluation_2025, "land_notice")
    portal = client_of(e1_user)
    sent = portal.post(
        "/parks/portal/?year=2025",
        {
            "action": "confirm",
            "confirmed": "0",
            "note": "用地面积少计了 2 亩",
            "attachment": SimpleUploadedFile("土地证.pdf", b"%PDF-1.4 certificate"),
        },
    )
    assert sent.status_code == 302
    objection = Confirmation.objects.get(enterprise=enterprise("E1"), year=2025)
    assert not objection.confirmed and objection.attachment is not None and objection.answered_at is None

    staff = client_of(park_staff)
    page = staff.get(f"/parks/evaluations/{evaluation_2025.pk}/")
    assert page.status_code == 200 and "用地面积少计了 2 亩" in page.content.decode()  # in the queue
    evidence = staff.get(f"/parks/attachments/{objection.attachment_id}/")
    assert evidence.status_code == 200 and evidence.content.startswith(b"%PDF")
    assert (
        client_of(e3_user).get(f"/parks/attachments/{objection.attachment_id}/").status_code == 404
    )  # another firm
    assert (
        client_of(e1_user).get(f"/parks/attachments/{objection.attachment_id}/").status_code == 200
    )  # the filer

    assert (
        client_of(leader)
        .post(f"/parks/objections/{objection.pk}/answer/", {"corrected": "1", "response": "x"})
        .status_code
        == 403
    )
    staff = client_of(park_staff)
    answered = staff.post(
        f"/parks/objections/{objection.pk}/answer/",
        {"corrected": "1", "response": "已按不动产登记更正为 12 亩"},
    )
    assert answered.status_code == 302
    objection.refresh_from_db()
    assert objection.corrected and objection.answered_at is not None
    assert "已按不动产登记更正为 12 亩" in client_of(e1_user).get("/parks/portal/?year=2025").content.decode()
    with pytest.raises(ValidationError):
        services.answer_data_objection(None, objection, response=" ", corrected=False)
    # a new objection of the enterprise reopens the question
    services.confirm_figures(e1_user, enterprise("E1"), 2025, confirmed=False, note="还有一处")
    objection.refresh_from_db()
    assert objection.answered_at is None and objection.response == ""


def test_confirmations_take_no_answer_and_hostile_evidence_is_refused(evaluation_2025, e1_user):  # type: ignore[no-untyped-def]
    ok = services.confirm_figures(e1_user, enterprise("E1"), 2025, confirmed=True)
    with pytest.raises(ValidationError):
        services.answer_data_objection(None, ok, response="?", corrected=False)
    with pytest.raises(ValidationError):
        services.confirm_figures(
            e1_user,
            enterprise("E1"),
            2025,
            confirmed=False,
            note="x",
            attachment=SimpleUploadedFile("a.pdf", b"MZ\x90"),
        )
    assert Confirmation.objects.get(enterprise=enterprise("E1"), year=2025).confirmed  # nothing changed
    stranger = create_user("stranger", PASSWORD, roles=[Role.ENTERPRISE])
    with pytest.raises(PermissionDenied):
        services.confirm_figures(stranger, enterprise("E1"), 2025, confirmed=False, note="x")


def test_an_objection_to_a_result_carries_its_evidence(client_of, evaluation_2025, e3_user):  # type: ignore[no-untyped-def]
    services.run_step(None, evaluation_2025, "score")
    services.publish_notice(None, evaluation_2025, on=dt.date.today())
    result = Result.objects.get(evaluation=evaluation_2025, enterprise=enterprise("E3"))
    filed = client_of(e3_user).post(
        f"/parks/results/{result.pk}/",
        {"text": "税收漏计一笔", "attachment": SimpleUploadedFile("完税证明.png", b"\x89PNG\r\n\x1a\nxx")},
    )
    assert filed.status_code == 302
    appeal = Appeal.objects.get(enterprise=enterprise("E3"))
    assert appeal.attachment is not None and appeal.attachment.content_type == "image/png"
