/* Wasm values between the protocol's text form and WAMR's wasm_val_t (integers decimal, floats as bits). */
#ifndef TRAPCHECK_WAMR_VALUES_H
#define TRAPCHECK_WAMR_VALUES_H

#include "json.h"
#include "wasm_export.h"

/* WAMR 2.0.0 names externref WASM_ANYREF; both are 128, funcref 129. */
#define TC_EXTERNREF 128
#define TC_FUNCREF 129

/* Reads a protocol value {type, value} of wasm type `kind` into `out`; 0 with *why set when it does not fit. */
int value_from_wire(const json_value *v, wasm_valkind_t kind, wasm_val_t *out, const char **why);
/* Writes `v` as a protocol value object. */
void value_to_wire(json_buf *out, const wasm_val_t *v);
/* Writes the value stored at `data` (a global's storage) of type `kind`; 0 for a type the protocol does not read. */
int raw_value_to_wire(json_buf *out, wasm_valkind_t kind, const void *data);

#endif
