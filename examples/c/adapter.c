/*
 * arenacheck example adapter in C: arena association lists and the scope interval map,
 * speaking the program protocol of SPEC section 4 on stdin/stdout.
 *
 * Build: make -C examples/c        Check: arenacheck check --impl-cmd examples/c/build/adapter
 *
 * Written from SPEC.md and docs/external.md alone. C11, no dependencies beyond libc.
 *
 * Alists. Cells live in parallel arrays (key, value, their kinds, next). A list is the index of
 * its head cell, the cell with the largest key; each cell links to the next smaller key, so lists
 * that grew from a common ancestor share their tails. Inserting a key copies the cells with
 * greater keys and links the rest: exactly 1 + #greater cells (SPEC 2.1 law 5). Merges zip the
 * two descending chains into a scratch buffer first (so a raising combine changes nothing) and
 * then allocate the buffered entries in front of the tail they can share: the rest of one input
 * once the other runs out (union), or a cell both inputs reach (when combine keeps a value).
 *
 * Keys are int64s or strings, values int64s, null or strings, as Python holds them: the keys of
 * one list are all ints or all strings (a key of the other kind raises TypeError wherever
 * Python's comparison would: an insert, a get, a merge of an int list with a string list), and
 * combine's add, sub, min and max raise TypeError where Python's do (a null, a string with an
 * int, a string minus a string; two strings add by concatenation and order by code point). A
 * cell holds a string as its number in its arena's string table, which holds each distinct
 * string once, as UTF-8: comparing the bytes orders strings by code point, as Python does.
 *
 * Interval map. Records are sorted once at build(); equal neighbours in sorted order with the
 * same scope coalesce into one range. Lookups binary-search the ranges.
 *
 * Several builders (docs/external.md): {"op": "builder"} opens another arena beside the
 * program's first; a line naming one ("builder": N) is made on it. Each arena is the state
 * below, its string table included, saved and restored as a whole when a line names another
 * than the one loaded.
 *
 * What it does not do, answering {"unsupported": true} and changing nothing: a key that is
 * neither an int in [-2**63, 2**63) nor a string, or a value that is none of those nor null (a
 * float such as 1.5, true or false, a bigger int, an object such as {"tuple": [1, 2]} or
 * {"float": "nan"}); a string holding a lone surrogate (UTF-8 cannot) or longer than 16 MiB;
 * a combine whose sum leaves int64 or whose concatenation would be longer than 16 MiB.
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

static void reserve_out(size_t n) { /* room for n more bytes and a terminating 0 */
    if (out_len + n < out_cap) return;
    while (out_len + n >= out_cap) out_cap = out_cap ? out_cap * 2 : 1 << 16;
    out = realloc(out, out_cap);
    if (!out) abort();
}

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
        reserve_out(n >= 0 ? (size_t)n : 1);
    }
}

/* A string as JSON: quotes, backslashes and control characters escaped, the rest raw UTF-8. */
static void put_string(const char *s, int32_t n) {
    reserve_out((size_t)n * 6 + 2);
    out[out_len++] = '"';
    for (int32_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"' || c == '\\') out[out_len++] = '\\', out[out_len++] = (char)c;
        else if (c >= 0x20) out[out_len++] = (char)c;
        else out_len += (size_t)snprintf(out + out_len, 7, "\\u%04x", c);
    }
    out[out_len++] = '"';
}

/* ---- Requests: one flat JSON object per line ------------------------------------------------- */

enum kind { MISSING, INT, BIG, FLOAT, STRING, TRUE_, FALSE_, NUL, COMPOUND };

struct field {
    char name[24];
    enum kind kind;
    int64_t i;
    const char *text; /* the token as written: for error messages, and a string's escapes */
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

/* An object or array (a key or value such as {"tuple": [1, 2]}): skipped whole, never stored. */
static const char *parse_compound_end(const char *p) { /* p at the opening bracket */
    int depth = 0;
    do {
        if (*p == '"') {
            if (!(p = parse_string_end(p + 1))) return NULL;
            continue;
        }
        if (!*p) return NULL;
        if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') depth--;
        p++;
    } while (depth > 0);
    return p;
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
        } else if (*p == '{' || *p == '[') {
            f->kind = COMPOUND;
            p = parse_compound_end(p);
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
            return -1;
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

/* ---- String fields: JSON escapes decoded to UTF-8 -------------------------------------------- */

#define MAX_STRING (1 << 24) /* bytes: a longer string is unsupported, from a line or a combine */

static char *dec; /* the last string field decoded */
static size_t dec_cap;

/* Four hex digits; it stops at the first non-digit, so it never reads past the closing quote. */
static int hex4(const char *p, uint32_t *cp) {
    *cp = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        uint32_t d;
        if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
        else return 0;
        *cp = *cp << 4 | d;
    }
    return 1;
}

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) return o[0] = (char)cp, 1;
    if (cp < 0x800) return o[0] = (char)(0xc0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3f)), 2;
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12), o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        return o[2] = (char)(0x80 | (cp & 0x3f)), 3;
    }
    o[0] = (char)(0xf0 | cp >> 18), o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    return o[2] = (char)(0x80 | (cp >> 6 & 0x3f)), o[3] = (char)(0x80 | (cp & 0x3f)), 4;
}

/* Whether b[0..n) is UTF-8 of code points: nothing overlong, no surrogate, none past U+10FFFF. */
static int utf8_valid(const unsigned char *b, size_t n) {
    for (size_t k = 0; k < n;) {
        unsigned char c = b[k];
        size_t len;
        uint32_t cp, least;
        if (c < 0x80) {
            k++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f, least = 0x80;
        else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f, least = 0x800;
        else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07, least = 0x10000;
        else return 0;
        if (n - k < len) return 0;
        for (size_t j = 1; j < len; j++) {
            if ((b[k + j] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (b[k + j] & 0x3f);
        }
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        k += len;
    }
    return 1;
}

/* A string field, decoded into dec[0..*n) (never longer than the token); 0 if it cannot be
 * stored: a lone surrogate (a Python str may hold one, UTF-8 cannot), a malformed escape or
 * byte sequence, more than MAX_STRING bytes. */
static int decode(const struct field *f, int32_t *n) {
    const char *p = f->text + 1, *end = f->text + f->len - 1; /* within the quotes */
    size_t o = 0;
    if ((size_t)f->len + 1 > dec_cap) {
        dec_cap = (size_t)f->len + 1;
        dec = realloc(dec, dec_cap);
        if (!dec) abort();
    }
    while (p < end) {
        if (*p != '\\') {
            dec[o++] = *p++;
            continue;
        }
        p++;
        switch (*p++) {
        case '"': dec[o++] = '"'; break;
        case '\\': dec[o++] = '\\'; break;
        case '/': dec[o++] = '/'; break;
        case 'b': dec[o++] = '\b'; break;
        case 'f': dec[o++] = '\f'; break;
        case 'n': dec[o++] = '\n'; break;
        case 'r': dec[o++] = '\r'; break;
        case 't': dec[o++] = '\t'; break;
        case 'u': {
            uint32_t cp, low;
            if (!hex4(p, &cp)) return 0;
            p += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff) return 0; /* a low surrogate alone */
            if (cp >= 0xd800 && cp <= 0xdbff) {         /* a high one: its pair must follow */
                if (p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &low)) return 0;
                if (low < 0xdc00 || low > 0xdfff) return 0;
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
            o += put_utf8(dec + o, cp);
            break;
        }
        default: return 0;
        }
    }
    if (o > MAX_STRING || !utf8_valid((const unsigned char *)dec, o)) return 0;
    *n = (int32_t)o;
    return 1;
}

/* ---- The string table: each arena's, every distinct string once ------------------------------ */

struct strings {
    char *bytes; /* string s is bytes[start[s] .. start[s] + size[s]), UTF-8 */
    size_t len, cap;
    size_t *start;
    int32_t *size;
    int32_t n, n_cap;
    int32_t *slots; /* a hash table of string numbers, -1 for none; nslots a power of two */
    int32_t nslots;
};

static struct strings strs; /* the loaded arena's */

static void *grow(void *p, int32_t *cap, int32_t need, size_t size) {
    if (need <= *cap) return p;
    int32_t n = *cap ? *cap : 1024;
    while (n < need) n *= 2;
    p = realloc(p, (size_t)n * size);
    if (!p) abort();
    *cap = n;
    return p;
}

static const char *str_at(int32_t s) { return strs.bytes + strs.start[s]; }

/* Order of two strings by code point: their UTF-8 bytes compared. */
static int str_cmp(int32_t a, int32_t b) {
    if (a == b) return 0;
    int32_t na = strs.size[a], nb = strs.size[b];
    int c = memcmp(str_at(a), str_at(b), (size_t)(na < nb ? na : nb));
    return c ? c : (na > nb) - (na < nb);
}

static uint32_t hash(const char *p, int32_t n) { /* FNV-1a */
    uint32_t h = 2166136261u;
    for (int32_t k = 0; k < n; k++) h = (h ^ (unsigned char)p[k]) * 16777619u;
    return h;
}

/* The slot holding the string p[0..n), or the empty slot where it would go. */
static int32_t slot_of(const char *p, int32_t n) {
    uint32_t mask = (uint32_t)strs.nslots - 1;
    for (uint32_t k = hash(p, n) & mask;; k = (k + 1) & mask) {
        int32_t s = strs.slots[k];
        if (s < 0 || (strs.size[s] == n && !memcmp(str_at(s), p, (size_t)n))) return (int32_t)k;
    }
}

/* The string p[0..n)'s number, or -1 if the table does not hold it. */
static int32_t find_string(const char *p, int32_t n) {
    return strs.nslots ? strs.slots[slot_of(p, n)] : -1;
}

static void reindex(int32_t nslots) {
    free(strs.slots);
    strs.slots = malloc(sizeof *strs.slots * (size_t)nslots);
    if (!strs.slots) abort();
    strs.nslots = nslots;
    memset(strs.slots, 0xff, sizeof *strs.slots * (size_t)nslots); /* all -1 */
    for (int32_t s = 0; s < strs.n; s++) strs.slots[slot_of(str_at(s), strs.size[s])] = s;
}

/* The number of the string p[0..n), added to the table if it is new (p is not in the table). */
static int32_t intern(const char *p, int32_t n) {
    if (2 * (strs.n + 1) > strs.nslots) reindex(strs.nslots ? 2 * strs.nslots : 64);
    int32_t k = slot_of(p, n);
    if (strs.slots[k] >= 0) return strs.slots[k];
    if (strs.len + (size_t)n + 1 > strs.cap) {
        while (strs.len + (size_t)n + 1 > strs.cap) strs.cap = strs.cap ? strs.cap * 2 : 1 << 12;
        strs.bytes = realloc(strs.bytes, strs.cap);
        if (!strs.bytes) abort();
    }
    memcpy(strs.bytes + strs.len, p, (size_t)n);
    int32_t cap = strs.n_cap;
    strs.start = grow(strs.start, &cap, strs.n + 1, sizeof *strs.start);
    cap = strs.n_cap;
    strs.size = grow(strs.size, &cap, strs.n + 1, sizeof *strs.size);
    strs.n_cap = cap;
    strs.start[strs.n] = strs.len, strs.size[strs.n] = n;
    strs.len += (size_t)n;
    return strs.slots[k] = strs.n++;
}

/* Drop the strings added since the table held `mark` of them: a line that failed, or allocated
 * no cell, leaves the table as it found it (no cell holds them). */
static void forget_strings(int32_t mark) {
    if (mark == strs.n) return;
    strs.len = strs.start[mark], strs.n = mark;
    reindex(strs.nslots);
}

static void clear_strings(void) {
    strs.n = 0, strs.len = 0;
    if (strs.nslots) memset(strs.slots, 0xff, sizeof *strs.slots * (size_t)strs.nslots);
}

/* ---- Alists ---------------------------------------------------------------------------------- */

#define NIL (-1)    /* end of a chain, and the EMPTY list */
#define FAILED (-2) /* a variable whose defining operation failed */

enum vkind { V_INT, V_NULL, V_STR }; /* a value's kind; a key is an int or (key_str) a string */
static const char *type_names[] = {"int", "NoneType", "str"};

static int64_t *cell_key, *cell_value; /* an int, or a string's number in the table */
static unsigned char *cell_key_str, *cell_vkind;
static int32_t *cell_next;
static int32_t ncells, cells_cap;

static int32_t *vars; /* wire variable -> head cell (NIL for EMPTY) */
static int32_t nvars, vars_cap;
static int finished;

/* Scratch for merges and inserts: entries in descending key order, keys all of one kind. */
static int64_t *tmp_key, *tmp_value;
static unsigned char *tmp_vkind;
static int32_t *tmp_cell;
static int32_t tmp_cap;

static void reserve_tmp(int32_t need) {
    int32_t cap = tmp_cap;
    tmp_key = grow(tmp_key, &cap, need, sizeof *tmp_key);
    cap = tmp_cap;
    tmp_value = grow(tmp_value, &cap, need, sizeof *tmp_value);
    cap = tmp_cap;
    tmp_vkind = grow(tmp_vkind, &cap, need, sizeof *tmp_vkind);
    cap = tmp_cap;
    tmp_cell = grow(tmp_cell, &cap, need, sizeof *tmp_cell);
    tmp_cap = cap;
}

static int32_t new_cell(int64_t key, int key_str, int64_t value, unsigned char vkind,
                        int32_t next) {
    if (ncells == cells_cap) {
        int32_t cap = cells_cap;
        cell_key = grow(cell_key, &cap, ncells + 1, sizeof *cell_key);
        cap = cells_cap;
        cell_value = grow(cell_value, &cap, ncells + 1, sizeof *cell_value);
        cap = cells_cap;
        cell_key_str = grow(cell_key_str, &cap, ncells + 1, sizeof *cell_key_str);
        cap = cells_cap;
        cell_vkind = grow(cell_vkind, &cap, ncells + 1, sizeof *cell_vkind);
        cap = cells_cap;
        cell_next = grow(cell_next, &cap, ncells + 1, sizeof *cell_next);
        cells_cap = cap;
    }
    cell_key[ncells] = key, cell_key_str[ncells] = (unsigned char)key_str;
    cell_value[ncells] = value, cell_vkind[ncells] = vkind;
    cell_next[ncells] = next;
    return ncells++;
}

/* Allocate tmp[0..n) (descending, keys of one kind) in front of `tail`; returns the new head. */
static int32_t allocate(int32_t n, int key_str, int32_t tail) {
    for (int32_t k = n - 1; k >= 0; k--)
        tail = new_cell(tmp_key[k], key_str, tmp_value[k], tmp_vkind[k], tail);
    return tail;
}

static int key_cmp(int key_str, int64_t a, int64_t b) {
    if (key_str) return str_cmp((int32_t)a, (int32_t)b);
    return (a > b) - (a < b);
}

static void put_scalar(int64_t v, unsigned char vkind) {
    if (vkind == V_NULL) put("null");
    else if (vkind == V_STR) put_string(str_at((int32_t)v), strs.size[v]);
    else put("%" PRId64, v);
}

static void reset_alists(void) {
    ncells = 0, nvars = 0, finished = 0;
    clear_strings();
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
        int32_t c = tmp_cell[k];
        put(k == n - 1 ? "[" : ", [");
        put_scalar(cell_key[c], cell_key_str[c] ? V_STR : V_INT);
        put(", ");
        put_scalar(cell_value[c], cell_vkind[c]);
        put("]");
    }
    put("], \"cells\": %" PRId32 "}", ncells);
}

/* The list a field names; reports the error and returns FAILED if there is none. */
static int32_t var(const char *name) {
    int64_t v = num(name, -1);
    if (v < 0 || v >= nvars) {
        const struct field *f = get(name);
        error("ProgramError", "no variable %.*s", f ? f->len : 9, f ? f->text : "(missing)");
        return FAILED;
    }
    if (vars[v] == FAILED) {
        error("ProgramError", "variable %" PRId64 " was defined by an operation that failed", v);
        return FAILED;
    }
    return vars[v];
}

/* A key field's kind: 0 an int, 1 a string, -1 neither (unsupported). */
static int key_kind(const struct field *k) {
    return !k ? -1 : k->kind == INT ? 0 : k->kind == STRING ? 1 : -1;
}

/* A key field of a kind key_kind accepts: an int, or a string's number (interned); 0 if the
 * string cannot be stored. */
static int read_key(const struct field *k, int64_t *key) {
    int32_t n;
    if (k->kind == INT) return *key = k->i, 1;
    if (!decode(k, &n)) return 0;
    return *key = intern(dec, n), 1;
}

/* A value field: an int, null (absent = null: a set insert) or a string (interned); 0 for
 * anything else (a float, a bool, a bigger int, an object) or a string that cannot be stored. */
static int read_value(const char *name, int64_t *value, unsigned char *vkind) {
    const struct field *f = get(name);
    int32_t n;
    *value = 0;
    if (!f || f->kind == NUL) return *vkind = V_NULL, 1;
    if (f->kind == INT) return *value = f->i, *vkind = V_INT, 1;
    if (f->kind != STRING || !decode(f, &n)) return 0;
    return *value = intern(dec, n), *vkind = V_STR, 1;
}

/* Python's TypeError for comparing a key of one kind with one of the other. */
static void key_type_error(const char *op, int left_str, int right_str) {
    error("TypeError", "'%s' not supported between instances of '%s' and '%s'", op,
          left_str ? "str" : "int", right_str ? "str" : "int");
}

enum put_mode { OR_INSERT, REPLACE, INSERT_WITH };

/* Insert or replace `key` (of the list's kind) in `head`; the new head, or `head` for a no-op. */
static int32_t put_key(int32_t head, int64_t key, int key_str, int64_t value, unsigned char vkind,
                       enum put_mode mode, int fn_raises, int *raised) {
    int32_t n = 0, c = head;
    for (; c != NIL && key_cmp(key_str, cell_key[c], key) > 0; c = cell_next[c]) {
        reserve_tmp(n + 1);
        tmp_key[n] = cell_key[c], tmp_value[n] = cell_value[c], tmp_vkind[n] = cell_vkind[c];
        n++;
    }
    int present = c != NIL && key_cmp(key_str, cell_key[c], key) == 0;
    if (present && mode != REPLACE) return head;
    if (mode == INSERT_WITH && fn_raises) {
        *raised = 1;
        return head;
    }
#ifndef PLANTED_BUGS
    /* Equal values: the same kind and the same int or string (one number per distinct string). */
    if (present && cell_vkind[c] == vkind && (vkind == V_NULL || cell_value[c] == value))
        return head;
#endif /* planted: a replace by an equal value copies the list instead of returning it */
    int32_t rest = present ? cell_next[c] : c;
    return allocate(n, key_str, new_cell(key, key_str, value, vkind, rest));
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

/* Each list-producing line below defines its variable as FAILED first and sets it on success;
 * strings it interned are forgotten unless a cell it allocated holds them. */

static void op_put(enum put_mode mode) {
    int32_t head = input("src");
    if (head == FAILED) return;
    define(FAILED);
    const struct field *k = get("key");
    int key_str = key_kind(k);
    int32_t mark = strs.n, before = ncells;
    int64_t key, value;
    unsigned char vkind;
    if (key_str < 0) {
        unsupported();
        return;
    }
    if (head != NIL && cell_key_str[head] != key_str) { /* the first comparison raises */
        key_type_error("<", cell_key_str[head], key_str);
        return;
    }
    if (!read_key(k, &key) || !read_value("value", &value, &vkind)) {
        forget_strings(mark);
        unsupported();
        return;
    }
    int raised = 0;
    int fn_raises = mode == INSERT_WITH && is("fn", "raise");
    int32_t result = put_key(head, key, key_str, value, vkind, mode, fn_raises, &raised);
    if (ncells == before) forget_strings(mark);
    if (raised) {
        error("CallbackError", "fn raised, as the program asks");
        return;
    }
    reply_list(vars[nvars - 1] = result);
}

static void op_extend(void) {
    int32_t head = input("src");
    if (head == FAILED) return;
    define(FAILED);
    int64_t start = num("start", 0), step = num("step", 1), count = num("count", 0), value;
    int32_t mark = strs.n, before = ncells;
    unsigned char vkind;
    int raised = 0;
    if (count > 0 && head != NIL && cell_key_str[head]) { /* int keys into a list of strings */
        key_type_error("<", 1, 0);
        return;
    }
    if (!read_value("value", &value, &vkind)) {
        forget_strings(mark);
        unsupported();
        return;
    }
    /* Each step's handle and cell count, reported after the final list. */
    int32_t *steps = malloc(sizeof *steps * 2 * (size_t)(count > 0 ? count : 1));
    if (!steps) abort();
    for (int64_t i = 0; i < count; i++) {
        head = put_key(head, start + i * step, 0, value, vkind, OR_INSERT, 0, &raised);
        steps[2 * i] = head, steps[2 * i + 1] = ncells;
    }
    if (ncells == before) forget_strings(mark);
    reply_list(vars[nvars - 1] = head);
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

static char *cat; /* a concatenation, before it is interned */
static size_t cat_cap;

/* combine(a, b) as Python computes it, value kinds ak, bk; 1 on success, 0 TypeError (Python's
 * + - < > take no null, no string with an int, and no string minus a string), -1 a result this
 * adapter does not hold (a sum outside int64, a concatenation over MAX_STRING): unsupported. */
static int combine(enum combine how, int64_t a, unsigned char ak, int64_t b, unsigned char bk,
                   int64_t *v, unsigned char *vk) {
    if (how == LEFT || how == RAISE) return *v = a, *vk = ak, 1;
    if (how == RIGHT) return *v = b, *vk = bk, 1;
    if (ak != bk || ak == V_NULL || (ak == V_STR && how == SUB)) return 0;
    *vk = ak;
    if (ak == V_STR) {
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        size_t na = (size_t)strs.size[sa], nb = (size_t)strs.size[sb];
        switch (how) {
        case ADD:
            if (na + nb > MAX_STRING) return -1;
            if (na + nb + 1 > cat_cap) {
                cat_cap = na + nb + 1;
                cat = realloc(cat, cat_cap);
                if (!cat) abort();
            }
            memcpy(cat, str_at(sa), na);
            memcpy(cat + na, str_at(sb), nb);
            return *v = intern(cat, (int32_t)(na + nb)), 1;
        case MIN: return *v = str_cmp(sb, sa) < 0 ? b : a, 1; /* min(a, b): b only if b < a */
        default: return *v = str_cmp(sb, sa) > 0 ? b : a, 1;
        }
    }
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
    define(FAILED);
    static const char *names[] = {"left", "right", "add", "sub", "min", "max", "raise"};
    enum combine how = LEFT;
    int keeps = 1; /* combine(v, v) == v for every v: a cell both chains reach can be shared */
    if (get("combine")) {
        int found = is("combine", "reenter"); /* its inner call is refused; it keeps the first */
        for (int k = 0; k < 7 && !found; k++)
            if (is("combine", names[k])) how = (enum combine)k, found = 1;
        if (!found) {
            unsupported();
            return;
        }
        keeps = how == LEFT || how == RIGHT;
    }
    int64_t after = num("after", 0);
    if (a == NIL || b == NIL) { /* union: the other list; intersect: EMPTY */
        reply_list(vars[nvars - 1] = !is_union ? NIL : a == NIL ? b : a);
        return;
    }
    int key_str = cell_key_str[a];
    if (cell_key_str[b] != key_str) { /* sorting the keys of both compares an int with a string */
        key_type_error("<", cell_key_str[b], key_str);
        return;
    }
    int32_t n = 0, tail = NIL, mark = strs.n, before = ncells;
    int64_t calls = 0;
    int type_error = 0, overflow = 0;
    unsigned char bad[2] = {0, 0}; /* the value kinds of the first call that raised TypeError */
    while (a != NIL && b != NIL) {
        if (a == b && keeps) { /* the rest is one shared chain: keep it */
            tail = a;
            break;
        }
        reserve_tmp(n + 1);
        int order = key_cmp(key_str, cell_key[a], cell_key[b]);
        if (order == 0) {
            calls++;
            int64_t v = 0;
            unsigned char vk = V_NULL;
            int ok =
                combine(how, cell_value[a], cell_vkind[a], cell_value[b], cell_vkind[b], &v, &vk);
            if (ok == 0 && !type_error) bad[0] = cell_vkind[a], bad[1] = cell_vkind[b];
            type_error |= ok == 0, overflow |= ok < 0;
            tmp_key[n] = cell_key[a], tmp_value[n] = v, tmp_vkind[n++] = vk;
            a = cell_next[a], b = cell_next[b];
        } else {
            int32_t *first = order > 0 ? &a : &b;
            if (is_union) {
                tmp_key[n] = cell_key[*first], tmp_value[n] = cell_value[*first];
                tmp_vkind[n++] = cell_vkind[*first];
            }
            *first = cell_next[*first];
        }
    }
    if (is_union && tail == NIL) tail = a != NIL ? a : b; /* below the other's minimum: shared */
    if (how == RAISE && calls > after) {
        error("CallbackError", "combine raised on call %" PRId64 ", as the program asks", after + 1);
    } else if (type_error && (how == ADD || how == SUB)) {
        error("TypeError", "unsupported operand type(s) for %s: '%s' and '%s'",
              how == ADD ? "+" : "-", type_names[bad[0]], type_names[bad[1]]);
    } else if (type_error) { /* min(a, b) asks b < a, max(a, b) b > a */
        error("TypeError", "'%s' not supported between instances of '%s' and '%s'",
              how == MIN ? "<" : ">", type_names[bad[1]], type_names[bad[0]]);
    } else if (overflow) {
        unsupported();
    } else {
        reply_list(vars[nvars - 1] = allocate(n, key_str, tail));
    }
    if (ncells == before) forget_strings(mark);
}

static void op_get(void) {
    int32_t head = var("var");
    if (head == FAILED) return;
    const struct field *k = get("key");
    int key_str = key_kind(k);
    int64_t key;
    int32_t n;
    if (head == NIL) { /* nothing to compare with: any key is absent */
        put("{\"found\": false}");
        return;
    }
    if (key_str < 0) {
        unsupported();
        return;
    }
    if (cell_key_str[head] != key_str) { /* the walk asks k == key (False), then k > key */
        key_type_error(">", cell_key_str[head], key_str);
        return;
    }
    if (!key_str) {
        key = k->i;
    } else if (!decode(k, &n)) {
        unsupported();
        return;
    } else if ((key = find_string(dec, n)) < 0) { /* a string no cell holds */
        put("{\"found\": false}");
        return;
    }
    for (int32_t c = head; c != NIL && key_cmp(key_str, cell_key[c], key) >= 0; c = cell_next[c]) {
        if (cell_key[c] == key) {
            put("{\"found\": true, \"value\": ");
            put_scalar(cell_value[c], cell_vkind[c]);
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
    if (nrecords) memcpy(sorted, records, sizeof *sorted * (size_t)nrecords); /* none: NULL */
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
    unsigned char *cell_key_str, *cell_vkind;
    int32_t *cell_next, *vars;
    int32_t ncells, cells_cap, nvars, vars_cap;
    int finished;
    struct strings strings;
    struct record *records, *ranges_start;
    uint32_t *ranges_end;
    int32_t nrecords, records_cap, nranges;
    int built, map_finished;
};

static struct arena *arenas; /* arenas[loaded] is stale while it is loaded */
static int32_t narenas, arenas_cap, loaded;

static void save(struct arena *a) {
    *a = (struct arena){
        .cell_key = cell_key, .cell_value = cell_value, .cell_key_str = cell_key_str,
        .cell_vkind = cell_vkind, .cell_next = cell_next, .vars = vars, .ncells = ncells,
        .cells_cap = cells_cap, .nvars = nvars, .vars_cap = vars_cap, .finished = finished,
        .strings = strs, .records = records, .ranges_start = ranges_start,
        .ranges_end = ranges_end, .nrecords = nrecords, .records_cap = records_cap,
        .nranges = nranges, .built = built, .map_finished = map_finished,
    };
}

static void load(const struct arena *a) {
    cell_key = a->cell_key, cell_value = a->cell_value;
    cell_key_str = a->cell_key_str, cell_vkind = a->cell_vkind;
    cell_next = a->cell_next, vars = a->vars;
    ncells = a->ncells, cells_cap = a->cells_cap, nvars = a->nvars, vars_cap = a->vars_cap;
    finished = a->finished;
    strs = a->strings;
    records = a->records, ranges_start = a->ranges_start, ranges_end = a->ranges_end;
    nrecords = a->nrecords, records_cap = a->records_cap, nranges = a->nranges;
    built = a->built, map_finished = a->map_finished;
}

static void free_arena(struct arena *a) {
    free(a->cell_key), free(a->cell_value), free(a->cell_key_str), free(a->cell_vkind);
    free(a->cell_next), free(a->vars);
    free(a->strings.bytes), free(a->strings.start), free(a->strings.size), free(a->strings.slots);
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

/* ---- Main loop ------------------------------------------------------------------------------- */

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
