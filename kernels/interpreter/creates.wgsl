//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/memory interpreter/keccak
//! requires: interpreter/state interpreter/accounts interpreter/frames interpreter/calls
// CREATE, CREATE2 and SELFDESTRUCT, after their charge. A create checks what fails it
// before any address is made (create_check), hashes its address (hash_step, which
// KECCAK256 shares: the kernel holds one keccak), then runs its init code as a frame
// (create_start); the frame's end deposits the code (interpreter/frames). As
// @ethereumjs/evm's interpreter.ts create() and evm.ts _executeCreate().

// What create_check found: whether the create goes on to an address, the gas its frame
// gets (EIP-150), and the creator's nonce (CREATE's address is made from it).
var<private> create_go: bool;
var<private> create_gas: vec2<u32>;
var<private> create_nonce: vec2<u32>;

// Operands: value arg[0], init code offset arg[1] and length arg[2], CREATE2's salt arg[3].
fn create_check(op: u32) -> u32 {
  create_go = false;
  res[0] = u256_zero();
  // EIP-3860: init code over the limit halts the creating frame.
  let limit = LIMIT_MAX_INIT_CODE_SIZE_BY_FORK[param(PARAMS_FORK_ROW)];
  if (limit != 0u && u256_lt(u256_from_u32(limit), arg[2])) {
    return OUTCOME_INITCODE_SIZE_EXCEEDED;
  }
  create_gas = all_but_64th(gas);
  let len = select(arg[2][0], 0u, u256_is_zero(arg[2]));
  let at = mem_at * 4u + arg[1][0];
  // Init code starting like EOF (EF00) creates nothing; the return data stays.
  if (len >= 2u && region_byte(BUF_SCRATCH, at) == BYTE_CODE_PREFIX_EF && region_byte(BUF_SCRATCH, at + 1u) == 0u) {
    return 0u;
  }
  rd_len = 0u;
  // The balance and nonce checks read the creator (for the validator, as calls do).
  acct_read(self_acct, ACCT_READ);
  if (depth >= LIMIT_CALL_DEPTH || u256_lt(acct_balance(self_acct), arg[0])) {
    return 0u;
  }
  // EIP-2681: a creator at the last nonce creates nothing.
  create_nonce = acct_nonce(self_acct);
  if ((create_nonce.x & create_nonce.y) == 0xffffffffu) {
    return 0u;
  }
  create_go = true;
  return 0u;
}

// Big-endian byte k of a word.
fn word_byte(v: u256, k: u32) -> u32 {
  return (v[7u - (k >> 2u)] >> ((3u - (k & 3u)) * 8u)) & 0xffu;
}

// Bytes of the nonce's big-endian form without leading zeros (0 for nonce 0).
fn nonce_bytes(n: vec2<u32>) -> u32 {
  let hi = select(0u, 4u - (countLeadingZeros(n.y) >> 3u), n.y != 0u);
  return select(select(0u, 4u - (countLeadingZeros(n.x) >> 3u), n.x != 0u), 4u + hi, n.y != 0u);
}

// Byte j of a create's address preimage: CREATE2's 0xff ++ creator ++ salt ++ h
// (keccak of the init code), CREATE's RLP list [creator, nonce].
fn preimage_byte(op: u32, j: u32, creator: u256, h: u256) -> u32 {
  if (op == OP_CREATE2) {
    if (j == 0u) {
      return BYTE_CREATE2_PREFIX;
    }
    if (j <= 20u) {
      return word_byte(creator, 11u + j);
    }
    return word_byte(pick(h, arg[3], j <= 52u), select(j - 53u, j - 21u, j <= 52u));
  }
  let n = nonce_bytes(create_nonce);
  // A nonce below 128 is its own byte (0 is the empty string), a larger one a string.
  let small = n <= 1u && create_nonce.x < BYTE_RLP_STRING;
  let enc = select(1u + n, 1u, small);
  if (j == 0u) {
    return BYTE_RLP_LIST + 21u + enc;
  }
  if (j == 1u) {
    return BYTE_RLP_STRING + 20u;
  }
  if (j <= 21u) {
    return word_byte(creator, 10u + j);
  }
  if (small) {
    return select(create_nonce.x, BYTE_RLP_STRING, create_nonce.x == 0u);
  }
  if (j == 22u) {
    return BYTE_RLP_STRING + n;
  }
  let k = n - 1u - (j - 23u);
  return (select(create_nonce.x, create_nonce.y, k >= 4u) >> ((k & 3u) * 8u)) & 0xffu;
}

// KECCAK256's digest of memory, or a create's address (CREATE2 hashes its init code
// first): the kernel's one call of the keccak sponge.
fn hash_step(op: u32) -> u256 {
  var h = u256_zero();
  let creator = read_u256(BUF_SCRATCH, frame_at + FRAME_ADDRESS);
  let rounds = select(1u, 2u, op == OP_CREATE2);
  for (var round = 0u; round < rounds + opaque; round++) {
    let keccak = op == OP_KECCAK256;
    let len_word = pick(arg[2], arg[1], keccak);
    var base = mem_at * 4u + select(arg[1][0], arg[0][0], keccak);
    var len = select(len_word[0], 0u, u256_is_zero(len_word));
    if (op != OP_KECCAK256 && round + 1u == rounds) {
      // CREATE2: 1 + 20 + 32 + 32 bytes; CREATE: the list header, the address as a
      // string, the nonce (one byte below 128, else a string of its bytes).
      let n = nonce_bytes(create_nonce);
      let small = n <= 1u && create_nonce.x < BYTE_RLP_STRING;
      len = select(select(23u + n, 23u, small), 85u, op == OP_CREATE2);
      for (var j = 0u; j < len; j += 4u) {
        var w = 0u;
        for (var b = 0u; b < 4u; b++) {
          w |= select(0u, preimage_byte(op, j + b, creator, h), j + b < len) << (8u * b);
        }
        scratch[hash_at + (j >> 2u)] = w;
      }
      base = hash_at * 4u;
    }
    h = keccak_scratch(base, len);
  }
  return h;
}

// The create after its address is known: the creator's nonce, the collision check
// (EIP-684, EIP-7610), then the init code's frame, or the empty account at once.
fn create_start(op: u32, h: u256) -> u32 {
  let address = to_address(h);
  let creator = self_acct;
  var s = acct_load(creator);
  s.nonce = u64_add(create_nonce, u64(1u));
  s.flags |= ACCT_WRITTEN;
  acct_store(creator, s);
  let t = acct_touch(address);
  if (t == NOT_FOUND) {
    return 0u;
  }
  // The address is warm from here, in the creator's frame (EIP-2929).
  acct_mark(t, ACCT_WARM);
  acct_read(t, ACCT_READ | ACCT_STORAGE_READ);
  let n = acct_nonce(t);
  if ((n.x | n.y) != 0u || acct_code(t, true).len != 0u || (entry_u32(acct_entry(t), ACCOUNT_FLAGS) & ACCOUNT_STORAGE) != 0u) {
    // A collision consumes the gas the frame would have had.
    gas = u64_sub(gas, create_gas);
    return 0u;
  }
  let len = select(arg[2][0], 0u, u256_is_zero(arg[2]));
  let value = arg[0];
  if (len == 0u) {
    // No init code: the account is made in the creator's frame, where nothing can fail.
    request_move(creator, t, value, MOVE_CREATES);
    res[0] = address;
    return 0u;
  }
  let init = mem_at * 4u + arg[1][0];
  let caller = read_u256(BUF_SCRATCH, frame_at + FRAME_ADDRESS);
  gas = u64_sub(gas, create_gas);
  if (!frame_push(select(3u, 4u, op == OP_CREATE2), FRAME_CREATE, t, 0u, 0u, address, caller, value)) {
    return 0u;
  }
  pushed = true;
  gas = create_gas;
  self_acct = t;
  data_buf = BUF_BLOB;
  data_base = 0u;
  data_len = 0u;
  var c: CodeRef;
  c.buf = BUF_SCRATCH;
  c.base = init;
  c.len = len;
  c.jd_buf = NOT_FOUND;
  enter_code(c);
  request_move(creator, t, value, MOVE_CREATES);
  return 0u;
}

// SELFDESTRUCT after its charge: the refund for an account's first (EIP-3529: none from
// London), the balance to the beneficiary, the account marked for the end of the
// transaction (deleted there, from Cancun only if created in it: EIP-6780), which
// also decides whether a balance left to itself is burnt. Ends the frame as STOP.
fn selfdestruct_run() -> u32 {
  let ben = call_target;
  let self_ = self_acct;
  if (!acct_has(self_, ACCT_DESTROYED)) {
    refund = u64_add(refund, u64(GAS_SELFDESTRUCT_REFUND_BY_FORK[param(PARAMS_FORK_ROW)]));
  }
  // The balance goes to the beneficiary, or when it is the account itself, is burnt if
  // the account is deleted at the end (always before Cancun, EIP-6780: if created in
  // this transaction). The move marks the account destroyed.
  var value = acct_balance(self_);
  var how = MOVE_UNTOUCHED_FROM | MOVE_DESTROYS;
  if (ben == self_) {
    how |= MOVE_PAYER_ONLY;
    if (has_eip(EIP_6780) && !acct_has(self_, ACCT_CREATED)) {
      value = u256_zero();
    }
  }
  request_move(self_, ben, value, how);
  return OUTCOME_STOP;
}
