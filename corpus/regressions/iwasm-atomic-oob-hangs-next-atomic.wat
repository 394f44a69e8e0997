;; WAMR iwasm (2.0.0, 2.4.5 fast and classic, x86-64 Linux): an out-of-bounds atomic access on a
;; shared memory traps correctly, but every later atomic access to shared memory then hangs for
;; ever. With hardware bounds checks the access faults inside `shared_memory_lock` (one process-wide
;; mutex); the signal handler unwinds past `shared_memory_unlock`, so the mutex stays held.
;; Spec: a trap ends only the computation that raised it; the store stays valid, so the next
;; `i32.atomic.rmw.add` (non-blocking) must return the old value 0. Found by core-traps/unaligned-atomic.
(module
  (memory 1 1 shared)
  (func (export "oob_load") (result i32)
    (i32.atomic.load (i32.const 65536)))
  (func (export "add") (result i32)
    (i32.atomic.rmw.add (i32.const 0) (i32.const 1))))
