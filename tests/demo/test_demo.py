from gaoxin.demo.load import load_demo
from gaoxin.demo.zone import TARGET_POPULATION, generate
from gaoxin.places.models import Community, Facility, ResidentialArea, WalkEdge


def test_generator_is_deterministic():
    a, b = generate(7), generate(7)
    assert a.facilities == b.facilities and a.areas == b.areas and a.edges == b.edges


def test_demo_zone_has_the_real_communities_and_realistic_population():
    demo = generate()
    assert (
        len(demo.streets) == 5 and len(demo.communities) == 123
    )  # 统计用区划代码 2023: 5 streets, 123 communities and villages
    total = sum(sum(a[k] for k in a if k.startswith("pop_")) for a in demo.areas)
    assert abs(total - TARGET_POPULATION) / TARGET_POPULATION < 0.01


def test_demo_has_gaps_some_communities_lack_a_kindergarten():
    demo = generate()
    with_kg = {f["community"] for f in demo.facilities if f["type"] == "kindergarten"}
    assert 0 < len(with_kg) < len(demo.communities)


def test_demo_loads_into_the_database(db):
    from gaoxin.accounts.models import User
    from gaoxin.common import audit

    load_demo()
    planner = User.objects.get(username="planner")
    audit.record(planner, "login", "user", "planner")  # the demo was used: its users are on the log
    counts = load_demo()  # loading again replaces the demo (`gaoxin demo` on a loaded database)
    assert User.objects.get(username="planner").pk == planner.pk  # kept, not deleted
    assert Community.objects.get(code="370871002007").name == "崇文社区"
    assert ResidentialArea.objects.count() == counts["areas"]
    assert Facility.objects.count() == counts["facilities"]
    assert WalkEdge.objects.count() == counts["edges"] > 1000
    from gaoxin.lifecircle.models import CandidateList

    assert CandidateList.objects.get().sites.count() == counts["candidate_sites"] > 5
    # each 亩产效益 evaluation on its own year's scheme, however often the demo is loaded
    from gaoxin.parks.models import Evaluation as MuEvaluation

    for year in (2024, 2025):
        scheme = MuEvaluation.objects.get(year=year).scheme
        assert f"{year}年度" in scheme.title and f"year = {year}" in scheme.source
    assert (
        MuEvaluation.objects.get(year=2024)
        .scheme.__class__.objects.filter(title__contains="2024年度")
        .count()
        == 1
    )
    # the year's targets and the 双带 table tell the story whenever the demo is loaded
    import datetime as dt

    from django.utils import timezone

    from gaoxin.plans import queries as plans_queries
    from gaoxin.plans.models import Programme, SupervisionNotice, Target

    today = timezone.localdate()
    canteens = plans_queries.value_of(Target.objects.get(code="MZ-4", year=today.year), today, with_rows=True)
    assert canteens.value == 2 and len(canteens.rows) == 2 and canteens.target.goal_max == 5
    programme = Programme.objects.get(year=today.year)
    assert programme.tasks.count() == 30 == counts["tasks"]
    if today > dt.date(today.year, 1, 1):  # on 1 January the late nodes are due that day, not yet late
        late = plans_queries.reminders(None, programme.zone, today)["overdue"]
        assert len(late) == 2 and SupervisionNotice.objects.filter(node__in=late).count() == 2


def test_every_demo_facility_lies_inside_the_zone():
    from shapely.geometry import Point, shape

    demo = generate()
    outline = shape(demo.zone["boundary"])
    assert all(outline.contains(Point(f["lon"], f["lat"])) for f in demo.facilities)


def test_demo_network_carries_the_accessibility_engine_and_shows_kindergarten_gaps():
    import numpy as np

    from gaoxin.analysis.access import nearest, snap
    from gaoxin.analysis.network import build_network

    demo = generate()
    net = build_network([e["coords"] for e in demo.edges])
    assert net.dropped_edges < 0.01 * len(demo.edges)
    gates = np.array([g for a in demo.areas for g in a["gates"]])
    kgs = np.array(
        [
            [f["lon"], f["lat"]]
            for f in demo.facilities
            if f["type"] == "kindergarten" and f["status"] == "open"
        ]
    )
    origins, facilities = snap(net, gates[:, 0], gates[:, 1]), snap(net, kgs[:, 0], kgs[:, 1])
    assert origins.reachable.all() and facilities.reachable.all()
    result = nearest(
        net, origins, facilities, np.zeros(len(kgs), dtype=np.int64), n_categories=1, cutoff_m=3000
    )
    d = result.distance_m[:, 0, 0]
    # GB 50180-2018: kindergarten ≤ 300 m. The demo has gaps: some gates are served, many are not.
    assert (d <= 300).any() and (d > 300).sum() > len(d) / 2
    assert np.isfinite(d).mean() > 0.5  # most gates reach one within the 3 km cutoff
