// The rules fired for a request's candidates, packed 32 candidates to a word, as the decision reads
// them. A rule fires for a tenth of the candidates or fewer, mostly: reading its row a byte per
// candidate costs as much for the nine tenths it did not fire for, while a packed row gives the
// candidates it fired for, and whether it fired for any, at a word per 32 candidates.

import type { Firings } from './rank';

export class FiredBits {
  /** Words per rule. */
  private words = 0;
  private count = 0;

  /**
   * `bits` and `hits` are the network's room, enough for every rule and every supplier, read
   * before the next decision packs into them.
   */
  constructor(
    readonly bits: Int32Array,
    private readonly hits: Int32Array,
  ) {}

  /** For rows of `count` candidates written into `bits` as they are packed. */
  over(count: number): this {
    this.words = (count + 31) >>> 5;
    this.count = count;
    return this;
  }

  /** Unpacks the first `rules` rows into `out`, a byte per rule and candidate (`Firings.mask`). */
  unpack(out: Uint8Array, rules: number): Uint8Array {
    const { count, words } = this;
    for (let k = 0; k < rules; k++) {
      for (let at = 0; at < count; at++) out[k * count + at] = ((this.bits[k * words + (at >>> 5)] as number) >>> (at & 31)) & 1;
    }
    return out;
  }

  /** Packs `firings` for `count` candidates. */
  pack(firings: Firings, count: number): this {
    const { mask } = firings;
    this.over(count);
    for (let k = 0, row = 0, slot = 0; k < firings.rules.length; k++, row += count) {
      for (let at = 0; at < count; slot++) {
        const end = Math.min(count, at + 32);
        let word = 0;
        for (let bit = 0; at < end; at++, bit++) word |= (mask[row + at] as number) << bit;
        this.bits[slot] = word;
      }
    }
    return this;
  }

  /** Whether the `k`th rule fired for candidate `at`. */
  has(k: number, at: number): boolean {
    return (((this.bits[k * this.words + (at >>> 5)] as number) >>> (at & 31)) & 1) === 1;
  }

  /** Whether the `k`th rule fired for any candidate. */
  any(k: number): boolean {
    for (let w = k * this.words; w < (k + 1) * this.words; w++) if (this.bits[w] !== 0) return true;
    return false;
  }

  /**
   * The candidates the `k`th rule fired for, in order: `fired` returns how many, and `hit(i)` gives
   * the `i`th, until the next call to `fired`.
   */
  fired(k: number): number {
    let count = 0;
    for (let w = 0; w < this.words; w++) {
      let word = this.bits[k * this.words + w] as number;
      while (word !== 0) {
        const low = word & -word;
        this.hits[count++] = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    return count;
  }

  hit(i: number): number {
    return this.hits[i] as number;
  }
}
