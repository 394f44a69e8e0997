/* See wamr_values.h. Floats are moved as bits with memcpy, never through float arithmetic, so NaN payloads survive. */
#include "wamr_values.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(wasm_valkind_t k) {
    switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case TC_EXTERNREF: return "externref";
    case TC_FUNCREF: return "funcref";
    default: return "v128";
    }
}

int value_from_wire(const json_value *v, wasm_valkind_t kind, wasm_val_t *out, const char **why) {
    const char *type = json_get_string(v, "type"), *text = json_get_string(v, "value");
    if (!type || !text) { *why = "an argument must be {type, value} strings"; return 0; }
    if (strcmp(type, kind_name(kind))) { *why = "an argument's type differs from the parameter's"; return 0; }
    memset(out, 0, sizeof *out);
    out->kind = kind;
    char *end;
    errno = 0;
    switch (kind) {
    case WASM_I32: {
        long long x = strtoll(text, &end, 10);
        out->of.i32 = (int32_t)x;
        break;
    }
    case WASM_I64:
        out->of.i64 = (int64_t)strtoll(text, &end, 10);
        break;
    case WASM_F32: {
        uint32_t bits = (uint32_t)strtoull(text, &end, 16);
        memcpy(&out->of.f32, &bits, 4);
        break;
    }
    case WASM_F64: {
        uint64_t bits = (uint64_t)strtoull(text, &end, 16);
        memcpy(&out->of.f64, &bits, 8);
        break;
    }
    case TC_EXTERNREF:
    case TC_FUNCREF:
        if (strcmp(text, "null")) { *why = "only null references can be passed to WAMR"; return 0; }
        out->of.foreign = 0;
        /* WAMR's null function reference is the index 0xffffffff (NULL_REF) */
        if (kind == TC_FUNCREF) out->of.i32 = -1;
        return 1;
    default:
        *why = "v128 arguments are not supported";
        return 0;
    }
    if (errno || *end) { *why = "a malformed number"; return 0; }
    return 1;
}

int raw_value_to_wire(json_buf *out, wasm_valkind_t kind, const void *data) {
    if (kind != WASM_I32 && kind != WASM_I64 && kind != WASM_F32 && kind != WASM_F64) return 0;
    jb_printf(out, "{\"type\":\"%s\",\"value\":\"", kind_name(kind));
    switch (kind) {
    case WASM_I32: { int32_t x; memcpy(&x, data, 4); jb_printf(out, "%" PRId32, x); break; }
    case WASM_I64: { int64_t x; memcpy(&x, data, 8); jb_printf(out, "%" PRId64, x); break; }
    case WASM_F32: { uint32_t x; memcpy(&x, data, 4); jb_printf(out, "0x%08" PRIx32, x); break; }
    case WASM_F64: { uint64_t x; memcpy(&x, data, 8); jb_printf(out, "0x%016" PRIx64, x); break; }
    default: break;
    }
    jb_puts(out, "\"}");
    return 1;
}

void value_to_wire(json_buf *out, const wasm_val_t *v) {
    if (v->kind == TC_FUNCREF) {
        /* WAMR returns a function reference as its index, null as 0xffffffff (NULL_REF) */
        if ((uint32_t)v->of.i32 == 0xffffffffu) jb_puts(out, "{\"type\":\"funcref\",\"value\":\"null\"}");
        else jb_printf(out, "{\"type\":\"funcref\",\"value\":\"%" PRIu32 "\"}", (uint32_t)v->of.i32);
    } else if (v->kind == TC_EXTERNREF) {
        if (!v->of.foreign) jb_puts(out, "{\"type\":\"externref\",\"value\":\"null\"}");
        else jb_printf(out, "{\"type\":\"externref\",\"value\":\"%" PRIuPTR "\"}", v->of.foreign);
    } else if (!raw_value_to_wire(out, v->kind, &v->of))
        jb_puts(out, "{\"type\":\"v128\",\"value\":\"0x00000000000000000000000000000000\"}");
}
