;; Finding on SpiderMonkey 102 (gjs 1.74.2): the name of a custom section is not checked for
;; UTF-8, so a module whose custom section is named "\80" (a lone continuation byte) compiles
;; (WebAssembly.validate → true). Core spec 2.0 §5.5.3: a custom section is a `name` and data;
;; §5.2.4: a name is a vec(byte) that must decode as UTF-8, otherwise the binary is malformed
;; ("malformed UTF-8 encoding"). From the official suite's utf8-custom-section-id.wast (176
;; assertions, one per invalid sequence). Documentation only: the case runs the .wasm beside
;; this file, whose bytes are
;;   00 61 73 6d 01 00 00 00   header
;;   00 02 01 80               custom section, size 2, name length 1, name byte 0x80
(module)
