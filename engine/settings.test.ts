import { describe, expect, it } from 'vitest';
import { readSettings, redactUrl } from './settings';

describe('settings from the environment', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const settings = readSettings({});
    expect(settings).toMatchObject({ port: 3000, host: '127.0.0.1', temporalNamespace: 'default', devTemporalPort: 7233, devTemporalUiPort: 8233 });
    expect(settings.temporalAddress).toBeUndefined();
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.workflowCacheSize).toBe(1_000);
    expect(settings).toMatchObject({ agencyId: 'ISIL:CN-CALIS', publicUrl: 'http://127.0.0.1:3000', contactEmail: 'ill@localhost' });
    expect(readSettings({ PORT: '8080', ILL_PUBLIC_URL: 'https://ill.calis.edu.cn/' }).publicUrl).toBe('https://ill.calis.edu.cn');
    expect(readSettings({ ILL_WORKFLOW_CACHE_SIZE: '400' }).workflowCacheSize).toBe(400);
  });

  it('keeps readers\' mail under the data directory unless a mail server is named', () => {
    expect(readSettings({})).toMatchObject({ smtpUrl: undefined, mailFrom: 'CALIS ILL <ill@localhost>' });
    expect(readSettings({ ILL_CONTACT_EMAIL: 'ill@calis.edu.cn' }).mailFrom).toBe('CALIS ILL <ill@calis.edu.cn>');
    expect(readSettings({ SMTP_URL: 'smtps://ill:pw@mail.calis.edu.cn:465', MAIL_FROM: 'ill@calis.edu.cn' })).toMatchObject({
      smtpUrl: 'smtps://ill:pw@mail.calis.edu.cn:465',
      mailFrom: 'ill@calis.edu.cn',
    });
  });

  it('hands out development identities on embedded defaults only, unless ILL_DEV_SIGN_IN says otherwise', () => {
    expect(readSettings({}).devSignIn).toBe(true);
    expect(readSettings({ DATABASE_URL: 'postgres://ill@db/ill' }).devSignIn).toBe(false);
    expect(readSettings({ TEMPORAL_ADDRESS: 'temporal:7233' }).devSignIn).toBe(false);
    expect(readSettings({ TEMPORAL_ADDRESS: 'temporal:7233', ILL_DEV_SIGN_IN: 'on' }).devSignIn).toBe(true);
    expect(readSettings({ ILL_DEV_SIGN_IN: 'off' }).devSignIn).toBe(false);
  });

  it('links to the Temporal web UI only when told where it is', () => {
    expect(readSettings({}).temporalUiUrl).toBeUndefined();
    expect(readSettings({ ILL_TEMPORAL_UI_URL: 'http://temporal-ui.calis.internal:8080/' }).temporalUiUrl).toBe('http://temporal-ui.calis.internal:8080');
  });

  it.each([
    [{ ILL_DEV_SIGN_IN: 'yes' }, 'ILL_DEV_SIGN_IN: "yes" is not on or off'],
    [{ ILL_TEMPORAL_UI_URL: 'temporal-ui:8080' }, 'ILL_TEMPORAL_UI_URL: "temporal-ui:8080" is not an http or https URL'],
    [{ PORT: '0' }, 'PORT: "0" is not a port number (1-65535)'],
    [{ PORT: '3000x' }, 'PORT: "3000x" is not a port number (1-65535)'],
    [{ TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS: "localhost" is not HOST:PORT (for example 127.0.0.1:7233)'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL: is not a URL (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)'],
    [{ DATABASE_URL: 'mysql://x@h/db' }, 'DATABASE_URL: scheme "mysql" is not supported (expected postgres://)'],
    [{ ILL_CONFIG_DIR: '/no/such/dir' }, 'ILL_CONFIG_DIR: /no/such/dir is not a directory'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent'],
    [{ ILL_AUTH_SECRET: 'short' }, 'ILL_AUTH_SECRET: must be at least 32 characters'],
    [{ ILL_SIMULATOR: 'yes' }, 'ILL_SIMULATOR: "yes" is not on or off'],
    [{ ILL_SIMULATOR_FAULTS: 'duplicate=2' }, "ILL_SIMULATOR_FAULTS: 'duplicate=2' is not KIND=RATE"],
    [{ ILL_AGENCY_ID: 'CALIS' }, 'ILL_AGENCY_ID: "CALIS" is not TYPE:VALUE, for example ISIL:CN-CALIS'],
    [{ ILL_PUBLIC_URL: 'ftp://x' }, 'ILL_PUBLIC_URL: "ftp://x" is not an http or https URL'],
    [{ ILL_CONTACT_EMAIL: 'nobody' }, 'ILL_CONTACT_EMAIL: "nobody" is not an e-mail address'],
    [{ SMTP_URL: 'http://ill:pw@mail.calis.edu.cn' }, 'SMTP_URL: "http://ill:***@mail.calis.edu.cn/" is not an smtp:// or smtps:// URL'],
    [{ MAIL_FROM: 'CALIS ILL' }, 'MAIL_FROM: "CALIS ILL" is not an e-mail address, or Name <address>'],
    [{ ILL_WORKFLOW_CACHE_SIZE: '0' }, 'ILL_WORKFLOW_CACHE_SIZE: "0" is not a whole number of 1 or more'],
    [{ ILL_WORKFLOW_CACHE_SIZE: 'lots' }, 'ILL_WORKFLOW_CACHE_SIZE: "lots" is not a whole number of 1 or more'],
    [{ TEMPORAL_NAMESPACE: 'a b' }, `TEMPORAL_NAMESPACE: "a b" must be letters, digits, '.', '_' or '-'`],
  ])('names the setting in error: %o', (env, message) => {
    expect(() => readSettings(env)).toThrow(message);
  });

  it('hides the password of a database URL', () => {
    expect(redactUrl('postgres://ill:s3cret@db:5432/ill')).toBe('postgres://ill:***@db:5432/ill');
  });
});
