;; The state a trap leaves behind: effects before the trap persist, the trapping instruction
;; itself has no effect, and the instance keeps working.

(module
  (memory (export "memory") 1 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (global $h (export "h") (mut i64) (i64.const 0))

  (func (export "set-then-trap") (param i32)
    (global.set $g (local.get 0))
    (i32.store (i32.const 0) (local.get 0))
    unreachable)

  (func (export "store-then-div") (param i32) (result i32)
    (i32.store (i32.const 16) (i32.const 0x11223344))
    (i32.div_u (i32.const 1) (local.get 0)))

  ;; an 8-byte store that straddles the end of memory writes nothing
  (func (export "straddling-store")
    (i64.store (i32.const 65532) (i64.const -1)))
  ;; an in-bounds store to the last 4 bytes
  (func (export "last-word") (param i32) (i32.store (i32.const 65532) (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))

  ;; bulk memory: an out-of-bounds fill/copy writes nothing at all
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))

  ;; a loop that counts into a global, then traps on the 5th round
  (func (export "count-then-trap")
    (loop $l
      (global.set $h (i64.add (global.get $h) (i64.const 1)))
      (if (i64.eq (global.get $h) (i64.const 5)) (then unreachable))
      (br $l)))
)

(assert_trap (invoke "set-then-trap" (i32.const 7)) "unreachable")
(assert_return (get "g") (i32.const 7))
(assert_return (invoke "load32" (i32.const 0)) (i32.const 7))

(assert_trap (invoke "store-then-div" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "load32" (i32.const 16)) (i32.const 0x11223344))

(assert_return (invoke "last-word" (i32.const 0x55555555)))
(assert_trap (invoke "straddling-store") "out of bounds memory access")
(assert_return (invoke "load32" (i32.const 65532)) (i32.const 0x55555555))
(assert_trap (invoke "load32" (i32.const 65533)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0x55))

(assert_trap (invoke "fill" (i32.const 65000) (i32.const 0xab) (i32.const 1000)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65000)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0x55))
(assert_return (invoke "fill" (i32.const 65535) (i32.const 0xab) (i32.const 1)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0xab))
;; a zero-length fill at the very end is in bounds
(assert_return (invoke "fill" (i32.const 65536) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")

(assert_trap (invoke "copy" (i32.const 0) (i32.const 65530) (i32.const 10)) "out of bounds memory access")
(assert_return (invoke "load32" (i32.const 0)) (i32.const 7))

(assert_trap (invoke "count-then-trap") "unreachable")
(assert_return (get "h") (i64.const 5))

;; A failed instantiation keeps the writes earlier segments made to an imported memory, and
;; the table entries earlier element segments wrote to an imported table.
(module $M
  (memory (export "mem") 1)
  (table (export "tab") 3 funcref)
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "slot-is-null") (param i32) (result i32) (ref.is_null (table.get (local.get 0)))))
(register "M" $M)
(assert_trap
  (module
    (import "M" "mem" (memory 1))
    (import "M" "tab" (table 3 funcref))
    (func $f)
    (elem (i32.const 0) $f)
    (data (i32.const 100) "\2a")
    (data (i32.const 65536) "x"))
  "out of bounds memory access")
(assert_return (invoke $M "peek" (i32.const 100)) (i32.const 42))
(assert_return (invoke $M "slot-is-null" (i32.const 0)) (i32.const 0))
(assert_return (invoke $M "slot-is-null" (i32.const 1)) (i32.const 1))
