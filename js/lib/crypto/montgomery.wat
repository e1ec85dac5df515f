;; Montgomery multiplication for RSA (./rsa.js), the one hot loop of every RSA operation.
;; Built into the crypto bundle by js/build.mjs (wabt's wat2wasm, a pinned npm package):
;; no .wasm file is committed or fetched.
;;
;; Numbers are little-endian arrays of `s` 32-bit limbs in the module's one page of memory;
;; products of two limbs plus two carries fit an i64 exactly ((2^32-1)^2 + 2(2^32-1) = 2^64-1).
;; Algorithm: CIOS (Koc, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication
;; Algorithms", IEEE Micro 1996), with the scratch t of s+2 limbs at `t`.
(module
  (memory (export "memory") 1 1)

  ;; out = a * b * R^-1 mod n (R = 2^(32 s)), for a, b < n; n odd; n0 = -n^-1 mod 2^32.
  ;; `out` may alias `a` or `b`: t is written back only at the end.
  (func (export "mul") (param $out i32) (param $a i32) (param $b i32) (param $n i32) (param $t i32)
                       (param $s i32) (param $n0 i32)
    (local $i i32) (local $j i32) (local $c i64) (local $bi i64) (local $m i64) (local $x i64)
    (local $tp i32) (local $ts i32) (local $y i64) (local $c2 i64) (local $ap i32) (local $np i32)
    ;; t = 0 (s + 2 limbs)
    (local.set $j (i32.const 0))
    (block $done0 (loop $zero
      (br_if $done0 (i32.gt_u (local.get $j) (i32.add (local.get $s) (i32.const 1))))
      (i32.store (i32.add (local.get $t) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zero)))
    (local.set $ts (i32.add (local.get $t) (i32.shl (local.get $s) (i32.const 2))))
    (local.set $i (i32.const 0))
    (block $outer_done (loop $outer
      (br_if $outer_done (i32.ge_u (local.get $i) (local.get $s)))
      ;; One pass of t = (t + a * b[i] + m * n) / 2^32 (FIOS: both products in one loop).
      (local.set $bi (i64.load32_u (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $x (i64.add (i64.mul (i64.load32_u (local.get $a)) (local.get $bi)) (i64.load32_u (local.get $t))))
      (local.set $m (i64.and (i64.mul (i64.and (local.get $x) (i64.const 0xffffffff)) (i64.extend_i32_u (local.get $n0)))
        (i64.const 0xffffffff)))
      (local.set $c (i64.shr_u (local.get $x) (i64.const 32)))
      (local.set $y (i64.add (i64.and (local.get $x) (i64.const 0xffffffff))
        (i64.mul (local.get $m) (i64.load32_u (local.get $n)))))
      (local.set $c2 (i64.shr_u (local.get $y) (i64.const 32)))
      (local.set $ap (i32.add (local.get $a) (i32.const 4)))
      (local.set $np (i32.add (local.get $n) (i32.const 4)))
      (local.set $tp (i32.add (local.get $t) (i32.const 4)))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $tp) (local.get $ts)))
        (local.set $x (i64.add (i64.add (i64.mul (i64.load32_u (local.get $ap)) (local.get $bi))
          (i64.load32_u (local.get $tp))) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $x) (i64.const 32)))
        (local.set $y (i64.add (i64.add (i64.mul (i64.load32_u (local.get $np)) (local.get $m))
          (i64.and (local.get $x) (i64.const 0xffffffff))) (local.get $c2)))
        (local.set $c2 (i64.shr_u (local.get $y) (i64.const 32)))
        (i64.store32 offset=0 (i32.sub (local.get $tp) (i32.const 4)) (local.get $y))
        (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
        (local.set $np (i32.add (local.get $np) (i32.const 4)))
        (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
        (br $l1)))
      ;; the top limbs: t[s] + c + c2 spread over t[s-1], t[s]
      (local.set $x (i64.add (i64.add (i64.load32_u (local.get $ts)) (local.get $c)) (local.get $c2)))
      (i64.store32 (i32.sub (local.get $ts) (i32.const 4)) (local.get $x))
      (i64.store32 (local.get $ts) (i64.shr_u (local.get $x) (i64.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    ;; t < 2n: subtract n once when t >= n (t[s] set, or t[s-1..0] >= n).
    (if (i32.or (i32.ne (i32.load (local.get $ts)) (i32.const 0))
                (i32.ge_s (call $cmp (local.get $t) (local.get $n) (local.get $s)) (i32.const 0)))
      (then
        (local.set $c (i64.const 0)) ;; borrow
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $s)))
          (local.set $x (i64.sub (i64.sub
            (i64.load32_u (i32.add (local.get $t) (i32.shl (local.get $j) (i32.const 2))))
            (i64.load32_u (i32.add (local.get $n) (i32.shl (local.get $j) (i32.const 2)))))
            (local.get $c)))
          (i64.store32 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $x))
          (local.set $c (i64.and (i64.shr_u (local.get $x) (i64.const 63)) (i64.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l3))))
      (else
        (memory.copy (local.get $out) (local.get $t) (i32.shl (local.get $s) (i32.const 2))))))

  ;; Compares two s-limb numbers: -1, 0 or 1.
  (func $cmp (param $a i32) (param $b i32) (param $s i32) (result i32)
    (local $j i32) (local $x i32) (local $y i32)
    (local.set $j (local.get $s))
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get $j)))
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (local.set $x (i32.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $y (i32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))
      (if (i32.lt_u (local.get $x) (local.get $y)) (then (return (i32.const -1))))
      (if (i32.gt_u (local.get $x) (local.get $y)) (then (return (i32.const 1))))
      (br $l)))
    (i32.const 0))
)
