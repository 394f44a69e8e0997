/* The JSON reader and writer declared in json.h. */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p, *end;
    const char *error;
    int depth;
} parser;

#define MAX_DEPTH 64

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("wamr driver: out of memory\n", stderr);
        exit(70);
    }
    return q;
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static json_value *fail(parser *ps, const char *why) {
    if (!ps->error) ps->error = why;
    return NULL;
}

static void put_utf8(json_buf *b, uint32_t c) {
    char s[4];
    size_t n;
    if (c < 0x80) { s[0] = (char)c; n = 1; }
    else if (c < 0x800) { s[0] = (char)(0xc0 | c >> 6); s[1] = (char)(0x80 | (c & 0x3f)); n = 2; }
    else if (c < 0x10000) { s[0] = (char)(0xe0 | c >> 12); s[1] = (char)(0x80 | ((c >> 6) & 0x3f)); s[2] = (char)(0x80 | (c & 0x3f)); n = 3; }
    else { s[0] = (char)(0xf0 | c >> 18); s[1] = (char)(0x80 | ((c >> 12) & 0x3f)); s[2] = (char)(0x80 | ((c >> 6) & 0x3f)); s[3] = (char)(0x80 | (c & 0x3f)); n = 4; }
    jb_put(b, s, n);
}

static int hex4(parser *ps, uint32_t *out) {
    uint32_t v = 0;
    if (ps->end - ps->p < 4) return 0;
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static json_value *parse_string(parser *ps) {
    json_buf b = {0};
    ps->p++; /* opening quote */
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) { jb_free(&b); return fail(ps, "control character in a string"); }
        if (c != '\\') { jb_put(&b, ps->p++, 1); continue; }
        ps->p++;
        if (ps->p >= ps->end) break;
        char e = *ps->p++;
        uint32_t u, lo;
        switch (e) {
        case '"': jb_put(&b, "\"", 1); break;
        case '\\': jb_put(&b, "\\", 1); break;
        case '/': jb_put(&b, "/", 1); break;
        case 'b': jb_put(&b, "\b", 1); break;
        case 'f': jb_put(&b, "\f", 1); break;
        case 'n': jb_put(&b, "\n", 1); break;
        case 'r': jb_put(&b, "\r", 1); break;
        case 't': jb_put(&b, "\t", 1); break;
        case 'u':
            if (!hex4(ps, &u)) { jb_free(&b); return fail(ps, "bad \\u escape"); }
            /* a surrogate pair is one code point; a lone surrogate becomes U+FFFD */
            if (u >= 0xd800 && u < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                parser save = *ps;
                ps->p += 2;
                if (hex4(ps, &lo) && lo >= 0xdc00 && lo < 0xe000) u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                else { *ps = save; u = 0xfffd; }
            } else if (u >= 0xd800 && u < 0xe000) u = 0xfffd;
            put_utf8(&b, u);
            break;
        default: jb_free(&b); return fail(ps, "bad escape in a string");
        }
    }
    if (ps->p >= ps->end) { jb_free(&b); return fail(ps, "unterminated string"); }
    ps->p++;
    json_value *v = xrealloc(NULL, sizeof *v);
    memset(v, 0, sizeof *v);
    v->type = JSON_STRING;
    jb_put(&b, "", 0);
    v->text = b.data ? b.data : xrealloc(NULL, 1);
    v->len = b.len;
    v->text[v->len] = '\0';
    return v;
}

static json_value *parse_value(parser *ps);

static json_value *parse_container(parser *ps, int object) {
    json_value *v = xrealloc(NULL, sizeof *v);
    memset(v, 0, sizeof *v);
    v->type = object ? JSON_OBJECT : JSON_ARRAY;
    ps->p++;
    if (++ps->depth > MAX_DEPTH) { json_free(v); return fail(ps, "nested too deep"); }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) { ps->p++; ps->depth--; return v; }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"') { json_free(v); return fail(ps, "expected a member name"); }
            json_value *k = parse_string(ps);
            if (!k) { json_free(v); return NULL; }
            key = k->text;
            free(k);
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') { free(key); json_free(v); return fail(ps, "expected ':'"); }
            ps->p++;
        }
        json_value *item = parse_value(ps);
        if (!item) { free(key); json_free(v); return NULL; }
        v->items = xrealloc(v->items, (v->n + 1) * sizeof *v->items);
        v->keys = xrealloc(v->keys, (v->n + 1) * sizeof *v->keys);
        v->items[v->n] = item;
        v->keys[v->n] = key;
        v->n++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) { ps->p++; ps->depth--; return v; }
        json_free(v);
        return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static json_value *parse_value(parser *ps) {
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end");
    char c = *ps->p;
    if (c == '"') return parse_string(ps);
    if (c == '{' || c == '[') return parse_container(ps, c == '{');
    json_value *v = xrealloc(NULL, sizeof *v);
    memset(v, 0, sizeof *v);
    size_t rest = (size_t)(ps->end - ps->p);
    if (rest >= 4 && !memcmp(ps->p, "null", 4)) { v->type = JSON_NULL; ps->p += 4; return v; }
    if (rest >= 4 && !memcmp(ps->p, "true", 4)) { v->type = JSON_BOOL; v->boolean = 1; ps->p += 4; return v; }
    if (rest >= 5 && !memcmp(ps->p, "false", 5)) { v->type = JSON_BOOL; ps->p += 5; return v; }
    const char *start = ps->p;
    if (*ps->p == '-') ps->p++;
    while (ps->p < ps->end && strchr("0123456789.eE+-", *ps->p)) ps->p++;
    if (ps->p == start || (ps->p == start + 1 && *start == '-')) { free(v); return fail(ps, "unexpected character"); }
    v->type = JSON_NUMBER;
    v->len = (size_t)(ps->p - start);
    v->text = xrealloc(NULL, v->len + 1);
    memcpy(v->text, start, v->len);
    v->text[v->len] = '\0';
    return v;
}

json_value *json_parse(const char *text, size_t len, const char **error) {
    parser ps = {text, text + len, NULL, 0};
    json_value *v = parse_value(&ps);
    if (v) {
        skip_ws(&ps);
        if (ps.p != ps.end) { json_free(v); v = fail(&ps, "text after the value"); }
    }
    if (!v && error) *error = ps.error ? ps.error : "invalid JSON";
    return v;
}

void json_free(json_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
}

const json_value *json_get(const json_value *v, const char *key) {
    if (!v || v->type != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key)) return v->items[i];
    return NULL;
}

const char *json_get_string(const json_value *v, const char *key) {
    const json_value *m = json_get(v, key);
    return m && m->type == JSON_STRING ? m->text : NULL;
}

int64_t json_get_int(const json_value *v, const char *key, int64_t fallback) {
    const json_value *m = json_get(v, key);
    if (!m || m->type != JSON_NUMBER || strpbrk(m->text, ".eE")) return fallback;
    return strtoll(m->text, NULL, 10);
}

void jb_put(json_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void jb_puts(json_buf *b, const char *s) { jb_put(b, s, strlen(s)); }

void jb_printf(json_buf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) { jb_put(b, small, (size_t)n); return; }
    char *big = xrealloc(NULL, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    jb_put(b, big, (size_t)n);
    free(big);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    if (s[0] < 0x80) return 1;
    size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (len == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0; /* overlong, surrogate */
    if (len == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
    return len;
}

void jb_string(json_buf *b, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    jb_put(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') { jb_put(b, "\\", 1); jb_put(b, (const char *)&u[i], 1); i++; continue; }
        if (c < 0x20) { jb_printf(b, "\\u%04x", c); i++; continue; }
        size_t len = utf8_len(u + i, n - i);
        if (!len) { jb_puts(b, "\\ufffd"); i++; continue; }
        /* U+2028 / U+2029 end a line for some line readers: always escaped */
        if (len == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) { jb_puts(b, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029"); i += 3; continue; }
        jb_put(b, (const char *)&u[i], len);
        i += len;
    }
    jb_put(b, "\"", 1);
}

void jb_free(json_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
