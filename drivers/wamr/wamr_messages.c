/* See wamr_messages.h: every rule here mirrors src/runtimes/native/iwasm-output.ts. */
#include "wamr_messages.h"

#include <string.h>

/* IWASM_TRAP_MESSAGES: each text WAMR raises → the spec's assert_trap kind. */
static const char *const TRAPS[][2] = {
    {"unreachable", "unreachable"},
    {"integer divide by zero", "integer divide by zero"},
    {"integer overflow", "integer overflow"},
    {"invalid conversion to integer", "invalid conversion to integer"},
    {"out of bounds memory access", "out of bounds memory access"},
    {"out of bounds table access", "out of bounds table access"},
    {"undefined element", "undefined element"},
    {"uninitialized element", "uninitialized element"},
    {"indirect call type mismatch", "indirect call type mismatch"},
    {"unaligned atomic", "unaligned atomic"},
    {"expected shared memory", "expected shared memory"},
    /* the interpreter's own frame stack; `native stack overflow` is the native-stack guard */
    {"wasm operand stack overflow", "call stack exhausted"},
    {"native stack overflow", "call stack exhausted"},
};

static const char *trap_kind(const char *message) {
    for (size_t i = 0; i < sizeof TRAPS / sizeof TRAPS[0]; i++)
        if (!strcmp(TRAPS[i][0], message)) return TRAPS[i][1];
    return NULL;
}

static int starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static void trap(json_buf *out, const char *kind, const char *message) {
    jb_puts(out, "{\"kind\":\"trap\",\"trap\":[");
    jb_string(out, kind, strlen(kind));
    jb_puts(out, "],\"message\":");
    jb_string(out, message, strlen(message));
    jb_puts(out, "}");
}

static void tagged(json_buf *out, const char *kind, const char *field, const char *prefix, const char *message) {
    jb_printf(out, "{\"kind\":\"%s\",", kind);
    if (!strcmp(kind, "rejected")) jb_printf(out, "\"stage\":\"%s\",\"message\":", field);
    else jb_printf(out, "\"%s\":", field);
    json_buf text = {0};
    jb_puts(&text, prefix);
    jb_puts(&text, message);
    jb_string(out, text.data, text.len);
    jb_free(&text);
    jb_puts(out, "}");
}

void outcome_of_exception(json_buf *out, const char *message) {
    const char *kind = trap_kind(message);
    if (kind) return trap(out, kind, message);
    /* WAMR links functions lazily: a missing import fails when it is called */
    if (starts_with(message, "failed to call unlinked import function")) return tagged(out, "rejected", "unlinkable", "", message);
    tagged(out, "crash", "detail", "unclassified WAMR exception: ", message);
}

/* The error buffers of wasm_runtime_load / _instantiate start with the words iwasm prints before them. */
static const char *without(const char *message, const char *prefix) {
    return starts_with(message, prefix) ? message + strlen(prefix) : message;
}

void outcome_of_load_error(json_buf *out, const char *message) {
    /* WAMR's LIMITATION on names holding U+0000 (profiles/iwasm.json rule nulNames) fails the load with
       the instantiate prefix (wasm_runtime.c), while a really malformed name says "load failed" */
    if (!strcmp(message, "WASM module instantiate failed: invalid UTF-8 encoding"))
        return tagged(out, "unsupported", "feature", "a name holding U+0000 (a WAMR limitation): ", message);
    message = without(message, "WASM module load failed: ");
    if (starts_with(message, "a module with WASI apis must export memory"))
        return tagged(out, "unsupported", "feature", "a WASI module that exports no memory; WAMR refuses it: ", message);
    if (starts_with(message, "unsupported opcode") || starts_with(message, "multiple memories"))
        return tagged(out, "unsupported", "feature", "a proposal this WAMR build lacks: ", message);
    /* decoding and validation are one stage in WAMR's loader */
    tagged(out, "rejected", "compile", "", message);
}

void outcome_of_instantiate_error(json_buf *out, const char *message) {
    message = without(message, "WASM module instantiate failed: ");
    if (starts_with(message, "Exception: ")) {
        const char *ex = message + strlen("Exception: ");
        /* profiles/iwasm.json procExitInStart: the instance is gone, and the exit code with it */
        if (!strcmp(ex, WAMR_PROC_EXIT_TEXT)) return tagged(out, "crash", "detail", "WAMR lost the proc_exit code of the start function: ", message);
        return outcome_of_exception(out, ex);
    }
    if (starts_with(message, "failed to link import")) return tagged(out, "rejected", "unlinkable", "", message);
    /* active data / element segments out of range: the spec's trap at instantiation, no "Exception:" */
    const char *kind = trap_kind(message);
    if (kind) return trap(out, kind, message);
    tagged(out, "crash", "detail", "WAMR could not instantiate the module: ", message);
}
