"""Factorize fixed-width string rows with a hash table, in one pass."""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel

_EMPTY = -1


@kernel(fastmath=STRICT)
def _hash_row(rows, i):
    h = np.uint64(14695981039346656037)
    for j in range(rows.shape[1]):
        word = rows[i, j]
        if word == 0:
            break  # fixed-width strings are zero-padded: the rest is padding
        h = (h ^ np.uint64(word)) * np.uint64(1099511628211)
    return h


@kernel(fastmath=STRICT)
def _rows_equal(rows, i, k):
    for j in range(rows.shape[1]):
        if rows[i, j] != rows[k, j]:
            return False
        if rows[i, j] == 0:
            return True
    return True


@kernel(fastmath=STRICT)
def _factorize_rows(rows):
    """Codes in order of first appearance for the rows of a 2-d unsigned array.

    Returns ``codes`` (int64, one per row) and ``first`` (the row index of each
    code's first appearance). An open-addressing hash table (FNV-1a, linear
    probing) compares colliding rows word by word, so codes are exact.
    """
    n = rows.shape[0]
    capacity = 64
    table = np.full(capacity, _EMPTY, dtype=np.int64)  # slot -> code
    first = np.empty(16, dtype=np.int64)
    hashes = np.empty(16, dtype=np.uint64)
    n_codes = 0
    codes = np.empty(n, dtype=np.int64)
    for i in range(n):
        h = _hash_row(rows, i)
        slot = h & np.uint64(capacity - 1)
        while True:
            code = table[slot]
            if code == _EMPTY:
                if n_codes == first.shape[0]:
                    first = np.concatenate((first, np.empty(n_codes, dtype=np.int64)))
                    hashes = np.concatenate(
                        (hashes, np.empty(n_codes, dtype=np.uint64))
                    )
                first[n_codes] = i
                hashes[n_codes] = h
                table[slot] = n_codes
                codes[i] = n_codes
                n_codes += 1
                if 2 * n_codes > capacity:
                    capacity *= 4
                    table = np.full(capacity, _EMPTY, dtype=np.int64)
                    for c in range(n_codes):
                        s = hashes[c] & np.uint64(capacity - 1)
                        while table[s] != _EMPTY:
                            s = (s + np.uint64(1)) & np.uint64(capacity - 1)
                        table[s] = c
                break
            if hashes[code] == h and _rows_equal(rows, first[code], i):
                codes[i] = code
                break
            slot = (slot + np.uint64(1)) & np.uint64(capacity - 1)
    return codes, first[:n_codes].copy()
