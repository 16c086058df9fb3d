/** A charge posted for settlement between the requesting library and the supplier that filled. */
export interface Charge {
  /** `<workflow id>:charge:<attempt>`: a retried activity never charges twice. */
  key: string;
  requestId: string;
  libraryId: string;
  supplierId: string;
  amount: number;
  currency: string;
}

// The centre's books: every fill, and every reversal of one, is a transaction of postings that sum
// to zero. A posting's amount is in hundredths of its currency (fen for CNY), a whole number, so
// balances add up exactly: positive is a debit (the account owes the centre's settlement), negative
// a credit (the settlement owes the account).

/** Whose account a posting is on: a member library as requester, a supplier, or the centre itself. */
export type AccountKind = 'library' | 'supplier' | 'centre';

export interface Account {
  kind: AccountKind;
  /** The library's or supplier's id; `centre` for the centre. */
  id: string;
}

export const CENTRE_ACCOUNT: Account = { kind: 'centre', id: 'centre' };

/** `price`: what the supplier asked; `fee`: the centre's; `subsidy`: the centre's part of the library's share; `reversal`: one of those undone. */
export type PostingKind = 'price' | 'fee' | 'subsidy' | 'reversal';

export interface Posting {
  /** Unique: a transaction posted twice posts nothing the second time. */
  key: string;
  /** The charge's key, or `<charge key>:reversed`: the postings of one transaction sum to zero. */
  transactionKey: string;
  account: Account;
  /** The account on the other side of this posting's pair. */
  counterparty: Account;
  /** Hundredths of the currency, positive a debit; an integer. */
  amountMinor: number;
  currency: string;
  requestId: string;
  /** `YYYY-MM`, in China time (Asia/Shanghai): the statement it falls in. */
  month: string;
  kind: PostingKind;
  postedAt: string;
  /** The posting a reversal undoes. */
  reverses?: string;
}

/**
 * What the centre takes and gives on each fill, as the policy's `settlement` section sets it. Shares
 * are fractions of the price; a fixed amount applies to prices in its own currency only, since the
 * engine converts no money.
 */
export interface SettlementTerms {
  fee?: { share?: number; fixed?: { amount: number; currency: string } };
  /** The share of the price the centre pays toward the library's part: by library first, then by the supplier's kind, else `share`. */
  subsidy?: { share?: number; bySupplierKind?: Record<string, number>; byLibrary?: Record<string, number> };
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The day (`YYYY-MM-DD`, China time) an instant falls on, as statements date their postings. */
export function ledgerDate(at: string | Date): string {
  const parts = Object.fromEntries(dayFormat.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The statement month (`YYYY-MM`, China time) an instant falls in. */
export const ledgerMonth = (at: string | Date): string => ledgerDate(at).slice(0, 7);

/**
 * An amount in units of its currency (yuan) as a whole number of hundredths (fen), rounded half away
 * from zero as written in decimal: 1.005 is 101, although 1.005 × 100 is 100.4999… in binary.
 */
export const toMinor = (amount: number): number => shareOf(amount, 100);

/** `minor × share`, rounded half away from zero as written in decimal: 45 fen at 0.7 is 32, although 45 × 0.7 is 31.4999… in binary. */
const shareOf = (minor: number, share: number): number => Math.sign(minor * share) * Math.round(Number(Math.abs(minor * share).toPrecision(15)));

/** Hundredths as a decimal amount with two places, exact: `-1234` is `-12.34`. */
export function formatMinor(minor: number): string {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The centre's fee and subsidy on a price of `priceMinor`, in hundredths. */
export function settlementOf(charge: Pick<Charge, 'libraryId' | 'currency'>, priceMinor: number, supplierKind: string | undefined, terms: SettlementTerms = {}): { fee: number; subsidy: number } {
  const { fee, subsidy } = terms;
  const fixed = fee?.fixed && fee.fixed.currency === charge.currency ? toMinor(fee.fixed.amount) : 0;
  const subsidyShare = subsidy?.byLibrary?.[charge.libraryId] ?? (supplierKind === undefined ? undefined : subsidy?.bySupplierKind?.[supplierKind]) ?? subsidy?.share ?? 0;
  return { fee: shareOf(priceMinor, fee?.share ?? 0) + fixed, subsidy: Math.min(priceMinor, shareOf(priceMinor, subsidyShare)) };
}

/**
 * The postings of a fill's charge: the requesting library is debited the price and the supplier
 * credited it; the library pays the centre its fee, and the centre pays its subsidy toward the
 * library's part. Each is a pair that sums to zero; a pair of nothing is left out.
 */
export function postingsOf(charge: Charge, supplierKind: string | undefined, terms: SettlementTerms | undefined, postedAt: string): Posting[] {
  const library: Account = { kind: 'library', id: charge.libraryId };
  const supplier: Account = { kind: 'supplier', id: charge.supplierId };
  const price = toMinor(charge.amount);
  const { fee, subsidy } = settlementOf(charge, price, supplierKind, terms);
  const common = { transactionKey: charge.key, currency: charge.currency, requestId: charge.requestId, month: ledgerMonth(postedAt), postedAt };
  const pair = (kind: PostingKind, debited: Account, credited: Account, amountMinor: number): Posting[] =>
    amountMinor === 0
      ? []
      : [
          { ...common, key: `${charge.key}:${kind}:${debited.kind}`, account: debited, counterparty: credited, amountMinor, kind },
          { ...common, key: `${charge.key}:${kind}:${credited.kind}`, account: credited, counterparty: debited, amountMinor: -amountMinor, kind },
        ];
  return [...pair('price', library, supplier, price), ...pair('fee', library, CENTRE_ACCOUNT, fee), ...pair('subsidy', CENTRE_ACCOUNT, library, subsidy)];
}
