import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ReaderNotice } from '../../domain/notices';

/**
 * How a reader's notice stands as mail: `pending` until mailed; `sent` through the mail server, or
 * `kept` as a file for a person to read where there is none; `no-address` when neither the reader
 * nor their library gave one; `refused` when the mail server refused the address for good;
 * `predates-mail` for notices written before readers were mailed.
 */
export type MailStatus = 'pending' | 'sent' | 'kept' | 'no-address' | 'refused' | 'predates-mail';

/** A notice claimed for mailing, with how many times it has been claimed (this one included). */
export interface ClaimedNotice {
  notice: ReaderNotice;
  attempts: number;
  /** The claim's own mark on the lease, for telling whether the lease is still the claimant's. */
  lease: string;
}

export interface ReaderMail {
  key: string;
  requestId: string;
  kind: ReaderNotice['kind'];
  status: MailStatus;
  attempts: number;
  to?: string;
  messageId?: string;
  error?: string;
  mailedAt?: string;
}

/** Readers' notices as mail, each mailed once by its notice's key. */
export interface ReaderMailStore {
  /**
   * Up to `limit` notices due to be mailed, each leased to the caller for `leaseMs`: no other claim
   * takes a notice until it is marked or its lease runs out (its sender gone), whichever comes first.
   */
  claimReaderMail(limit: number, leaseMs: number): Promise<ClaimedNotice[]>;
  /**
   * Renews a claimed notice's lease for `leaseMs` from now, if it is still pending under the claim's
   * lease; false when it was marked or another claim has taken it since the lease ran out.
   */
  holdLease(claimed: ClaimedNotice, leaseMs: number): Promise<boolean>;
  /** How a claimed notice's mail ended; a notice marked already stays as it was. */
  markMailed(key: string, outcome: { status: Exclude<MailStatus, 'pending' | 'predates-mail'>; to?: string; messageId?: string; error?: string }): Promise<void>;
  /** Leaves a claimed notice to be tried again `delayMs` from now, unless another claim has taken it since. */
  mailLater(claimed: ClaimedNotice, delayMs: number, error: string): Promise<void>;
  /** A request's notices as mail, oldest first. */
  readerMail(requestId: string): Promise<ReaderMail[]>;
}

interface NoticeRow {
  key: string;
  request_id: string;
  library_id: string;
  patron_id: string;
  kind: ReaderNotice['kind'];
  detail: Record<string, unknown>;
  mail_attempts: number;
  mail_status: MailStatus;
  mail_to: string | null;
  mail_message_id: string | null;
  mail_error: string | null;
  mailed_at: Date | string | null;
}

/**
 * Leases the next pending notices by the database's clock, which every instance shares. `skip
 * locked` lets two instances claim at once, each passing over the rows the other is taking.
 */
const CLAIM = `
update reader_notices set mail_lease_until = now() + ? * interval '1 millisecond', mail_lease_holder = ?, mail_attempts = mail_attempts + 1
where key in (
  select key from reader_notices
  where mail_status = 'pending' and mail_next_at <= now() and (mail_lease_until is null or mail_lease_until < now())
  order by mail_next_at, key
  limit ?
  for update skip locked
)
returning key, request_id, library_id, patron_id, kind, detail, mail_attempts`;

export class KnexReaderMailStore implements ReaderMailStore {
  constructor(private readonly db: Knex) {}

  async claimReaderMail(limit: number, leaseMs: number): Promise<ClaimedNotice[]> {
    const lease = randomUUID();
    const { rows } = await this.db.raw<{ rows: NoticeRow[] }>(CLAIM, [leaseMs, lease, limit]);
    return rows.map((row) => ({
      notice: { key: row.key, requestId: row.request_id, libraryId: row.library_id, patronId: row.patron_id, kind: row.kind, detail: row.detail },
      attempts: row.mail_attempts,
      lease,
    }));
  }

  async holdLease({ notice, lease }: ClaimedNotice, leaseMs: number): Promise<boolean> {
    const renewed = await this.db('reader_notices')
      .where({ key: notice.key, mail_status: 'pending', mail_lease_holder: lease })
      .update({ mail_lease_until: this.db.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]) });
    return renewed === 1;
  }

  async markMailed(key: string, outcome: { status: Exclude<MailStatus, 'pending' | 'predates-mail'>; to?: string; messageId?: string; error?: string }): Promise<void> {
    await this.db('reader_notices')
      .where({ key, mail_status: 'pending' })
      .update({
        mail_status: outcome.status,
        mail_to: outcome.to ?? null,
        mail_message_id: outcome.messageId ?? null,
        mail_error: outcome.error ?? null,
        mail_lease_until: null,
        mail_lease_holder: null,
        mailed_at: this.db.fn.now(),
      });
  }

  async mailLater({ notice, lease }: ClaimedNotice, delayMs: number, error: string): Promise<void> {
    await this.db('reader_notices')
      .where({ key: notice.key, mail_status: 'pending', mail_lease_holder: lease })
      .update({ mail_next_at: this.db.raw(`now() + ? * interval '1 millisecond'`, [delayMs]), mail_lease_until: null, mail_lease_holder: null, mail_error: error });
  }

  async readerMail(requestId: string): Promise<ReaderMail[]> {
    const rows = await this.db<NoticeRow>('reader_notices').where({ request_id: requestId }).orderBy(['created_at', 'key']);
    return rows.map((row) => ({
      key: row.key,
      requestId: row.request_id,
      kind: row.kind,
      status: row.mail_status,
      attempts: row.mail_attempts,
      ...(row.mail_to ? { to: row.mail_to } : {}),
      ...(row.mail_message_id ? { messageId: row.mail_message_id } : {}),
      ...(row.mail_error ? { error: row.mail_error } : {}),
      ...(row.mailed_at ? { mailedAt: new Date(row.mailed_at).toISOString() } : {}),
    }));
  }
}
