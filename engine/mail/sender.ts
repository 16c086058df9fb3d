// Mails readers their notices, each once by its key, like the suppliers' outbox: claim a pending
// notice with a lease, hand it to the outlet under a Message-ID derived from its key, mark it.
import type { Logger } from 'pino';
import type { NodemailerError } from 'nodemailer';
import type { NetworkHolder } from '../network';
import type { RequestStore } from '../store/store';
import type { ClaimedNotice, ReaderMailStore } from '../store/reader-mail';
import { letterFor, readerAddress } from './letters';
import { mailId, type MailOutlet } from './outlets';

export interface SenderTimings {
  /** How often pending notices are looked for. */
  pollMs: number;
  /** How long a claimed notice is the claimant's alone, renewed as each is mailed: longer than one mail takes, however slow the server. */
  leaseMs: number;
  /** Notices claimed at once. */
  batch: number;
  /** The wait after a first failed try, doubled with each further one up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/** One mail takes at most 50 s (the SMTP outlet's waits), well within its lease. */
export const SENDER_TIMINGS: SenderTimings = { pollMs: 2_000, leaseMs: 10 * 60_000, batch: 10, retryBaseMs: 30_000, retryMaxMs: 60 * 60_000 };

export interface SenderDependencies {
  mail: ReaderMailStore;
  requests: Pick<RequestStore, 'getRequest'>;
  network: Pick<NetworkHolder, 'current'>;
  outlet: MailOutlet;
  /** The sender's address (`MAIL_FROM`), `Name <address>` or an address. */
  from: string;
  log: Logger;
}

/** `ill.example.org` of `CALIS ILL <ill@ill.example.org>`: where the Message-IDs are made. */
function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

export class ReaderMailSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  /** Aborted when the service stops, so that a mail server that hangs does not hold the stop. */
  private stopping = new AbortController();
  private readonly timings: SenderTimings;

  constructor(
    private readonly deps: SenderDependencies,
    timings: Partial<SenderTimings> = {},
  ) {
    this.timings = { ...SENDER_TIMINGS, ...timings };
  }

  start(): void {
    this.stopped = false;
    this.stopping = new AbortController();
    this.schedule(0);
  }

  /**
   * Stops looking for notices, gives up on a mail server still talking and puts back what the batch
   * in hand has not mailed, for the next instance to mail at once; the outlet is closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.running;
    this.deps.outlet.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'reader mail: could not look for notices'))
        .finally(() => this.schedule(this.timings.pollMs));
    }, ms);
  }

  /** Mails one batch of pending notices; how many were claimed. */
  async round(): Promise<number> {
    const claimed = await this.deps.mail.claimReaderMail(this.timings.batch, this.timings.leaseMs);
    for (const notice of claimed) {
      // Those not yet tried go back at once, for whichever instance runs next.
      if (this.stopping.signal.aborted) await this.deps.mail.mailLater(notice, 0, 'the service stopped before mailing it');
      // A batch slower than its lease may have lost a notice to another instance, which mails it.
      else if (await this.deps.mail.holdLease(notice, this.timings.leaseMs)) await this.mailOne(notice);
    }
    return claimed.length;
  }

  private async mailOne(claimed: ClaimedNotice): Promise<void> {
    const { notice, attempts } = claimed;
    const { mail, requests, network, outlet, from, log } = this.deps;
    const stored = await requests.getRequest(notice.requestId);
    const library = network.current().config.libraries.find((l) => l.id === notice.libraryId);
    const to = readerAddress(stored?.request.requester ?? { patronId: notice.patronId }, library);
    if (!to) {
      await mail.markMailed(notice.key, { status: 'no-address' });
      return;
    }
    const id = mailId(notice.key);
    const messageId = `<${id}@${domainOf(from)}>`;
    try {
      await outlet.deliver({ id, messageId, from, to, ...letterFor(notice, stored?.request) }, this.stopping.signal);
    } catch (error) {
      const reason = (error as Error).message;
      if (this.stopping.signal.aborted) {
        await mail.mailLater(claimed, 0, `the service stopped while mailing it: ${reason}`);
      } else if ((error as NodemailerError).permanent === true) {
        log.warn({ key: notice.key, to, reason }, 'reader mail: address refused');
        await mail.markMailed(notice.key, { status: 'refused', to, error: reason });
      } else {
        const delay = Math.min(this.timings.retryBaseMs * 2 ** (attempts - 1), this.timings.retryMaxMs);
        log.info({ key: notice.key, reason, delay }, 'reader mail: will try again');
        await mail.mailLater(claimed, delay, reason);
      }
      return;
    }
    // Should the service stop here, after the mail server took the message and before it is
    // marked, the notice is claimed again once its lease runs out and the reader is mailed again,
    // under the same Message-ID: their mail client shows it once.
    await mail.markMailed(notice.key, { status: outlet.handed, to, messageId });
  }
}
