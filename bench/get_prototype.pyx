# cython: language_level=3, boundscheck=False, wraparound=False
"""The Cython prototype of the interval map's ``get`` (bench/get_prototypes.py times it against the
C extension's ``IntervalMap.get`` and ``dict.get``): typed memoryviews over the pure build's own
``array('I')`` columns, the same binary search."""

cdef class IntervalMap:
    cdef const unsigned int[:] starts
    cdef const unsigned int[:] ends
    cdef const unsigned int[:] scopes
    cdef Py_ssize_t n

    def __init__(self, starts, ends, scopes):
        self.starts, self.ends, self.scopes = starts, ends, scopes
        self.n = len(starts)

    def get(self, index, default=None):
        cdef unsigned long long i
        cdef Py_ssize_t lo = 0, hi = self.n, mid
        if type(index) is not int:
            if not isinstance(index, int) or isinstance(index, bool):
                return default
        if index < 0 or index > 0xFFFFFFFF:
            return default
        i = index
        while lo < hi:
            mid = (lo + hi) >> 1
            if i < self.starts[mid]:
                hi = mid
            else:
                lo = mid + 1
        if lo > 0 and i <= self.ends[lo - 1]:
            return self.scopes[lo - 1]
        return default
