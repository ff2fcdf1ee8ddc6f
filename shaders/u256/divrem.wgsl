//! requires: u256/core u256/bitwise
// Division of a 512-bit dividend by a 256-bit divisor: Knuth's Algorithm D
// (TAOCP vol. 2, 4.3.1) on base-2^16 digits.
//
// Why this shape: MULMOD must reduce the full 512-bit product (reducing a and b
// first does not bound a*b below 2^256) and ADDMOD a 257-bit sum, so one routine
// takes a 512-bit dividend and also serves DIV/MOD with the high half zero.
// Digits are 16 bits because WGSL has only 32-bit integers: a two-digit numerator, a
// digit-by-digit product and the quotient-estimate test all fit in a u32, and the
// hardware u32 divide gives the estimate directly. Shift-subtract would need 256 to
// 512 full-width steps; Algorithm D needs one estimate-and-correct step per quotient
// digit.
//
// Unlike the textbook version, the divisor is normalised by whole bits until its top
// bit is bit 255, so it always has exactly 16 digits, and the running remainder is
// a 17-digit window that slides over the dividend. Every digit loop then has a fixed
// length and constant indexes, so the window and divisor stay in registers; with
// variable digit counts lavapipe kept them in memory and ran 2-5x slower. The
// dividend is shifted by the same amount, so the step count is still one per
// quotient digit.

struct u256_qr {
  // Low 256 bits of the quotient; the whole quotient when the dividend is < 2^256.
  quot: u256,
  rem: u256,
}

// The 16 bits of x starting at bit t (which may be negative), zero outside x.
fn u256_digit_at(x: ptr<function, array<u32, 16>>, t: i32) -> u32 {
  if (t <= -16 || t >= 512) {
    return 0u;
  }
  if (t < 0) {
    return ((*x)[0] << u32(-t)) & 0xffffu;
  }
  let l = u32(t) >> 5u;
  let o = u32(t) & 31u;
  var v = (*x)[l] >> o;
  if (o > 16u && l < 15u) {
    v |= (*x)[l + 1u] << (32u - o);
  }
  return v & 0xffffu;
}

// (hi * 2^256 + lo) divided by d. A zero divisor yields zero quotient and remainder,
// which is what every EVM division opcode returns in that case.
fn u256_divrem_wide(lo: u256, hi: u256, d: u256) -> u256_qr {
  var res: u256_qr;
  if (u256_is_zero(d)) {
    return res;
  }
  if (u256_is_zero(hi) && u256_cmp(lo, d) < 0) {
    res.rem = lo;
    return res;
  }
  // s = leading zero bits of d; the highest nonzero limb is the last to assign.
  var s = 0u;
  var xbits = 0u;
  var x: array<u32, 16>;
  for (var i = 0u; i < 8u; i++) {
    if (d[i] != 0u) {
      s = 32u * (7u - i) + countLeadingZeros(d[i]);
    }
    if (lo[i] != 0u) {
      xbits = 32u * (i + 1u) - countLeadingZeros(lo[i]);
    }
    x[i] = lo[i];
  }
  for (var i = 0u; i < 8u; i++) {
    if (hi[i] != 0u) {
      xbits = 256u + 32u * (i + 1u) - countLeadingZeros(hi[i]);
    }
    x[8u + i] = hi[i];
  }
  if (s >= 240u) {
    // A one-digit divisor (small constants are common) needs no estimates: plain
    // short division, two digits per limb, beats 16-digit window steps.
    let dv = d[0];
    var r = 0u;
    for (var k = 0u; k < 16u; k++) {
      let i = 15u - k;
      let n1 = (r << 16u) | (x[i] >> 16u);
      let q1 = n1 / dv;
      let n0 = ((n1 - q1 * dv) << 16u) | (x[i] & 0xffffu);
      let q0 = n0 / dv;
      r = n0 - q0 * dv;
      if (i < 8u) {
        res.quot[i] = (q1 << 16u) | q0;
      }
    }
    res.rem[0] = r;
    return res;
  }
  let dn = u256_shl(u256_from_u32(s), d);
  var v: array<u32, 16>;
  for (var i = 0u; i < 8u; i++) {
    v[2u * i] = dn[i] & 0xffffu;
    v[2u * i + 1u] = dn[i] >> 16u;
  }
  let vtop = v[15];
  let vnext = v[14];
  // The dividend scaled by 2^s has len digits; len >= 16 because x >= d.
  let len = (xbits + s + 15u) / 16u;
  let si = i32(s);

  // The window starts with the top 15 digits, below the divisor since dn >= 2^255.
  var w: array<u32, 17>;
  for (var i = 0u; i < 15u; i++) {
    w[i] = u256_digit_at(&x, 16 * i32(len - 15u + i) - si);
  }
  var q = u256_zero();
  for (var j = i32(len) - 16; j >= 0; j--) {
    // Bring down the next digit: the window was below dn, so it is now below dn * 2^16.
    // Spelled out because lavapipe leaves a counting-down copy loop rolled, which
    // pushed the whole window into memory (measured 2x slower).
    w = array<u32, 17>(
      u256_digit_at(&x, 16 * j - si), w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
      w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15],
    );

    // D3: estimate from the top two digits, refined with the third. The refinement
    // leaves qhat <= 2^16 - 1 and at most one too large; every product here is
    // below 2^32 because qhat starts at most 2^16 + 1.
    let num = (w[16] << 16u) | w[15];
    var qhat = num / vtop;
    var rhat = num % vtop;
    loop {
      if (qhat >= 0x10000u || qhat * vnext > ((rhat << 16u) | w[14])) {
        qhat -= 1u;
        rhat += vtop;
        if (rhat < 0x10000u) {
          continue;
        }
      }
      break;
    }
    // D4: subtract qhat * dn from the window. The product carry and the
    // subtraction borrow are kept apart so each stays within a u32.
    var mul_carry = 0u;
    var borrow = 0u;
    for (var i = 0u; i < 16u; i++) {
      let p = qhat * v[i] + mul_carry;
      mul_carry = p >> 16u;
      let t = w[i] - (p & 0xffffu) - borrow;
      w[i] = t & 0xffffu;
      borrow = select(0u, 1u, t > 0xffffu);
    }
    let top = w[16] - mul_carry - borrow;
    w[16] = top & 0xffffu;
    if (top > 0xffffu) {
      // D6: the estimate was one too large (rare: about 2/2^16 of digits); add back.
      qhat -= 1u;
      var carry = 0u;
      for (var i = 0u; i < 16u; i++) {
        let t = w[i] + v[i] + carry;
        w[i] = t & 0xffffu;
        carry = t >> 16u;
      }
      w[16] = (w[16] + carry) & 0xffffu;
    }
    // Quotient digits arrive most significant first; shifting them in keeps the low
    // 256 bits, all of them for DIV, and MULMOD ignores the quotient.
    q = u256(
      (q[0] << 16u) | qhat, (q[1] << 16u) | (q[0] >> 16u), (q[2] << 16u) | (q[1] >> 16u), (q[3] << 16u) | (q[2] >> 16u),
      (q[4] << 16u) | (q[3] >> 16u), (q[5] << 16u) | (q[4] >> 16u), (q[6] << 16u) | (q[5] >> 16u), (q[7] << 16u) | (q[6] >> 16u),
    );
  }
  // D8: the window now holds the remainder scaled by 2^s (its top digit is zero).
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = w[2u * i] | (w[2u * i + 1u] << 16u);
  }
  res.quot = q;
  res.rem = u256_shr(u256_from_u32(s), r);
  return res;
}
