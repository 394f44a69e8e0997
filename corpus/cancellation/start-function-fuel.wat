;; A start function runs on the fuel set before instantiation (wasmtime: `Store::set_fuel` before
;; `Instance::new`; a store starts with 0 fuel, instance-semantics.md §2.6). With 50 units the
;; 100-iteration loop runs dry and instantiation traps "out of fuel"; with 100000 it completes and
;; the budget left is exactly 100000 - (entry charge + 100 loop charges) of trapcheck's metering.
(module
  (memory (export "memory") 1)
  (func $start (local $i i32)
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100)))))
  (func (export "probe") (result i32) (i32.load (i32.const 0)))
  (start $start))
