"""Compiled graph searches (numba) over a CSR graph: ``indptr``, ``indices``, ``weights`` (metres).

Kept apart so that the public modules stay typed; every function here takes and returns plain
numpy arrays. Compiled once and cached on disk (``cache=True``).
"""

# mypy: ignore-errors
from __future__ import annotations

import heapq

import numpy as np
from numba import njit, prange

# --- an indexed binary heap over arrays: keys ``hk``, nodes ``hv``, position ``pos[node]``
# (-1 never seen, -2 settled, >= 0 its slot), with decrease-key; no allocation per push.


@njit(cache=True, inline="always")
def _push(hk, hv, pos, size, v, key):
    i = pos[v]
    if i == -1:
        i = size
        size += 1
    elif key < hk[i]:
        pass
    else:
        return size
    while i > 0:
        parent = (i - 1) >> 1
        if hk[parent] <= key:
            break
        hk[i] = hk[parent]
        hv[i] = hv[parent]
        pos[hv[i]] = i
        i = parent
    hk[i] = key
    hv[i] = v
    pos[v] = i
    return size


@njit(cache=True, inline="always")
def _pop(hk, hv, pos, size):
    key0 = hk[0]
    v0 = hv[0]
    pos[v0] = -2
    size -= 1
    if size > 0:
        key = hk[size]
        v = hv[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and hk[c + 1] < hk[c]:
                c += 1
            if hk[c] >= key:
                break
            hk[i] = hk[c]
            hv[i] = hv[c]
            pos[hv[i]] = i
            i = c
        hk[i] = key
        hv[i] = v
        pos[v] = i
    return key0, v0, size


@njit(cache=True)
def _nearest_one(indptr, indices, weights, sources, cutoff, dist, label):
    n = indptr.shape[0] - 1
    hk = np.empty(n)
    hv = np.empty(n, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    size = 0
    for s in range(sources.shape[0]):
        v = sources[s]
        if pos[v] == -1:
            dist[v] = 0.0
            label[v] = s
            size = _push(hk, hv, pos, size, v, 0.0)
    while size > 0:
        d, v, size = _pop(hk, hv, pos, size)
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if pos[u] == -2:
                continue
            nd = d + weights[e]
            if nd <= cutoff and nd < dist[u]:
                dist[u] = nd
                label[u] = label[v]
                size = _push(hk, hv, pos, size, u, nd)


@njit(cache=True, inline="always")
def _settle(indptr, indices, weights, start, limit, dist, pos, hk, hv, out_nodes, out_dist):
    """One search from ``start`` bounded by ``limit``: writes the settled nodes and their distances in
    settling order to ``out_nodes``/``out_dist`` and returns how many. The work arrays ``dist`` (inf)
    and ``pos`` (-1) are restored for the settled nodes, so they can be reused without a full reset
    (every node pushed is within the limit and so is settled before the heap empties)."""
    n_out = 0
    dist[start] = 0.0
    size = _push(hk, hv, pos, 0, start, 0.0)
    while size > 0:
        d, v, size = _pop(hk, hv, pos, size)
        out_nodes[n_out] = v
        out_dist[n_out] = d
        n_out += 1
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if pos[u] == -2:
                continue
            nd = d + weights[e]
            if nd <= limit and nd < dist[u]:
                dist[u] = nd
                size = _push(hk, hv, pos, size, u, nd)
    for i in range(n_out):
        dist[out_nodes[i]] = np.inf
        pos[out_nodes[i]] = -1
    return n_out


@njit(cache=True, parallel=True)
def nearest_by_category(indptr, indices, weights, sources, category_ptr, cutoff):
    """For every node and category, the distance to the nearest source of that category within
    ``cutoff`` and which source (index into ``sources``). ``sources`` are grouped by category:
    category c owns ``sources[category_ptr[c]:category_ptr[c + 1]]``. Categories run in parallel."""
    n = indptr.shape[0] - 1
    n_cat = category_ptr.shape[0] - 1
    dist = np.full((n_cat, n), np.inf)
    label = np.full((n_cat, n), -1, dtype=np.int64)
    for c in prange(n_cat):
        lo = category_ptr[c]
        hi = category_ptr[c + 1]
        if hi > lo:
            _nearest_one(indptr, indices, weights, sources[lo:hi], cutoff, dist[c], label[c])
            for v in range(n):
                if label[c, v] >= 0:
                    label[c, v] += lo
    return dist, label


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


@njit(cache=True, parallel=True)
def bounded_counts(
    indptr,
    indices,
    weights,
    fac_nodes,
    category_ptr,
    fac_weight,
    thresholds,
    origin_ptr,
    origin_ids,
    n_origins,
):
    """Count (and sum the weight of) facilities of each category within each threshold of each origin.

    One search per facility bounded by the largest threshold, crediting every origin it settles;
    ``origin_ptr``/``origin_ids`` map a node to the origins at it (CSR). Facilities are grouped by
    category (``category_ptr`` as in :func:`nearest_by_category`); categories run in parallel, each
    writing only its own slice of the result. ``thresholds`` must be sorted ascending.
    """
    n = indptr.shape[0] - 1
    n_cat = category_ptr.shape[0] - 1
    n_thr = thresholds.shape[0]
    limit = thresholds[n_thr - 1]
    count = np.zeros((n_origins, n_cat, n_thr), dtype=np.int64)
    wsum = np.zeros((n_origins, n_cat, n_thr))
    for c in prange(n_cat):
        dist = np.full(n, np.inf)
        pos = np.full(n, -1, dtype=np.int64)
        hk = np.empty(n)
        hv = np.empty(n, dtype=np.int64)
        out_nodes = np.empty(n, dtype=np.int64)
        out_dist = np.empty(n)
        for f in range(category_ptr[c], category_ptr[c + 1]):
            wf = fac_weight[f]
            n_out = _settle(
                indptr, indices, weights, fac_nodes[f], limit, dist, pos, hk, hv, out_nodes, out_dist
            )
            for s in range(n_out):
                v = out_nodes[s]
                d = out_dist[s]
                for o in range(origin_ptr[v], origin_ptr[v + 1]):
                    oid = origin_ids[o]
                    for t in range(n_thr):
                        if d <= thresholds[t]:
                            count[oid, c, t] += 1
                            wsum[oid, c, t] += wf
    return count, wsum


@njit(cache=True)
def bounded_pairs(indptr, indices, weights, fac_nodes, limit, origin_ptr, origin_ids):
    """Every (origin, facility, distance) within ``limit``: one bounded search per facility."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    pos = np.full(n, -1, dtype=np.int64)
    hk = np.empty(n)
    hv = np.empty(n, dtype=np.int64)
    out_nodes = np.empty(n, dtype=np.int64)
    out_dist = np.empty(n)
    pair_o = [np.int64(0)]
    pair_f = [np.int64(0)]
    pair_d = [0.0]
    pair_o.pop()
    pair_f.pop()
    pair_d.pop()
    for f in range(fac_nodes.shape[0]):
        n_out = _settle(indptr, indices, weights, fac_nodes[f], limit, dist, pos, hk, hv, out_nodes, out_dist)
        for s in range(n_out):
            v = out_nodes[s]
            for o in range(origin_ptr[v], origin_ptr[v + 1]):
                pair_o.append(origin_ids[o])
                pair_f.append(np.int64(f))
                pair_d.append(out_dist[s])
    return np.array(pair_o, dtype=np.int64), np.array(pair_f, dtype=np.int64), np.array(pair_d)


@njit(cache=True)
def single_source(indptr, indices, weights, source, cutoff):
    """Distances from one node to every node within ``cutoff`` (inf beyond)."""
    n = indptr.shape[0] - 1
    result = np.full(n, np.inf)
    dist = np.full(n, np.inf)
    pos = np.full(n, -1, dtype=np.int64)
    hk = np.empty(n)
    hv = np.empty(n, dtype=np.int64)
    out_nodes = np.empty(n, dtype=np.int64)
    out_dist = np.empty(n)
    n_out = _settle(indptr, indices, weights, source, cutoff, dist, pos, hk, hv, out_nodes, out_dist)
    for s in range(n_out):
        result[out_nodes[s]] = out_dist[s]
    return result
