#include "base64.h"

#include <stdlib.h>

static int digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

uint8_t *base64_decode(const char *text, size_t len, uint32_t *out_len) {
    while (len && text[len - 1] == '=') len--;
    if (len % 4 == 1) return NULL;
    uint8_t *out = malloc(len * 3 / 4 + 1);
    uint32_t n = 0, acc = 0;
    for (size_t i = 0; i < len; i++) {
        int d = digit(text[i]);
        if (d < 0) { free(out); return NULL; }
        acc = acc << 6 | (uint32_t)d;
        if (i % 4 == 3) {
            out[n++] = (uint8_t)(acc >> 16), out[n++] = (uint8_t)(acc >> 8), out[n++] = (uint8_t)acc;
            acc = 0;
        }
    }
    if (len % 4 == 2) out[n++] = (uint8_t)(acc >> 4);
    if (len % 4 == 3) out[n++] = (uint8_t)(acc >> 10), out[n++] = (uint8_t)(acc >> 2);
    *out_len = n;
    return out;
}
