;; Finding on wasm3 HEAD c9b579d (v0.9.0), found by hand while triaging
;; wasm3-memory-max-zero-grows (same cause): a table declared with maximum 0 grows. wasm3 stores
;; "no maximum" as maxSize = 0 (source/m3_exec.h op_TableGrow: `maxSize ? maxSize :
;; d_m3MaxSaneTableSize`), so table.grow 1 returns 0 and table.size becomes 1. Core spec 2.0,
;; 4.4.6 table.grow and 4.5.3.8 growing tables: the new size 1 breaks the limits {min 1, max 0},
;; so the grow fails, pushing -1, and the size stays 0. (0.5.0 has no reference types.)
(module
  (table 0 0 funcref)
  (func (export "grow") (result i32) (table.grow (ref.null func) (i32.const 1)))
  (func (export "size") (result i32) (table.size)))
