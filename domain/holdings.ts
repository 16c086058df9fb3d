import type { IllRequest } from './request';

/** A library holding an item, with its own record of it where known (union catalogues and ISO 18626 peers ask for it). */
export interface Holding {
  libraryId: string;
  /** The holder's record id, sent to it as ISO 18626 `supplierUniqueRecordId`. */
  recordId?: string;
  /** Where the item stands on the holder's shelves, for its pull slip. */
  callNumber?: string;
}

/** A holder as a request may name it: a library id, or a holding with its record. */
export type HoldingRef = string | Holding;

export const holdingOf = (ref: HoldingRef): Holding => (typeof ref === 'string' ? { libraryId: ref } : ref);

/** Who holds an item: the shipped holdings data today; a union-catalogue client (SRU, say) can stand in its place. */
export interface HoldingsLookup {
  holders(request: IllRequest): Promise<Holding[]>;
}
