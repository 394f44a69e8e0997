/* The state of one case while it runs on WAMR (wamr_case.c), shared with the state reader (wamr_reads.c). */
#ifndef TRAPCHECK_WAMR_STATE_H
#define TRAPCHECK_WAMR_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "wasm_export.h"

#define MAX_INSTANCES 64

typedef struct {
    const char *name; /* `as` of its instantiate step, or NULL */
    wasm_module_inst_t inst;
    wasm_exec_env_t env;
    char *failed; /* set when it did not instantiate: the outcome JSON later steps repeat */
    int fds[3];   /* the stdio descriptors handed to its WASI */
} instance;

typedef struct {
    const json_value *c;
    size_t nmodules;
    uint8_t **bytes;
    uint32_t *sizes;
    wasm_module_t *modules;
    instance insts[MAX_INSTANCES];
    int ninst;
    int exited; /* the guest called proc_exit (or _start returned): every later step observes it */
    uint32_t exit_code;
    int fd_in, fd_out, fd_err;
    char **argv, **envv;
    int argc, envc;
} case_state;

/* Opens the case's stdio files and builds argv / environ from its `wasi` settings. */
void setup_wasi(case_state *s);
/* Closes the descriptors an instance's WASI was given, unless WAMR closed them itself. */
void release_fds(instance *in);
/* The whole content of a capture file (malloc'd, NUL-terminated). */
char *file_text(int fd, size_t *len);
/* Writes an exported numeric global as a protocol value; 0 when there is no such global. */
int read_global(instance *in, const char *name, json_buf *out);
/* Writes the `memory`, `globals`, `stdout`, `stderr` members a step's `read` asks for. */
void write_reads(case_state *s, const json_value *step, json_buf *out);

#endif
