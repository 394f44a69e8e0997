;; wasmer PR#5379 / wazero#1852: growing to exactly 65536 pages was refused (>= instead of >),
;; or succeeded while the reported size overflowed to 0. Growth may legally fail, so the
;; module checks the oracle itself: either -1 with nothing changed, or success with old size
;; 0, new size 65536, the last byte usable and no further page available. 1 = consistent.
(module
  (memory 0)
  (func (export "check") (result i32)
    (local $r i32)
    (local.set $r (memory.grow (i32.const 65536)))
    (if (i32.eq (local.get $r) (i32.const -1))
      (then (return (i32.eqz (memory.size)))))
    (if (i32.ne (local.get $r) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.ne (memory.size) (i32.const 65536)) (then (return (i32.const 0))))
    (i32.store8 (i32.const 0xffffffff) (i32.const 0x5a))
    (if (i32.ne (i32.load8_u (i32.const 0xffffffff)) (i32.const 0x5a)) (then (return (i32.const 0))))
    (i32.eq (memory.grow (i32.const 1)) (i32.const -1))))
