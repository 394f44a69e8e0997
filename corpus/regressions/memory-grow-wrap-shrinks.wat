;; Finding on wasm3 0.5.0 (fixed at HEAD by commit 35b5e2f, wasm3#442) and wazero 1.6.0 (fixed in
;; 1.7.0 by wazero#2120, issue #2118), from trapcheck fuzz --seed 11 (core-traps, grow-delta
;; "minus-two"): memory.grow with a delta whose sum with the current size wraps around 2^32
;; shrinks the memory. Both add the u32 delta to the page count in 32 bits (wasm3 m3_exec.h
;; op_MemGrow `numPages + numPagesToGrow`, wazero internal/wasm/memory.go Grow `currentPages +
;; delta`): 2 + 0xfffffffe = 0 pages, which is within the maximum, so the memory is resized to 0
;; pages and the old size 2 is returned as if the grow had succeeded. Core spec 2.0, 4.4.7
;; memory.grow and 4.5.3.9 growing memories: n is an unsigned 32-bit page count; the new length
;; 2 + 4294967294 exceeds 2^16 and the maximum 2, so the grow fails: it pushes -1 and the memory
;; keeps its 2 pages and contents.
(module
  (memory (export "memory") 2 2)
  (data (i32.const 131064) "\a0\a1\a2\a3\a4\a5\a6\a7")
  (func (export "grow") (result i32) (memory.grow (i32.const -2)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (result i32) (i32.load (i32.const 131064))))
