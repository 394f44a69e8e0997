/*
 * A small JSON reader and writer for the trapcheck.driver/1 protocol (docs/driver-protocol.md):
 * one message per line, so a whole-line DOM parser is enough. Strings are decoded to UTF-8 bytes
 * with their length (a name may hold U+0000); numbers are kept as their text, so the caller
 * decides how wide they are.
 */
#ifndef TRAPCHECK_JSON_H
#define TRAPCHECK_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    int boolean;
    /* JSON_STRING: decoded bytes (NUL-terminated too); JSON_NUMBER: the literal text */
    char *text;
    size_t len;
    /* JSON_ARRAY / JSON_OBJECT: n items; keys[i] for objects */
    struct json_value **items;
    char **keys;
    size_t n;
} json_value;

/* Parses one JSON text; NULL and *error set (static text) when it is not valid JSON. */
json_value *json_parse(const char *text, size_t len, const char **error);
void json_free(json_value *v);

/* Member `key` of an object, or NULL (also when v is not an object). */
const json_value *json_get(const json_value *v, const char *key);
/* The string of member `key`, or NULL when absent or not a string. */
const char *json_get_string(const json_value *v, const char *key);
/* Member `key` as an integer (a JSON number without fraction), or `fallback`. */
int64_t json_get_int(const json_value *v, const char *key, int64_t fallback);

/* A growable output buffer for writing messages. */
typedef struct {
    char *data;
    size_t len, cap;
} json_buf;

void jb_put(json_buf *b, const char *s, size_t n);
void jb_puts(json_buf *b, const char *s);
void jb_printf(json_buf *b, const char *fmt, ...);
/* Writes bytes as a JSON string: escapes, invalid UTF-8 as U+FFFD, U+2028/2029 escaped. */
void jb_string(json_buf *b, const char *s, size_t n);
void jb_free(json_buf *b);

#endif
