/* arenacheck.impl._native: the compiled build of the arena implementations (SPEC §2, §3).
 *
 * The same algorithms as the pure build (impl/kernels.py, impl/alist.py, impl/intervals.py),
 * step for step: the same comparisons in the same order and with the same operands, the same
 * callbacks, the same cells, so that both builds give identical handles and cell counts on any
 * program (tests/test_native.py holds them to it).  What changes is the cost of a step: one C call
 * per operation (METH_FASTCALL methods of extension types), machine-int comparisons while every
 * key is an int, and a binary search over uint32 columns.
 *
 * Layout.  An arena is parallel columns indexed by cell: `next` (int32), keys and values.  Keys
 * start as int32 and widen once to int64, then to object references, the first time a key does
 * not fit; values are not stored while every value is None, then are object references.  All
 * memory comes from PyMem_* (tracemalloc sees it, so `arenacheck bench` measures it).
 *
 * Planted bugs (tests only): compiled with -DPLANT_<NAME>, one kernel goes wrong on purpose, so
 * the test suite can show that the harness catches each kernel's bug in compiled code too.  The
 * shipped build defines none of them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(PLANT_WALK_DROPS_BOTTOM) || defined(PLANT_LOCATE_PASSES_EQUAL) ||                      \
    defined(PLANT_REPLACE_COPIES) || defined(PLANT_SWAPPED_MERGE) ||                                \
    defined(PLANT_COALESCE_ADJACENT_ONLY) || defined(PLANT_FIND_END_OFF_BY_ONE)
#define PLANTED 1
#else
#define PLANTED 0
#endif

/* The module's name: `_native`, or another for a planted-bug build loaded beside it. */
#ifndef NATIVE_NAME
#define NATIVE_NAME _native
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)
#define QUALIFIED(name) "arenacheck.impl." STR(NATIVE_NAME) "." name

#define END (-1)
#define MAX_CELLS ((Py_ssize_t)INT32_MAX)
#define STACK_SCRATCH 32

/* The typed errors of arenacheck.errors, fetched once at import. */
static PyObject *InvalidHandle, *BuilderFinished, *ReentrantCall, *ConflictingRecord;

static void
raise_with(PyObject *type, PyObject *arg)
{
    PyObject *err = arg ? PyObject_CallOneArg(type, arg) : PyObject_CallNoArgs(type);
    if (err != NULL) {
        PyErr_SetObject(type, err);
        Py_DECREF(err);
    }
}

static void
finished_error(const char *what)
{
    PyObject *name = PyUnicode_FromString(what);
    if (name != NULL) {
        raise_with(BuilderFinished, name);
        Py_DECREF(name);
    }
}

/* --- Argument parsing (positional or keyword, as the pure build's signatures) ----------------- */

static int
parse_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *fname,
           const char *const *names, Py_ssize_t nreq, Py_ssize_t nmax, PyObject **out)
{
    /* out[] holds NULL for required arguments and the defaults of the others. */
    if (nargs > nmax) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd arguments (%zd given)", fname,
                     nmax, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        out[i] = args[i];
    }
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, k);
        Py_ssize_t j = 0;
        while (j < nmax && PyUnicode_CompareWithASCIIString(name, names[j]) != 0) {
            j++;
        }
        if (j == nmax) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname,
                         name);
            return -1;
        }
        if (j < nargs) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname,
                         names[j]);
            return -1;
        }
        out[j] = args[nargs + k];
    }
    for (Py_ssize_t j = 0; j < nreq; j++) {
        if (out[j] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname,
                         names[j], j + 1);
            return -1;
        }
    }
    return 0;
}

/* --- The arena --------------------------------------------------------------------------------- */

enum { K_I32 = 0, K_I64 = 1, K_OBJ = 2 };
enum { V_NONE = 0, V_I64 = 1, V_OBJ = 2 };

typedef struct {
    Py_ssize_t n;   /* cells */
    Py_ssize_t cap; /* room in every column */
    int32_t *next;
    int kmode;
    union {
        int32_t *i32;
        int64_t *i64;
        PyObject **obj;
    } keys;
    int vmode; /* V_NONE: no column, every value is None */
    union {
        int64_t *i64;
        PyObject **obj;
    } values;
} Arena;

static void
arena_clear(Arena *a)
{
    if (a->kmode == K_OBJ) {
        for (Py_ssize_t i = 0; i < a->n; i++) {
            Py_CLEAR(a->keys.obj[i]);
        }
    }
    if (a->vmode == V_OBJ) {
        for (Py_ssize_t i = 0; i < a->n; i++) {
            Py_CLEAR(a->values.obj[i]);
        }
    }
    PyMem_Free(a->next);
    PyMem_Free(a->keys.i64);
    PyMem_Free(a->values.i64);
    memset(a, 0, sizeof(*a));
}

static size_t
key_size(int kmode)
{
    return kmode == K_I32 ? sizeof(int32_t) : kmode == K_I64 ? sizeof(int64_t) : sizeof(PyObject *);
}

/* Room for `need` cells in every column; nothing observable changes on failure. */
static int
arena_reserve(Arena *a, Py_ssize_t need)
{
    if (need <= a->cap) {
        return 0;
    }
    if (need > MAX_CELLS) {
        PyErr_SetString(PyExc_OverflowError, "an arena holds at most 2**31 - 1 cells");
        return -1;
    }
    /* A list's growth pattern: about 1/8 spare room, so a kept arena wastes little. */
    Py_ssize_t cap = need + (need >> 3) + (need < 9 ? 3 : 6);
    if (cap > MAX_CELLS) {
        cap = MAX_CELLS;
    }
    int32_t *next = PyMem_Realloc(a->next, (size_t)cap * sizeof(int32_t));
    if (next == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    a->next = next;
    void *keys = PyMem_Realloc(a->keys.i64, (size_t)cap * key_size(a->kmode));
    if (keys == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    a->keys.i64 = keys;
    if (a->vmode != V_NONE) {
        void *values = PyMem_Realloc(a->values.i64, (size_t)cap * sizeof(int64_t));
        if (values == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->values.i64 = values;
    }
    a->cap = cap;
    return 0;
}

static inline int64_t
key_native(const Arena *a, Py_ssize_t cell)
{
    return a->kmode == K_I32 ? (int64_t)a->keys.i32[cell] : a->keys.i64[cell];
}

/* The key of `cell`, a new reference. */
static PyObject *
key_object(const Arena *a, Py_ssize_t cell)
{
    if (a->kmode == K_OBJ) {
        return Py_NewRef(a->keys.obj[cell]);
    }
    return PyLong_FromLongLong(key_native(a, cell));
}

/* The value of `cell`, a new reference. */
static inline PyObject *
value_get(const Arena *a, Py_ssize_t cell)
{
    if (a->vmode == V_OBJ) {
        return Py_NewRef(a->values.obj[cell]);
    }
    if (a->vmode == V_I64) {
        return PyLong_FromLongLong(a->values.i64[cell]);
    }
    Py_RETURN_NONE;
}

/* The narrowest key column that holds `key`; its machine value in *v when it has one. */
static int
key_kind(PyObject *key, int64_t *v)
{
    if (PyLong_CheckExact(key)) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(key, &overflow);
        if (!overflow) {
            *v = x;
            return (x >= INT32_MIN && x <= INT32_MAX) ? K_I32 : K_I64;
        }
    }
    return K_OBJ;
}

/* Widen the key column to `kmode` (one way: int32 -> int64 -> objects); the keys read the same. */
static int
arena_widen_keys(Arena *a, int kmode)
{
    if (kmode <= a->kmode) {
        return 0;
    }
    Py_ssize_t cap = a->cap;
    if (kmode == K_I64) {
        int64_t *wide = PyMem_Malloc((size_t)(cap ? cap : 1) * sizeof(int64_t));
        if (wide == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < a->n; i++) {
            wide[i] = a->keys.i32[i];
        }
        PyMem_Free(a->keys.i32);
        a->keys.i64 = wide;
        a->kmode = K_I64;
        return 0;
    }
    PyObject **objs = PyMem_Malloc((size_t)(cap ? cap : 1) * sizeof(PyObject *));
    if (objs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < a->n; i++) {
        objs[i] = PyLong_FromLongLong(key_native(a, i));
        if (objs[i] == NULL) {
            while (--i >= 0) {
                Py_DECREF(objs[i]);
            }
            PyMem_Free(objs);
            return -1;
        }
    }
    PyMem_Free(a->keys.i64);
    a->keys.obj = objs;
    a->kmode = K_OBJ;
    return 0;
}

static int
is_int64(PyObject *value)
{
    if (!PyLong_CheckExact(value)) {
        return 0;
    }
    int overflow;
    PyLong_AsLongLongAndOverflow(value, &overflow);
    return !overflow;
}

/* The value column that holds the column so far and `value` too, as the pure build's columns
 * grow: none while every value is None; int64 while every value is an int (if the first cell
 * already has one); else object references, for good. */
static int
value_mode_for(const Arena *a, int vmode, PyObject *value)
{
    if (vmode == V_NONE && value != Py_None) {
        vmode = a->n == 0 ? V_I64 : V_OBJ;
    }
    if (vmode == V_I64 && !is_int64(value)) {
        vmode = V_OBJ;
    }
    return vmode;
}

/* Widen the value column to `vmode`; the values read the same. */
static int
arena_widen_values(Arena *a, int vmode)
{
    if (vmode <= a->vmode) {
        return 0;
    }
    size_t room = (size_t)(a->cap ? a->cap : 1);
    if (vmode == V_I64) { /* only ever from no column on an empty arena */
        a->values.i64 = PyMem_Malloc(room * sizeof(int64_t));
        if (a->values.i64 == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->vmode = V_I64;
        return 0;
    }
    PyObject **objs = PyMem_Malloc(room * sizeof(PyObject *));
    if (objs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < a->n; i++) {
        objs[i] = value_get(a, i);
        if (objs[i] == NULL) {
            while (--i >= 0) {
                Py_DECREF(objs[i]);
            }
            PyMem_Free(objs);
            return -1;
        }
    }
    PyMem_Free(a->values.i64);
    a->values.obj = objs;
    a->vmode = V_OBJ;
    return 0;
}

/* Set the value of a new cell (the column already holds it: value_mode_for). */
static void
arena_set_value(Arena *a, Py_ssize_t cell, PyObject *value)
{
    if (a->vmode == V_OBJ) {
        a->values.obj[cell] = Py_NewRef(value);
    }
    else if (a->vmode == V_I64) {
        a->values.i64[cell] = PyLong_AsLongLong(value);
    }
}

/* Copy the value of an older cell into a new one (same column). */
static void
arena_copy_value(Arena *a, Py_ssize_t to, Py_ssize_t from)
{
    if (a->vmode == V_OBJ) {
        a->values.obj[to] = Py_NewRef(a->values.obj[from]);
    }
    else if (a->vmode == V_I64) {
        a->values.i64[to] = a->values.i64[from];
    }
}

/* Set the key of a new cell from a key object already known to fit the column. */
static void
arena_set_key(Arena *a, Py_ssize_t cell, PyObject *key, int64_t native)
{
    if (a->kmode == K_OBJ) {
        a->keys.obj[cell] = Py_NewRef(key);
    }
    else if (a->kmode == K_I64) {
        a->keys.i64[cell] = native;
    }
    else {
        a->keys.i32[cell] = (int32_t)native;
    }
}

/* Copy the key of an older cell into a new one (same column). */
static void
arena_copy_key(Arena *a, Py_ssize_t to, Py_ssize_t from)
{
    if (a->kmode == K_OBJ) {
        a->keys.obj[to] = Py_NewRef(a->keys.obj[from]);
    }
    else if (a->kmode == K_I64) {
        a->keys.i64[to] = a->keys.i64[from];
    }
    else {
        a->keys.i32[to] = a->keys.i32[from];
    }
}

/* --- Comparisons: the pure build's, operand for operand ---------------------------------------- */

typedef struct {
    PyObject *obj;
    int native; /* an exact int in the int64 range: compared as a machine int */
    int64_t v;
    int kind;
} Probe;

static void
probe_init(Probe *p, PyObject *key)
{
    p->obj = key;
    p->kind = key_kind(key, &p->v);
    p->native = p->kind != K_OBJ;
}

/* Truth of a rich comparison, never the identity shortcut (a NaN is not equal to itself). */
static int
compare(PyObject *x, PyObject *y, int op)
{
    PyObject *r = PyObject_RichCompare(x, y, op);
    if (r == NULL) {
        return -1;
    }
    int t = PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}

/* key < keys[cell] */
static int
probe_lt_cell(const Arena *a, const Probe *p, Py_ssize_t cell)
{
    if (p->native && a->kmode != K_OBJ) {
        return p->v < key_native(a, cell);
    }
    PyObject *stored = key_object(a, cell);
    if (stored == NULL) {
        return -1;
    }
    int r = compare(p->obj, stored, Py_LT);
    Py_DECREF(stored);
    return r;
}

/* keys[cell] == key, and keys[cell] < key */
static int
cell_cmp_probe(const Arena *a, Py_ssize_t cell, const Probe *p, int op)
{
    if (p->native && a->kmode != K_OBJ) {
        int64_t k = key_native(a, cell);
        return op == Py_EQ ? k == p->v : k < p->v;
    }
    PyObject *stored = key_object(a, cell);
    if (stored == NULL) {
        return -1;
    }
    int r = compare(stored, p->obj, op);
    Py_DECREF(stored);
    return r;
}

/* keys[x] < keys[y] */
static int
cell_lt_cell(const Arena *a, Py_ssize_t x, Py_ssize_t y)
{
    if (a->kmode != K_OBJ) {
        return key_native(a, x) < key_native(a, y);
    }
    PyObject *kx = Py_NewRef(a->keys.obj[x]), *ky = Py_NewRef(a->keys.obj[y]);
    int r = compare(kx, ky, Py_LT);
    Py_DECREF(kx);
    Py_DECREF(ky);
    return r;
}

/* kernels.same: values compared by ==, as the model compares them. */
static int
same(PyObject *stored, PyObject *value)
{
    if (stored == Py_None && value == Py_None) {
        return 1; /* None == None, without a call */
    }
    Py_INCREF(stored);
    Py_INCREF(value);
    int r = compare(stored, value, Py_EQ);
    Py_DECREF(stored);
    Py_DECREF(value);
    return r;
}

/* kernels.kept: a merge's result value is what a cell already holds -- the very object, or an
 * equal int, float or str; never an equal value of another type (1 for a stored True). */
static int
kept(PyObject *stored, PyObject *value)
{
    if (stored == value) {
        return 1;
    }
    if (Py_TYPE(stored) != Py_TYPE(value) ||
        !(PyLong_CheckExact(value) || PyFloat_CheckExact(value) || PyUnicode_CheckExact(value))) {
        return 0;
    }
    return same(stored, value);
}

/* --- A small growable scratch vector, on the stack while short ---------------------------------- */

typedef struct {
    int32_t *cell;  /* merges: the source cell of the key; puts: the cells above the key */
    int32_t *reuse; /* merges: a cell holding this entry already, or END */
    PyObject **value;
    Py_ssize_t n, cap;
    int32_t cell_inline[STACK_SCRATCH];
    int32_t reuse_inline[STACK_SCRATCH];
    PyObject *value_inline[STACK_SCRATCH];
} Scratch;

static void
scratch_init(Scratch *s)
{
    s->cell = s->cell_inline;
    s->reuse = s->reuse_inline;
    s->value = s->value_inline;
    s->n = 0;
    s->cap = STACK_SCRATCH;
}

static void
scratch_free(Scratch *s)
{
    for (Py_ssize_t i = 0; i < s->n; i++) {
        Py_XDECREF(s->value[i]);
    }
    if (s->cell != s->cell_inline) {
        PyMem_Free(s->cell);
        PyMem_Free(s->reuse);
        PyMem_Free(s->value);
    }
}

static int
scratch_push(Scratch *s, int32_t cell, int32_t reuse, PyObject *value /* stolen, or NULL */)
{
    if (s->n == s->cap) {
        Py_ssize_t cap = s->cap * 2;
        int32_t *c = PyMem_Malloc((size_t)cap * sizeof(int32_t));
        int32_t *r = PyMem_Malloc((size_t)cap * sizeof(int32_t));
        PyObject **v = PyMem_Malloc((size_t)cap * sizeof(PyObject *));
        if (c == NULL || r == NULL || v == NULL) {
            PyMem_Free(c);
            PyMem_Free(r);
            PyMem_Free(v);
            Py_XDECREF(value);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(c, s->cell, (size_t)s->n * sizeof(int32_t));
        memcpy(r, s->reuse, (size_t)s->n * sizeof(int32_t));
        memcpy(v, s->value, (size_t)s->n * sizeof(PyObject *));
        if (s->cell != s->cell_inline) {
            PyMem_Free(s->cell);
            PyMem_Free(s->reuse);
            PyMem_Free(s->value);
        }
        s->cell = c;
        s->reuse = r;
        s->value = v;
        s->cap = cap;
    }
    s->cell[s->n] = cell;
    s->reuse[s->n] = reuse;
    s->value[s->n] = value;
    s->n++;
    return 0;
}

/* --- copy.deepcopy support ------------------------------------------------------------------ */

static PyObject *
deepcopy_of(PyObject *obj, PyObject *memo)
{
    PyObject *copy = PyImport_ImportModule("copy");
    if (copy == NULL) {
        return NULL;
    }
    PyObject *out = PyObject_CallMethod(copy, "deepcopy", "OO", obj, memo);
    Py_DECREF(copy);
    return out;
}

/* `memo[id(original)] = copy`, so that what refers to the original refers to the copy. */
static int
memo_put(PyObject *memo, PyObject *original, PyObject *copy)
{
    PyObject *id = PyLong_FromVoidPtr(original);
    if (id == NULL) {
        return -1;
    }
    int r = PyObject_SetItem(memo, id, copy);
    Py_DECREF(id);
    return r;
}

/* A copy of a subclass instance's __dict__, if it has one. */
static int
copy_dict(PyObject *from, PyObject *to, PyObject *memo)
{
    if (!PyObject_HasAttrString(from, "__dict__")) {
        return 0;
    }
    PyObject *dict = PyObject_GetAttrString(from, "__dict__");
    PyObject *copied = dict == NULL ? NULL : deepcopy_of(dict, memo);
    Py_XDECREF(dict);
    if (copied == NULL) {
        return -1;
    }
    int r = PyObject_SetAttrString(to, "__dict__", copied);
    Py_DECREF(copied);
    return r;
}

/* --- ListBuilder, ListStorage: one object layout ------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    Arena *a;        /* the builder's own arena; a storage's points into its owner's */
    PyObject *owner; /* a storage: the builder whose arena it reads */
    char busy;       /* a user callback is running (the builder's flag) */
    char finished;
    Arena own;
} CellsObject;

static PyTypeObject ListBuilderType, ListStorageType, EntryType;

/* The head cell of h (END for EMPTY), or -2 with InvalidHandle / ReentrantCall set. */
static inline Py_ssize_t
head_of(CellsObject *self, PyObject *h)
{
    if (self->busy) {
        raise_with(ReentrantCall, NULL);
        return -2;
    }
    if (h == Py_None) {
        return END;
    }
    if (PyLong_CheckExact(h)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(h, &overflow);
        if (!overflow && v >= 0 && v < self->a->n) {
            return (Py_ssize_t)v;
        }
    }
    raise_with(InvalidHandle, h);
    return -2;
}

static inline int
mutating(CellsObject *self)
{
    if (self->busy) {
        raise_with(ReentrantCall, NULL);
        return -1;
    }
    if (self->finished) {
        finished_error("ListBuilder");
        return -1;
    }
    return 0;
}

static inline PyObject *
handle(Py_ssize_t cell)
{
    if (cell < 0) {
        Py_RETURN_NONE;
    }
    return PyLong_FromSsize_t(cell);
}

static PyObject *
builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_Format(PyExc_TypeError, "%s() takes no arguments", type->tp_name);
        return NULL;
    }
    CellsObject *self = (CellsObject *)type->tp_alloc(type, 0);
    if (self != NULL) {
        self->a = &self->own;
    }
    return (PyObject *)self;
}

static int
cells_traverse(CellsObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->owner); /* a subclass's type is visited by subtype_traverse */
    Arena *a = &self->own;
    if (a->kmode == K_OBJ) {
        for (Py_ssize_t i = 0; i < a->n; i++) {
            Py_VISIT(a->keys.obj[i]);
        }
    }
    if (a->vmode == V_OBJ) {
        for (Py_ssize_t i = 0; i < a->n; i++) {
            Py_VISIT(a->values.obj[i]);
        }
    }
    return 0;
}

static int
cells_clear(CellsObject *self)
{
    if (self->owner != NULL) {
        self->a = &self->own; /* an empty arena: every handle is invalid from now on */
        Py_CLEAR(self->owner);
    }
    arena_clear(&self->own);
    return 0;
}

static void
cells_dealloc(CellsObject *self)
{
    /* a subclass's type is released by subtype_dealloc: the base types here are static */
    PyObject_GC_UnTrack(self);
    cells_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* --- Reads (builder and storage) ------------------------------------------------------------- */

static PyObject *
cells_cell_count(CellsObject *self, void *closure)
{
    return PyLong_FromSsize_t(self->a->n);
}

/* kernels.walk: the chain from `cell`, as (key, value) tuples or keys, ascending or not. */
static PyObject *
walk(CellsObject *self, PyObject *h, int ascending, int keys_only)
{
    Py_ssize_t cell = head_of(self, h);
    if (cell == -2) {
        return NULL;
    }
    const Arena *a = self->a;
    Py_ssize_t n = 0;
    for (Py_ssize_t c = cell; c >= 0; c = a->next[c]) {
        n++;
    }
#ifdef PLANT_WALK_DROPS_BOTTOM
    if (n >= 3) {
        n--; /* the planted bug: a walk of three or more cells stops above the bottom one */
    }
#endif
    PyObject *out = PyList_New(n);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0, c = cell; i < n; i++, c = a->next[c]) {
        PyObject *key = key_object(a, c);
        if (key == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *item = key;
        if (!keys_only) {
            PyObject *value = value_get(a, c);
            item = value == NULL ? NULL : PyTuple_Pack(2, key, value);
            Py_DECREF(key);
            Py_XDECREF(value);
            if (item == NULL) {
                Py_DECREF(out);
                return NULL;
            }
        }
        PyList_SET_ITEM(out, ascending ? n - 1 - i : i, item);
    }
    return out;
}

static PyObject *
one_handle(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *fname)
{
    static const char *const names[] = {"h"};
    if (kwnames == NULL && nargs == 1) {
        return args[0];
    }
    PyObject *h = NULL;
    if (parse_args(args, nargs, kwnames, fname, names, 1, 1, &h) < 0) {
        return NULL;
    }
    return h;
}

static PyObject *
cells_items(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *h = one_handle(args, nargs, kwnames, "items");
    return h == NULL ? NULL : walk(self, h, 1, 0);
}

static PyObject *
cells_items_reverse(CellsObject *self, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames)
{
    PyObject *h = one_handle(args, nargs, kwnames, "items_reverse");
    return h == NULL ? NULL : walk(self, h, 0, 0);
}

static PyObject *
cells_keys(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *h = one_handle(args, nargs, kwnames, "keys");
    return h == NULL ? NULL : walk(self, h, 1, 1);
}

static PyObject *
cells_length(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *h = one_handle(args, nargs, kwnames, "length");
    if (h == NULL) {
        return NULL;
    }
    Py_ssize_t cell = head_of(self, h);
    if (cell == -2) {
        return NULL;
    }
    Py_ssize_t n = 0;
    for (; cell >= 0; cell = self->a->next[cell]) {
        n++;
    }
    return PyLong_FromSsize_t(n);
}

/* get/contains: walk down from the largest key, stopping at the first key not above `key`.
 * 1 with the cell in *found, 0 when the key is not there, -1 on an error. */
static int
lookup(CellsObject *self, PyObject *h, PyObject *key, Py_ssize_t *found)
{
    Py_ssize_t cell = head_of(self, h);
    if (cell == -2) {
        return -1;
    }
    Probe p;
    probe_init(&p, key);
    while (cell >= 0) {
        int eq = cell_cmp_probe(self->a, cell, &p, Py_EQ);
        if (eq < 0) {
            return -1;
        }
        if (eq) {
            *found = cell;
            return 1;
        }
        int lt = cell_cmp_probe(self->a, cell, &p, Py_LT);
        if (lt < 0) {
            return -1;
        }
        if (lt) {
            return 0;
        }
        cell = self->a->next[cell];
    }
    return 0;
}

static PyObject *
cells_get(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"h", "key", "default"};
    PyObject *a[3] = {NULL, NULL, Py_None};
    if (parse_args(args, nargs, kwnames, "get", names, 2, 3, a) < 0) {
        return NULL;
    }
    Py_ssize_t found;
    int r = lookup(self, a[0], a[1], &found);
    return r < 0 ? NULL : r ? value_get(self->a, found) : Py_NewRef(a[2]);
}

static PyObject *
cells_contains(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"h", "key"};
    PyObject *a[2] = {NULL, NULL};
    if (parse_args(args, nargs, kwnames, "contains", names, 2, 2, a) < 0) {
        return NULL;
    }
    Py_ssize_t found;
    int r = lookup(self, a[0], a[1], &found);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* --- Insert and replace: kernels.locate and kernels.put ---------------------------------------- */

static PyObject *
put(CellsObject *self, PyObject *h, PyObject *key, PyObject *value, PyObject *make, int replace)
{
    if (mutating(self) < 0) {
        return NULL;
    }
    Py_ssize_t head = head_of(self, h);
    if (head == -2) {
        return NULL;
    }
    Arena *a = self->a;
    Probe p;
    probe_init(&p, key);

    /* Fast path: an int key above the list's top (or into EMPTY), the common insert. */
    if (p.native && a->kmode != K_OBJ && make == NULL && !replace &&
        (head < 0 || key_native(a, head) < p.v)) {
        if (p.kind > a->kmode && arena_widen_keys(a, p.kind) < 0) {
            return NULL;
        }
        if (arena_widen_values(a, value_mode_for(a, a->vmode, value)) < 0) {
            return NULL;
        }
        if (arena_reserve(a, a->n + 1) < 0) {
            return NULL;
        }
        Py_ssize_t cell = a->n;
        a->next[cell] = (int32_t)head;
        arena_set_key(a, cell, key, p.v);
        arena_set_value(a, cell, value);
        a->n = cell + 1;
        return PyLong_FromSsize_t(cell);
    }

    PyObject *made = NULL;
    PyObject *result = NULL;
    Scratch above;
    scratch_init(&above);
    if (make != NULL) {
        self->busy = 1; /* as the pure build: the whole kernel runs under the flag */
    }
    /* locate: every cell whose key is above `key`, top down */
    Py_ssize_t cell = head;
    while (cell >= 0) {
        int lt = probe_lt_cell(a, &p, cell);
        if (lt < 0) {
            goto done;
        }
#ifdef PLANT_LOCATE_PASSES_EQUAL
        /* the planted bug: locate also walks past a cell holding the key itself */
        if (!lt && p.native && a->kmode != K_OBJ && key_native(a, cell) == p.v) {
            lt = 1;
        }
#endif
        if (!lt) {
            break;
        }
        if (scratch_push(&above, (int32_t)cell, END, NULL) < 0) {
            goto done;
        }
        cell = a->next[cell];
    }
    int present = 0;
    if (cell >= 0) {
        present = cell_cmp_probe(a, cell, &p, Py_EQ);
        if (present < 0) {
            goto done;
        }
    }
    if (present && !replace) {
        result = Py_NewRef(h);
        goto done;
    }
    if (make != NULL) {
        made = PyObject_CallNoArgs(make);
        if (made == NULL) {
            goto done;
        }
        value = made;
    }
    if (present) {
        PyObject *stored = value_get(a, cell);
        int eq = stored == NULL ? -1 : same(stored, value);
        Py_XDECREF(stored);
#ifdef PLANT_REPLACE_COPIES
        eq = eq < 0 ? eq : 0; /* the planted bug: a replace by an equal value copies the list */
#endif
        if (eq < 0) {
            goto done;
        }
        if (eq) {
            result = Py_NewRef(h);
            goto done;
        }
        cell = a->next[cell];
    }
    /* one cell for the key on the rest, then a copy of each cell above it, bottom up */
    if (p.kind > a->kmode && arena_widen_keys(a, p.kind) < 0) {
        goto done;
    }
    if (arena_widen_values(a, value_mode_for(a, a->vmode, value)) < 0) {
        goto done;
    }
    if (arena_reserve(a, a->n + 1 + above.n) < 0) {
        goto done;
    }
    Py_ssize_t base = a->n;
    a->next[base] = (int32_t)cell;
    arena_set_key(a, base, key, p.v);
    arena_set_value(a, base, value);
    for (Py_ssize_t i = 0; i < above.n; i++) {
        Py_ssize_t from = above.cell[above.n - 1 - i], to = base + 1 + i;
        a->next[to] = (int32_t)(to - 1);
        arena_copy_key(a, to, from);
        arena_copy_value(a, to, from);
    }
    a->n = base + 1 + above.n;
    result = PyLong_FromSsize_t(a->n - 1);
done:
    self->busy = 0;
    Py_XDECREF(made);
    scratch_free(&above);
    return result;
}

static PyObject *
builder_insert(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames == NULL && nargs == 2) {
        return put(self, args[0], args[1], Py_None, NULL, 0);
    }
    static const char *const names[] = {"h", "key", "value"};
    PyObject *a[3] = {NULL, NULL, Py_None};
    if (parse_args(args, nargs, kwnames, "insert", names, 2, 3, a) < 0) {
        return NULL;
    }
    return put(self, a[0], a[1], a[2], NULL, 0);
}

/* --- Merges: kernels.merge ------------------------------------------------------------------- */

static PyObject *
merge(CellsObject *self, PyObject *h1, PyObject *h2, PyObject *combine, int union_)
{
    if ((self->busy || self->finished) && mutating(self) < 0) {
        return NULL;
    }
    Py_ssize_t c1 = head_of(self, h1);
    if (c1 == -2) {
        return NULL;
    }
    Py_ssize_t c2 = head_of(self, h2);
    if (c2 == -2) {
        return NULL;
    }
    if (c1 < 0 || c2 < 0) {
        if (!union_) {
            Py_RETURN_NONE;
        }
        return Py_NewRef(c2 < 0 ? h1 : h2);
    }
    if (c1 == c2 && combine == NULL) {
        return Py_NewRef(h1); /* a list merged with itself, the common join of a flow */
    }
    Arena *a = self->a;
    Scratch out;
    scratch_init(&out);
    PyObject *result = NULL;
    self->busy = 1;
    while (c1 >= 0 && c2 >= 0) {
        if (c1 == c2 && combine == NULL) {
            break; /* a common tail: set forms share it whole */
        }
        Py_ssize_t only = END;
        int lt = cell_lt_cell(a, c2, c1);
        if (lt < 0) {
            goto done;
        }
        if (lt) {
            only = c1; /* the greater key is in the first list only */
            c1 = a->next[c1];
        }
        else {
            lt = cell_lt_cell(a, c1, c2);
            if (lt < 0) {
                goto done;
            }
            if (lt) {
                only = c2; /* ... in the second list only */
                c2 = a->next[c2];
            }
            else { /* in both */
                PyObject *v1 = value_get(a, c1), *v2 = value_get(a, c2), *v = NULL;
                int32_t reuse = END;
                int eq = -1;
                if (v1 != NULL && v2 != NULL) {
                    if (combine == NULL) {
                        v = Py_NewRef(v1);
                    }
                    else {
#ifdef PLANT_SWAPPED_MERGE
                        PyObject *pair[2] = {v2, v1}; /* the planted bug: combine(second, first) */
#else
                        PyObject *pair[2] = {v1, v2};
#endif
                        v = PyObject_Vectorcall(combine, pair, 2, NULL);
                    }
                }
                if (v != NULL) {
                    eq = kept(v1, v);
                    if (eq == 0) {
                        eq = kept(v2, v);
                        reuse = eq > 0 ? (int32_t)c2 : END;
                    }
                    else if (eq > 0) {
                        reuse = (int32_t)c1;
                    }
                }
                Py_XDECREF(v1);
                Py_XDECREF(v2);
                if (eq < 0) {
                    Py_XDECREF(v);
                    goto done;
                }
                if (scratch_push(&out, (int32_t)c1, reuse, v) < 0) {
                    goto done;
                }
                c1 = a->next[c1];
                c2 = a->next[c2];
                continue;
            }
        }
        if (union_) {
            PyObject *v = value_get(a, only);
            if (v == NULL || scratch_push(&out, (int32_t)only, (int32_t)only, v) < 0) {
                goto done;
            }
        }
    }
    Py_ssize_t tail;
    if (c1 == c2) {
        tail = c1; /* a tail both inputs share (or both ran out) */
    }
    else if (union_) {
        tail = c1 >= 0 ? c1 : c2; /* the rest of one input: keys below both minimums */
    }
    else {
        tail = END;
    }
    /* Bottom up: count the new cells first, so the arena grows once or not at all. */
    Py_ssize_t fresh = 0, t = tail;
    int vmode = a->vmode;
    for (Py_ssize_t i = out.n - 1; i >= 0; i--) {
        Py_ssize_t reuse = out.reuse[i];
        if (reuse >= 0 && a->next[reuse] == t) {
            t = reuse;
        }
        else {
            t = a->n + fresh++;
            vmode = value_mode_for(a, vmode, out.value[i]);
        }
    }
    if (arena_widen_values(a, vmode) < 0 || arena_reserve(a, a->n + fresh) < 0) {
        goto done;
    }
    for (Py_ssize_t i = out.n - 1; i >= 0; i--) {
        Py_ssize_t reuse = out.reuse[i];
        if (reuse >= 0 && a->next[reuse] == tail) {
            tail = reuse; /* this entry, on this rest, exists already */
        }
        else {
            Py_ssize_t cell = a->n;
            a->next[cell] = (int32_t)tail;
            arena_copy_key(a, cell, out.cell[i]);
            arena_set_value(a, cell, out.value[i]);
            a->n = cell + 1;
            tail = cell;
        }
    }
    result = handle(tail);
done:
    self->busy = 0;
    scratch_free(&out);
    return result;
}

static int
two_handles(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *fname,
            int with_combine, PyObject **out)
{
    static const char *const names[] = {"h1", "h2", "combine"};
    Py_ssize_t n = with_combine ? 3 : 2;
    if (kwnames == NULL && nargs == n) {
        memcpy(out, args, (size_t)n * sizeof(PyObject *));
        return 0;
    }
    out[0] = out[1] = out[2] = NULL;
    return parse_args(args, nargs, kwnames, fname, names, n, n, out);
}

static PyObject *
builder_intersect_with(CellsObject *self, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames)
{
    PyObject *a[3];
    if (two_handles(args, nargs, kwnames, "intersect_with", 1, a) < 0) {
        return NULL;
    }
    return merge(self, a[0], a[1], a[2], 0);
}

static PyObject *
builder_union_with(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[3];
    if (two_handles(args, nargs, kwnames, "union_with", 1, a) < 0) {
        return NULL;
    }
    return merge(self, a[0], a[1], a[2], 1);
}

static PyObject *
builder_intersect(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[3];
    if (two_handles(args, nargs, kwnames, "intersect", 0, a) < 0) {
        return NULL;
    }
    return merge(self, a[0], a[1], NULL, 0);
}

static PyObject *
builder_union(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[3];
    if (two_handles(args, nargs, kwnames, "union", 0, a) < 0) {
        return NULL;
    }
    return merge(self, a[0], a[1], NULL, 1);
}

/* --- Entry ------------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    CellsObject *builder;
    PyObject *h;
    PyObject *key;
} EntryObject;

static PyObject *
builder_entry(CellsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"h", "key"};
    PyObject *a[2] = {NULL, NULL};
    if (parse_args(args, nargs, kwnames, "entry", names, 2, 2, a) < 0) {
        return NULL;
    }
    if (mutating(self) < 0 || head_of(self, a[0]) == -2) {
        return NULL;
    }
    EntryObject *entry = PyObject_GC_New(EntryObject, &EntryType);
    if (entry == NULL) {
        return NULL;
    }
    entry->builder = (CellsObject *)Py_NewRef(self);
    entry->h = Py_NewRef(a[0]);
    entry->key = Py_NewRef(a[1]);
    PyObject_GC_Track(entry);
    return (PyObject *)entry;
}

static int
entry_traverse(EntryObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->builder);
    Py_VISIT(self->h);
    Py_VISIT(self->key);
    return 0;
}

static int
entry_clear(EntryObject *self)
{
    Py_CLEAR(self->builder);
    Py_CLEAR(self->h);
    Py_CLEAR(self->key);
    return 0;
}

static void
entry_dealloc(EntryObject *self)
{
    PyObject_GC_UnTrack(self);
    entry_clear(self);
    PyObject_GC_Del(self);
}

static PyObject *
entry_put(EntryObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
          const char *fname, const char *arg, int with_fn, int replace)
{
    const char *const names[] = {arg};
    PyObject *x = NULL;
    if (parse_args(args, nargs, kwnames, fname, names, 1, 1, &x) < 0) {
        return NULL;
    }
    if (self->builder == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a cleared entry");
        return NULL;
    }
    return put(self->builder, self->h, self->key, with_fn ? Py_None : x, with_fn ? x : NULL,
               replace);
}

static PyObject *
entry_deepcopy(EntryObject *self, PyObject *memo)
{
    EntryObject *copy = PyObject_GC_New(EntryObject, &EntryType);
    if (copy == NULL) {
        return NULL;
    }
    copy->builder = NULL;
    copy->h = copy->key = NULL;
    if (memo_put(memo, (PyObject *)self, (PyObject *)copy) < 0 ||
        (copy->builder = (CellsObject *)deepcopy_of((PyObject *)self->builder, memo)) == NULL ||
        (copy->h = deepcopy_of(self->h, memo)) == NULL ||
        (copy->key = deepcopy_of(self->key, memo)) == NULL) {
        Py_DECREF(copy);
        return NULL;
    }
    PyObject_GC_Track(copy);
    return (PyObject *)copy;
}

static PyObject *
entry_or_insert(EntryObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return entry_put(self, args, nargs, kwnames, "or_insert", "value", 0, 0);
}

static PyObject *
entry_or_insert_with(EntryObject *self, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames)
{
    return entry_put(self, args, nargs, kwnames, "or_insert_with", "fn", 1, 0);
}

static PyObject *
entry_replace(EntryObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return entry_put(self, args, nargs, kwnames, "replace", "value", 0, 1);
}

/* --- build() ------------------------------------------------------------------------------------ */

static PyObject *
builder_build(CellsObject *self, PyObject *unused)
{
    if (mutating(self) < 0) {
        return NULL;
    }
    CellsObject *storage = PyObject_GC_New(CellsObject, &ListStorageType);
    if (storage == NULL) {
        return NULL;
    }
    memset(&storage->own, 0, sizeof(storage->own));
    storage->busy = 0;
    storage->finished = 1;
    storage->a = self->a;
    storage->owner = Py_NewRef(self);
    self->finished = 1;
    PyObject_GC_Track(storage);
    return (PyObject *)storage;
}

/* --- Snapshots: copy.deepcopy (the exhaust engine shares a program's prefix by a copy) ---------- */

static int
arena_copy(Arena *dst, const Arena *src, PyObject *memo)
{
    Py_ssize_t n = src->n;
    size_t room = (size_t)(n ? n : 1);
    dst->kmode = src->kmode;
    dst->vmode = src->vmode;
    dst->next = PyMem_Malloc(room * sizeof(int32_t));
    dst->keys.i64 = PyMem_Malloc(room * key_size(src->kmode));
    dst->values.i64 = src->vmode == V_NONE ? NULL : PyMem_Malloc(room * sizeof(int64_t));
    if (dst->next == NULL || dst->keys.i64 == NULL ||
        (src->vmode != V_NONE && dst->values.i64 == NULL)) {
        arena_clear(dst);
        PyErr_NoMemory();
        return -1;
    }
    dst->cap = n;
    if (n == 0) {
        return 0; /* an empty arena's columns may be NULL: nothing to copy */
    }
    memcpy(dst->next, src->next, (size_t)n * sizeof(int32_t));
    if (src->kmode != K_OBJ) {
        memcpy(dst->keys.i64, src->keys.i64, (size_t)n * key_size(src->kmode));
    }
    if (src->vmode == V_I64) {
        memcpy(dst->values.i64, src->values.i64, (size_t)n * sizeof(int64_t));
    }
    for (Py_ssize_t i = 0; i < n; i++) { /* dst->n counts the cells whose objects are set */
        if (src->kmode == K_OBJ) {
            dst->keys.obj[i] = deepcopy_of(src->keys.obj[i], memo);
            if (dst->keys.obj[i] == NULL) {
                goto failed;
            }
        }
        if (src->vmode == V_OBJ) {
            dst->values.obj[i] = deepcopy_of(src->values.obj[i], memo);
            if (dst->values.obj[i] == NULL) {
                if (src->kmode == K_OBJ) {
                    Py_DECREF(dst->keys.obj[i]);
                }
                goto failed;
            }
        }
        dst->n = i + 1;
    }
    dst->n = n;
    return 0;
failed:
    arena_clear(dst);
    return -1;
}

static PyObject *
cells_deepcopy(CellsObject *self, PyObject *memo)
{
    CellsObject *copy;
    if (self->owner != NULL) { /* a storage reads its builder's copy */
        PyObject *owner = deepcopy_of(self->owner, memo);
        if (owner == NULL) {
            return NULL;
        }
        copy = PyObject_GC_New(CellsObject, Py_TYPE(self));
        if (copy == NULL) {
            Py_DECREF(owner);
            return NULL;
        }
        memset(&copy->own, 0, sizeof(copy->own));
        copy->owner = owner;
        copy->a = ((CellsObject *)owner)->a;
        copy->busy = 0;
        copy->finished = 1;
        PyObject_GC_Track(copy);
        return (PyObject *)copy;
    }
    copy = (CellsObject *)Py_TYPE(self)->tp_alloc(Py_TYPE(self), 0);
    if (copy == NULL) {
        return NULL;
    }
    copy->a = &copy->own;
    copy->busy = self->busy;
    copy->finished = self->finished;
    if (memo_put(memo, (PyObject *)self, (PyObject *)copy) < 0 ||
        arena_copy(&copy->own, self->a, memo) < 0 ||
        copy_dict((PyObject *)self, (PyObject *)copy, memo) < 0) {
        Py_DECREF(copy);
        return NULL;
    }
    return (PyObject *)copy;
}

/* --- Type objects: the alists ----------------------------------------------------------------- */

#define FAST (METH_FASTCALL | METH_KEYWORDS)

#define READS                                                                                     \
    {"__deepcopy__", (PyCFunction)cells_deepcopy, METH_O,                                         \
     "__deepcopy__($self, memo, /)\n--\n\nA copy of the arena: what the exhaust engine snapshots."},   \
        {"items_reverse", (PyCFunction)(void (*)(void))cells_items_reverse, FAST,                     \
     "items_reverse($self, h)\n--\n\nEntries in descending key order: the chain's own order."},  \
        {"items", (PyCFunction)(void (*)(void))cells_items, FAST,                                 \
         "items($self, h)\n--\n\nEntries in ascending key order."},                               \
        {"keys", (PyCFunction)(void (*)(void))cells_keys, FAST,                                   \
         "keys($self, h)\n--\n\nThe keys of ``h``, ascending."},                                  \
        {"length", (PyCFunction)(void (*)(void))cells_length, FAST,                               \
         "length($self, h)\n--\n\nThe number of entries in ``h``."},                              \
        {"get", (PyCFunction)(void (*)(void))cells_get, FAST,                                     \
         "get($self, h, key, default=None)\n--\n\nThe value of ``key`` in ``h``, or "             \
         "``default``."},                                                                         \
        {"contains", (PyCFunction)(void (*)(void))cells_contains, FAST,                           \
         "contains($self, h, key)\n--\n\nWhether ``key`` is in ``h``."}

static PyMethodDef builder_methods[] = {
    READS,
    {"entry", (PyCFunction)(void (*)(void))builder_entry, FAST,
     "entry($self, h, key)\n--\n\nThe place of ``key`` in ``h``, to insert or replace through "
     "(``Entry``)."},
    {"insert", (PyCFunction)(void (*)(void))builder_insert, FAST,
     "insert($self, h, key, value=None)\n--\n\nAdd ``key -> value`` unless ``key`` is present; "
     "with no value, a set insert."},
    {"intersect_with", (PyCFunction)(void (*)(void))builder_intersect_with, FAST,
     "intersect_with($self, h1, h2, combine)\n--\n\nThe keys in both lists, each with the value "
     "``combine(v1, v2)``."},
    {"union_with", (PyCFunction)(void (*)(void))builder_union_with, FAST,
     "union_with($self, h1, h2, combine)\n--\n\nThe keys in either list; ``combine(v1, v2)`` for "
     "a key in both, other values kept."},
    {"intersect", (PyCFunction)(void (*)(void))builder_intersect, FAST,
     "intersect($self, h1, h2)\n--\n\nThe keys in both lists, with the first list's values: the "
     "set form."},
    {"union", (PyCFunction)(void (*)(void))builder_union, FAST,
     "union($self, h1, h2)\n--\n\nThe keys in either list, with the first list's value for a key "
     "in both: the set form."},
    {"build", (PyCFunction)builder_build, METH_NOARGS,
     "build($self)\n--\n\nFinish the builder and hand its cells to a read-only storage."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef storage_methods[] = {
    READS,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef cells_getset[] = {
    {"cell_count", (getter)cells_cell_count, NULL, "Cells allocated so far in this arena.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ListBuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = QUALIFIED("ListBuilder"),
    .tp_basicsize = sizeof(CellsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "ListBuilder()\n--\n\nOwns one arena; every mutating operation returns a handle and "
              "never changes a cell.",
    .tp_new = builder_new,
    .tp_dealloc = (destructor)cells_dealloc,
    .tp_traverse = (traverseproc)cells_traverse,
    .tp_clear = (inquiry)cells_clear,
    .tp_methods = builder_methods,
    .tp_getset = cells_getset,
};

static PyTypeObject ListStorageType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = QUALIFIED("ListStorage"),
    .tp_basicsize = sizeof(CellsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The read-only arena that ``ListBuilder.build()`` hands over.",
    .tp_dealloc = (destructor)cells_dealloc,
    .tp_traverse = (traverseproc)cells_traverse,
    .tp_clear = (inquiry)cells_clear,
    .tp_methods = storage_methods,
    .tp_getset = cells_getset,
};

static PyMethodDef entry_methods[] = {
    {"__deepcopy__", (PyCFunction)entry_deepcopy, METH_O, NULL},
    {"or_insert", (PyCFunction)(void (*)(void))entry_or_insert, FAST,
     "or_insert($self, value)\n--\n\nThe list with ``key -> value`` added, or the input handle "
     "itself if ``key`` is present."},
    {"or_insert_with", (PyCFunction)(void (*)(void))entry_or_insert_with, FAST,
     "or_insert_with($self, fn)\n--\n\nAs ``or_insert``, with the value ``fn()``; ``fn`` runs only "
     "when the key is inserted."},
    {"replace", (PyCFunction)(void (*)(void))entry_replace, FAST,
     "replace($self, value)\n--\n\nThe list with ``key`` mapped to ``value``; the input handle "
     "itself if it already is."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EntryType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = QUALIFIED("Entry"),
    .tp_basicsize = sizeof(EntryObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A key's place in a list, as in a hash map's entry API.",
    .tp_dealloc = (destructor)entry_dealloc,
    .tp_traverse = (traverseproc)entry_traverse,
    .tp_clear = (inquiry)entry_clear,
    .tp_methods = entry_methods,
};

/* --- The interval map --------------------------------------------------------------------------- */

#define DOMAIN_TOP 0xFFFFFFFFull

typedef struct {
    PyObject_HEAD
    uint64_t *records; /* index << 32 | scope */
    Py_ssize_t n, cap;
    char finished;
} MapBuilderObject;

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;     /* ranges */
    uint32_t *starts; /* then ends, then scopes: one block of 3n */
    uint32_t *ends;
    uint32_t *scopes;
} MapObject;

static PyTypeObject IntervalMapBuilderType, IntervalMapType;

/* An int (not a bool) in [0, 2**32): its value, or -1 with the TypeError / ValueError of §3.2. */
static int64_t
u32_arg(const char *name, PyObject *value)
{
    if (!PyLong_Check(value) || PyBool_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %R", name, value);
        return -1;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || v < 0 || (unsigned long long)v > DOMAIN_TOP) {
        PyErr_Format(PyExc_ValueError, "%s %R is outside [0, 2**32)", name, value);
        return -1;
    }
    return (int64_t)v;
}

static PyObject *
map_builder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_Format(PyExc_TypeError, "%s() takes no arguments", type->tp_name);
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static void
map_builder_dealloc(MapBuilderObject *self)
{
    PyMem_Free(self->records);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
map_builder_record(MapBuilderObject *self, PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames)
{
    PyObject *a[2] = {NULL, NULL};
    if (kwnames == NULL && nargs == 2) {
        a[0] = args[0];
        a[1] = args[1];
    }
    else {
        static const char *const names[] = {"index", "scope"};
        if (parse_args(args, nargs, kwnames, "record", names, 2, 2, a) < 0) {
            return NULL;
        }
    }
    if (self->finished) {
        finished_error("IntervalMapBuilder");
        return NULL;
    }
    int64_t index = u32_arg("index", a[0]);
    if (index < 0) {
        return NULL;
    }
    int64_t scope = u32_arg("scope", a[1]);
    if (scope < 0) {
        return NULL;
    }
    if (self->n == self->cap) {
        Py_ssize_t cap = self->cap + (self->cap >> 3) + (self->cap < 9 ? 3 : 6);
        if (cap > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(uint64_t)) {
            return PyErr_NoMemory();
        }
        uint64_t *records = PyMem_Realloc(self->records, (size_t)cap * sizeof(uint64_t));
        if (records == NULL) {
            return PyErr_NoMemory();
        }
        self->records = records;
        self->cap = cap;
    }
    self->records[self->n++] = (uint64_t)index << 32 | (uint64_t)scope;
    Py_RETURN_NONE;
}

static int
u64_order(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Sort the packed records in place, close to O(n) on mostly sorted input: the records at or above
 * the running maximum are already in order; the others (about 1 in 7 on traced code) are sorted
 * apart and merged back from the end.  O(n log n) at worst. */
static int
sort_records(uint64_t *r, Py_ssize_t n)
{
    Py_ssize_t i = 1;
    while (i < n && r[i - 1] <= r[i]) {
        i++;
    }
    if (i >= n) {
        return 0;
    }
    uint64_t *rest = PyMem_Malloc((size_t)(n - i) * sizeof(uint64_t));
    if (rest == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t kept = i, others = 0;
    uint64_t top = r[i - 1];
    for (Py_ssize_t j = i; j < n; j++) {
        if (r[j] >= top) {
            top = r[kept++] = r[j];
        }
        else {
            rest[others++] = r[j];
        }
    }
    qsort(rest, (size_t)others, sizeof(uint64_t), u64_order);
    Py_ssize_t x = kept - 1, y = others - 1, to = n - 1;
    while (y >= 0) {
        r[to--] = (x >= 0 && r[x] > rest[y]) ? r[x--] : rest[y--];
    }
    PyMem_Free(rest);
    return 0;
}

/* kernels.coalesce over sorted records: the number of ranges (filling the columns when given), or
 * -1 with ConflictingRecord set at the first index with two scopes. */
static Py_ssize_t
coalesce(const uint64_t *r, Py_ssize_t n, uint32_t *starts, uint32_t *ends, uint32_t *scopes)
{
    Py_ssize_t ranges = 0;
    int64_t last = -1, current = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t index = (int64_t)(r[i] >> 32), scope = (int64_t)(r[i] & DOMAIN_TOP);
        if (index == last) {
            if (scope == current) {
                continue; /* the same record again */
            }
            PyObject *args = Py_BuildValue("(LLL)", (long long)index, (long long)current,
                                           (long long)scope);
            if (args != NULL) {
                PyObject *err = PyObject_Call(ConflictingRecord, args, NULL);
                Py_DECREF(args);
                if (err != NULL) {
                    PyErr_SetObject(ConflictingRecord, err);
                    Py_DECREF(err);
                }
            }
            return -1;
        }
#ifdef PLANT_COALESCE_ADJACENT_ONLY
        int fresh = scope != current || index != last + 1; /* the bug: gaps split a range */
#else
        int fresh = scope != current;
#endif
        if (fresh) { /* a new range; the one before it ended at the previous record */
            if (starts != NULL) {
                if (ranges > 0) {
                    ends[ranges - 1] = (uint32_t)last;
                }
                starts[ranges] = (uint32_t)index;
                scopes[ranges] = (uint32_t)scope;
            }
            ranges++;
            current = scope;
        }
        last = index;
    }
    if (starts != NULL && ranges > 0) {
        ends[ranges - 1] = (uint32_t)last;
    }
    return ranges;
}

static PyObject *
map_builder_build(MapBuilderObject *self, PyObject *unused)
{
    if (self->finished) {
        finished_error("IntervalMapBuilder");
        return NULL;
    }
    /* Sorting in place changes no observable state: a builder's records are a set (law 4). */
    if (sort_records(self->records, self->n) < 0) {
        return NULL;
    }
    Py_ssize_t ranges = coalesce(self->records, self->n, NULL, NULL, NULL);
    if (ranges < 0) {
        return NULL; /* the builder stays open and holds the same records */
    }
    MapObject *map = PyObject_New(MapObject, &IntervalMapType);
    if (map == NULL) {
        return NULL;
    }
    map->n = ranges;
    map->starts = PyMem_Malloc((size_t)(ranges ? 3 * ranges : 1) * sizeof(uint32_t));
    if (map->starts == NULL) {
        map->n = 0;
        Py_DECREF(map);
        return PyErr_NoMemory();
    }
    map->ends = map->starts + ranges;
    map->scopes = map->ends + ranges;
    coalesce(self->records, self->n, map->starts, map->ends, map->scopes);
    /* a kept builder must not hold O(records) memory (§3.1 law 5) */
    self->finished = 1;
    PyMem_Free(self->records);
    self->records = NULL;
    self->n = self->cap = 0;
    return (PyObject *)map;
}

static void
map_dealloc(MapObject *self)
{
    PyMem_Free(self->starts);
    PyObject_Free(self);
}

/* The index an int (not a bool) in the domain stands for; 0 for anything get() answers with
 * its default. */
static inline int
map_index(PyObject *index, uint32_t *out)
{
    if (!PyLong_Check(index) || PyBool_Check(index)) {
        return 0;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (overflow || v < 0 || (unsigned long long)v > DOMAIN_TOP) {
        PyErr_Clear();
        return 0;
    }
    *out = (uint32_t)v;
    return 1;
}

/* kernels.find: the last range starting at or before `index`, if it reaches it. */
static inline Py_ssize_t
find(const MapObject *m, uint32_t index)
{
    Py_ssize_t lo = 0, hi = m->n; /* bisect_right over the starts */
    const uint32_t *starts = m->starts;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) >> 1;
        if (index < starts[mid]) {
            hi = mid;
        }
        else {
            lo = mid + 1;
        }
    }
    Py_ssize_t r = lo - 1;
#ifdef PLANT_FIND_END_OFF_BY_ONE
    if (r >= 0 && (uint64_t)index <= (uint64_t)m->ends[r] + 1) { /* the bug: `index <= end` */
#else
    if (r >= 0 && index <= m->ends[r]) {
#endif
        return r;
    }
    return -1;
}

static PyObject *
map_get(MapObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[2] = {NULL, Py_None};
    if (kwnames == NULL && (nargs == 1 || nargs == 2)) {
        a[0] = args[0];
        if (nargs == 2) {
            a[1] = args[1];
        }
    }
    else {
        static const char *const names[] = {"index", "default"};
        if (parse_args(args, nargs, kwnames, "get", names, 1, 2, a) < 0) {
            return NULL;
        }
    }
    uint32_t index;
    if (map_index(a[0], &index)) {
        Py_ssize_t r = find(self, index);
        if (r >= 0) {
            return PyLong_FromUnsignedLong(self->scopes[r]);
        }
    }
    return Py_NewRef(a[1]);
}

static PyObject *
map_subscript(MapObject *self, PyObject *key)
{
    uint32_t index;
    if (map_index(key, &index)) {
        Py_ssize_t r = find(self, index);
        if (r >= 0) {
            return PyLong_FromUnsignedLong(self->scopes[r]);
        }
    }
    raise_with(PyExc_KeyError, key); /* KeyError(index), as the pure build raises it */
    return NULL;
}

static int
map_contains(MapObject *self, PyObject *key)
{
    uint32_t index;
    return map_index(key, &index) && find(self, index) >= 0;
}

static Py_ssize_t
map_length(MapObject *self)
{
    return self->n;
}

static PyObject *
map_intervals(MapObject *self, PyObject *unused)
{
    PyObject *out = PyList_New(self->n);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t r = 0; r < self->n; r++) {
        PyObject *t = Py_BuildValue("(kkk)", (unsigned long)self->starts[r],
                                    (unsigned long)self->ends[r], (unsigned long)self->scopes[r]);
        if (t == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, r, t);
    }
    return out;
}

static PyObject *
map_builder_deepcopy(MapBuilderObject *self, PyObject *memo)
{
    MapBuilderObject *copy =
        (MapBuilderObject *)Py_TYPE(self)->tp_alloc(Py_TYPE(self), 0);
    if (copy == NULL) {
        return NULL;
    }
    copy->finished = self->finished;
    if (self->n > 0) {
        copy->records = PyMem_Malloc((size_t)self->n * sizeof(uint64_t));
        if (copy->records == NULL) {
            Py_DECREF(copy);
            return PyErr_NoMemory();
        }
        memcpy(copy->records, self->records, (size_t)self->n * sizeof(uint64_t));
        copy->n = copy->cap = self->n;
    }
    if (memo_put(memo, (PyObject *)self, (PyObject *)copy) < 0 ||
        copy_dict((PyObject *)self, (PyObject *)copy, memo) < 0) {
        Py_DECREF(copy);
        return NULL;
    }
    return (PyObject *)copy;
}

static PyObject *
map_deepcopy(PyObject *self, PyObject *memo)
{
    return Py_NewRef(self); /* immutable */
}

static PyMethodDef map_builder_methods[] = {
    {"__deepcopy__", (PyCFunction)map_builder_deepcopy, METH_O, NULL},
    {"record", (PyCFunction)(void (*)(void))map_builder_record, FAST,
     "record($self, index, scope)\n--\n\nRecord that node ``index`` lies in scope ``scope``: each "
     "an int in ``[0, 2**32)``."},
    {"build", (PyCFunction)map_builder_build, METH_NOARGS,
     "build($self)\n--\n\nSort the records once and coalesce runs of equal scope into ranges: the "
     "built map."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject IntervalMapBuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = QUALIFIED("IntervalMapBuilder"),
    .tp_basicsize = sizeof(MapBuilderObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "IntervalMapBuilder()\n--\n\nCollects records cheaply; all checking and sorting "
              "happens once, in ``build()``.",
    .tp_new = map_builder_new,
    .tp_dealloc = (destructor)map_builder_dealloc,
    .tp_methods = map_builder_methods,
};

static PyMethodDef map_methods[] = {
    {"__deepcopy__", (PyCFunction)map_deepcopy, METH_O, NULL},
    {"get", (PyCFunction)(void (*)(void))map_get, FAST,
     "get($self, index, default=None)\n--\n\nThe scope of ``index``, or ``default`` where the "
     "lookup laws give none."},
    {"intervals", (PyCFunction)map_intervals, METH_NOARGS,
     "intervals($self)\n--\n\nThe ranges as ``(start, end, scope)`` triples, ascending, both ends "
     "inclusive."},
    {NULL, NULL, 0, NULL},
};

static PyMappingMethods map_as_mapping = {
    .mp_length = (lenfunc)map_length,
    .mp_subscript = (binaryfunc)map_subscript,
};

static PySequenceMethods map_as_sequence = {
    .sq_length = (lenfunc)map_length,
    .sq_contains = (objobjproc)map_contains,
};

static PyTypeObject IntervalMapType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = QUALIFIED("IntervalMap"),
    .tp_basicsize = sizeof(MapObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Inclusive ranges of node indices, each mapped to one scope.",
    .tp_dealloc = (destructor)map_dealloc,
    .tp_methods = map_methods,
    .tp_as_mapping = &map_as_mapping,
    .tp_as_sequence = &map_as_sequence,
};

/* --- The module ---------------------------------------------------------------------------------- */

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "arenacheck.impl." STR(NATIVE_NAME),
    .m_doc = "The compiled build of arenacheck.impl (SPEC §2, §3): C extension types.",
    .m_size = -1,
};

PyMODINIT_FUNC
PASTE(PyInit_, NATIVE_NAME)(void)
{
    PyObject *errors = PyImport_ImportModule("arenacheck.errors");
    if (errors == NULL) {
        return NULL;
    }
    InvalidHandle = PyObject_GetAttrString(errors, "InvalidHandle");
    BuilderFinished = PyObject_GetAttrString(errors, "BuilderFinished");
    ReentrantCall = PyObject_GetAttrString(errors, "ReentrantCall");
    ConflictingRecord = PyObject_GetAttrString(errors, "ConflictingRecord");
    Py_DECREF(errors);
    if (!InvalidHandle || !BuilderFinished || !ReentrantCall || !ConflictingRecord) {
        return NULL;
    }
    PyTypeObject *types[] = {&ListBuilderType, &ListStorageType, &EntryType,
                             &IntervalMapBuilderType, &IntervalMapType};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (PyType_Ready(types[i]) < 0) {
            return NULL;
        }
    }
    PyObject *m = PyModule_Create(&native_module);
    if (m == NULL) {
        return NULL;
    }
    const char *names[] = {"ListBuilder", "ListStorage", "Entry", "IntervalMapBuilder",
                           "IntervalMap"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (PyModule_AddObjectRef(m, names[i], (PyObject *)types[i]) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    }
    if (PyModule_AddObjectRef(m, "EMPTY", Py_None) < 0 ||
        PyModule_AddIntConstant(m, "PLANTED", PLANTED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
