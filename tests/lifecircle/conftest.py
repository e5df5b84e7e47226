import pytest

from gaoxin.places.models import WalkEdge, Zone


def grid_lines(lon0: float, lat0: float, n: int = 7, step: float = 0.001) -> list[list[list[float]]]:
    """A small street grid of 2-point edges (about 90 m x 110 m blocks)."""
    lines = []
    for i in range(n):
        for j in range(n):
            x, y = round(lon0 + i * step, 6), round(lat0 + j * step, 6)
            if i + 1 < n:
                lines.append([[x, y], [round(x + step, 6), y]])
            if j + 1 < n:
                lines.append([[x, y], [x, round(y + step, 6)]])
    return lines


@pytest.fixture
def network_zone(zone: Zone) -> Zone:
    """The test zone with walking streets around 东闸 (洸河) and 崇文 (柳行), joined by one long road."""
    lines = grid_lines(116.637, 35.407) + grid_lines(116.637, 35.449)
    lines.append([[116.637, 35.413], [116.637, 35.449]])
    WalkEdge.objects.bulk_create([WalkEdge(zone=zone, coords=line) for line in lines])
    return zone


def siting_page(client, params: dict, *, xlsx: bool = False):  # type: ignore[no-untyped-def, type-arg]
    """The siting page for ``params`` as a planner meets it: a question that takes long (a whole zone, the
    p-median, a capacitated model) becomes a job, whose result page is the page asked for (the job runs
    where it is submitted in the test suite)."""
    from django.urls import reverse

    answer = client.get(reverse("lifecircle:siting"), params)
    if answer.status_code == 302 and answer["Location"].startswith("/jobs/"):
        job = client.get(answer["Location"].rstrip("/") + "/status.json").json()
        assert job["status"] == "done", job
        answer = client.get(job["result_url"] + ("&format=xlsx" if xlsx else ""))
    return answer
