/* The state a step's `read` asks for, read straight from the WAMR instance after the step. */
#include <stdlib.h>
#include <string.h>

#include "wamr_state.h"

/* The instance a step's reads address: the one it created (instantiate) or named, else the latest. */
static instance *read_target(case_state *s, const json_value *step) {
    const char *op = json_get_string(step, "op");
    const char *name = op && strcmp(op, "instantiate") ? json_get_string(step, "instance") : NULL;
    for (int i = s->ninst - 1; i >= 0; i--) {
        if (name && (!s->insts[i].name || strcmp(s->insts[i].name, name))) continue;
        return s->insts[i].inst ? &s->insts[i] : NULL;
    }
    return NULL;
}

/* Bytes [offset, offset+length) of memory 0, cut off where the memory ends (the judge reports the difference). */
static void write_region(json_buf *out, wasm_module_inst_t inst, uint64_t offset, uint64_t length) {
    uint64_t start = 0, end = 0;
    jb_printf(out, "{\"offset\":%llu,\"hex\":\"", (unsigned long long)offset);
    if (length && wasm_runtime_get_app_addr_range(inst, offset, &start, &end)) {
        uint64_t n = end - offset < length ? end - offset : length;
        const uint8_t *p = wasm_runtime_addr_app_to_native(inst, offset);
        for (uint64_t i = 0; p && i < n; i++) jb_printf(out, "%02x", p[i]);
    }
    jb_puts(out, "\"}");
}

void write_reads(case_state *s, const json_value *step, json_buf *out) {
    const json_value *read = json_get(step, "read");
    if (!read) return;
    instance *in = read_target(s, step);
    const json_value *memory = json_get(read, "memory"), *globals = json_get(read, "globals");
    if (in && memory && memory->type == JSON_ARRAY) {
        jb_puts(out, ",\"memory\":[");
        for (size_t i = 0; i < memory->n; i++) {
            if (i) jb_puts(out, ",");
            write_region(out, in->inst, (uint64_t)json_get_int(memory->items[i], "offset", 0), (uint64_t)json_get_int(memory->items[i], "length", 0));
        }
        jb_puts(out, "]");
    }
    if (in && globals && globals->type == JSON_ARRAY) {
        jb_puts(out, ",\"globals\":{");
        int first = 1;
        for (size_t i = 0; i < globals->n; i++) {
            if (globals->items[i]->type != JSON_STRING) continue;
            json_buf v = {0};
            if (read_global(in, globals->items[i]->text, &v)) {
                if (!first) jb_puts(out, ",");
                first = 0;
                jb_string(out, globals->items[i]->text, globals->items[i]->len);
                jb_printf(out, ":%s", v.data);
            }
            jb_free(&v);
        }
        jb_puts(out, "}");
    }
    static const char *const streams[] = {"stdout", "stderr"};
    for (int k = 0; k < 2; k++) {
        const json_value *want = json_get(read, streams[k]);
        if (!want || want->type != JSON_BOOL || !want->boolean) continue;
        size_t n;
        char *text = file_text(k ? s->fd_err : s->fd_out, &n);
        jb_printf(out, ",\"%s\":", streams[k]);
        jb_string(out, text, n);
        free(text);
    }
}
