//! requires: u256/core
// Division of a 512-bit dividend by a 256-bit divisor: Knuth's Algorithm D
// (TAOCP vol. 2, 4.3.1) on base-2^16 digits.
//
// Why this shape: MULMOD must reduce the full 512-bit product (reducing a and b
// first does not bound a*b below 2^256) and ADDMOD a 257-bit sum, so one routine
// takes a 512-bit dividend and also serves DIV/MOD with the high half zero. Digits
// are 16 bits because WGSL has only 32-bit integers: a two-digit numerator, a
// digit-by-digit product and the quotient-estimate test all fit in a u32, and the
// hardware u32 divide gives the estimate directly. Shift-subtract would need 256 to
// 512 full-width steps; Algorithm D needs one estimate-and-correct step per quotient
// digit (at most 32), each touching only the divisor's significant digits.

struct u256_qr {
  // Low 256 bits of the quotient; the whole quotient when the dividend is < 2^256.
  quot: u256,
  rem: u256,
}

// (hi * 2^256 + lo) divided by d. A zero divisor yields zero quotient and remainder,
// which is what every EVM division opcode returns in that case.
fn u256_divrem_wide(lo: u256, hi: u256, d: u256) -> u256_qr {
  var res: u256_qr;
  var v: array<u32, 16>;
  var n = 0u;
  for (var i = 0u; i < 8u; i++) {
    v[2u * i] = d[i] & 0xffffu;
    v[2u * i + 1u] = d[i] >> 16u;
    if (d[i] != 0u) {
      n = 2u * i + select(1u, 2u, (d[i] >> 16u) != 0u);
    }
  }
  if (n == 0u) {
    return res;
  }
  // One spare digit on top receives the bits shifted out by normalisation.
  var u: array<u32, 33>;
  for (var i = 0u; i < 8u; i++) {
    u[2u * i] = lo[i] & 0xffffu;
    u[2u * i + 1u] = lo[i] >> 16u;
    u[16u + 2u * i] = hi[i] & 0xffffu;
    u[17u + 2u * i] = hi[i] >> 16u;
  }
  var len = 0u;
  for (var i = 0u; i < 32u; i++) {
    if (u[i] != 0u) {
      len = i + 1u;
    }
  }
  if (len < n) {
    // Fewer digits than the divisor: the dividend is the remainder (and hi is zero).
    res.rem = lo;
    return res;
  }

  var q: array<u32, 16>;
  if (n == 1u) {
    // Algorithm D needs two divisor digits; one digit is plain short division.
    let vd = v[0];
    var r = 0u;
    for (var j = i32(len) - 1; j >= 0; j--) {
      let num = (r << 16u) | u[j];
      if (j < 16) {
        q[j] = num / vd;
      }
      r = num % vd;
    }
    res.rem[0] = r;
  } else {
    // D1: scale so the top divisor digit has its high bit set, which makes the
    // two-digit estimate below at most two too large.
    let s = countLeadingZeros(v[n - 1u]) - 16u;
    for (var i = n - 1u; i > 0u; i--) {
      v[i] = ((v[i] << s) | (v[i - 1u] >> (16u - s))) & 0xffffu;
    }
    v[0] = (v[0] << s) & 0xffffu;
    u[len] = u[len - 1u] >> (16u - s);
    for (var i = len - 1u; i > 0u; i--) {
      u[i] = ((u[i] << s) | (u[i - 1u] >> (16u - s))) & 0xffffu;
    }
    u[0] = (u[0] << s) & 0xffffu;

    let vtop = v[n - 1u];
    let vnext = v[n - 2u];
    for (var jj = i32(len - n); jj >= 0; jj--) {
      let j = u32(jj);
      // D3: estimate from the top two digits, refined with the third. The refinement
      // leaves qhat <= 2^16 - 1 and at most one too large; every product here is
      // below 2^32 because qhat starts at most 2^16 + 1.
      let num = (u[j + n] << 16u) | u[j + n - 1u];
      var qhat = num / vtop;
      var rhat = num % vtop;
      loop {
        if (qhat >= 0x10000u || qhat * vnext > ((rhat << 16u) | u[j + n - 2u])) {
          qhat -= 1u;
          rhat += vtop;
          if (rhat < 0x10000u) {
            continue;
          }
        }
        break;
      }
      // D4: subtract qhat * v from the window u[j .. j+n]. The product carry and
      // the subtraction borrow are kept apart so each stays within a u32.
      var mul_carry = 0u;
      var borrow = 0u;
      for (var i = 0u; i < n; i++) {
        let p = qhat * v[i] + mul_carry;
        mul_carry = p >> 16u;
        let t = u[i + j] - (p & 0xffffu) - borrow;
        u[i + j] = t & 0xffffu;
        borrow = select(0u, 1u, t > 0xffffu);
      }
      let top = u[j + n] - mul_carry - borrow;
      u[j + n] = top & 0xffffu;
      if (top > 0xffffu) {
        // D6: the estimate was one too large (rare: about 2/2^16 of digits); add back.
        qhat -= 1u;
        var carry = 0u;
        for (var i = 0u; i < n; i++) {
          let t = u[i + j] + v[i] + carry;
          u[i + j] = t & 0xffffu;
          carry = t >> 16u;
        }
        u[j + n] = (u[j + n] + carry) & 0xffffu;
      }
      if (j < 16u) {
        q[j] = qhat;
      }
    }
    // D8: the remainder is u[0 .. n-1] scaled by 2^s; digits n and up are zero now.
    for (var i = 0u; i < 8u; i++) {
      let d0 = (u[2u * i] >> s) | ((u[2u * i + 1u] << (16u - s)) & 0xffffu);
      let d1 = (u[2u * i + 1u] >> s) | ((u[2u * i + 2u] << (16u - s)) & 0xffffu);
      res.rem[i] = d0 | (d1 << 16u);
    }
  }
  for (var i = 0u; i < 8u; i++) {
    res.quot[i] = q[2u * i] | (q[2u * i + 1u] << 16u);
  }
  return res;
}
