import { Hardfork } from '@ethereumjs/common';

/** A mainnet fork, Frontier..Prague, in execution-spec naming. */
export const FORKS = [
  'Frontier', 'Homestead', 'DAO', 'TangerineWhistle', 'SpuriousDragon', 'Byzantium', 'Constantinople',
  'Petersburg', 'Istanbul', 'MuirGlacier', 'Berlin', 'London', 'ArrowGlacier', 'GrayGlacier', 'Paris',
  'Shanghai', 'Cancun', 'Prague',
] as const;
export type Fork = (typeof FORKS)[number];

const TO_HARDFORK: Record<Fork, Hardfork> = {
  Frontier: Hardfork.Chainstart,
  Homestead: Hardfork.Homestead,
  DAO: Hardfork.Dao,
  TangerineWhistle: Hardfork.TangerineWhistle,
  SpuriousDragon: Hardfork.SpuriousDragon,
  Byzantium: Hardfork.Byzantium,
  Constantinople: Hardfork.Constantinople,
  Petersburg: Hardfork.Petersburg,
  Istanbul: Hardfork.Istanbul,
  MuirGlacier: Hardfork.MuirGlacier,
  Berlin: Hardfork.Berlin,
  London: Hardfork.London,
  ArrowGlacier: Hardfork.ArrowGlacier,
  GrayGlacier: Hardfork.GrayGlacier,
  Paris: Hardfork.Paris,
  Shanghai: Hardfork.Shanghai,
  Cancun: Hardfork.Cancun,
  Prague: Hardfork.Prague,
};

/** Names other tools use for the same forks (geth, ethereum/tests, ethereumjs). */
const ALIASES: Record<string, Fork> = {
  chainstart: 'Frontier',
  eip150: 'TangerineWhistle',
  eip158: 'SpuriousDragon',
  constantinoplefix: 'Petersburg',
  merge: 'Paris',
  mergenetsplitblock: 'Paris',
};

const BY_LOWER = new Map<string, Fork>([
  ...FORKS.map((f) => [f.toLowerCase(), f] as [string, Fork]),
  ...Object.entries(ALIASES),
  ...Object.entries(TO_HARDFORK).map(([f, h]) => [h.toLowerCase(), f as Fork] as [string, Fork]),
]);

/** Resolves any accepted spelling of a fork name, or undefined. */
export function parseFork(name: string): Fork | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

export function toHardfork(fork: Fork): Hardfork {
  return TO_HARDFORK[fork];
}

export function fromHardfork(hf: string): Fork | undefined {
  return BY_LOWER.get(hf.toLowerCase());
}

export function forkIndex(fork: Fork): number {
  return FORKS.indexOf(fork);
}

/** True when `fork` is `than` or later. */
export function forkAtLeast(fork: Fork, than: Fork): boolean {
  return forkIndex(fork) >= forkIndex(than);
}
