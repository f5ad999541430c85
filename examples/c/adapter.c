/*
 * arenacheck example adapter in C: arena association lists and the scope interval map,
 * speaking the program protocol of SPEC section 4 on stdin/stdout.
 *
 * Build: make -C examples/c        Check: arenacheck check --impl-cmd examples/c/build/adapter
 *
 * Written from SPEC.md and docs/external.md alone. C11, no dependencies beyond libc.
 *
 * Alists. Cells live in parallel arrays (key, value, value-is-null, next). A list is the index of
 * its head cell, the cell with the largest key; each cell links to the next smaller key, so lists
 * that grew from a common ancestor share their tails. Inserting a key copies the cells with
 * greater keys and links the rest: exactly 1 + #greater cells (SPEC 2.1 law 5). Merges zip the
 * two descending chains into a scratch buffer first (so a raising combine changes nothing) and
 * then allocate the buffered entries in front of the tail they can share: the rest of one input
 * once the other runs out (union), or a cell both inputs reach (when combine keeps a value).
 *
 * Interval map. Records are sorted once at build(); equal neighbours in sorted order with the
 * same scope coalesce into one range. Lookups binary-search the ranges.
 *
 * Several builders (docs/external.md): {"op": "builder"} opens another arena beside the
 * program's first; a line naming one ("builder": N) is made on it. Each arena is the state
 * below, saved and restored as a whole when a line names another than the one loaded.
 *
 * What it does not do, answering {"unsupported": true}: string keys on an empty list (it stores
 * only int keys), values that are not ints or null, sums outside int64.
 *
 * Compiled with -DPLANTED_BUGS (make planted) it breaks two laws on purpose, one per structure,
 * so that the suite can show the harness catching bugs in a program it only talks to.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Output ---------------------------------------------------------------------------------- */

static char *out;
static size_t out_len, out_cap;

static void put(const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(out + out_len, out_cap - out_len, fmt, ap);
        va_end(ap);
        if (n >= 0 && out_len + (size_t)n < out_cap) {
            out_len += (size_t)n;
            return;
        }
        out_cap = out_cap ? out_cap * 2 + (size_t)n : 1 << 16;
        out = realloc(out, out_cap);
        if (!out) abort();
    }
}

static void put_value(int64_t v, int is_null) {
    if (is_null) put("null");
    else put("%" PRId64, v);
}

/* ---- Requests: one flat JSON object per line ---------------------------------------------- */

enum kind { MISSING, INT, BIG, FLOAT, STRING, TRUE_, FALSE_, NUL };

struct field {
    char name[24];
    enum kind kind;
    int64_t i;
    const char *text; /* the token as written, for error messages */
    int len;
};

#define MAX_FIELDS 16
static struct field fields[MAX_FIELDS];
static int nfields;

static const char *skip(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

static const char *parse_string_end(const char *p) { /* p after the opening quote */
    while (*p && *p != '"') p += (*p == '\\' && p[1]) ? 2 : 1;
    return *p == '"' ? p + 1 : NULL;
}

/* Parse a line into fields; 0 on success. */
static int parse(const char *p) {
    nfields = 0;
    p = skip(p);
    if (*p++ != '{') return -1;
    p = skip(p);
    if (*p == '}') return 0;
    for (;;) {
        if (nfields == MAX_FIELDS || *p != '"') return -1;
        struct field *f = &fields[nfields++];
        const char *end = parse_string_end(p + 1);
        if (!end || end - p - 2 >= (long)sizeof f->name) return -1;
        memcpy(f->name, p + 1, (size_t)(end - p - 2));
        f->name[end - p - 2] = 0;
        p = skip(end);
        if (*p++ != ':') return -1;
        p = skip(p);
        f->text = p;
        if (*p == '"') {
            f->kind = STRING;
            p = parse_string_end(p + 1);
            if (!p) return -1;
        } else if (!strncmp(p, "true", 4)) {
            f->kind = TRUE_, p += 4;
        } else if (!strncmp(p, "false", 5)) {
            f->kind = FALSE_, p += 5;
        } else if (!strncmp(p, "null", 4)) {
            f->kind = NUL, p += 4;
        } else if (*p == '-' || isdigit((unsigned char)*p)) {
            const char *start = p;
            p += *p == '-';
            while (isdigit((unsigned char)*p)) p++;
            f->kind = INT;
            if (*p == '.' || *p == 'e' || *p == 'E') {
                f->kind = FLOAT;
                while (*p && strchr("0123456789.eE+-", *p)) p++;
            } else {
                errno = 0;
                f->i = strtoll(start, NULL, 10);
                if (errno == ERANGE) f->kind = BIG;
            }
        } else {
            return -1; /* arrays and objects never appear in requests */
        }
        f->len = (int)(p - f->text);
        p = skip(p);
        if (*p == '}') return 0;
        if (*p++ != ',') return -1;
        p = skip(p);
    }
}

static const struct field *get(const char *name) {
    for (int k = 0; k < nfields; k++)
        if (!strcmp(fields[k].name, name)) return &fields[k];
    return NULL;
}

static int is(const char *name, const char *text) {
    const struct field *f = get(name);
    size_t n = strlen(text);
    return f && f->kind == STRING && f->len == (int)n + 2 && !strncmp(f->text + 1, text, n);
}

static int64_t num(const char *name, int64_t otherwise) {
    const struct field *f = get(name);
    return f && f->kind == INT ? f->i : otherwise;
}

/* Replies that are not lists. The message may quote a token: escape it for JSON. */
static void error(const char *kind, const char *fmt, ...) {
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    put("{\"error\": \"%s: ", kind);
    for (const char *c = message; *c; c++) {
        if (*c == '"' || *c == '\\') put("\\%c", *c);
        else if ((unsigned char)*c >= 0x20) put("%c", *c);
    }
    put("\"}");
}

static void unsupported(void) { put("{\"unsupported\": true}"); }

/* ---- Alists ---------------------------------------------------------------------------------- */

#define NIL (-1)    /* end of a chain, and the EMPTY list */
#define FAILED (-2) /* a variable whose defining operation failed */

static int64_t *cell_key, *cell_value;
static unsigned char *cell_null;
static int32_t *cell_next;
static int32_t ncells, cells_cap;

static int32_t *vars; /* wire variable -> head cell (NIL for EMPTY) */
static int32_t nvars, vars_cap;
static int finished;

/* Scratch for merges and inserts: entries in descending key order. */
static int64_t *tmp_key, *tmp_value;
static unsigned char *tmp_null;
static int32_t *tmp_cell;
static int32_t tmp_cap;

static void *grow(void *p, int32_t *cap, int32_t need, size_t size) {
    if (need <= *cap) return p;
    int32_t n = *cap ? *cap : 1024;
    while (n < need) n *= 2;
    p = realloc(p, (size_t)n * size);
    if (!p) abort();
    *cap = n;
    return p;
}

static void reserve_tmp(int32_t need) {
    int32_t cap = tmp_cap;
    tmp_key = grow(tmp_key, &cap, need, sizeof *tmp_key);
    cap = tmp_cap;
    tmp_value = grow(tmp_value, &cap, need, sizeof *tmp_value);
    cap = tmp_cap;
    tmp_null = grow(tmp_null, &cap, need, sizeof *tmp_null);
    cap = tmp_cap;
    tmp_cell = grow(tmp_cell, &cap, need, sizeof *tmp_cell);
    tmp_cap = cap;
}

static int32_t new_cell(int64_t key, int64_t value, int is_null, int32_t next) {
    if (ncells == cells_cap) {
        int32_t cap = cells_cap;
        cell_key = grow(cell_key, &cap, ncells + 1, sizeof *cell_key);
        cap = cells_cap;
        cell_value = grow(cell_value, &cap, ncells + 1, sizeof *cell_value);
        cap = cells_cap;
        cell_null = grow(cell_null, &cap, ncells + 1, sizeof *cell_null);
        cap = cells_cap;
        cell_next = grow(cell_next, &cap, ncells + 1, sizeof *cell_next);
        cells_cap = cap;
    }
    cell_key[ncells] = key, cell_value[ncells] = value, cell_null[ncells] = (unsigned char)is_null;
    cell_next[ncells] = next;
    return ncells++;
}

/* Allocate tmp[0..n) (descending) in front of `tail`; returns the new head. */
static int32_t allocate(int32_t n, int32_t tail) {
    for (int32_t k = n - 1; k >= 0; k--) tail = new_cell(tmp_key[k], tmp_value[k], tmp_null[k], tail);
    return tail;
}

static void reset_alists(void) {
    ncells = 0, nvars = 0, finished = 0;
    vars = grow(vars, &vars_cap, 1, sizeof *vars);
    vars[nvars++] = NIL; /* variable 0 is EMPTY */
}

static int32_t define(int32_t head) {
    vars = grow(vars, &vars_cap, nvars + 1, sizeof *vars);
    vars[nvars++] = head;
    return head;
}

static void reply_list(int32_t head) {
    int32_t n = 0;
    for (int32_t c = head; c != NIL; c = cell_next[c]) {
        reserve_tmp(n + 1);
        tmp_cell[n++] = c;
    }
    put("{\"handle\": ");
    if (head == NIL) put("null");
    else put("%" PRId32, head);
    put(", \"items\": [");
    for (int32_t k = n - 1; k >= 0; k--) { /* ascending */
        put(k == n - 1 ? "[%" PRId64 ", " : ", [%" PRId64 ", ", cell_key[tmp_cell[k]]);
        put_value(cell_value[tmp_cell[k]], cell_null[tmp_cell[k]]);
        put("]");
    }
    put("], \"cells\": %" PRId32 "}", ncells);
}

/* The list a field names; reports the error and returns FAILED if there is none. */
static int32_t var(const char *name) {
    int64_t v = num(name, -1);
    if (v < 0 || v >= nvars) {
        error("ProgramError", "no variable %s", get(name) ? get(name)->text : "(missing)");
        return FAILED;
    }
    if (vars[v] == FAILED) {
        error("ProgramError", "variable %" PRId64 " was defined by an operation that failed", v);
        return FAILED;
    }
    return vars[v];
}

/* A value field: int or null (absent = null, a set insert); 0 if it is neither. */
static int read_value(const char *name, int64_t *value, int *is_null) {
    const struct field *f = get(name);
    *value = 0, *is_null = !f || f->kind == NUL;
    if (f && f->kind == INT) *value = f->i;
    return *is_null || f->kind == INT;
}

enum put_mode { OR_INSERT, REPLACE, INSERT_WITH };

/* Insert or replace `key` in `head`; the new head, or `head` itself for a no-op. */
static int32_t put_key(int32_t head, int64_t key, int64_t value, int is_null, enum put_mode mode,
                       int fn_raises, int *raised) {
    int32_t n = 0, c = head;
    for (; c != NIL && cell_key[c] > key; c = cell_next[c]) {
        reserve_tmp(n + 1);
        tmp_key[n] = cell_key[c], tmp_value[n] = cell_value[c], tmp_null[n] = cell_null[c];
        n++;
    }
    int present = c != NIL && cell_key[c] == key;
    if (present && mode != REPLACE) return head;
    if (mode == INSERT_WITH && fn_raises) {
        *raised = 1;
        return head;
    }
#ifndef PLANTED_BUGS
    if (present && cell_null[c] == is_null && (is_null || cell_value[c] == value)) return head;
#endif /* planted: a replace by an equal value copies the list instead of returning it */
    int32_t rest = present ? cell_next[c] : c;
    return allocate(n, new_cell(key, value, is_null, rest));
}

static void finished_error(void) {
    error("BuilderFinished", "ListBuilder is finished: build() already ran");
}

/* The input list of a list-producing line, in SPEC's error order (finished, then handles). On
 * failure the error is reported, the line's variable is defined as FAILED, and FAILED returned. */
static int32_t input(const char *name) {
    int32_t head = finished ? FAILED : var(name);
    if (finished) finished_error();
    if (head == FAILED) define(FAILED);
    return head;
}

static void op_put(enum put_mode mode) {
    int32_t head = input("src");
    if (head == FAILED) return;
    const struct field *k = get("key");
    int64_t value;
    int is_null;
    if (!k || k->kind != INT || !read_value("value", &value, &is_null)) {
        /* Only int keys are stored: a string key on a list of ints fails its first comparison. */
        if (k && k->kind == STRING && head != NIL) {
            define(FAILED);
            error("TypeError", "'<' not supported between a str key and int keys");
        } else {
            define(FAILED);
            unsupported();
        }
        return;
    }
    int raised = 0;
    int fn_raises = mode == INSERT_WITH && is("fn", "raise");
    int32_t result = put_key(head, k->i, value, is_null, mode, fn_raises, &raised);
    if (raised) {
        define(FAILED);
        error("CallbackError", "fn raised, as the program asks");
        return;
    }
    reply_list(define(result));
}

static void op_extend(void) {
    int32_t head = input("src");
    int64_t start = num("start", 0), step = num("step", 1), count = num("count", 0), value;
    int is_null, raised = 0;
    if (head == FAILED) return;
    if (!read_value("value", &value, &is_null)) {
        define(FAILED);
        unsupported();
        return;
    }
    /* Each step's handle and cell count, reported after the final list. */
    int32_t *steps = malloc(sizeof *steps * 2 * (size_t)(count ? count : 1));
    if (!steps) abort();
    for (int64_t i = 0; i < count; i++) {
        head = put_key(head, start + i * step, value, is_null, OR_INSERT, 0, &raised);
        steps[2 * i] = head, steps[2 * i + 1] = ncells;
    }
    reply_list(define(head));
    out_len--; /* reopen the object to add "steps" */
    put(", \"steps\": [");
    for (int64_t i = 0; i < count; i++) {
        put(i ? ", [" : "[");
        if (steps[2 * i] == NIL) put("null");
        else put("%" PRId32, steps[2 * i]);
        put(", %" PRId32 "]", steps[2 * i + 1]);
    }
    put("]}");
    free(steps);
}

enum combine { LEFT, RIGHT, ADD, SUB, MIN, MAX, RAISE };

/* combine(a, b) as Python computes it; 1 on success, 0 TypeError (a null in arithmetic or an
 * ordering), -1 a sum outside int64 (which Python would not raise: unsupported). */
static int combine(enum combine how, int64_t a, int an, int64_t b, int bn, int64_t *v, int *vn) {
    if (how == LEFT || how == RAISE) return *v = a, *vn = an, 1;
    if (how == RIGHT) return *v = b, *vn = bn, 1;
    if (an || bn) return 0;
    *vn = 0;
    switch (how) {
    case ADD: return __builtin_add_overflow(a, b, v) ? -1 : 1;
    case SUB: return __builtin_sub_overflow(a, b, v) ? -1 : 1;
    case MIN: return *v = b < a ? b : a, 1;
    default: return *v = b > a ? b : a, 1;
    }
}

static void op_merge(int is_union) {
    int32_t a = input("a");
    if (a == FAILED) return;
    int32_t b = input("b");
    if (b == FAILED) return;
    static const char *names[] = {"left", "right", "add", "sub", "min", "max", "raise"};
    enum combine how = LEFT;
    int keeps = 1; /* combine(v, v) == v for every v: a cell both chains reach can be shared */
    if (get("combine")) {
        int found = is("combine", "reenter"); /* its inner call is refused; it keeps the first */
        for (int k = 0; k < 7 && !found; k++)
            if (is("combine", names[k])) how = (enum combine)k, found = 1;
        if (!found) {
            define(FAILED);
            unsupported();
            return;
        }
        keeps = how == LEFT || how == RIGHT;
    }
    int64_t after = num("after", 0);
    if (is_union && (a == NIL || b == NIL)) {
        reply_list(define(a == NIL ? b : a));
        return;
    }
    if (!is_union && (a == NIL || b == NIL)) {
        reply_list(define(NIL));
        return;
    }
    int32_t n = 0, tail = NIL;
    int64_t calls = 0;
    int type_error = 0, overflow = 0;
    while (a != NIL && b != NIL) {
        if (a == b && keeps) { /* the rest is one shared chain: keep it */
            tail = a;
            break;
        }
        reserve_tmp(n + 1);
        if (cell_key[a] == cell_key[b]) {
            calls++;
            int64_t v = 0;
            int vn = 0, ok = combine(how, cell_value[a], cell_null[a], cell_value[b], cell_null[b], &v, &vn);
            type_error |= ok == 0, overflow |= ok < 0;
            tmp_key[n] = cell_key[a], tmp_value[n] = v, tmp_null[n++] = (unsigned char)vn;
            a = cell_next[a], b = cell_next[b];
        } else {
            int32_t *first = cell_key[a] > cell_key[b] ? &a : &b;
            if (is_union) {
                tmp_key[n] = cell_key[*first], tmp_value[n] = cell_value[*first];
                tmp_null[n++] = cell_null[*first];
            }
            *first = cell_next[*first];
        }
    }
    if (is_union && tail == NIL) tail = a != NIL ? a : b; /* below the other's minimum: shared */
    define(FAILED);
    if (how == RAISE && calls > after) {
        error("CallbackError", "combine raised on call %" PRId64 ", as the program asks", after + 1);
    } else if (type_error) {
        error("TypeError", "combine cannot order or add a null value");
    } else if (overflow) {
        unsupported();
    } else {
        vars[nvars - 1] = allocate(n, tail);
        reply_list(vars[nvars - 1]);
    }
}

static void op_get(void) {
    int32_t head = var("var");
    if (head == FAILED) return;
    const struct field *k = get("key");
    if (!k || k->kind != INT) {
        if (head == NIL) put("{\"found\": false}");
        else if (k && k->kind == STRING) error("TypeError", "'>' not supported between int and str");
        else unsupported();
        return;
    }
    for (int32_t c = head; c != NIL && cell_key[c] >= k->i; c = cell_next[c]) {
        if (cell_key[c] == k->i) {
            put("{\"found\": true, \"value\": ");
            put_value(cell_value[c], cell_null[c]);
            put("}");
            return;
        }
    }
    put("{\"found\": false}");
}

static void op_bad_handle(void) {
    static const char *mutating[] = {"insert", "replace", "insert_with", "intersect", "union"};
    const struct field *h = get("handle");
    if (!h) {
        error("ProgramError", "bad_handle without a handle");
        return;
    }
    for (int k = 0; k < 5; k++)
        if (finished && is("call", mutating[k])) {
            finished_error();
            return;
        }
    if (h->kind == INT && h->i >= 0 && h->i < ncells) {
        unsupported(); /* a valid-looking handle: not what this operation is for */
        return;
    }
    error("InvalidHandle", "invalid list handle %.*s", h->len, h->text);
}

static void alist_op(void) {
    if (is("op", "insert")) op_put(OR_INSERT);
    else if (is("op", "replace")) op_put(REPLACE);
    else if (is("op", "insert_with")) op_put(INSERT_WITH);
    else if (is("op", "extend")) op_extend();
    else if (is("op", "intersect")) op_merge(0);
    else if (is("op", "union")) op_merge(1);
    else if (is("op", "items")) {
        int32_t head = var("var");
        if (head != FAILED) reply_list(head);
    } else if (is("op", "get")) op_get();
    else if (is("op", "bad_handle")) op_bad_handle();
    else if (is("op", "build")) {
        if (finished) finished_error();
        else finished = 1, put("{}");
    } else unsupported();
}

/* ---- Interval map ---------------------------------------------------------------------------- */

struct record {
    uint32_t index, scope;
};

static struct record *records;
static int32_t nrecords, records_cap;
static struct record *ranges_start; /* (start, scope) */
static uint32_t *ranges_end;
static int32_t nranges;
static int built, map_finished;

static void reset_intervals(void) { nrecords = 0, nranges = 0, built = 0, map_finished = 0; }

static int by_index_then_scope(const void *x, const void *y) {
    const struct record *p = x, *q = y;
    if (p->index != q->index) return p->index < q->index ? -1 : 1;
    return (p->scope > q->scope) - (p->scope < q->scope);
}

/* An index or scope: 1 if it may be recorded, else the error is reported. */
static int u32(const char *name, uint32_t *out_value) {
    const struct field *f = get(name);
    if (!f || (f->kind != INT && f->kind != BIG)) {
        error("TypeError", "%s must be an int, not %.*s", name, f ? f->len : 7, f ? f->text : "missing");
        return 0;
    }
    if (f->kind == BIG || f->i < 0 || f->i > UINT32_MAX) {
        error("ValueError", "%s %.*s is outside [0, 2**32)", name, f->len, f->text);
        return 0;
    }
    *out_value = (uint32_t)f->i;
    return 1;
}

static void op_record(void) {
    struct record r;
    if (map_finished) {
        error("BuilderFinished", "IntervalMapBuilder is finished: build() already ran");
        return;
    }
    if (!u32("index", &r.index) || !u32("scope", &r.scope)) return;
    records = grow(records, &records_cap, nrecords + 1, sizeof *records);
    records[nrecords++] = r;
    put("{}");
}

static void op_build(void) {
    if (map_finished) {
        error("BuilderFinished", "IntervalMapBuilder is finished: build() already ran");
        return;
    }
    /* Sort a copy: a build that raises must leave the records as they were. */
    struct record *sorted = malloc(sizeof *sorted * (size_t)(nrecords ? nrecords : 1));
    if (!sorted) abort();
    memcpy(sorted, records, sizeof *sorted * (size_t)nrecords);
    qsort(sorted, (size_t)nrecords, sizeof *sorted, by_index_then_scope);
    for (int32_t k = 1; k < nrecords; k++) {
        if (sorted[k].index == sorted[k - 1].index && sorted[k].scope != sorted[k - 1].scope) {
            error("ConflictingRecord", "index %" PRIu32 " recorded with two scopes: %" PRIu32 " and %" PRIu32,
                  sorted[k].index, sorted[k - 1].scope, sorted[k].scope);
            free(sorted);
            return;
        }
    }
    int32_t cap = 0;
    free(ranges_start), free(ranges_end);
    ranges_start = NULL, ranges_end = NULL;
    nranges = 0;
    for (int32_t k = 0; k < nrecords; k++) {
        if (nranges && ranges_start[nranges - 1].scope == sorted[k].scope) {
            ranges_end[nranges - 1] = sorted[k].index;
            continue;
        }
        int32_t c = cap;
        ranges_start = grow(ranges_start, &c, nranges + 1, sizeof *ranges_start);
        c = cap;
        ranges_end = grow(ranges_end, &c, nranges + 1, sizeof *ranges_end);
        cap = c;
        ranges_start[nranges].index = sorted[k].index;
        ranges_start[nranges].scope = sorted[k].scope;
        ranges_end[nranges++] = sorted[k].index;
    }
    free(sorted);
    built = map_finished = 1;
    put("{}");
}

static void op_lookup(void) {
    const struct field *f = get("index");
    if (f && f->kind == INT && f->i >= 0 && f->i <= UINT32_MAX) {
        int32_t lo = 0, hi = nranges; /* first range starting after the index */
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (ranges_start[mid].index <= (uint32_t)f->i) lo = mid + 1;
            else hi = mid;
        }
#ifdef PLANTED_BUGS
        if (lo > 0 && (uint32_t)f->i < ranges_end[lo - 1]) { /* planted: misses each range's end */
#else
        if (lo > 0 && (uint32_t)f->i <= ranges_end[lo - 1]) {
#endif
            put("{\"scope\": %" PRIu32 "}", ranges_start[lo - 1].scope);
            return;
        }
    }
    put("{\"scope\": null}");
}

static void intervals_op(void) {
    if (is("op", "record")) op_record();
    else if (is("op", "build")) op_build();
    else if ((is("op", "lookup") || is("op", "intervals")) && !built)
        error("ProgramError", "a map read before a successful build");
    else if (is("op", "lookup")) op_lookup();
    else if (is("op", "intervals")) {
        put("{\"intervals\": [");
        for (int32_t k = 0; k < nranges; k++)
            put("%s[%" PRIu32 ", %" PRIu32 ", %" PRIu32 "]", k ? ", " : "", ranges_start[k].index,
                ranges_end[k], ranges_start[k].scope);
        put("]}");
    } else unsupported();
}

/* ---- Several builders: one arena each, swapped in when a line names it ----------------------- */

struct arena {
    int64_t *cell_key, *cell_value;
    unsigned char *cell_null;
    int32_t *cell_next, *vars;
    int32_t ncells, cells_cap, nvars, vars_cap;
    int finished;
    struct record *records, *ranges_start;
    uint32_t *ranges_end;
    int32_t nrecords, records_cap, nranges;
    int built, map_finished;
};

static struct arena *arenas; /* arenas[loaded] is stale while it is loaded */
static int32_t narenas, arenas_cap, loaded;

static void save(struct arena *a) {
    *a = (struct arena){cell_key,  cell_value, cell_null, cell_next, vars,         ncells,
                        cells_cap, nvars,      vars_cap,  finished,  records,      ranges_start,
                        ranges_end, nrecords,  records_cap, nranges, built,        map_finished};
}

static void load(const struct arena *a) {
    cell_key = a->cell_key, cell_value = a->cell_value, cell_null = a->cell_null;
    cell_next = a->cell_next, vars = a->vars;
    ncells = a->ncells, cells_cap = a->cells_cap, nvars = a->nvars, vars_cap = a->vars_cap;
    finished = a->finished;
    records = a->records, ranges_start = a->ranges_start, ranges_end = a->ranges_end;
    nrecords = a->nrecords, records_cap = a->records_cap, nranges = a->nranges;
    built = a->built, map_finished = a->map_finished;
}

static void free_arena(struct arena *a) {
    free(a->cell_key), free(a->cell_value), free(a->cell_null), free(a->cell_next), free(a->vars);
    free(a->records), free(a->ranges_start), free(a->ranges_end);
}

/* A header: the program's first builder alone, empty. */
static void reset_arenas(void) {
    arenas = grow(arenas, &arenas_cap, 1, sizeof *arenas);
    if (narenas) {
        save(&arenas[loaded]);
        for (int32_t k = 1; k < narenas; k++) free_arena(&arenas[k]);
        load(&arenas[0]);
    }
    narenas = 1, loaded = 0;
    reset_alists(), reset_intervals();
}

/* {"op": "builder"}: another arena, empty; the one loaded stays loaded. */
static void open_arena(void) {
    arenas = grow(arenas, &arenas_cap, narenas + 1, sizeof *arenas);
    save(&arenas[loaded]);
    load(&(struct arena){0});
    reset_alists(), reset_intervals();
    save(&arenas[narenas++]);
    load(&arenas[loaded]);
    put("{}");
}

/* Load the arena a line names (0 if none); 0 if it names none that is open. */
static int select_arena(void) {
    int64_t n = num("builder", 0);
    if (n < 0 || n >= narenas) {
        error("ProgramError", "no builder %" PRId64 " is open", n);
        return 0;
    }
    if (n != loaded) {
        save(&arenas[loaded]);
        loaded = (int32_t)n;
        load(&arenas[loaded]);
    }
    return 1;
}

/* ---- Main loop ------------------------------------------------------------------------------ */

int main(void) {
    enum { NONE, ALIST, INTERVALS } program = NONE;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) != -1) {
        if (parse(line) != 0) {
            error("ProgramError", "not a flat JSON object");
        } else if (get("program")) { /* a header: a new builder, no reply */
            if (is("program", "alist")) program = ALIST, reset_arenas();
            else if (is("program", "intervals")) program = INTERVALS, reset_arenas();
            else program = NONE;
            continue;
        } else if (program != NONE && is("op", "builder")) {
            open_arena();
        } else if (program != NONE && !select_arena()) {
            /* (the error is the reply) */
        } else if (program == ALIST) {
            alist_op();
        } else if (program == INTERVALS) {
            intervals_op();
        } else {
            error("ProgramError", "an operation before a known header");
        }
        put("\n");
        fwrite(out, 1, out_len, stdout); /* one write per reply: the runner waits for it */
        fflush(stdout);
        out_len = 0;
    }
    free(line);
    return 0;
}
