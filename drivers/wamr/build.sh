#!/bin/sh
# Builds the WAMR driver against one WAMR SDK (headers + static libiwasm.a):
#   drivers/wamr/build.sh SDK_DIR OUT_BINARY
# e.g. drivers/wamr/build.sh ../shared/runtimes/wamr-sdk/2.4.5 /tmp/trapcheck-wamr/wamr-driver-2.4.5
# Globals are read through wasm_runtime_get_export_global_inst where the SDK has it (WAMR >= 2.1).
set -eu
sdk=${1:?usage: build.sh SDK_DIR OUT_BINARY}
out=${2:?usage: build.sh SDK_DIR OUT_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
globals=0
import_t=wasm_import_t
if grep -q 'wasm_runtime_get_export_global_inst' "$sdk/include/wasm_export.h"; then globals=1; fi
if ! grep -q 'typedef struct wasm_import_t {' "$sdk/include/wasm_export.h"; then import_t=wasm_import_type; fi
mkdir -p "$(dirname "$out")"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -DTC_HAS_GLOBAL_INST=$globals -DTC_IMPORT_T=$import_t -I "$sdk/include" \
  "$here/driver.c" "$here/wamr_case.c" "$here/wamr_reads.c" "$here/wamr_stdio.c" "$here/wamr_values.c" "$here/wamr_messages.c" \
  "$here/json.c" "$here/base64.c" \
  "$sdk/lib/libiwasm.a" -lm -lpthread -Wl,-z,noexecstack -o "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
