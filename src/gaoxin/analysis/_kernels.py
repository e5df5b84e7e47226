"""Compiled graph searches (numba) over a CSR graph: ``indptr``, ``indices``, ``weights`` (metres).

Kept apart so that the public modules stay typed; every function here takes and returns plain
numpy arrays. Compiled once and cached on disk (``cache=True``).
"""

# mypy: ignore-errors
from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange


def threads() -> int:
    """The number of threads the parallel kernels use (``NUMBA_NUM_THREADS``, by default the cores)."""
    return int(get_num_threads())


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
def _nearest_one(indptr, indices, weights, sources, cutoff, dist, label, masked, mask):
    n = indptr.shape[0] - 1
    hk = np.empty(n)
    hv = np.empty(n, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    size = 0
    for s in range(sources.shape[0]):
        v = sources[s]
        if masked and not mask[v]:
            continue
        if pos[v] == -1:
            dist[v] = 0.0
            label[v] = s
            size = _push(hk, hv, pos, size, v, 0.0)
    while size > 0:
        d, v, size = _pop(hk, hv, pos, size)
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if pos[u] == -2 or (masked and not mask[u]):
                continue
            nd = d + weights[e]
            if nd <= cutoff and nd < dist[u]:
                dist[u] = nd
                label[u] = label[v]
                size = _push(hk, hv, pos, size, u, nd)


@njit(cache=True, inline="always")
def _settle(indptr, indices, weights, start, limit, dist, pos, hk, hv, out_nodes, out_dist):
    """One search from ``start`` bounded by ``limit``: writes the settled nodes and their distances in
    settling order to ``out_nodes``/``out_dist`` and returns how many. ``dist`` keeps the distances of
    the settled nodes (inf elsewhere) until :func:`_unsettle` restores the work arrays ``dist`` (inf)
    and ``pos`` (-1), so they can be reused without a full reset (every node pushed is within the
    limit and so is settled before the heap empties)."""
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
    return n_out


@njit(cache=True, inline="always")
def _unsettle(dist, pos, out_nodes, n_out):
    """Restore the work arrays of :func:`_settle` (or of :func:`_settle_buckets`, ``pos`` untouched)."""
    for i in range(n_out):
        dist[out_nodes[i]] = np.inf
        pos[out_nodes[i]] = -1


@njit(cache=True, inline="always")
def _settle_buckets(
    indptr, indices, weights, start, limit, delta, dist, head, e_node, e_next, out_nodes, out_dist
):
    """:func:`_settle` with a bucket queue (width ``delta``; ``head`` holds at least
    ``limit / delta + 2`` empty buckets): writes every node within ``limit`` and its distance to
    ``out_nodes``/``out_dist`` (in no particular order) and returns how many; ``head`` is left empty
    and ``dist`` as with :func:`_settle`. Returns -1, with ``dist`` restored, when ``e_node`` has no
    room for the queue entries (the caller then uses the heap)."""
    n_out = 1
    out_nodes[0] = start
    dist[start] = 0.0
    head[0] = 0
    e_node[0] = start
    e_next[0] = -1
    n_e = 1
    cap = e_node.shape[0]
    overflow = False
    last = int(limit / delta) + 1
    for b in range(last + 1):
        floor = b * delta
        while head[b] >= 0:
            entry = head[b]
            head[b] = e_next[entry]
            if overflow:
                continue
            v = e_node[entry]
            d = dist[v]
            if d < floor:
                continue
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                nd = d + weights[e]
                if nd <= limit and nd < dist[u]:
                    if n_e >= cap:
                        overflow = True
                        break
                    if dist[u] == np.inf:
                        out_nodes[n_out] = u
                        n_out += 1
                    dist[u] = nd
                    bb = int(nd / delta)
                    if bb < b:
                        bb = b
                    e_node[n_e] = u
                    e_next[n_e] = head[bb]
                    head[bb] = n_e
                    n_e += 1
    if overflow:
        for i in range(n_out):
            dist[out_nodes[i]] = np.inf
        return -1
    for i in range(n_out):
        out_dist[i] = dist[out_nodes[i]]
    return n_out


@njit(cache=True)
def _nearest_buckets(indptr, indices, weights, sources, cutoff, delta, dist, label, masked, mask):
    """Multi-source search with a bucket queue (buckets of width ``delta`` up to ``cutoff``): the nodes of
    the lowest non-empty bucket are scanned in any order and a node improved again is scanned again
    (label-correcting within a bucket), so the distances are exact, as with the heap, in fewer steps."""
    n_buckets = int(cutoff / delta) + 2
    head = np.full(n_buckets, -1, dtype=np.int64)
    e_node = np.empty(indptr.shape[0] + sources.shape[0] + 16, dtype=np.int64)
    e_next = np.empty(e_node.shape[0], dtype=np.int64)
    n_e = 0
    for s in range(sources.shape[0]):
        v = sources[s]
        if masked and not mask[v]:
            continue
        if dist[v] > 0.0:
            dist[v] = 0.0
            label[v] = s
            e_node[n_e] = v
            e_next[n_e] = head[0]
            head[0] = n_e
            n_e += 1
    for b in range(n_buckets):
        floor = b * delta
        while head[b] >= 0:
            entry = head[b]
            head[b] = e_next[entry]
            v = e_node[entry]
            d = dist[v]
            if d < floor:
                continue  # improved into an earlier bucket since and scanned there
            lv = label[v]
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                if masked and not mask[u]:
                    continue
                nd = d + weights[e]
                if nd <= cutoff and nd < dist[u]:
                    dist[u] = nd
                    label[u] = lv
                    bb = int(nd / delta)
                    if bb < b:
                        bb = b
                    if n_e >= e_node.shape[0]:
                        e_node = _grown(e_node, n_e)
                        e_next = _grown(e_next, n_e)
                    e_node[n_e] = u
                    e_next[n_e] = head[bb]
                    head[bb] = n_e
                    n_e += 1


@njit(cache=True, parallel=True)
def nearest_by_category(
    indptr,
    indices,
    weights,
    sources,
    category_ptr,
    cutoff,
    delta,
    left,
    left_m,
    right,
    right_m,
    members,
    origin_block,
    masks,
):
    """For every origin and category, the distance to the nearest source of that category within
    ``cutoff`` and which (``members[i]`` for source i; -1 when none). ``sources`` are grouped by
    category: category c owns ``sources[category_ptr[c]:category_ptr[c + 1]]``; origins are attached
    at ``left``/``right`` as described with :func:`bounded_counts`. ``delta`` > 0 selects the bucket
    queue of that width (a finite cutoff), otherwise the heap.

    The work runs as (category, block) tasks in parallel: with one block (``masks`` of one row) a task
    is a category's search over the whole graph; with several, origin i belongs to block
    ``origin_block[i]`` and its task searches only the nodes of ``masks[block]`` (the block's region:
    every walk of its origins within the cutoff stays inside), so fewer categories than threads still
    keep every core busy."""
    n = indptr.shape[0] - 1
    n_cat = category_ptr.shape[0] - 1
    n_orig = left.shape[0]
    n_blocks = masks.shape[0]
    masked = n_blocks > 1
    out_dist = np.full((n_orig, n_cat), np.inf)
    out_which = np.full((n_orig, n_cat), -1, dtype=np.int64)
    for task in prange(n_cat * n_blocks):
        c = task // n_blocks
        blk = task % n_blocks
        lo = category_ptr[c]
        hi = category_ptr[c + 1]
        if hi > lo:
            dist = np.full(n, np.inf)
            label = np.full(n, -1, dtype=np.int64)
            if delta > 0:
                _nearest_buckets(
                    indptr, indices, weights, sources[lo:hi], cutoff, delta, dist, label, masked, masks[blk]
                )
            else:
                _nearest_one(
                    indptr, indices, weights, sources[lo:hi], cutoff, dist, label, masked, masks[blk]
                )
            for i in range(n_orig):
                if left[i] < 0 or origin_block[i] != blk:
                    continue
                v = left[i]
                d = dist[v] + left_m[i]
                r = dist[right[i]] + right_m[i]
                if r < d:
                    v = right[i]
                    d = r
                if d <= cutoff and label[v] >= 0:
                    out_dist[i, c] = d
                    out_which[i, c] = members[lo + label[v]]
    return out_dist, out_which


@njit(cache=True, inline="always")
def _before(hk, hv, hs, i, j):
    """Heap order of entries i and j: by distance, then node, then source."""
    if hk[i] != hk[j]:
        return hk[i] < hk[j]
    if hv[i] != hv[j]:
        return hv[i] < hv[j]
    return hs[i] < hs[j]


@njit(cache=True, inline="always")
def _entry_push(hk, hv, hs, size, key, v, s):
    """Push (key, v, s) onto the entry heap (capacity checked by the caller); returns the new size."""
    i = size
    hk[i] = key
    hv[i] = v
    hs[i] = s
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(hk, hv, hs, i, parent):
            break
        hk[i], hk[parent] = hk[parent], hk[i]
        hv[i], hv[parent] = hv[parent], hv[i]
        hs[i], hs[parent] = hs[parent], hs[i]
        i = parent
    return size + 1


@njit(cache=True, inline="always")
def _entry_pop(hk, hv, hs, size):
    """Remove the first entry of the heap; returns it and the new size."""
    d, v, s = hk[0], hv[0], hs[0]
    size -= 1
    hk[0], hv[0], hs[0] = hk[size], hv[size], hs[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and _before(hk, hv, hs, c + 1, c):
            c += 1
        if not _before(hk, hv, hs, c, i):
            break
        hk[i], hk[c] = hk[c], hk[i]
        hv[i], hv[c] = hv[c], hv[i]
        hs[i], hs[c] = hs[c], hs[i]
        i = c
    return d, v, s, size


@njit(cache=True)
def _grown(a, size):
    """``a`` at twice its length, its first ``size`` items kept."""
    out = np.empty(2 * a.shape[0], dtype=a.dtype)
    out[:size] = a[:size]
    return out


@njit(cache=True)
def _k_nearest_one(indptr, indices, weights, sources, k, cutoff, dist, src, masked, mask):
    """The k nearest distinct sources of every node (see :func:`k_nearest_by_category`): a node is
    settled at most k times, once per source, in the order of an entry heap (lazy deletion)."""
    n = indptr.shape[0] - 1
    settled = np.zeros(n, dtype=np.int64)
    cap = n + sources.shape[0] + 16
    hk = np.empty(cap)
    hv = np.empty(cap, dtype=np.int64)
    hs = np.empty(cap, dtype=np.int64)
    size = 0
    for s in range(sources.shape[0]):
        if masked and not mask[sources[s]]:
            continue
        size = _entry_push(hk, hv, hs, size, 0.0, sources[s], s)
    while size > 0:
        d, v, s, size = _entry_pop(hk, hv, hs, size)
        count = settled[v]
        if count >= k:
            continue
        seen = False
        for j in range(count):
            if src[v, j] == s:
                seen = True
                break
        if seen:
            continue
        dist[v, count] = d
        src[v, count] = s
        settled[v] = count + 1
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if masked and not mask[u]:
                continue
            nd = d + weights[e]
            if nd <= cutoff and settled[u] < k:
                if size >= hk.shape[0]:
                    hk = _grown(hk, size)
                    hv = _grown(hv, size)
                    hs = _grown(hs, size)
                size = _entry_push(hk, hv, hs, size, nd, u, s)


@njit(cache=True, parallel=True)
def k_nearest_by_category(
    indptr,
    indices,
    weights,
    sources,
    category_ptr,
    k,
    cutoff,
    left,
    left_m,
    right,
    right_m,
    members,
    origin_block,
    masks,
):
    """For every origin and category, the ``k`` nearest distinct sources of that category within
    ``cutoff`` (multi-source Dijkstra where a node may be settled once per source, at most ``k``
    times); ``sources`` grouped by category, ``members``, the origins and the (category, block) tasks
    as in :func:`nearest_by_category`. An origin merges the lists of its two ends.

    Returns ``dist`` (n_origins, n_cat, k) with inf where fewer than k sources are in reach and
    ``which`` (n_origins, n_cat, k), the member of each (-1 where none), both sorted by distance.
    """
    n = indptr.shape[0] - 1
    n_cat = category_ptr.shape[0] - 1
    n_orig = left.shape[0]
    n_blocks = masks.shape[0]
    masked = n_blocks > 1
    out_dist = np.full((n_orig, n_cat, k), np.inf)
    out_which = np.full((n_orig, n_cat, k), -1, dtype=np.int64)
    for task in prange(n_cat * n_blocks):
        c = task // n_blocks
        blk = task % n_blocks
        lo = category_ptr[c]
        hi = category_ptr[c + 1]
        if hi > lo:
            dist = np.full((n, k), np.inf)
            src = np.full((n, k), -1, dtype=np.int64)
            _k_nearest_one(indptr, indices, weights, sources[lo:hi], k, cutoff, dist, src, masked, masks[blk])
            for i in range(n_orig):
                if left[i] >= 0 and origin_block[i] == blk:
                    _merge_ends(
                        dist,
                        src,
                        k,
                        cutoff,
                        left[i],
                        left_m[i],
                        right[i],
                        right_m[i],
                        out_dist[i, c],
                        out_which[i, c],
                    )
                    for j in range(k):
                        if out_which[i, c, j] >= 0:
                            out_which[i, c, j] = members[lo + out_which[i, c, j]]
    return out_dist, out_which


@njit(cache=True, inline="always")
def _merge_ends(dist, src, k, cutoff, a, a_m, b, b_m, out_d, out_s):
    """The k nearest distinct sources (within ``cutoff``) of a point ``a_m`` from node a and ``b_m``
    from node b, merged from the two nodes' sorted lists (ties: a's first)."""
    ia = 0
    ib = 0
    n = 0
    while n < k:
        da = np.inf
        if ia < k and src[a, ia] >= 0:
            da = dist[a, ia] + a_m
        db = np.inf
        if ib < k and src[b, ib] >= 0:
            db = dist[b, ib] + b_m
        if da == np.inf and db == np.inf:
            break
        if da <= db:
            d = da
            which = src[a, ia]
            ia += 1
        else:
            d = db
            which = src[b, ib]
            ib += 1
        if d > cutoff:
            break
        seen = False
        for j in range(n):
            if out_s[j] == which:
                seen = True
                break
        if not seen:
            out_d[n] = d
            out_s[n] = which
            n += 1


# --- origins are attached to the search graph: an origin lies ``left_m`` from node ``left`` and
# ``right_m`` from node ``right`` (the same node at 0 m when it is one) and reaches what either end
# reaches. For the bounded searches the reachable origins are numbered in slots ordered by their left
# node: ``left_ptr`` (CSR over nodes) gives each node's slots; ``s_left``, ``s_left_m``, ``s_right``,
# ``s_right_m`` describe each slot; ``right_ptr``/``right_slots`` list by right node the slots whose two
# ends differ. Slots of one node are neighbours in memory, so crediting them stays in cache.


@njit(cache=True, inline="always")
def _reached_origins(
    out_nodes,
    out_dist,
    n_out,
    dist,
    limit,
    left_ptr,
    s_left,
    s_left_m,
    s_right,
    s_right_m,
    right_ptr,
    right_slots,
    buf_slot,
    buf_d,
):
    """The origin slots within ``limit`` of a finished bounded search (``dist`` still set), each once,
    with its distance, into ``buf_slot``/``buf_d``; returns how many. An origin is credited from its
    left end when that is at least as near, otherwise from its right end."""
    k = 0
    for s in range(n_out):
        v = out_nodes[s]
        dv = out_dist[s]
        for slot in range(left_ptr[v], left_ptr[v + 1]):
            d = dv + s_left_m[slot]
            if d <= limit and d <= dist[s_right[slot]] + s_right_m[slot]:
                buf_slot[k] = slot
                buf_d[k] = d
                k += 1
        for q in range(right_ptr[v], right_ptr[v + 1]):
            slot = right_slots[q]
            d = dv + s_right_m[slot]
            if d <= limit and d < dist[s_left[slot]] + s_left_m[slot]:
                buf_slot[k] = slot
                buf_d[k] = d
                k += 1
    return k


# Facilities of one category are cut into this many blocks (fewer when there are fewer facilities);
# the blocks' sums are added in block order, so counts and weights do not depend on the thread count.
COUNT_BLOCKS = 8


@njit(cache=True, parallel=True)
def bounded_counts(
    indptr,
    indices,
    weights,
    fac_nodes,
    category_ptr,
    fac_weight,
    thresholds,
    n_origins,
    slot_origin,
    left_ptr,
    s_left,
    s_left_m,
    s_right,
    s_right_m,
    right_ptr,
    right_slots,
    n_threads,
    delta,
    unit_weights,
):
    """Count (and sum the weight of) facilities of each category within each threshold of each origin.

    One search per facility bounded by the largest threshold, crediting every origin it reaches
    (origins attached as above). Facilities are grouped by
    category (``category_ptr`` as in :func:`nearest_by_category`). Within a category the facilities
    run in :data:`COUNT_BLOCKS` blocks, ``n_threads`` at a time, each block into its own buffer,
    so both cores work on one category. ``thresholds`` must be sorted ascending. ``delta`` > 0
    searches with a bucket queue of that width, otherwise with the heap. With ``unit_weights`` the
    weight sums are the counts. A search credits each origin slot once, in the band of the smallest
    threshold it lies within; a block's bands become counts when the block is added.
    """
    n = indptr.shape[0] - 1
    n_slots = slot_origin.shape[0]
    n_cat = category_ptr.shape[0] - 1
    n_thr = thresholds.shape[0]
    limit = thresholds[n_thr - 1]
    count = np.zeros((n_origins, n_cat, n_thr), dtype=np.int64)  # by origin
    wsum = np.zeros((n_origins, n_cat, n_thr))
    width = max(1, min(n_threads, COUNT_BLOCKS))
    buf_count = np.zeros((width, n_slots, n_thr), dtype=np.int32)
    buf_weight = np.zeros((width, n_slots if not unit_weights else 0, n_thr))
    touched = np.empty((width, n_slots), dtype=np.int64)
    reached_o = np.empty((width, n_slots), dtype=np.int64)
    reached_d = np.empty((width, n_slots))
    n_touched = np.zeros(width, dtype=np.int64)
    dist = np.full((width, n), np.inf)
    pos = np.full((width, n), -1, dtype=np.int64)
    hk = np.empty((width, n))
    hv = np.empty((width, n), dtype=np.int64)
    out_nodes = np.empty((width, n), dtype=np.int64)
    out_dist = np.empty((width, n))
    n_buckets = int(limit / delta) + 2 if delta > 0 else 1
    head = np.full((width, n_buckets), -1, dtype=np.int64)
    e_node = np.empty((width, indices.shape[0] + 16 if delta > 0 else 1), dtype=np.int64)
    e_next = np.empty_like(e_node)
    for c in range(n_cat):
        lo = category_ptr[c]
        n_f = category_ptr[c + 1] - lo
        n_blocks = min(COUNT_BLOCKS, n_f)
        for first in range(0, n_blocks, width):
            n_here = min(width, n_blocks - first)
            for j in prange(n_here):
                b = first + j
                for f in range(lo + n_f * b // n_blocks, lo + n_f * (b + 1) // n_blocks):
                    if fac_nodes[f] < 0:
                        continue  # outside the region searched
                    wf = fac_weight[f]
                    n_out = -1
                    if delta > 0:
                        n_out = _settle_buckets(
                            indptr,
                            indices,
                            weights,
                            fac_nodes[f],
                            limit,
                            delta,
                            dist[j],
                            head[j],
                            e_node[j],
                            e_next[j],
                            out_nodes[j],
                            out_dist[j],
                        )
                    if n_out < 0:
                        n_out = _settle(
                            indptr,
                            indices,
                            weights,
                            fac_nodes[f],
                            limit,
                            dist[j],
                            pos[j],
                            hk[j],
                            hv[j],
                            out_nodes[j],
                            out_dist[j],
                        )
                    n_reached = _reached_origins(
                        out_nodes[j],
                        out_dist[j],
                        n_out,
                        dist[j],
                        limit,
                        left_ptr,
                        s_left,
                        s_left_m,
                        s_right,
                        s_right_m,
                        right_ptr,
                        right_slots,
                        reached_o[j],
                        reached_d[j],
                    )
                    _unsettle(dist[j], pos[j], out_nodes[j], n_out)
                    for r in range(n_reached):
                        slot = reached_o[j, r]
                        d = reached_d[j, r]
                        first = True  # first reached in this block: no band counted yet
                        for t in range(n_thr):
                            if buf_count[j, slot, t] > 0:
                                first = False
                                break
                        if first:
                            touched[j, n_touched[j]] = slot
                            n_touched[j] += 1
                        t = 0
                        while d > thresholds[t]:  # the band of the smallest threshold it is within
                            t += 1
                        buf_count[j, slot, t] += 1
                        if not unit_weights:
                            buf_weight[j, slot, t] += wf
            for j in range(n_here):  # add the blocks' sums in block order
                for i in prange(n_touched[j]):
                    slot = touched[j, i]
                    oid = slot_origin[slot]
                    within_c = 0
                    within_w = 0.0
                    for t in range(n_thr):  # bands to thresholds
                        within_c += buf_count[j, slot, t]
                        count[oid, c, t] += within_c
                        buf_count[j, slot, t] = 0
                        if not unit_weights:
                            within_w += buf_weight[j, slot, t]
                            wsum[oid, c, t] += within_w
                            buf_weight[j, slot, t] = 0.0
                n_touched[j] = 0
    if unit_weights:
        for oid in prange(n_origins):
            for c in range(n_cat):
                for t in range(n_thr):
                    wsum[oid, c, t] = count[oid, c, t]
    return count, wsum


@njit(cache=True)
def bounded_pairs(
    indptr,
    indices,
    weights,
    fac_nodes,
    limit,
    slot_origin,
    left_ptr,
    s_left,
    s_left_m,
    s_right,
    s_right_m,
    right_ptr,
    right_slots,
):
    """Every (origin, facility, distance) within ``limit``: one bounded search per facility (origins
    attached as above)."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    pos = np.full(n, -1, dtype=np.int64)
    hk = np.empty(n)
    hv = np.empty(n, dtype=np.int64)
    out_nodes = np.empty(n, dtype=np.int64)
    out_dist = np.empty(n)
    buf_o = np.empty(slot_origin.shape[0], dtype=np.int64)
    buf_d = np.empty(slot_origin.shape[0])
    pair_o = [np.int64(0)]
    pair_f = [np.int64(0)]
    pair_d = [0.0]
    pair_o.pop()
    pair_f.pop()
    pair_d.pop()
    for f in range(fac_nodes.shape[0]):
        n_out = _settle(indptr, indices, weights, fac_nodes[f], limit, dist, pos, hk, hv, out_nodes, out_dist)
        k = _reached_origins(
            out_nodes,
            out_dist,
            n_out,
            dist,
            limit,
            left_ptr,
            s_left,
            s_left_m,
            s_right,
            s_right_m,
            right_ptr,
            right_slots,
            buf_o,
            buf_d,
        )
        _unsettle(dist, pos, out_nodes, n_out)
        for r in range(k):
            pair_o.append(slot_origin[buf_o[r]])
            pair_f.append(np.int64(f))
            pair_d.append(buf_d[r])
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


# --- snapping: the segments of the network's edges in a uniform grid of cells (each segment in every
# cell its bounding box touches); a point searches rings of cells around its own until no unseen
# segment can be nearer than the best found.


@njit(cache=True)
def segment_grid(x0, y0, x1, y1, gx, gy, cell, nx, ny):
    """The cells (row-major, ``nx`` × ``ny`` from the corner ``gx``, ``gy``) of every segment's
    bounding box, as CSR: ``cell_ptr`` and the segment ids ``items``."""
    n_seg = x0.shape[0]
    cell_ptr = np.zeros(nx * ny + 1, dtype=np.int64)
    for s in range(n_seg):
        cx0 = int((min(x0[s], x1[s]) - gx) / cell)
        cx1 = int((max(x0[s], x1[s]) - gx) / cell)
        cy0 = int((min(y0[s], y1[s]) - gy) / cell)
        cy1 = int((max(y0[s], y1[s]) - gy) / cell)
        for cy in range(cy0, cy1 + 1):
            for cx in range(cx0, cx1 + 1):
                cell_ptr[cy * nx + cx + 1] += 1
    for i in range(nx * ny):
        cell_ptr[i + 1] += cell_ptr[i]
    fill = cell_ptr[:-1].copy()
    items = np.empty(cell_ptr[nx * ny], dtype=np.int64)
    for s in range(n_seg):
        cx0 = int((min(x0[s], x1[s]) - gx) / cell)
        cx1 = int((max(x0[s], x1[s]) - gx) / cell)
        cy0 = int((min(y0[s], y1[s]) - gy) / cell)
        cy1 = int((max(y0[s], y1[s]) - gy) / cell)
        for cy in range(cy0, cy1 + 1):
            for cx in range(cx0, cx1 + 1):
                c = cy * nx + cx
                items[fill[c]] = s
                fill[c] += 1
    return cell_ptr, items


@njit(cache=True, inline="always")
def _scan_cell(px, py, c, cell_ptr, items, x0, y0, x1, y1, seg_edge, best):
    """Compare the segments of cell ``c`` with the best (distance, edge, segment, t) so far."""
    for i in range(cell_ptr[c], cell_ptr[c + 1]):
        s = items[i]
        dx = x1[s] - x0[s]
        dy = y1[s] - y0[s]
        l2 = dx * dx + dy * dy
        t = 0.0
        if l2 > 0.0:
            t = ((px - x0[s]) * dx + (py - y0[s]) * dy) / l2
        if t <= 0.0:  # the ends exactly, so that pieces meeting at a vertex tie there
            t = 0.0
            d = np.hypot(px - x0[s], py - y0[s])
        elif t >= 1.0:
            t = 1.0
            d = np.hypot(px - x1[s], py - y1[s])
        else:
            d = np.hypot(px - (x0[s] + t * dx), py - (y0[s] + t * dy))
        e = seg_edge[s]
        if d < best[0] or (d == best[0] and (e < best[1] or (e == best[1] and s < best[2]))):
            best[0] = d
            best[1] = e
            best[2] = s
            best[3] = t


@njit(cache=True, parallel=True)
def snap_points(px, py, x0, y0, x1, y1, seg_edge, seg_start, cell_ptr, items, gx, gy, cell, nx, ny):
    """For every point the nearest segment (ties: lowest edge, then lowest segment): its edge, the
    distance, and the offset along the edge (``seg_start`` + the projection along the segment)."""
    n = px.shape[0]
    edge = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.inf)
    offset = np.zeros(n)
    for p in prange(n):
        best = np.empty(4)
        best[0] = np.inf
        best[1] = -1.0
        best[2] = -1.0
        best[3] = 0.0
        cx = int(np.floor((px[p] - gx) / cell))
        cy = int(np.floor((py[p] - gy) / cell))
        r = max(0, cx - (nx - 1), -cx, cy - (ny - 1), -cy)  # the first ring that meets the grid
        while True:
            lo_y = max(cy - r, 0)
            hi_y = min(cy + r, ny - 1)
            lo_x = max(cx - r, 0)
            hi_x = min(cx + r, nx - 1)
            if lo_y > hi_y or lo_x > hi_x:
                break  # the ring lies wholly outside the grid: every cell has been seen
            for yy in range(lo_y, hi_y + 1):
                if yy == cy - r or yy == cy + r:
                    for xx in range(lo_x, hi_x + 1):
                        _scan_cell(
                            px[p], py[p], yy * nx + xx, cell_ptr, items, x0, y0, x1, y1, seg_edge, best
                        )
                else:
                    if cx - r >= 0:
                        _scan_cell(
                            px[p], py[p], yy * nx + cx - r, cell_ptr, items, x0, y0, x1, y1, seg_edge, best
                        )
                    if r > 0 and cx + r <= nx - 1:
                        _scan_cell(
                            px[p], py[p], yy * nx + cx + r, cell_ptr, items, x0, y0, x1, y1, seg_edge, best
                        )
            # segments not seen lie in rings beyond r, at least r cells away
            if best[0] <= r * cell:
                break
            if cx - r <= 0 and cy - r <= 0 and cx + r >= nx - 1 and cy + r >= ny - 1:
                break  # the ring has reached every border: every cell has been seen
            r += 1
        if best[1] >= 0:
            s = int(best[2])
            edge[p] = int(best[1])
            dist[p] = best[0]
            offset[p] = seg_start[s] + best[3] * np.hypot(x1[s] - x0[s], y1[s] - y0[s])
    return edge, dist, offset


# --- contraction: chains of degree-2 nodes become one edge between their end nodes (terminals)


@njit(cache=True)
def contract_chains(n, edge_u, edge_v, edge_length):
    """Cut the network into chains: maximal paths whose inner nodes have degree 2 (counting parallel
    edges), between terminals (nodes of any other degree; in a cycle without one, its first node).

    Returns ``terminal`` (the terminal id of each node, -1 for an inner node), ``n_terminals``,
    per chain its end terminals ``chain_u``/``chain_v`` and ``chain_length``, per edge its chain,
    the position of its u end along the chain (``edge_pos_u``) and whether it runs u → v in the
    chain's direction (``edge_forward``), and per inner node its chain and position (``node_chain``,
    ``node_pos``; -1 and 0 for terminals)."""
    m = edge_u.shape[0]
    degree = np.zeros(n, dtype=np.int64)
    for e in range(m):
        degree[edge_u[e]] += 1
        degree[edge_v[e]] += 1
    inc_ptr = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        inc_ptr[v + 1] = inc_ptr[v] + degree[v]
    fill = inc_ptr[:-1].copy()
    inc = np.empty(2 * m, dtype=np.int64)
    for e in range(m):
        inc[fill[edge_u[e]]] = e
        fill[edge_u[e]] += 1
        inc[fill[edge_v[e]]] = e
        fill[edge_v[e]] += 1
    terminal = np.full(n, -1, dtype=np.int64)
    n_terminals = 0
    for v in range(n):
        if degree[v] != 2:
            terminal[v] = n_terminals
            n_terminals += 1
    edge_chain = np.full(m, -1, dtype=np.int64)
    edge_pos_u = np.zeros(m)
    edge_forward = np.zeros(m, dtype=np.bool_)
    node_chain = np.full(n, -1, dtype=np.int64)
    node_pos = np.zeros(n)
    chain_u = np.empty(m, dtype=np.int64)
    chain_v = np.empty(m, dtype=np.int64)
    chain_length = np.empty(m)
    n_chains = 0
    for rnd in range(2):  # first from the terminals; then the cycles that have none
        for start_node in range(n):
            if rnd == 1 and terminal[start_node] < 0:
                has_free = False
                for i in range(inc_ptr[start_node], inc_ptr[start_node + 1]):
                    if edge_chain[inc[i]] < 0:
                        has_free = True
                if not has_free:
                    continue
                terminal[start_node] = n_terminals  # a cycle's first node stands for its terminal
                n_terminals += 1
                node_chain[start_node] = -1
                node_pos[start_node] = 0.0
            if terminal[start_node] < 0:
                continue
            for i in range(inc_ptr[start_node], inc_ptr[start_node + 1]):
                e = inc[i]
                if edge_chain[e] >= 0:
                    continue
                c = n_chains
                n_chains += 1
                cur = start_node
                pos = 0.0
                while True:
                    edge_chain[e] = c
                    if edge_u[e] == cur and not (edge_v[e] == cur):
                        edge_forward[e] = True
                        edge_pos_u[e] = pos
                        nxt = edge_v[e]
                    else:
                        edge_forward[e] = False
                        edge_pos_u[e] = pos + edge_length[e]
                        nxt = edge_u[e]
                    pos += edge_length[e]
                    if terminal[nxt] >= 0:
                        break
                    node_chain[nxt] = c
                    node_pos[nxt] = pos
                    a = inc[inc_ptr[nxt]]
                    b = inc[inc_ptr[nxt] + 1]
                    e = b if a == e else a
                    cur = nxt
                chain_u[c] = terminal[start_node]
                chain_v[c] = terminal[nxt]
                chain_length[c] = pos
    return (
        terminal,
        n_terminals,
        chain_u[:n_chains].copy(),
        chain_v[:n_chains].copy(),
        chain_length[:n_chains].copy(),
        edge_chain,
        edge_pos_u,
        edge_forward,
        node_chain,
        node_pos,
    )
