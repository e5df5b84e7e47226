from django.urls import reverse


def test_login_page_renders_for_anyone(client, db):
    assert client.get(reverse("login")).status_code == 200


def test_demo_notice_shows_when_geometry_is_synthetic(client_of, planner):
    from gaoxin.places.models import Zone

    Zone.objects.update(synthetic_geometry=True)
    assert "合成数据" in client_of(planner).get(reverse("home")).content.decode()


def test_admin_lists_every_places_model(client, zone):
    from gaoxin.accounts.models import User

    admin = User.objects.create_superuser("root", password="x-Long-pass-99")
    client.force_login(admin)
    for model in [
        "zone",
        "street",
        "community",
        "residentialarea",
        "facilitytype",
        "facility",
        "walkedge",
    ]:
        assert client.get(f"/admin/places/{model}/").status_code == 200, model
    assert client.get("/admin/common/importbatch/").status_code == 200  # every app's imports


def test_admin_shows_candidate_lists(client, zone):
    from gaoxin.accounts.models import User
    from gaoxin.lifecircle.models import CandidateList

    listed = CandidateList.objects.create(zone=zone, name="候选")
    listed.sites.create(name="地块一", lon=116.64, lat=35.41)
    client.force_login(User.objects.create_superuser("root", password="x-Long-pass-99"))
    assert client.get("/admin/lifecircle/candidatelist/").status_code == 200
    page = client.get(f"/admin/lifecircle/candidatelist/{listed.pk}/change/")
    assert page.status_code == 200 and "地块一" in page.content.decode()
