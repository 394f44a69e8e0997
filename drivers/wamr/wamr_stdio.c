/*
 * The guest's stdio for one case: temporary files (unlinked at once) for fd 0, 1 and 2, handed to
 * WAMR's WASI through wasm_runtime_set_wasi_args_ex, so nothing the guest writes reaches the
 * protocol's stdout and every byte can be read back after any step.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wamr_state.h"

static int temp_file(const char *content, size_t len) {
    char path[] = "/tmp/trapcheck-wamr-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    if (len && write(fd, content, len) != (ssize_t)len) { close(fd); return -1; }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

char *file_text(int fd, size_t *len) {
    struct stat st;
    *len = 0;
    if (fstat(fd, &st) || st.st_size <= 0) return calloc(1, 1);
    char *buf = malloc((size_t)st.st_size + 1);
    ssize_t n = pread(fd, buf, (size_t)st.st_size, 0);
    *len = n > 0 ? (size_t)n : 0;
    buf[*len] = '\0';
    return buf;
}

static char **string_list(const json_value *list, int *count, const char *fallback) {
    size_t n = list && list->type == JSON_ARRAY ? list->n : 0;
    char **out = calloc(n + 2, sizeof *out);
    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (list->items[i]->type == JSON_STRING) out[(*count)++] = list->items[i]->text;
    if (!list && fallback) out[(*count)++] = (char *)fallback;
    return out;
}

void setup_wasi(case_state *s) {
    const json_value *wasi = json_get(s->c, "wasi");
    const json_value *in = json_get(wasi, "stdin");
    s->fd_in = temp_file(in && in->type == JSON_STRING ? in->text : "", in && in->type == JSON_STRING ? in->len : 0);
    s->fd_out = temp_file("", 0);
    s->fd_err = temp_file("", 0);
    /* argv[0] is the case id when the case gives no arguments (trapcheck's own WASI host does the same) */
    s->argv = string_list(json_get(wasi, "args"), &s->argc, json_get_string(s->c, "id"));
    s->envv = string_list(json_get(wasi, "env"), &s->envc, NULL);
}

/* Closes the descriptors WAMR was given unless it closed them itself (no open() can run in between). */
void release_fds(instance *in) {
    for (int k = 0; k < 3; k++)
        if (in->fds[k] > 2 && fcntl(in->fds[k], F_GETFD) != -1) close(in->fds[k]);
    in->fds[0] = in->fds[1] = in->fds[2] = -1;
}

