/*
 * One case on WAMR: modules loaded through wasm_runtime_load, instances kept for the whole case
 * (multi-step cases run on one instance), every step observed through the embedding API: results
 * as wasm_val_t, traps from wasm_runtime_get_exception, proc_exit from
 * wasm_runtime_get_wasi_exit_code, memory through wasm_runtime_get_app_addr_range /
 * wasm_runtime_addr_app_to_native, globals through wasm_runtime_get_export_global_inst. The
 * guest's stdio are temporary files handed to WAMR's WASI (wasm_runtime_set_wasi_args_ex), so
 * the protocol's stdout stays clean.
 */
#include "wamr_case.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "wamr_messages.h"
#include "wamr_state.h"
#include "wamr_values.h"
#include "wasm_export.h"

/* 1 MiB interpreter stack, as the iwasm adapter passes (profiles/iwasm.json rule "stackSize") */
#define STACK_SIZE (1024 * 1024)
#define MAX_VALUES 64
/* the import descriptor type: wasm_import_t from WAMR 2.1 on, wasm_import_type before (build.sh picks) */
#ifndef TC_IMPORT_T
#define TC_IMPORT_T wasm_import_t
#endif

/* WAMR may keep pointers into the bytes it loaded: each load gets its own copy, freed with the module. */
static wasm_module_t load(case_state *s, size_t index, json_buf *outcome) {
    char error[256] = "";
    if (index >= s->nmodules) { jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"the step names a module the case does not have\"}"); return NULL; }
    if (s->modules[index]) return s->modules[index];
    const json_value *b64 = json_get(s->c, "modules")->items[index];
    if (b64->type != JSON_STRING) { jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"a module must be a base64 string\"}"); return NULL; }
    s->bytes[index] = base64_decode(b64->text, b64->len, &s->sizes[index]);
    wasm_module_t m = s->bytes[index] ? wasm_runtime_load(s->bytes[index], s->sizes[index], error, sizeof error) : NULL;
    if (!m) {
        if (!s->bytes[index]) jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"module bytes are not valid base64\"}");
        else outcome_of_load_error(outcome, error);
        free(s->bytes[index]);
        s->bytes[index] = NULL;
        return NULL;
    }
    s->modules[index] = m;
    return m;
}

/* Only WAMR's own WASI is linked: a module importing anything else needs a host this driver is not. */
static int foreign_import(wasm_module_t m, json_buf *outcome) {
    int32_t n = wasm_runtime_get_import_count(m);
    for (int32_t i = 0; i < n; i++) {
        TC_IMPORT_T t;
        wasm_runtime_get_import_type(m, i, &t);
        if (!strcmp(t.module_name, "wasi_snapshot_preview1")) continue;
        json_buf why = {0};
        jb_printf(&why, "module imports %s.%s: the WAMR driver links only WAMR's WASI (no host functions, no other instance's exports)", t.module_name, t.name);
        jb_puts(outcome, "{\"kind\":\"unsupported\",\"feature\":");
        jb_string(outcome, why.data, why.len);
        jb_puts(outcome, "}");
        jb_free(&why);
        return 1;
    }
    return 0;
}

static void instantiate(case_state *s, const json_value *step, json_buf *outcome) {
    if (s->ninst == MAX_INSTANCES) { jb_puts(outcome, "{\"kind\":\"unsupported\",\"feature\":\"more than 64 instances in one case\"}"); return; }
    instance *slot = &s->insts[s->ninst++];
    slot->name = json_get_string(step, "as");
    wasm_module_t m = load(s, (size_t)json_get_int(step, "module", 0), outcome);
    if (m && !foreign_import(m, outcome)) {
        char error[256] = "";
        /* WAMR's WASI may close the descriptors it was given: it gets its own copies */
        for (int k = 0; k < 3; k++) slot->fds[k] = dup(k == 0 ? s->fd_in : k == 1 ? s->fd_out : s->fd_err);
        wasm_runtime_set_wasi_args_ex(m, NULL, 0, NULL, 0, (const char **)s->envv, (uint32_t)s->envc, s->argv, s->argc, slot->fds[0], slot->fds[1], slot->fds[2]);
        /* heap size 0: no app heap is carved out of linear memory, so memory.size is the module's own */
        slot->inst = wasm_runtime_instantiate(m, STACK_SIZE, 0, error, sizeof error);
        if (slot->inst) slot->env = wasm_runtime_create_exec_env(slot->inst, STACK_SIZE);
        if (slot->inst && slot->env) { jb_puts(outcome, "{\"kind\":\"return\",\"values\":[]}"); return; }
        if (!slot->inst) {
            outcome_of_instantiate_error(outcome, error);
            release_fds(slot);
        }
        else jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"wasm_runtime_create_exec_env failed\"}");
    }
    slot->failed = strdup(outcome->data ? outcome->data : "{\"kind\":\"crash\",\"detail\":\"instantiation failed\"}");
}

/* The instance a step addresses: by name, else the latest one; NULL with the outcome written when there is none. */
static instance *target(case_state *s, const json_value *step, json_buf *outcome) {
    const char *name = json_get_string(step, "instance");
    for (int i = s->ninst - 1; i >= 0; i--) {
        if (name && (!s->insts[i].name || strcmp(s->insts[i].name, name))) continue;
        if (s->insts[i].failed) {
            /* an unsupported instantiation repeats its reason; any other failure leaves nothing to address */
            if (strstr(s->insts[i].failed, "\"unsupported\"")) jb_puts(outcome, s->insts[i].failed);
            else jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"the addressed instance failed to instantiate\"}");
            return NULL;
        }
        return &s->insts[i];
    }
    jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"the step addresses an instance the case does not have\"}");
    return NULL;
}

/* A failed call: proc_exit ends the case's process, anything else is a trap (the instance stays usable). */
static void call_failed(case_state *s, instance *in, json_buf *outcome) {
    const char *ex = wasm_runtime_get_exception(in->inst);
    const char *text = ex && !strncmp(ex, "Exception: ", 11) ? ex + 11 : ex ? ex : "";
    if (!strcmp(text, WAMR_PROC_EXIT_TEXT)) {
        s->exited = 1;
        s->exit_code = wasm_runtime_get_wasi_exit_code(in->inst);
        jb_printf(outcome, "{\"kind\":\"exit\",\"code\":%u}", s->exit_code);
    } else outcome_of_exception(outcome, text);
    wasm_runtime_clear_exception(in->inst);
}

static void invoke(case_state *s, const json_value *step, json_buf *outcome) {
    instance *in = target(s, step, outcome);
    if (!in) return;
    const char *name = json_get_string(step, "export");
    wasm_function_inst_t f = name ? wasm_runtime_lookup_function(in->inst, name) : NULL;
    if (!f) { jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"no exported function of that name\"}"); return; }
    uint32_t np = wasm_func_get_param_count(f, in->inst), nr = wasm_func_get_result_count(f, in->inst);
    const json_value *args = json_get(step, "args");
    if (np > MAX_VALUES || nr > MAX_VALUES) { jb_puts(outcome, "{\"kind\":\"unsupported\",\"feature\":\"more than 64 parameters or results\"}"); return; }
    if (!args || args->type != JSON_ARRAY || args->n != np) { jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"argument count differs from the function's parameters\"}"); return; }
    wasm_valkind_t pt[MAX_VALUES], rt[MAX_VALUES];
    wasm_val_t av[MAX_VALUES], rv[MAX_VALUES];
    wasm_func_get_param_types(f, in->inst, pt);
    wasm_func_get_result_types(f, in->inst, rt);
    for (uint32_t i = 0; i < np; i++) {
        const char *why = NULL;
        if (!value_from_wire(args->items[i], pt[i], &av[i], &why)) {
            jb_puts(outcome, "{\"kind\":\"unsupported\",\"feature\":");
            jb_string(outcome, why, strlen(why));
            jb_puts(outcome, "}");
            return;
        }
    }
    memset(rv, 0, sizeof rv);
    for (uint32_t i = 0; i < nr; i++) rv[i].kind = rt[i];
    if (!wasm_runtime_call_wasm_a(in->env, f, nr, rv, np, av)) return call_failed(s, in, outcome);
    jb_puts(outcome, "{\"kind\":\"return\",\"values\":[");
    for (uint32_t i = 0; i < nr; i++) {
        if (i) jb_puts(outcome, ",");
        value_to_wire(outcome, &rv[i]);
    }
    jb_puts(outcome, "]}");
}

/* A WASI command: `_start` returning is exit 0, like a process that ran to its end. */
static void start(case_state *s, const json_value *step, json_buf *outcome) {
    instance *in = target(s, step, outcome);
    if (!in) return;
    wasm_function_inst_t f = wasm_runtime_lookup_function(in->inst, "_start");
    if (!f) { jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"the module exports no _start\"}"); return; }
    if (!wasm_runtime_call_wasm_a(in->env, f, 0, NULL, 0, NULL)) return call_failed(s, in, outcome);
    s->exited = 1;
    s->exit_code = 0;
    jb_puts(outcome, "{\"kind\":\"exit\",\"code\":0}");
}

int read_global(instance *in, const char *name, json_buf *out) {
#if TC_HAS_GLOBAL_INST
    wasm_global_inst_t g;
    if (!wasm_runtime_get_export_global_inst(in->inst, name, &g)) return 0;
    return raw_value_to_wire(out, g.kind, g.global_data);
#else
    (void)in, (void)name, (void)out;
    return 0;
#endif
}

static void get(case_state *s, const json_value *step, json_buf *outcome) {
    instance *in = target(s, step, outcome);
    if (!in) return;
    json_buf v = {0};
    const char *name = json_get_string(step, "global");
    if (name && read_global(in, name, &v)) jb_printf(outcome, "{\"kind\":\"return\",\"values\":[%s]}", v.data);
    else jb_puts(outcome, "{\"kind\":\"crash\",\"detail\":\"no exported numeric global of that name\"}");
    jb_free(&v);
}

static void compile(case_state *s, const json_value *step, json_buf *outcome) {
    if (load(s, (size_t)json_get_int(step, "module", 0), outcome)) jb_puts(outcome, "{\"kind\":\"return\",\"values\":[]}");
}

void run_case(long long id, const json_value *c, FILE *proto) {
    case_state s;
    memset(&s, 0, sizeof s);
    s.c = c;
    const json_value *mods = json_get(c, "modules"), *steps = json_get(c, "steps");
    if (!mods || mods->type != JSON_ARRAY || !steps || steps->type != JSON_ARRAY) {
        fprintf(proto, "{\"t\":\"error\",\"id\":%lld,\"message\":\"a case needs modules and steps arrays\"}\n", id);
        fflush(proto);
        return;
    }
    s.nmodules = mods->n;
    s.bytes = calloc(mods->n + 1, sizeof *s.bytes);
    s.sizes = calloc(mods->n + 1, sizeof *s.sizes);
    s.modules = calloc(mods->n + 1, sizeof *s.modules);
    setup_wasi(&s);
    json_buf result = {0};
    jb_printf(&result, "{\"t\":\"result\",\"id\":%lld,\"steps\":[", id);
    for (size_t i = 0; i < steps->n; i++) {
        const json_value *step = steps->items[i];
        const char *op = json_get_string(step, "op");
        fprintf(proto, "{\"t\":\"step\",\"id\":%lld,\"i\":%zu}\n", id, i);
        fflush(proto);
        json_buf outcome = {0};
        if (s.exited) jb_printf(&outcome, "{\"kind\":\"exit\",\"code\":%u}", s.exit_code);
        else if (!op) jb_puts(&outcome, "{\"kind\":\"crash\",\"detail\":\"a step without op\"}");
        else if (!strcmp(op, "instantiate")) instantiate(&s, step, &outcome);
        else if (!strcmp(op, "invoke")) invoke(&s, step, &outcome);
        else if (!strcmp(op, "start")) start(&s, step, &outcome);
        else if (!strcmp(op, "get")) get(&s, step, &outcome);
        else if (!strcmp(op, "compile")) compile(&s, step, &outcome);
        else jb_puts(&outcome, "{\"kind\":\"unsupported\",\"feature\":\"a step kind this driver does not run\"}");
        jb_printf(&result, "%s{\"outcome\":%s", i ? "," : "", outcome.data);
        write_reads(&s, step, &result);
        jb_puts(&result, "}");
        jb_free(&outcome);
    }
    size_t n;
    char *text = file_text(s.fd_out, &n);
    jb_puts(&result, "],\"stdout\":");
    jb_string(&result, text, n);
    free(text);
    text = file_text(s.fd_err, &n);
    jb_puts(&result, ",\"stderr\":");
    jb_string(&result, text, n);
    free(text);
    jb_puts(&result, "}\n");
    fwrite(result.data, 1, result.len, proto);
    fflush(proto);
    jb_free(&result);
    for (int i = 0; i < s.ninst; i++) {
        if (s.insts[i].env) wasm_runtime_destroy_exec_env(s.insts[i].env);
        if (s.insts[i].inst) {
            wasm_runtime_deinstantiate(s.insts[i].inst);
            release_fds(&s.insts[i]);
        }
        free(s.insts[i].failed);
    }
    for (size_t i = 0; i < s.nmodules; i++) {
        if (s.modules[i]) wasm_runtime_unload(s.modules[i]);
        free(s.bytes[i]);
    }
    free(s.bytes), free(s.sizes), free(s.modules), free(s.argv), free(s.envv);
    close(s.fd_in), close(s.fd_out), close(s.fd_err);
}
