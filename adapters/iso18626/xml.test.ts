import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { xmlCleanupInputProvider, xmlRegisterInputProvider } from 'libxml2-wasm';
import { parseMessage } from './messages';
import { checkIso18626Xml, DEFAULT_MAX_MESSAGE_BYTES } from './xml';

const SAMPLES = path.resolve(__dirname, '../../../shared/iso18626/samples');
const sample = (name: string) => readFileSync(path.join(SAMPLES, name), 'utf8');

/** A valid supplyingAgencyMessage with `inner` in place of its messageInfo, for single-point changes. */
function supplyingMessage(messageInfo = '<messageInfo><reasonForMessage>StatusChange</reasonForMessage></messageInfo>', headerExtra = '') {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-NLC</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-PKU</agencyIdValue></requestingAgencyId>
      <multipleItemRequestId/>
      <timestamp>2026-11-30T08:00:00Z</timestamp>
      <requestingAgencyRequestId>pku-2026-000001</requestingAgencyRequestId>${headerExtra}
    </header>
    ${messageInfo}
    <statusInfo><status>WillSupply</status><lastChange>2026-11-30T08:00:00Z</lastChange></statusInfo>
  </supplyingAgencyMessage>
</ISO18626Message>`;
}

/** Files and URLs libxml2 asked for while the test ran: it must never ask. */
function watchLoads(): string[] {
  const asked: string[] = [];
  xmlRegisterInputProvider({
    match: (filename) => {
      asked.push(filename);
      return false;
    },
    open: () => undefined,
    read: () => -1,
    close: () => true,
  });
  return asked;
}

afterEach(() => xmlCleanupInputProvider());

describe('refused before parsing', () => {
  it('refuses a body over the size limit, and the limit can be set', async () => {
    const note = 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES);
    const oversized = await parseMessage(supplyingMessage(`<messageInfo><reasonForMessage>StatusChange</reasonForMessage><note>${note}</note></messageInfo>`));
    expect(oversized).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
    expect(oversized.ok || oversized.errorValue).toMatch(/over the limit of 262144/);

    expect(await parseMessage(sample('supmsg-ok.xml'))).toMatchObject({ ok: true });
    expect(await parseMessage(sample('supmsg-ok.xml'), { maxBytes: 1000 })).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
  });

  it('counts bytes, not characters, against the limit', async () => {
    const xml = supplyingMessage(`<messageInfo><reasonForMessage>StatusChange</reasonForMessage><note>${'文'.repeat(400)}</note></messageInfo>`);
    expect(xml.length).toBeLessThan(2000);
    expect(await parseMessage(xml, { maxBytes: 2000 })).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
  });

  it('refuses a DOCTYPE with an external entity (XXE) and reads no file', async () => {
    const asked = watchLoads();
    const xxe = supplyingMessage('<messageInfo><reasonForMessage>StatusChange</reasonForMessage><note>&xxe;</note></messageInfo>').replace(
      '<ISO18626Message',
      '<!DOCTYPE ISO18626Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<ISO18626Message',
    );
    const result = await parseMessage(xxe);
    expect(result).toEqual({ ok: false, errorType: 'BadlyFormedMessage', errorValue: expect.stringMatching(/^line 2: a <!DOCTYPE> declaration/) });
    expect(JSON.stringify(result)).not.toContain('root:');
    expect(asked).toEqual([]);
  });

  it('refuses an entity bomb (billion laughs) without expanding it', async () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
<!ENTITY lol0 "lol">
${levels}
]>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626">&lol9;</ISO18626Message>`;
    const started = performance.now();
    const result = await parseMessage(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
    expect(JSON.stringify(result)).not.toContain('lollol');
  });

  it('refuses a DOCTYPE however it is written or hidden', async () => {
    const ok = sample('supmsg-ok.xml');
    for (const xml of [
      ok.replace('<ISO18626Message', '<!-- a comment first -->\n<!DOCTYPE ISO18626Message SYSTEM "http://peer.example/iso.dtd">\n<ISO18626Message'),
      ok.replace('<ISO18626Message', '<!doctype ISO18626Message>\n<ISO18626Message'),
      ok.replace('<ISO18626Message', '<!DOCTYPE ISO18626Message [<!ENTITY % p SYSTEM "http://peer.example/p.dtd"> %p;]>\n<ISO18626Message'),
    ]) {
      expect(await parseMessage(xml)).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
    }
  });

  it('does not follow the schemaLocation a message names', async () => {
    const asked = watchLoads();
    const xml = sample('supmsg-ok.xml').replace('https://illtransactions.org/schemas/ISO-18626-v1_2.xsd', 'file:///etc/passwd');
    expect(await parseMessage(xml)).toMatchObject({ ok: true });
    expect(asked).toEqual([]);
  });
});

describe('not well-formed', () => {
  it.each([
    ['mismatched tags', '<ISO18626Message><request></ISO18626Message>', /line 1, column \d+: Opening and ending tag mismatch/],
    ['an empty body', '', /not well-formed XML/],
    ['plain text', 'status=Loaned', /line 1/],
    ['an undeclared entity', supplyingMessage('<messageInfo><reasonForMessage>StatusChange</reasonForMessage><note>&nbsp;</note></messageInfo>'), /line 11.*nbsp/],
    ['two roots', `${sample('supmsg-ok.xml')}\n<ISO18626Message/>`, /Extra content/],
  ])('refuses %s as BadlyFormedMessage, saying where', async (_name, xml, where) => {
    const result = await parseMessage(xml);
    expect(result).toMatchObject({ ok: false, errorType: 'BadlyFormedMessage' });
    expect(result.ok || result.errorValue).toMatch(where);
    expect(result.ok || result.kind).toBeUndefined();
  });
});

describe('checked against the schema', () => {
  const statusInfo = '<statusInfo><status>WillSupply</status><lastChange>2026-11-30T08:00:00Z</lastChange></statusInfo>';

  it.each([
    [
      'an element the schema does not know',
      supplyingMessage(undefined, '\n      <frobnicate>1</frobnicate>'),
      'UnrecognisedDataElement',
      /^\/ISO18626Message\/supplyingAgencyMessage\/header\/frobnicate, line 10: This element is not expected/,
    ],
    [
      'an element from another namespace',
      supplyingMessage(undefined, '\n      <x:supplyingAgencyRequestId xmlns:x="urn:other">1</x:supplyingAgencyRequestId>'),
      'UnrecognisedDataElement',
      /header\/supplyingAgencyRequestId, line 10/,
    ],
    [
      'an attribute the schema does not know',
      supplyingMessage().replace('<supplyingAgencyMessage>', '<supplyingAgencyMessage ill:priority="high">'),
      'UnrecognisedDataElement',
      /^\/ISO18626Message\/supplyingAgencyMessage\/@priority, line 3/,
    ],
    [
      'a known element out of place',
      supplyingMessage(undefined, `\n      ${statusInfo}`),
      'BadlyFormedMessage',
      /header\/statusInfo, line 10: This element is not expected/,
    ],
    [
      'a missing required element',
      supplyingMessage().replace(statusInfo, ''),
      'BadlyFormedMessage',
      /^\/ISO18626Message\/supplyingAgencyMessage, line 3: Missing child element\(s\)/,
    ],
    [
      'a missing version',
      supplyingMessage().replace(' ill:version="1.2"', ''),
      'BadlyFormedMessage',
      /^\/ISO18626Message, line 2: The attribute 'version' is required but missing/,
    ],
    ['another root element', '<ISO18626Request xmlns="http://illtransactions.org/2013/iso18626"/>', 'BadlyFormedMessage', /No matching global declaration/],
    ['a root in another namespace', '<x:ISO18626Message xmlns:x="urn:other"/>', 'BadlyFormedMessage', /^\/ISO18626Message, line 1: No matching global declaration/],
    ['no namespace', supplyingMessage().replace(/ xmlns="[^"]+"/, ''), 'BadlyFormedMessage', /No matching global declaration/],
    [
      'a date that is not an xs:dateTime',
      supplyingMessage().replace('<timestamp>2026-11-30T08:00:00Z</timestamp>', '<timestamp>30/11/2026</timestamp>'),
      'UnrecognisedDataValue',
      /header\/timestamp, line 8: '30\/11\/2026' is not a valid value of the atomic type 'xs:dateTime'/,
    ],
    [
      'an amount that is not a decimal',
      supplyingMessage(
        '<messageInfo><reasonForMessage>StatusChange</reasonForMessage><offeredCosts><currencyCode>CNY</currencyCode><monetaryValue>ten</monetaryValue></offeredCosts></messageInfo>',
      ),
      'UnrecognisedDataValue',
      /offeredCosts\/monetaryValue, line 11/,
    ],
    [
      'a yes/no answer outside its list',
      supplyingMessage('<messageInfo><reasonForMessage>RenewResponse</reasonForMessage><answerYesNo>Maybe</answerYesNo></messageInfo>'),
      'UnrecognisedDataValue',
      /messageInfo\/answerYesNo, line 11: The value 'Maybe' is not an element of the set/,
    ],
  ])('refuses %s', async (_name, xml, errorType, errorValue) => {
    const result = await parseMessage(xml);
    expect(result).toMatchObject({ ok: false, errorType });
    expect(result.ok || result.kind).toBe(xml.includes('<supplyingAgencyMessage') ? 'supplyingAgencyMessage' : undefined);
    expect(result.ok || result.errorValue).toMatch(errorValue);
  });

  it('counts the problems it does not describe', async () => {
    const xml = supplyingMessage().replace('<timestamp>2026-11-30T08:00:00Z</timestamp>', '<timestamp>soon</timestamp>').replace('<status>WillSupply</status>', '<status>Later</status>');
    const result = await parseMessage(xml);
    expect(result).toMatchObject({ ok: false, errorType: 'UnrecognisedDataValue' });
    expect(result.ok || result.errorValue).toMatch(/header\/timestamp.*\(and 1 more problem\)$/);
  });

  it('checks text on its own, for what the engine builds or a peer confirms', async () => {
    expect(await checkIso18626Xml(sample('reqmsg-ok.xml'))).toBeUndefined();
    expect(await checkIso18626Xml(sample('msg-invalid.xml'))).toMatchObject({ errorType: 'BadlyFormedMessage' });
  });
});

describe('text', () => {
  it('decodes character references and CDATA, and keeps identifiers as written', async () => {
    const xml = supplyingMessage(
      '<messageInfo><reasonForMessage>StatusChange</reasonForMessage><note>&lt;b&gt; &amp; &#x4E2D;&#25991; <![CDATA[<raw & ready>]]></note></messageInfo>',
    ).replace('pku-2026-000001', '000123');
    const result = await parseMessage(xml);
    if (!result.ok || result.message.kind !== 'supplyingAgencyMessage') throw new Error(JSON.stringify(result));
    expect(result.message.messageInfo.note).toBe('<b> & 中文 <raw & ready>');
    expect(result.message.header.requestingAgencyRequestId).toBe('000123');
  });
});
