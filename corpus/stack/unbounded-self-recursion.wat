;; deno#11356: unbounded wasm recursion crashed the whole runtime ("thread 'main' has overflowed
;; its stack"). It must be a catchable "call stack exhausted", and the instance stays usable.
(module
  (func $boom (export "boom")
    call $boom)
  (func (export "alive") (result i32)
    i32.const 7))
