// Where readers' mail goes: a mail server (SMTP_URL), or, with none, files under the data
// directory's mail/ that an administrator reads through the API. Mail is never dropped.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { simpleParser, type AddressObject } from 'mailparser';
import type { KeptMail } from '../../domain/kept-mail';

export interface Outgoing {
  /** Derived from the notice's key: the same notice is always the same mail. */
  id: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailOutlet {
  /** What a notice handed over became: `sent` through a mail server, or `kept` as a file. */
  readonly handed: 'sent' | 'kept';
  /** `signal` gives up on a mail server still talking when the service stops. */
  deliver(mail: Outgoing, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** A notice's mail id, and with it its Message-ID (`<id@domain of the sender>`) and its file's name. */
export function mailId(noticeKey: string): string {
  return createHash('sha256').update(noticeKey).digest('hex').slice(0, 32);
}

const message = (mail: Outgoing) => ({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });

/**
 * Through the mail server `smtpUrl` names. The waits are bounded so that one server that takes the
 * connection and never answers holds a notice well inside its lease.
 */
export function smtpOutlet(smtpUrl: string): MailOutlet {
  const transport = createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    handed: 'sent',
    async deliver(mail, signal) {
      await transport.sendMail({ ...message(mail), ...(signal ? { signal } : {}) });
    },
    close: () => transport.close(),
  };
}

/** As `.eml` files in `dir`, one per notice, for a person to read. */
export function keptOutlet(dir: string): MailOutlet {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    handed: 'kept',
    async deliver(mail) {
      const info = await transport.sendMail(message(mail));
      mkdirSync(dir, { recursive: true });
      // Written whole and then renamed, so a reader of the folder never sees half a message.
      const file = path.join(dir, `${mail.id}.eml`);
      await writeFile(`${file}.part`, info.message as Buffer);
      await rename(`${file}.part`, file);
    },
    close: () => transport.close(),
  };
}

const addresses = (value: AddressObject | AddressObject[] | undefined) => (value === undefined ? undefined : [value].flat().map((a) => a.text).join(', '));

async function readKept(dir: string, id: string, withText: boolean): Promise<KeptMail> {
  const parsed = await simpleParser(await readFile(path.join(dir, `${id}.eml`)));
  return {
    id,
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    ...(parsed.from ? { from: parsed.from.text } : {}),
    ...(parsed.to ? { to: addresses(parsed.to) } : {}),
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    ...(parsed.date ? { date: parsed.date.toISOString() } : {}),
    ...(withText && parsed.text !== undefined ? { text: parsed.text } : {}),
  };
}

/** The mail kept in `dir`, newest first, at most `limit`. */
export async function listKeptMail(dir: string, limit: number): Promise<KeptMail[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  const files = await Promise.all(
    names.filter((name) => /^[0-9a-f]{32}\.eml$/.test(name)).map(async (name) => ({ id: name.slice(0, -4), at: (await stat(path.join(dir, name))).mtimeMs })),
  );
  files.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1));
  return Promise.all(files.slice(0, limit).map((file) => readKept(dir, file.id, false)));
}

/** One kept message with its text; undefined when there is none by that id. */
export async function keptMail(dir: string, id: string): Promise<KeptMail | undefined> {
  return readKept(dir, id, true).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
}
