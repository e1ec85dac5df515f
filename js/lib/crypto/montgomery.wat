;; Modular exponentiation for RSA, DH and primality tests (./rsa.js): a whole modexp is one call.
;; Built into the crypto bundle by js/build.mjs (wabt's wat2wasm, a pinned npm package):
;; no .wasm file is committed or fetched.
;;
;; Numbers are little-endian arrays of s limbs of w bits (w = 28, or 24 for moduli over
;; 3,358 bits), one limb per u32, in fixed slots of the module's memory (the layout below;
;; rsa.js writes the operands and reads the result). Limbs shorter than the word leave room
;; for lazy carries: a column of the product is summed in i64s, carry included, and at most
;; 2s + 1 products of (2^w - 1)^2 fit in 64 bits (s <= 127 at w = 28, any s here at w = 24).
;;
;; Montgomery multiplication: FIPS, "finely integrated product scanning" (Koc, Acar, Kaliski,
;; "Analyzing and Comparing Montgomery Multiplication Algorithms", IEEE Micro 1996), with
;; R = 2^(w s) > 4n: inputs below 2n give an output below 2n (Walter 1999), so no product
;; needs a final subtraction; only the result of a modexp is reduced below n, once.
;; A column is a dot product of a with b reversed (and of m with n reversed): SIMD, four
;; limb products per step (i64x2.extmul_low/high_i32x4_u). A squaring computes each cross
;; product a_i a_j (i < j) once and doubles it.
(module
  (memory (export "memory") 1 1)

  ;; Slots of 1,440 bytes: 352 limbs (8,448 bits at w = 24) and zeros after them, which the
  ;; dot products may read past their end (times a zero limb on one side).
  ;; 0 N (modulus), 1 R2 (R^2 mod n), 2 A (base, or a factor), 3 B (a factor), 4 OUT,
  ;; 5 X (accumulator), 6 T (scratch), 7 ONE, 8 M (the m_i of a product), 9 QB (b reversed),
  ;; 10 QN (n reversed), 12-27 the window's table, 28 E (exponent, 32-bit words).
  (global $M i32 (i32.const 11520))
  (global $QB i32 (i32.const 12960))
  (global $QN i32 (i32.const 14400))
  (global $s (mut i32) (i32.const 0))
  (global $w (mut i64) (i64.const 0))
  (global $mask (mut i64) (i64.const 0))
  (global $n0 (mut i64) (i64.const 0))

  (func $slot (param $i i32) (result i32) (i32.mul (local.get $i) (i32.const 1440)))

  ;; sum of pa[i] pb[i] + pm[i] pn[i], i < count rounded up to 4 (past it: a zero on one side).
  (func $dot2 (param $pa i32) (param $pb i32) (param $pm i32) (param $pn i32) (param $count i32) (result i64)
    (local $acc v128) (local $x v128) (local $y v128) (local $end i32)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $count) (i32.const 2))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $pa) (local.get $end)))
      (local.set $x (v128.load (local.get $pa)))
      (local.set $y (v128.load (local.get $pb)))
      (local.set $acc (i64x2.add (i64x2.add (local.get $acc)
        (i64x2.extmul_low_i32x4_u (local.get $x) (local.get $y)))
        (i64x2.extmul_high_i32x4_u (local.get $x) (local.get $y))))
      (local.set $x (v128.load (local.get $pm)))
      (local.set $y (v128.load (local.get $pn)))
      (local.set $acc (i64x2.add (i64x2.add (local.get $acc)
        (i64x2.extmul_low_i32x4_u (local.get $x) (local.get $y)))
        (i64x2.extmul_high_i32x4_u (local.get $x) (local.get $y))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
      (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
      (br $l)))
    (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))

  ;; sum of pa[i] pb[i], i < count rounded up to 4, as $dot2.
  (func $dot (param $pa i32) (param $pb i32) (param $count i32) (result i64)
    (local $acc v128) (local $x v128) (local $y v128) (local $end i32)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $count) (i32.const 2))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $pa) (local.get $end)))
      (local.set $x (v128.load (local.get $pa)))
      (local.set $y (v128.load (local.get $pb)))
      (local.set $acc (i64x2.add (i64x2.add (local.get $acc)
        (i64x2.extmul_low_i32x4_u (local.get $x) (local.get $y)))
        (i64x2.extmul_high_i32x4_u (local.get $x) (local.get $y))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (br $l)))
    (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))

  ;; Column k of a^2 over i >= lo (pa: a + lo, pb: a reversed at k - lo), but its square:
  ;; 2 sum(a_i a_(k-i), lo <= i < k-i). Exact: no reading past.
  (func $half (param $k i32) (param $lo i32) (param $pa i32) (param $pb i32) (result i64)
    (local $count i32) (local $quads i32) (local $acc i64) (local $i i32)
    (local.set $count (i32.sub (i32.shr_u (i32.add (local.get $k) (i32.const 1)) (i32.const 1)) (local.get $lo)))
    (local.set $quads (i32.and (local.get $count) (i32.const -4)))
    (local.set $acc (call $dot (local.get $pa) (local.get $pb) (local.get $quads)))
    (local.set $i (i32.shl (local.get $quads) (i32.const 2)))
    (local.set $count (i32.shl (local.get $count) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $acc (i64.add (local.get $acc)
        (i64.mul (i64.load32_u (i32.add (local.get $pa) (local.get $i))) (i64.load32_u (i32.add (local.get $pb) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $acc (i64.shl (local.get $acc) (i64.const 1)))
    (local.get $acc))

  ;; out = a b R^-1 mod n (below 2n), for a, b below 2n; sq: b is a. out may alias a or b:
  ;; b is copied (reversed) first, and limb j of out is written once no column needs a_j.
  (func $mont (param $out i32) (param $a i32) (param $b i32) (param $sq i32)
    (local $i i32) (local $k i32) (local $s i32) (local $lo i32) (local $acc i64) (local $m i64) (local $x i64)
    (local.set $s (global.get $s))
    (memory.fill (global.get $M) (i32.const 0) (i32.shl (local.get $s) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $s)))
      (i32.store (i32.add (global.get $QB) (i32.shl (i32.sub (i32.sub (local.get $s) (i32.const 1)) (local.get $i)) (i32.const 2)))
        (i32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $acc (i64.const 0))
    ;; columns 0 .. s-1: each ends with m_k, the multiple of n that clears it
    (local.set $k (i32.const 0))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $k) (local.get $s)))
      ;; Q's entries for i = 0 sit at s-1-k
      (local.set $i (i32.shl (i32.sub (i32.sub (local.get $s) (i32.const 1)) (local.get $k)) (i32.const 2)))
      (if (local.get $sq)
        (then
          (local.set $acc (i64.add (i64.add (local.get $acc)
            (call $dot (global.get $M) (i32.add (global.get $QN) (local.get $i)) (local.get $k)))
            (call $half (local.get $k) (i32.const 0) (local.get $a) (i32.add (global.get $QB) (local.get $i)))))
          (if (i32.eqz (i32.and (local.get $k) (i32.const 1)))
            (then
              (local.set $x (i64.load32_u (i32.add (local.get $a) (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 2)))))
              (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $x) (local.get $x)))))))
        (else
          (local.set $acc (i64.add (local.get $acc)
            (call $dot2 (local.get $a) (i32.add (global.get $QB) (local.get $i))
                        (global.get $M) (i32.add (global.get $QN) (local.get $i)) (i32.add (local.get $k) (i32.const 1)))))))
      (local.set $m (i64.and (i64.mul (i64.and (local.get $acc) (global.get $mask)) (global.get $n0)) (global.get $mask)))
      (i32.store (i32.add (global.get $M) (i32.shl (local.get $k) (i32.const 2))) (i32.wrap_i64 (local.get $m)))
      (local.set $acc (i64.add (local.get $acc)
        (i64.mul (local.get $m)
                 (i64.load32_u (i32.add (global.get $QN) (i32.shl (i32.sub (local.get $s) (i32.const 1)) (i32.const 2)))))))
      (local.set $acc (i64.shr_u (local.get $acc) (global.get $w)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l1)))
    ;; columns s .. 2s-2: the result's limbs 0 .. s-2; i from lo = k-s+1, Q's from their start
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $k) (i32.sub (i32.shl (local.get $s) (i32.const 1)) (i32.const 1))))
      (local.set $lo (i32.add (i32.sub (local.get $k) (local.get $s)) (i32.const 1)))
      (local.set $i (i32.shl (local.get $lo) (i32.const 2)))
      (if (local.get $sq)
        (then
          (local.set $acc (i64.add (i64.add (local.get $acc)
            (call $dot (i32.add (global.get $M) (local.get $i)) (global.get $QN) (i32.sub (local.get $s) (local.get $lo))))
            (call $half (local.get $k) (local.get $lo) (i32.add (local.get $a) (local.get $i)) (global.get $QB))))
          (if (i32.eqz (i32.and (local.get $k) (i32.const 1)))
            (then
              (local.set $x (i64.load32_u (i32.add (local.get $a) (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 2)))))
              (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $x) (local.get $x)))))))
        (else
          (local.set $acc (i64.add (local.get $acc)
            (call $dot2 (i32.add (local.get $a) (local.get $i)) (global.get $QB)
                        (i32.add (global.get $M) (local.get $i)) (global.get $QN) (i32.sub (local.get $s) (local.get $lo)))))))
      (i32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $k) (local.get $s)) (i32.const 2)))
        (i32.wrap_i64 (i64.and (local.get $acc) (global.get $mask))))
      (local.set $acc (i64.shr_u (local.get $acc) (global.get $w)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l2)))
    (i32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $s) (i32.const 1)) (i32.const 2)))
      (i32.wrap_i64 (local.get $acc))))

  ;; Sets the modulus (slot N, s limbs of w bits) up; n0 = -n^-1 mod 2^w.
  (func $setup (param $s i32) (param $w i32) (param $n0 i32)
    (local $i i32)
    (global.set $s (local.get $s))
    (global.set $w (i64.extend_i32_u (local.get $w)))
    (global.set $mask (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $w))) (i64.const 1)))
    (global.set $n0 (i64.extend_i32_u (local.get $n0)))
    (local.set $i (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $s)))
      (i32.store (i32.add (global.get $QN) (i32.shl (i32.sub (i32.sub (local.get $s) (i32.const 1)) (local.get $i)) (i32.const 2)))
        (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; x mod n for x < 2n (slot `at`, in place): subtract n once when x >= n.
  (func $reduce (param $at i32)
    (local $j i32) (local $x i64) (local $borrow i64) (local $s i32)
    (local.set $s (global.get $s))
    (local.set $j (local.get $s))
    ;; compare from the top
    (block $ge (block $lt (loop $l
      (br_if $ge (i32.eqz (local.get $j)))
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (local.set $x (i64.load32_u (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2)))))
      (br_if $lt (i64.lt_u (local.get $x) (i64.load32_u (i32.shl (local.get $j) (i32.const 2)))))
      (br_if $ge (i64.gt_u (local.get $x) (i64.load32_u (i32.shl (local.get $j) (i32.const 2)))))
      (br $l)))
      (return))
    (local.set $j (i32.const 0))
    (local.set $borrow (i64.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $j) (local.get $s)))
      (local.set $x (i64.sub (i64.sub (i64.load32_u (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2))))
        (i64.load32_u (i32.shl (local.get $j) (i32.const 2)))) (local.get $borrow)))
      (i32.store (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2))) (i32.wrap_i64 (i64.and (local.get $x) (global.get $mask))))
      (local.set $borrow (i64.shr_u (local.get $x) (i64.const 63)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l))))

  ;; OUT = A B mod n (A, B below n).
  (func (export "mulmod") (param $s i32) (param $w i32) (param $n0 i32)
    (call $setup (local.get $s) (local.get $w) (local.get $n0))
    (call $mont (call $slot (i32.const 4)) (call $slot (i32.const 2)) (call $slot (i32.const 3)) (i32.const 0))
    (call $mont (call $slot (i32.const 4)) (call $slot (i32.const 4)) (call $slot (i32.const 1)) (i32.const 0))
    (call $reduce (call $slot (i32.const 4))))

  ;; bit i of the exponent
  (func $bit (param $i i32) (result i32)
    (i32.and (i32.shr_u (i32.load (i32.add (call $slot (i32.const 28)) (i32.shl (i32.shr_u (local.get $i) (i32.const 5)) (i32.const 2))))
      (i32.and (local.get $i) (i32.const 31))) (i32.const 1)))

  ;; OUT = A^E mod n (A below n, E > 0 of `bits` bits, its top bit set), by a sliding window
  ;; of `width` bits over Montgomery products.
  (func (export "modexp") (param $s i32) (param $w i32) (param $n0 i32) (param $bits i32) (param $width i32)
    (local $i i32) (local $j i32) (local $t i32) (local $x i32) (local $size i32) (local $v i32) (local $started i32)
    (local $tab i32) (local $sq i32)
    (call $setup (local.get $s) (local.get $w) (local.get $n0))
    (local.set $tab (call $slot (i32.const 12)))
    (local.set $x (call $slot (i32.const 5)))
    (local.set $sq (call $slot (i32.const 6)))
    (call $mont (local.get $tab) (call $slot (i32.const 2)) (call $slot (i32.const 1)) (i32.const 0))
    (local.set $size (i32.shl (i32.const 1) (i32.sub (local.get $width) (i32.const 1))))
    (if (i32.gt_u (local.get $size) (i32.const 1))
      (then
        (call $mont (local.get $sq) (local.get $tab) (local.get $tab) (i32.const 1))
        (local.set $i (i32.const 1))
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $i) (local.get $size)))
          (call $mont (i32.add (local.get $tab) (i32.mul (local.get $i) (i32.const 1440)))
            (i32.add (local.get $tab) (i32.mul (i32.sub (local.get $i) (i32.const 1)) (i32.const 1440)))
            (local.get $sq) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))))
    ;; from the top bit down
    (local.set $i (i32.sub (local.get $bits) (i32.const 1)))
    (block $d (loop $l
      (br_if $d (i32.lt_s (local.get $i) (i32.const 0)))
      (if (i32.eqz (call $bit (local.get $i)))
        (then
          (call $mont (local.get $x) (local.get $x) (local.get $x) (i32.const 1))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br $l)))
      ;; the window: bits i .. j, ending on a set bit
      (local.set $j (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $width)))
      (if (i32.lt_s (local.get $j) (i32.const 0)) (then (local.set $j (i32.const 0))))
      (block $f (loop $g
        (br_if $f (call $bit (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $g)))
      (local.set $v (i32.const 0))
      (local.set $t (local.get $i))
      (block $f (loop $g
        (br_if $f (i32.lt_s (local.get $t) (local.get $j)))
        (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 1)) (call $bit (local.get $t))))
        (if (local.get $started)
          (then (call $mont (local.get $x) (local.get $x) (local.get $x) (i32.const 1))))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (br $g)))
      (local.set $v (i32.add (local.get $tab) (i32.mul (i32.shr_u (local.get $v) (i32.const 1)) (i32.const 1440))))
      (if (local.get $started)
        (then (call $mont (local.get $x) (local.get $x) (local.get $v) (i32.const 0)))
        (else
          (memory.copy (local.get $x) (local.get $v) (i32.shl (local.get $s) (i32.const 2)))
          (local.set $started (i32.const 1))))
      (local.set $i (i32.sub (local.get $j) (i32.const 1)))
      (br $l)))
    ;; out of Montgomery form (times 1), then below n
    (i32.store (call $slot (i32.const 7)) (i32.const 1))
    (call $mont (call $slot (i32.const 4)) (local.get $x) (call $slot (i32.const 7)) (i32.const 0))
    (call $reduce (call $slot (i32.const 4))))
)
