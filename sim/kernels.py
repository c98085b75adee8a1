"""Compiled loops for the model's hot paths.

Some of a day's work is a loop over a few thousand (at a million residents, a few hundred
thousand) elements that NumPy can only express as many whole-array passes or with
``np.unique`` to undo duplicates; one pass of a compiled loop does it. Each kernel here is
plain Python over NumPy arrays, compiled by `Numba <https://numba.readthedocs.io>`_ the
first time it is called and cached on disk (``__pycache__`` beside this file, or
``NUMBA_CACHE_DIR``), so ``import sim`` does not import Numba and a fresh process loads the
machine code instead of compiling it again.

Why Numba: the kernels are short loops over arrays the model already keeps (no new data
layout, as Polars or a compiled extension would need), it is what Starsim and Covasim use for
the same purpose, and ``NUMBA_DISABLE_JIT=1`` runs the very same Python, which is how a
kernel is debugged.

The model's methods stay the readable definition: each kernel's docstring names the plain
NumPy computation it equals, and ``tests/test_fast_paths.py`` holds it there on random
inputs and through whole runs.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

__all__ = ["add_by_group", "byte_table_sums", "compiled", "count_bits_by_type", "histogram_rows",
           "record_visits"]

_lock = threading.Lock()


def compiled(fn):
    """Compile ``fn`` with Numba (``njit``, cached on disk) the first time it is called.

    The plain function stays available as ``.py_func`` (what tests compare against, and
    what runs under ``NUMBA_DISABLE_JIT=1``).
    """
    state: dict = {}

    @functools.wraps(fn)
    def call(*args):
        f = state.get("f")
        if f is None:
            with _lock:
                f = state.get("f")
                if f is None:
                    state["f"] = f = _jit(fn)
        return _canonical(f(*args))

    call.py_func = fn
    return call


def _jit(fn):
    """``numba.njit`` with the disk cache, or without it where no cache folder is writable."""
    import numba

    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # "cannot cache ...: no locator available" (read-only install)
        return numba.njit(nogil=True)(fn)


def _canonical(out):
    """Arrays a kernel returns, viewed with NumPy's own dtype object.

    Numba's arrays carry an equal but distinct ``dtype`` instance, and NumPy's fast paths
    compare dtypes by identity: ``np.add.at(acc, idx, kernel_output)`` measured 30-60x
    slower (2-4 ms instead of 0.06 ms for 30,000 values) until the array is re-viewed.
    """
    if isinstance(out, np.ndarray):
        return out.view(out.dtype.type) if out.dtype.fields is None else out
    if isinstance(out, tuple):
        return tuple(_canonical(x) for x in out)
    return out


@compiled
def histogram_rows(table, never, lo, width):
    """Per row of ``table``, how many cells hold each day, and how many are not ``never``.

    Returns ``(hist, seen)``: ``hist[q, d - lo]`` is the number of cells of row ``q``
    equal to day ``d`` (``np.bincount(row[row != never] - lo, minlength=width)``) and
    ``seen[q]`` the number of cells that are not ``never``. One pass over the table.
    """
    n_rows, n = table.shape
    hist = np.zeros((n_rows, width), dtype=np.int32)
    seen = np.zeros(n_rows, dtype=np.int64)
    for q in range(n_rows):
        for r in range(n):
            d = table[q, r]
            if d != never:
                if d < lo or d - lo >= width:
                    raise ValueError("histogram_rows: a day outside [lo, lo + width)")
                hist[q, d - lo] += 1
                seen[q] += 1
    return hist, seen


@compiled
def record_visits(table, hist, seen, below, below_col, rows, cols, day, never, lo, last_any,
                  last_by_group, row_group):
    """Write ``day`` into ``table[rows[i], cols[i]]``; return each pair's previous value.

    The plain update is ``prior = table[rows, cols]; table[rows, cols] = day;
    last_any[cols] = day; last_by_group[row_group[rows], cols] = day`` (a pair listed twice
    is written once, and both get the value before the write). ``hist``/``seen`` are
    :func:`histogram_rows` of ``table``, and ``below[q]`` the number of cells of row ``q``
    that are not ``never`` and hold a day whose column ``d - lo`` is under ``below_col``;
    all three stay equal to what a fresh count of the updated table would give.
    """
    n = rows.shape[0]
    prior = np.empty(n, dtype=table.dtype)
    for i in range(n):
        prior[i] = table[rows[i], cols[i]]
    day_col = day - lo
    for i in range(n):
        q = rows[i]
        r = cols[i]
        last_any[r] = day
        last_by_group[row_group[q], r] = day
        old = table[q, r]
        if old == day:
            continue  # already today's (the same pair earlier in the list)
        if old == never:
            seen[q] += 1
        else:
            hist[q, old - lo] -= 1
            if old - lo < below_col:
                below[q] -= 1
        hist[q, day_col] += 1
        if day_col < below_col:
            below[q] += 1
        table[q, r] = day
    return prior


@compiled
def count_bits_by_type(etype, masks, counts):
    """Add to ``counts[t, f]`` the number of ``masks`` of type ``t`` with bit ``f`` set.

    The plain computation, per type ``t``: ``counts[t] += unpack(masks[etype == t]).sum(0)``
    (``sim.fields.FieldCatalogue.unpack``); here one pass without the ``(n, fields)``
    boolean table.
    """
    n_fields = counts.shape[1]
    for i in range(masks.shape[0]):
        m = masks[i]
        t = etype[i]
        f = 0
        while m != 0 and f < n_fields:
            if m & 1:
                counts[t, f] += 1
            m >>= 1
            f += 1


@compiled
def byte_table_sums(tables, masks, etype):
    """``out[i] = Σ_b tables[etype[i], b, byte b of masks[i]]``, bytes in order.

    The same additions, in the same order, as ``tables[etype, 0, masks & 255] + tables[etype,
    1, (masks >> 8) & 255] + ...`` (``sim.care.CareProcess.mask_value``): equal to the last
    bit, not only to rounding.
    """
    n_bytes = tables.shape[1]
    out = np.empty(masks.shape[0])
    for i in range(masks.shape[0]):
        m = masks[i]
        t = etype[i]
        acc = tables[t, 0, m & 255]
        for b in range(1, n_bytes):
            acc += tables[t, b, (m >> (8 * b)) & 255]
        out[i] = acc
    return out


@compiled
def add_by_group(need_r, got_r, res, away, need_v, got_v, codes, need_day, got_day):
    """Add each encounter's value to its resident's and its groups' sums, in order.

    The plain computation (``sim.groups.GroupAccounts.add_encounters_plain``):
    ``np.add.at(need_r, res, need_v)`` (and ``got``), and per group dimension ``d``
    ``need_day[d] = np.bincount(codes[res, d], weights=need_v)``, the last dimension
    coded by ``away``; both add in the order of the encounters, as this loop does. A code
    beyond ``need_day``'s width is left out, as ``bincount(...)[:width]`` leaves it.
    """
    n_dims = codes.shape[1]
    width = need_day.shape[1]
    for i in range(res.shape[0]):
        r = res[i]
        nv = need_v[i]
        gv = got_v[i]
        need_r[r] += nv
        got_r[r] += gv
        for d in range(n_dims):
            c = codes[r, d]
            if c < width:
                need_day[d, c] += nv
                got_day[d, c] += gv
        c = away[i]
        if c < width:
            need_day[n_dims, c] += nv
            got_day[n_dims, c] += gv
