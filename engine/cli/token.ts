import { parseArgs } from 'node:util';
import { loadAuthSecret } from '../auth/secret';
import { isRole, ROLES, TokenAuthority } from '../auth/tokens';
import { readSettings } from '../settings';
import type { CliIo } from './io';

const USAGE = `usage: ill token --role ${ROLES.join('|')} --library ID [--subject ID] [--expires 12h]`;

/** `ill token`: signs an API token with the service's key, for staff accounts and integrations. */
export async function runToken(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { role: { type: 'string' }, library: { type: 'string' }, subject: { type: 'string' }, expires: { type: 'string' } },
    strict: true,
  });
  if (!isRole(values.role) || !values.library) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.expires && !/^\d+[smhd]$/.test(values.expires)) {
    io.stderr.write(`ill token: --expires "${values.expires}" is not a duration like 30m, 12h or 7d\n`);
    return 2;
  }
  const settings = readSettings(io.env);
  const tokens = new TokenAuthority(loadAuthSecret(settings.authSecret, settings.dataDir));
  const token = await tokens.issue(
    { role: values.role, libraryId: values.library, subject: values.subject ?? `${values.role}@${values.library}` },
    values.expires ?? '12h',
  );
  io.stdout.write(`${token}\n`);
  return 0;
}
