;; bug-catalog #33 (wazero PR#2533 / PR#1260): a loop-free call tree of 2^10 calls. Metering only
;; at loop back-edges never sees it; trapcheck charges every function entry, so a budget runs
;; out (and the call can be cancelled) inside the tree. Each leaf counts itself in $leaves.
(module
  (memory (export "memory") 1)
  (global $leaves (export "leaves") (mut i32) (i32.const 0))
  (func $t0 (call $t1) (call $t1))
  (func $t1 (call $t2) (call $t2))
  (func $t2 (call $t3) (call $t3))
  (func $t3 (call $t4) (call $t4))
  (func $t4 (call $t5) (call $t5))
  (func $t5 (call $t6) (call $t6))
  (func $t6 (call $t7) (call $t7))
  (func $t7 (call $t8) (call $t8))
  (func $t8 (call $t9) (call $t9))
  (func $t9 (call $leaf) (call $leaf))
  (func $leaf (global.set $leaves (i32.add (global.get $leaves) (i32.const 1))))
  (func (export "run") (result i32) (call $t0) (global.get $leaves)))
