//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/memory
//! requires: interpreter/state interpreter/accounts interpreter/log
// The frame stack. WGSL has no recursion, so frames are FRAME records in the scratch
// region: a call saves the caller's registers in the caller's record and writes the
// callee's own (its environment, where its output goes, the marks its failure rolls
// back to); the callee's stack and memory start where the caller's end, in the call's
// pools. The callee's end (frame_end) restores the caller, which goes on. Opcodes that
// push frames: interpreter/calls (the call family), interpreter/creates.

// Bytes the ending frame returned (RETURN, REVERT), for its caller.
var<private> end_len: u32;
// Words of the output region's code area that deposited code fills.
var<private> code_words: u32;
// The deepest frame this call entered.
var<private> max_depth: u32;

// A step pushed a frame: its own result is pushed when that frame ends.
var<private> pushed: bool;

// Saves the running frame's registers in its record (its stack without the `pops`
// operands of the call) and makes the callee's record: its environment, output range
// and rollback marks. The callee's registers are set by the caller of this function.
// False (and `exhausted`) when the frame records or the memory pool are full.
fn frame_push(pops: u32, kind: u32, create_acct: u32, ret_off: u32, ret_len: u32, address: u256, caller: u256, value: u256) -> bool {
  if (depth + 1u >= param(PARAMS_FRAME_CAP)) {
    exhausted = true;
    return false;
  }
  var w: array<u32, FRAME_WORDS>;
  w[FRAME_SAVED_PC] = pc;
  w[FRAME_SAVED_SP] = sp - pops;
  w[FRAME_SAVED_STACK_AT] = stack_at;
  w[FRAME_SAVED_STACK_CAP] = stack_cap;
  w[FRAME_SAVED_MEM_AT] = mem_at;
  w[FRAME_SAVED_MEM_WORDS] = mem_words;
  w[FRAME_SAVED_MEM_CAP] = mem_cap;
  w[FRAME_SAVED_GAS] = gas.x;
  w[FRAME_SAVED_GAS + 1u] = gas.y;
  w[FRAME_SAVED_CODE_BUF] = code_buf;
  w[FRAME_SAVED_CODE_BASE] = code_base;
  w[FRAME_SAVED_CODE_LEN] = code_len;
  w[FRAME_SAVED_JD_BUF] = jd_buf;
  w[FRAME_SAVED_JD_AT] = jd_at;
  w[FRAME_SAVED_DATA_BUF] = data_buf;
  w[FRAME_SAVED_DATA_BASE] = data_base;
  w[FRAME_SAVED_DATA_LEN] = data_len;
  w[FRAME_SAVED_SELF_ACCT] = self_acct;
  w[FRAME_SAVED_FLAGS] = frame_flags;
  w[FRAME_SAVED_MODE] = mode;
  w[FRAME_SAVED_PROGRAM_AT] = program_at;
  for (var k = FRAME_SAVED_PC; k < FRAME_WORDS + opaque; k++) {
    scratch[frame_at + k] = w[k];
  }
  // The callee's own part.
  for (var k = 0u; k < 8u; k++) {
    w[FRAME_ADDRESS + k] = address[k];
    w[FRAME_CALLER + k] = caller[k];
    w[FRAME_VALUE + k] = value[k];
  }
  w[FRAME_KIND] = kind;
  w[FRAME_CREATE_ACCT] = create_acct;
  w[FRAME_RET_OFF] = ret_off;
  w[FRAME_RET_LEN] = ret_len;
  w[FRAME_UNDO_MARK] = undo_count;
  w[FRAME_LOG_MARK] = log_count;
  w[FRAME_LOG_DATA_MARK] = log_data_len;
  w[FRAME_CODE_MARK] = code_words;
  w[FRAME_REFUND_MARK] = refund.x;
  w[FRAME_REFUND_MARK + 1u] = refund.y;
  frame_at += FRAME_WORDS;
  for (var k = 0u; k < FRAME_SAVED_PC + opaque; k++) {
    scratch[frame_at + k] = w[k];
  }
  depth += 1u;
  max_depth = max(max_depth, depth);
  stack_at += sp - pops;
  stack_cap = min(STACK_LIMIT, stack_end - stack_at);
  sp = 0u;
  pc = 0u;
  mem_at += mem_words * 8u;
  mem_words = 0u;
  rd_len = 0u;
  mode = MODE_INTERPRET;
  program_at = NOT_FOUND;
  return true;
}

// Points the callee at its code; code without a bitmap (init code, deposited code) is
// analysed into the memory pool first, and its memory starts after the bitmap.
fn enter_code(c: CodeRef) {
  code_buf = c.buf;
  code_base = c.base;
  code_len = c.len;
  jd_buf = c.jd_buf;
  jd_at = c.jd_at;
  if (c.jd_buf == NOT_FOUND) {
    let words = (code_len + 31u) / 32u;
    jd_buf = BUF_SCRATCH;
    jd_at = mem_at;
    mem_at += (words + 7u) & ~7u;
    if (mem_at > mem_end) {
      exhausted = true;
      mem_at = mem_end;
      code_len = 0u;
    }
    analyse_jumpdests(words);
  }
  mem_cap = (mem_end - mem_at) / 8u;
}

// The JUMPDEST bitmap of the running code: every JUMPDEST byte that is not PUSH data.
fn analyse_jumpdests(words: u32) {
  for (var k = 0u; k < words; k++) {
    scratch[jd_at + k] = 0u;
  }
  var i = 0u;
  loop {
    if (i >= code_len) {
      break;
    }
    let b = code_byte(i);
    if (b == OP_JUMPDEST) {
      scratch[jd_at + (i >> 5u)] |= 1u << (i & 31u);
    }
    i += 1u;
    if (b >= OP_PUSH1 && b <= OP_PUSH32) {
      i += b - OP_PUSH0;
    }
  }
}

// The bytes a call's output range receives, from the return data in the output region
// to the caller's memory (sized and charged by the call).
fn copy_return(off: u32, n: u32) {
  let src = (out_at + param(PARAMS_OUT_RETURN)) * 4u;
  let dst = mem_at * 4u + off;
  for (var i = 0u; i < n; i++) {
    let b = (out[(src + i) >> 2u] >> (((src + i) & 3u) * 8u)) & 0xffu;
    let a = dst + i;
    let sh = (a & 3u) * 8u;
    scratch[a >> 2u] = (scratch[a >> 2u] & ~(0xffu << sh)) | (b << sh);
  }
}

// The end of a frame above the transaction's own: a create's code deposit, the
// rollback of a frame that reverted or halted (its state changes, logs, refunds), then
// the caller's registers back with its result pushed, the callee's gas left added and
// its return data, and the caller goes on (0). Outcomes that end the whole call
// (NeedsHost, the budgets, the scratch caps) and the end of the transaction's own
// frame are returned as they are.
fn frame_end(status: u32) -> u32 {
  if (!KERNEL_FRAMES || status >= OUTCOME_NEEDS_HOST || depth == 0u) {
    return status;
  }
  let f = frame_at;
  let kind = scratch[f + FRAME_KIND];
  let reverted = status == OUTCOME_REVERT;
  var ok = status < OUTCOME_REVERT;
  // An exceptional halt consumes the frame's gas.
  var left = select(vec2<u32>(0u, 0u), gas, ok || reverted);
  var result = u256_from_bool(ok);
  // A call's caller sees what it returned or reverted with; a create's, its revert data.
  var out_len = select(0u, end_len, ok || reverted);
  if (kind == FRAME_CREATE) {
    out_len = select(0u, end_len, reverted);
    let t = scratch[f + FRAME_CREATE_ACCT];
    if (ok) {
      // The deposit: EIP-170's size, per-byte gas, EIP-3541's 0xEF; failing any halts
      // the create. RETURN put the code in the code area already.
      let cost = u64_mul_sat(u64(end_len), GAS_CREATE_DATA);
      let at = param(PARAMS_OUT_CODE) + code_words;
      let ef = has_eip(EIP_3541) && end_len > 0u && end_len <= LIMIT_MAX_CODE_SIZE && (out[out_at + at] & 0xffu) == BYTE_CODE_PREFIX_EF;
      if (end_len > LIMIT_MAX_CODE_SIZE || u64_lt(left, cost) || ef) {
        ok = false;
        left = vec2<u32>(0u, 0u);
      } else {
        left = u64_sub(left, cost);
        if (end_len > 0u) {
          var s = acct_load(t);
          s.flags |= ACCT_CODE;
          s.code_at = at;
          s.code_len = end_len;
          acct_store(t, s);
          code_words += (end_len + 3u) / 4u;
        }
      }
    }
    result = pick(u256_zero(), acct_address(t), ok);
  }
  if (!ok) {
    undo_to(scratch[f + FRAME_UNDO_MARK]);
    log_count = scratch[f + FRAME_LOG_MARK];
    log_data_len = scratch[f + FRAME_LOG_DATA_MARK];
    code_words = scratch[f + FRAME_CODE_MARK];
    refund = vec2<u32>(scratch[f + FRAME_REFUND_MARK], scratch[f + FRAME_REFUND_MARK + 1u]);
  }
  let ret_off = scratch[f + FRAME_RET_OFF];
  let ret_len = scratch[f + FRAME_RET_LEN];
  end_len = 0u;
  frame_at -= FRAME_WORDS;
  depth -= 1u;
  var w: array<u32, FRAME_WORDS>;
  for (var k = FRAME_SAVED_PC; k < FRAME_WORDS + opaque; k++) {
    w[k] = scratch[frame_at + k];
  }
  pc = w[FRAME_SAVED_PC];
  sp = w[FRAME_SAVED_SP];
  stack_at = w[FRAME_SAVED_STACK_AT];
  stack_cap = w[FRAME_SAVED_STACK_CAP];
  mem_at = w[FRAME_SAVED_MEM_AT];
  mem_words = w[FRAME_SAVED_MEM_WORDS];
  mem_cap = w[FRAME_SAVED_MEM_CAP];
  gas = u64_add(vec2<u32>(w[FRAME_SAVED_GAS], w[FRAME_SAVED_GAS + 1u]), left);
  code_buf = w[FRAME_SAVED_CODE_BUF];
  code_base = w[FRAME_SAVED_CODE_BASE];
  code_len = w[FRAME_SAVED_CODE_LEN];
  jd_buf = w[FRAME_SAVED_JD_BUF];
  jd_at = w[FRAME_SAVED_JD_AT];
  data_buf = w[FRAME_SAVED_DATA_BUF];
  data_base = w[FRAME_SAVED_DATA_BASE];
  data_len = w[FRAME_SAVED_DATA_LEN];
  self_acct = w[FRAME_SAVED_SELF_ACCT];
  frame_flags = w[FRAME_SAVED_FLAGS];
  mode = w[FRAME_SAVED_MODE];
  program_at = w[FRAME_SAVED_PROGRAM_AT];
  rd_len = out_len;
  sp += 1u;
  put_stack_word(0u, result);
  if (kind == FRAME_CALL) {
    copy_return(ret_off, min(ret_len, out_len));
  }
  return 0u;
}
