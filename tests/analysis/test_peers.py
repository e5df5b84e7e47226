"""A firm beside its industry peers, and park / industry / zone figures ranked."""

import pytest

from gaoxin.analysis import mu_benefit as mb


def test_peer_figures_with_small_cells_suppressed():
    peers = [{"t": 1.0, "r": None}, {"t": 3.0, "r": 0.1}, {"t": 5.0, "r": 0.2}, {"t": 7.0, "r": None}]
    t, r = mb.peer_figures({"t": 4.0, "r": 0.5}, peers, ["t", "r"])
    assert (t.peers, t.median, t.mean, t.share_below) == (4, 4.0, 4.0, 0.5)
    assert (r.peers, r.median, r.mean, r.share_below) == (2, None, None, None)  # two peers: not shown
    (none,) = mb.peer_figures({"t": None}, peers, ["t"])
    assert none.median == 4.0 and none.share_below is None
    assert mb.peer_figures({"t": 1.0}, [], ["t"])[0].peers == 0


def test_group_figures_weight_by_land_and_rank():
    rows = [
        ("园区甲", 10.0, 10.0, 80.0, "A"),
        ("园区甲", 2.0, 30.0, 40.0, "C"),  # Σ tax 160 over 40 亩 = 4
        ("园区乙", 6.0, 5.0, 60.0, "B"),
        ("园区丙", None, None, 20.0, "D"),
    ]
    figs = mb.group_figures(rows)
    assert [(f.group, f.rank) for f in figs] == [("园区乙", 1), ("园区甲", 2), ("园区丙", 3)]
    jia = figs[1]
    assert jia.tax_per_mu == pytest.approx(4.0) and jia.mean_score == pytest.approx(60.0)
    assert jia.classes == {"A": 1, "B": 0, "C": 1, "D": 0} and jia.firms == 2 and jia.land_mu == 40.0
    assert figs[2].tax_per_mu is None
