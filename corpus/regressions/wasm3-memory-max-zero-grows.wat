;; Finding on wasm3 0.5.0 and HEAD c9b579d (v0.9.0), from trapcheck fuzz --seed 11 (core-traps,
;; grow-delta values of issue #18): a memory declared with maximum 0 grows. wasm3 stores "no
;; maximum" as maxPages = 0, so a declared maximum of 0 reads as none (source/m3_env.c InitMemory:
;; `maxPages ? maxPages : 65536`; HEAD: `... : pageLimit`): memory.grow 1 returns 0 and the first
;; page becomes addressable. Core spec 2.0, 4.4.7 memory.grow and 4.5.3.9 growing memories: the
;; grow fails when the new size breaks the limits (1 > max 0), pushing -1; the size stays 0 pages
;; and every access still traps "out of bounds memory access".
(module
  (memory (export "memory") 0 0)
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (result i32) (i32.load (i32.const 0))))
