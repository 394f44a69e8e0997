/* Runs one trapcheck.driver/1 case on WAMR (wasm_runtime_* API) and writes its result message. */
#ifndef TRAPCHECK_WAMR_CASE_H
#define TRAPCHECK_WAMR_CASE_H

#include <stdio.h>

#include "json.h"

/* Whether this WAMR build can read exported globals (wasm_runtime_get_export_global_inst, WAMR >= 2.1). */
#ifndef TC_HAS_GLOBAL_INST
#define TC_HAS_GLOBAL_INST 0
#endif

/* Runs `c` (the "case" object of a case request) and writes step / result lines for case `id` to `proto`. */
void run_case(long long id, const json_value *c, FILE *proto);

#endif
