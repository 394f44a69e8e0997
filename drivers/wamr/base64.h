/* Standard base64 (RFC 4648, with padding), as the protocol carries module bytes. */
#ifndef TRAPCHECK_BASE64_H
#define TRAPCHECK_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Decoded bytes (malloc'd) and their count, or NULL when `text` is not base64. */
uint8_t *base64_decode(const char *text, size_t len, uint32_t *out_len);

#endif
