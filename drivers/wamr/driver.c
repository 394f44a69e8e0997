/*
 * trapcheck's WAMR driver: a trapcheck.driver/1 driver (docs/driver-protocol.md) that embeds WAMR
 * through its C API. It reads one case per line on stdin and answers on stdout; stdout is the
 * protocol channel only, so the process's fd 1 is pointed at stderr before WAMR starts (WAMR logs
 * with printf) and guests write into capture files (wamr_case.c). Build: build.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "wamr_case.h"
#include "wasm_export.h"

static void hello(FILE *proto) {
    uint32_t major = 0, minor = 0, patch = 0;
    wasm_runtime_get_version(&major, &minor, &patch);
    fprintf(proto,
            "{\"t\":\"hello\",\"protocol\":\"trapcheck.driver/1\",\"name\":\"wamr\",\"version\":\"%u.%u.%u\","
            "\"capabilities\":{\"steps\":[\"instantiate\",\"invoke\",\"start\",\"compile\"%s],"
            /* what the SDK's build has (its README: ref-types, bulk memory, shared memory; SIMD, tail calls off),
               as the iwasm adapter lists for the CLI of the same build (IWASM_FEATURES in src/runtimes/native/iwasm.ts) */
            "\"features\":[\"mvp\",\"mutable-globals\",\"sign-ext\",\"nontrapping-fptoint\",\"multi-value\",\"bulk-memory\",\"reference-types\",\"threads\",\"wasi\"],"
            "\"shape\":\"script\",\"wasi\":[\"args\",\"env\",\"stdin\"],\"reads\":[\"memory\",\"stdout\",\"stderr\"%s]},"
            "\"profile\":{\"exit\":\"raw\",\"instanceAfterTrap\":\"usable\",\"sources\":["
            "\"wasm_runtime_get_wasi_exit_code returns the guest's proc_exit argument as is (wasm_export.h)\","
            "\"a trapped call leaves the instance usable once wasm_runtime_clear_exception ran (profiles/iwasm.json rule instanceAfterTrap)\","
            "\"trap texts classified by the rules of src/runtimes/native/iwasm-output.ts (profiles/iwasm.json rule messages)\"]}}\n",
            major, minor, patch, TC_HAS_GLOBAL_INST ? ",\"get\"" : "", TC_HAS_GLOBAL_INST ? ",\"globals\"" : "");
    fflush(proto);
}

static void error_line(FILE *proto, long long id, const char *why) {
    json_buf b = {0};
    jb_printf(&b, "{\"t\":\"error\",\"id\":%lld,\"message\":", id);
    jb_string(&b, why, strlen(why));
    jb_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, proto);
    fflush(proto);
    jb_free(&b);
}

int main(void) {
    /* the protocol gets its own copy of fd 1; fd 1 itself goes to stderr, where WAMR's log lines belong */
    FILE *proto = fdopen(dup(1), "w");
    if (!proto || dup2(2, 1) < 0) return 70;
    if (!wasm_runtime_init()) {
        fputs("wamr driver: wasm_runtime_init failed\n", stderr);
        return 70;
    }
    wasm_runtime_set_log_level(WASM_LOG_LEVEL_ERROR);
    hello(proto);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        const char *why = NULL;
        json_value *m = json_parse(line, (size_t)len, &why);
        const char *t = json_get_string(m, "t");
        long long id = json_get_int(m, "id", -1);
        if (!m || !t || strcmp(t, "case")) {
            /* trapcheck sends nothing but cases; a line that is not one is answered, not fatal */
            if (id >= 0) error_line(proto, id, m ? "not a case request" : why);
        } else if (!json_get(m, "case")) error_line(proto, id, "a case request without `case`");
        else run_case(id, json_get(m, "case"), proto);
        json_free(m);
    }
    free(line);
    wasm_runtime_destroy();
    return 0;
}
