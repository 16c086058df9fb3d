import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface TestMailServer {
  url: string;
  port: number;
  /** Every message taken, parsed, in the order they came. */
  received: ParsedMail[];
  /** The next `count` messages are answered 451 (try again later) and not taken. */
  deferNext(count: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on the loopback, taking any sender without authentication; recipients whose
 * address `refuses` are answered 550, as a server answers an address it does not know.
 */
export async function startMailServer(options: { port?: number; refuses?: (address: string) => boolean } = {}): Promise<TestMailServer> {
  const received: ParsedMail[] = [];
  let deferred = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuses?.(address.address)) {
        callback(Object.assign(new Error(`${address.address}: no such user`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (deferred > 0) {
            deferred--;
            callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
            return;
          }
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    deferNext: (count) => (deferred = count),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
