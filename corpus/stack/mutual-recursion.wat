;; ChakraCore#6524: mutual recursion segfaulted ChakraCore; V8/JSC throw RangeError and
;; SpiderMonkey InternalError (js-promise-integration PR#52: never assert the JS error class).
(module
  (func $a (export "a") (param i32) (result i32)
    (call $b (i32.add (local.get 0) (i32.const 1))))
  (func $b (param i32) (result i32)
    (call $a (i32.add (local.get 0) (i32.const 2))))
  (func (export "alive") (result i32)
    i32.const 1))
