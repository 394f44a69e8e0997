/*
 * WAMR's own words → trapcheck outcomes. The rules are the ones measured on the iwasm CLI of the
 * same WAMR builds and kept in trapcheck's iwasm adapter: src/runtimes/native/iwasm-output.ts
 * (IWASM_TRAP_MESSAGES, exceptionOutcome, loadFailure, instantiateFailure) with their evidence in
 * src/runtimes/profiles/iwasm.json (rules "messages", "loadErrors", "instantiateErrors",
 * "procExitInStart", "wasiMemory"). The embedding API hands back the same texts the CLI prints
 * (wasm_runtime_get_exception, the error buffers of wasm_runtime_load / _instantiate).
 */
#ifndef TRAPCHECK_WAMR_MESSAGES_H
#define TRAPCHECK_WAMR_MESSAGES_H

#include "json.h"

/* The text WAMR's WASI puts in the exception when the guest calls proc_exit. */
#define WAMR_PROC_EXIT_TEXT "wasi proc exit"

/* Writes the outcome object for an exception text (without "Exception: "). */
void outcome_of_exception(json_buf *out, const char *message);
/* Writes the outcome object for a wasm_runtime_load failure. */
void outcome_of_load_error(json_buf *out, const char *message);
/* Writes the outcome object for a wasm_runtime_instantiate failure. */
void outcome_of_instantiate_error(json_buf *out, const char *message);

#endif
