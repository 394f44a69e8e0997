;; Finding on wasm3 0.5.0 (fixed at HEAD c9b579d, which fails the load with "out of bounds table
;; access"): an active element segment that ends past its table is not an error; 0.5.0 grows
;; table 0 to the segment's end instead (source/m3_env.c InitElements reallocates table0 to
;; `endElement`), and for the same reason sizes the table to its last segment rather than its
;; declared minimum. Core spec 4.5.4 (instantiation runs table.init for each active segment)
;; and 4.4.9 table.init: offset + n > table size traps "out of bounds table access".
(module
  (table 2 funcref)
  (func $f)
  (elem (i32.const 1) $f $f)
  (func (export "probe") (result i32) (i32.const 7)))
