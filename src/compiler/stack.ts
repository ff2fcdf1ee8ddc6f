/**
 * Stage 5: the stack inside a fragment. Its height relative to the fragment's entry is
 * known at every instruction, so each stack item is a register of the kernel's
 * private register file instead of a scratch slot: an entry item (registers 0..n-1,
 * read by the entry check), a constant (PUSH, PC: a register only once an instruction
 * or the write-back needs it), or the result of an earlier instruction. DUP, SWAP and
 * POP only rename. At the fragment's end the items not already in their own scratch
 * slot are written back, once.
 */
export type StackValue =
  /** The entry item at offset `off` from the entry height (-1: the entry top). */
  | { readonly kind: 'entry'; readonly off: number }
  | { readonly kind: 'const'; readonly value: bigint; reg?: number }
  | { readonly kind: 'reg'; readonly reg: number };

export class SymbolicStack {
  /** Bottom first; index i holds the item at offset i - entryDepth. */
  private items: StackValue[];
  private next: number;

  /** `firstFree`: the first register past the entry items. */
  constructor(
    private readonly entryDepth: number,
    firstFree: number,
    private readonly loadConst: (value: bigint, reg: number) => void,
  ) {
    this.items = Array.from({ length: entryDepth }, (_, i) => ({ kind: 'entry', off: i - entryDepth }));
    this.next = firstFree;
  }

  push(v: StackValue): void {
    this.items.push(v);
  }

  pop(): StackValue {
    const v = this.items.pop();
    if (!v) throw new Error('compiler: fragment stack underflow (its required height is wrong)');
    return v;
  }

  /** Depth 0 is the top. */
  peek(depth: number): StackValue {
    const v = this.items[this.items.length - 1 - depth];
    if (!v) throw new Error('compiler: fragment stack underflow (its required height is wrong)');
    return v;
  }

  swap(depth: number): void {
    const top = this.items.length - 1;
    [this.items[top], this.items[top - depth]] = [this.items[top - depth], this.items[top]];
  }

  /** A fresh register for a result. */
  fresh(): number {
    return this.next++;
  }

  registersUsed(): number {
    return this.next;
  }

  /** The register holding the value, loading a constant into one on first use. */
  reg(v: StackValue): number {
    if (v.kind === 'reg') return v.reg;
    if (v.kind === 'entry') return -1 - v.off;
    if (v.reg === undefined) {
      v.reg = this.fresh();
      this.loadConst(v.value, v.reg);
    }
    return v.reg;
  }

  /** Net height change since entry. */
  change(): number {
    return this.items.length - this.entryDepth;
  }

  /** The write-back: every item not in its own slot, as (offset from the entry height, register). */
  writeBack(): { off: number; reg: number }[] {
    const out: { off: number; reg: number }[] = [];
    this.items.forEach((v, i) => {
      const off = i - this.entryDepth;
      if (v.kind === 'entry' && v.off === off) return;
      out.push({ off, reg: this.reg(v) });
    });
    return out;
  }
}
