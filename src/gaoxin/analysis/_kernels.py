"""Compiled graph searches (numba) over a CSR graph: ``indptr``, ``indices``, ``weights`` (metres).

Kept apart so that the public modules stay typed; every function here takes and returns plain
numpy arrays. Compiled once and cached on disk (``cache=True``).
"""

# mypy: ignore-errors
from __future__ import annotations

import heapq

import numpy as np
from numba import njit


@njit(cache=True)
def k_nearest_sources(indptr, indices, weights, sources, k, cutoff):
    """For every node, the ``k`` nearest distinct sources within ``cutoff`` (multi-source Dijkstra
    where a node may be settled once per source, at most ``k`` times).

    Returns ``dist`` (n, k) with inf where fewer than k sources are in reach and ``src`` (n, k)
    with the index into ``sources`` (-1 where none), both sorted by distance.
    """
    n = indptr.shape[0] - 1
    dist = np.full((n, k), np.inf)
    src = np.full((n, k), -1, dtype=np.int64)
    settled = np.zeros(n, dtype=np.int64)
    heap = [(0.0, np.int64(0), np.int64(0))]
    heap.pop()
    for s in range(sources.shape[0]):
        heapq.heappush(heap, (0.0, sources[s], np.int64(s)))
    while len(heap) > 0:
        d, v, s = heapq.heappop(heap)
        c = settled[v]
        if c >= k:
            continue
        seen = False
        for j in range(c):
            if src[v, j] == s:
                seen = True
                break
        if seen:
            continue
        dist[v, c] = d
        src[v, c] = s
        settled[v] = c + 1
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            nd = d + weights[e]
            if nd <= cutoff and settled[u] < k:
                heapq.heappush(heap, (nd, u, s))
    return dist, src


@njit(cache=True)
def bounded_counts(
    indptr,
    indices,
    weights,
    fac_nodes,
    fac_cat,
    fac_weight,
    thresholds,
    origin_ptr,
    origin_ids,
    n_origins,
    n_categories,
):
    """Count (and sum the weight of) facilities of each category within each threshold of each origin.

    One search per facility bounded by the largest threshold; ``origin_ptr``/``origin_ids`` map a
    node to the origins located at it (CSR). ``thresholds`` must be sorted ascending.
    """
    n = indptr.shape[0] - 1
    n_thr = thresholds.shape[0]
    limit = thresholds[n_thr - 1]
    count = np.zeros((n_origins, n_categories, n_thr), dtype=np.int64)
    wsum = np.zeros((n_origins, n_categories, n_thr))
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    heap = [(0.0, np.int64(0))]
    heap.pop()
    for f in range(fac_nodes.shape[0]):
        n_touched = 0
        start = fac_nodes[f]
        cat = fac_cat[f]
        wf = fac_weight[f]
        dist[start] = 0.0
        touched[n_touched] = start
        n_touched += 1
        heapq.heappush(heap, (0.0, start))
        while len(heap) > 0:
            d, v = heapq.heappop(heap)
            if done[v]:
                continue
            done[v] = True
            for o in range(origin_ptr[v], origin_ptr[v + 1]):
                oid = origin_ids[o]
                for t in range(n_thr):
                    if d <= thresholds[t]:
                        count[oid, cat, t] += 1
                        wsum[oid, cat, t] += wf
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                nd = d + weights[e]
                if nd <= limit and nd < dist[u]:
                    if dist[u] == np.inf:
                        touched[n_touched] = u
                        n_touched += 1
                    dist[u] = nd
                    heapq.heappush(heap, (nd, u))
        for i in range(n_touched):
            dist[touched[i]] = np.inf
            done[touched[i]] = False
    return count, wsum


@njit(cache=True)
def single_source(indptr, indices, weights, source, cutoff):
    """Distances from one node to every node within ``cutoff`` (inf beyond)."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    dist[source] = 0.0
    heap = [(0.0, source)]
    while len(heap) > 0:
        d, v = heapq.heappop(heap)
        if done[v]:
            continue
        done[v] = True
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            nd = d + weights[e]
            if nd <= cutoff and nd < dist[u]:
                dist[u] = nd
                heapq.heappush(heap, (nd, u))
    return dist
