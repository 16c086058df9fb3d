// A decision's exclusions, in supplier id order, made with as little as a decision that cuts a
// hundred holders below its rota can afford.

import type { NetworkConfig } from './types';
import type { Exclusion, Network } from './network';
import type { ExclusionCause } from '../domain/decision';

/** The engine's name for the cut below a full rota, as decisions cite it. */
export const ROTA_LENGTH = 'builtin:rota-length';

/** Why a supplier ranked below a full rota is not in it; the rota is full whenever one is cut. */
function cutReason(config: NetworkConfig): string {
  const { maxRotaLength } = config.policy.escalation;
  const where = config.rotaLengthSource;
  return `ranked below the ${maxRotaLength} supplier(s) the rota holds (${ROTA_LENGTH}, policy escalation.maxRotaLength ${maxRotaLength}${where ? `, from ${where.file}:${where.line}` : ''})`;
}

function cutCause(config: NetworkConfig): ExclusionCause {
  const where = config.rotaLengthSource;
  return Object.freeze({ code: 'rota-length', max: config.policy.escalation.maxRotaLength, ...(where ? { at: { file: where.file, line: where.line } } : {}) });
}

/** Marks `Exclusions.slots` gives a supplier ranked below a full rota. */
const CUT = -1;

/**
 * A decision's exclusions in supplier id order. A rota cut can exclude a hundred holders a
 * decision, and decisions are kept, so this allocates little: each supplier is excluded at most
 * once, so its exclusion takes the slot of its rank by id and they are read back in rank order,
 * and a cut supplier's entry is the network's own.
 */
export class Exclusions {
  private readonly others: Exclusion[] = [];
  /** By rank: 0 not excluded, CUT, or 1 + the place of its entry in `others`; the network's room, all 0 again once read. */
  private readonly slots: Int32Array;
  private size = 0;

  constructor(private readonly network: Network) {
    this.slots = network.slots;
  }

  add(index: number, entry: Exclusion): void {
    this.others.push(entry);
    this.slots[this.network.idRank[index] as number] = this.others.length;
    this.size++;
  }

  /** A supplier ranked below a full rota; its entry is made once per network. */
  cut(index: number): void {
    const { config } = this.network;
    this.network.cut[index] ??= Object.freeze({
      supplierId: config.suppliers[index]?.id ?? '',
      reasons: Object.freeze([cutReason(config)]) as string[],
      causes: Object.freeze([cutCause(config)]) as ExclusionCause[],
    });
    this.slots[this.network.idRank[index] as number] = CUT;
    this.size++;
  }

  sorted(): Exclusion[] {
    const { byRank, cut } = this.network;
    const sorted = new Array<Exclusion>(this.size);
    let at = 0;
    for (let rank = 0; at < this.size; rank++) {
      const slot = this.slots[rank] as number;
      this.slots[rank] = 0;
      if (slot === CUT) sorted[at++] = cut[byRank[rank] as number] as Exclusion;
      else if (slot > 0) sorted[at++] = this.others[slot - 1] as Exclusion;
    }
    return sorted;
  }
}
