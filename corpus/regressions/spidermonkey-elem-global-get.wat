;; Finding on SpiderMonkey 102 (gjs 1.74.2): an element segment whose item expression is
;; `global.get` of an imported immutable funcref global is refused at compile ("failed to read
;; initializer operation"). Core spec 2.0 §3.4.5: element expressions must be constant; §3.3.10:
;; `global.get x` is constant when x is an immutable imported global. So the module is valid and
;; compiles (linking it needs the import; compiling does not). From the official suite's
;; elem.wast:1043.
(module
  (import "m" "f" (global funcref))
  (table 10 funcref)
  (elem (offset (i32.const 0)) funcref (global.get 0)))
