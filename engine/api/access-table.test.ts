import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/tokens';
import { answeredRoutes, OTHER, OWN, READER, startWithObjects, type ApiObjects } from '../../test/api-objects';

// Every route, called by every role of the library the object belongs to and of another library, and
// with no token: the exact status each gets. The objects are OWN's: a request of its reader that was
// cancelled (a decision that passes the checks of role and library is then refused by the request's
// state, 409, and changes nothing) and a lending request an outside system made of it.
//
// 409: allowed, but the object's state refuses it. 404: another library's object, as if it did not exist.

type Cell = number;
/** [caller of OWN, caller of OTHER] */
type ByLibrary = readonly [Cell, Cell];
interface Row {
  url(objects: ApiObjects): string;
  body?(objects: ApiObjects, cell: string): unknown;
  /** Raw text sent instead of JSON, with its media type. */
  text?: { mediaType: string; body: string };
  none: Cell;
  roles: Record<Role, ByLibrary>;
}

const same = (status: Cell): ByLibrary => [status, status];
const everyone = (status: Cell): Row['roles'] => Object.fromEntries(ROLES.map((role) => [role, same(status)])) as Row['roles'];
/** Roles outside `allowed` get 403 whatever their library. */
const onlyRoles = (allowed: Partial<Record<Role, ByLibrary>>): Row['roles'] => ({ ...everyone(403), ...allowed });

const request = (objects: ApiObjects) => `/api/requests/${objects.requestId}`;
const decision = (name: string, body: Record<string, unknown>, roles: Partial<Record<Role, ByLibrary>>): Row => ({
  url: (objects) => `${request(objects)}/${name}`,
  body: () => body,
  none: 401,
  roles: onlyRoles(roles),
});
const LIBRARY_DECISION = { librarian: [409, 404], administrator: same(409) } as const;
const READER_DECISION = { reader: [409, 404], ...LIBRARY_DECISION } as const;

const TABLE: Record<string, Row> = {
  'GET /healthz': { url: () => '/healthz', none: 200, roles: everyone(200) },
  'GET /openapi.json': { url: () => '/openapi.json', none: 200, roles: everyone(200) },
  // The workbench asks before anyone signs in; identities to sign in with are handed out only in development, to anyone alike.
  'GET /api/workbench': { url: () => '/api/workbench', none: 200, roles: everyone(200) },
  // A peer's credentials are its own, not the network's tokens: a broken document gets an ERROR confirmation whoever sends it.
  'POST /iso18626': { url: () => '/iso18626', text: { mediaType: 'application/xml', body: '<ISO18626Message/>' }, none: 200, roles: everyone(200) },
  'GET /metrics': { url: () => '/metrics', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'POST /api/requests': {
    // The same document for the same reader each time, asked again on purpose.
    url: () => '/api/requests?duplicate=confirm',
    body: (objects, cell) => objects.newRequest(cell),
    none: 401,
    roles: onlyRoles({ reader: [201, 403], librarian: [201, 403], administrator: same(201) }),
  },
  'GET /openurl': { url: () => '/openurl?format=json&rft.atitle=Deep+learning&rft.jtitle=Nature&rft.issn=0028-0836', none: 200, roles: everyone(200) },
  // A filter naming OWN: readers and librarians of another library are refused rather than answered with nothing.
  'GET /api/requests': {
    url: () => `/api/requests?library=${OWN}`,
    none: 401,
    roles: { reader: [200, 403], librarian: [200, 403], supplier: same(200), 'search-proxy': same(200), administrator: same(200) },
  },
  'GET /api/requests/stalled': { url: () => '/api/requests/stalled', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  // Each caller's own inbox.
  'GET /api/tasks': { url: () => '/api/tasks', none: 401, roles: { ...everyone(200), reader: same(403) } },
  'GET /api/suppliers/knowledge': { url: () => '/api/suppliers/knowledge', none: 401, roles: onlyRoles({ librarian: same(200), administrator: same(200) }) },
  'GET /api/suppliers/:id/knowledge': { url: () => `/api/suppliers/${OWN}/knowledge`, none: 401, roles: onlyRoles({ librarian: same(200), supplier: [200, 404], administrator: same(200) }) },
  'GET /api/libraries': { url: () => '/api/libraries', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'GET /api/suppliers': { url: () => '/api/suppliers', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'GET /api/mail': { url: () => '/api/mail', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  // No mail is kept under this id.
  'GET /api/mail/:id': { url: () => `/api/mail/${'0'.repeat(32)}`, none: 401, roles: onlyRoles({ administrator: same(404) }) },
  'GET /api/requests/:id': { url: request, none: 401, roles: { reader: [200, 404], librarian: [200, 404], supplier: same(404), 'search-proxy': same(200), administrator: same(200) } },
  'POST /api/requests/:id/review': decision('review', { decision: 'approve' }, LIBRARY_DECISION),
  'POST /api/requests/:id/approve-cost': decision('approve-cost', { approve: true }, LIBRARY_DECISION),
  'POST /api/requests/:id/loan-condition': decision('loan-condition', { approve: false }, LIBRARY_DECISION),
  'POST /api/requests/:id/supplier-note': decision('supplier-note', { note: 'scan in colour' }, LIBRARY_DECISION),
  // The search is the centre's desk's to answer: search-proxy staff of a member library read the request, and are refused the answer.
  'POST /api/requests/:id/search-proxy-answer': decision('search-proxy-answer', { outcome: 'unfillable', reason: 'not found' }, { 'search-proxy': same(403), administrator: same(409) }),
  'POST /api/requests/:id/receive': decision('receive', {}, LIBRARY_DECISION),
  'POST /api/requests/:id/return': decision('return', {}, LIBRARY_DECISION),
  'POST /api/requests/:id/renew': decision('renew', {}, READER_DECISION),
  'POST /api/requests/:id/renew-answer': decision('renew-answer', { approve: false }, { supplier: same(409), administrator: same(409) }),
  'POST /api/requests/:id/cancel': decision('cancel', { reason: 'again' }, READER_DECISION),
  // The supplier named is OWN: a supplier desk of another library cannot speak for it.
  'POST /api/requests/:id/supplier-messages': decision('supplier-messages', { supplierId: OWN, status: 'WillSupply' }, { supplier: [409, 403], administrator: same(409) }),
  // OWN's reader's request was never sent to OWN's own supplier desk: it answers as one that does not exist.
  'GET /api/suppliers/:id/requests/:requestId/holding': {
    url: (objects) => `/api/suppliers/${OWN}/requests/${objects.requestId}/holding`,
    none: 401,
    roles: onlyRoles({ supplier: [404, 403], administrator: same(200) }),
  },
  'GET /api/suppliers/:id/outbox': { url: () => `/api/suppliers/${OWN}/outbox`, none: 401, roles: onlyRoles({ supplier: [200, 403], administrator: same(200) }) },
  'GET /api/libraries/:libraryId/lending': { url: () => `/api/libraries/${OWN}/lending`, none: 401, roles: onlyRoles({ librarian: [200, 403], supplier: [200, 403], administrator: same(200) }) },
  'GET /api/lending/:id': { url: (objects) => `/api/lending/${objects.lendingId}`, none: 401, roles: onlyRoles({ librarian: [200, 404], supplier: [200, 404], administrator: same(200) }) },
  // A copy just asked for has not been lent: its return cannot be received.
  'POST /api/lending/:id/answer': {
    url: (objects) => `/api/lending/${objects.lendingId}/answer`,
    body: () => ({ answer: 'return-received' }),
    none: 401,
    roles: onlyRoles({ librarian: [409, 404], supplier: [409, 404], administrator: same(409) }),
  },
  // A librarian sees reports of their own library only.
  ...Object.fromEntries(
    ['fill-rate', 'volumes', 'turnaround', 'unfilled-reasons'].map((report) => [
      `GET /api/reports/${report}`,
      { url: () => `/api/reports/${report}?library=${OWN}`, none: 401, roles: onlyRoles({ librarian: [200, 403], administrator: same(200) }) },
    ]),
  ),
  // A library's own statement as requester; another's answers as an account that does not exist, and so does it to a supplier desk, whose account is the supplier's.
  'GET /api/ledger/statements': { url: () => `/api/ledger/statements?library=${OWN}&month=2026-11`, none: 401, roles: onlyRoles({ librarian: [200, 404], supplier: same(404), administrator: same(200) }) },
  'GET /api/ledger/months/:month': { url: () => '/api/ledger/months/2026-11', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  // Closing a month again changes nothing.
  'POST /api/ledger/months/:month/close': { url: () => '/api/ledger/months/2026-11/close', body: () => ({}), none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'POST /api/requests/:id/close': decision('close', { reason: 'a partner went silent' }, { administrator: same(409) }),
  'GET /api/admin/config': { url: () => '/api/admin/config', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'POST /api/admin/config/reload': { url: () => '/api/admin/config/reload', body: () => ({}), none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'GET /api/admin/config/files': { url: () => '/api/admin/config/files', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'GET /api/admin/config/file': { url: () => '/api/admin/config/file?path=policy.yaml', none: 401, roles: onlyRoles({ administrator: same(200) }) },
  // A draft with a syntax error: checked (its problems answered), refused a comparison, never published.
  'POST /api/admin/config/check': { url: () => '/api/admin/config/check', body: () => ({ files: { 'policy.yaml': 'a: [' } }), none: 401, roles: onlyRoles({ administrator: same(200) }) },
  'POST /api/admin/config/compare': { url: () => '/api/admin/config/compare', body: () => ({ files: { 'policy.yaml': 'a: [' } }), none: 401, roles: onlyRoles({ administrator: same(422) }) },
  // Made from a version never in force: someone published meanwhile, and nothing is written.
  'POST /api/admin/config/publish': {
    url: () => '/api/admin/config/publish',
    body: () => ({ files: { 'policy.yaml': 'a: [' }, basedOn: 'sha256:earlier', note: 'never published' }),
    none: 401,
    roles: onlyRoles({ administrator: same(409) }),
  },
  'GET /api/admin/config/versions': { url: () => '/api/admin/config/versions', none: 401, roles: onlyRoles({ administrator: same(200) }) },
};

let objects: ApiObjects;

beforeAll(async () => {
  objects = await startWithObjects('table');
}, 120_000);

afterAll(async () => {
  await objects?.stop();
});

async function send(route: string, row: Row, token: string | undefined, cell: string): Promise<{ status: number; text: string }> {
  const [method] = route.split(' ');
  const body = row.text?.body ?? (row.body ? JSON.stringify(row.body(objects, cell)) : undefined);
  const response = await fetch(`${objects.app.service.url}${row.url(objects)}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': row.text?.mediaType ?? 'application/json' } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('every route against every role, of the object’s library and of another', () => {
  it('has a row for every route the app answers, and none for a route it does not', () => {
    expect(Object.keys(TABLE).sort()).toEqual(answeredRoutes(objects.app.service.app));
  });

  it.each(Object.entries(TABLE))('%s', async (route, row) => {
    const answers: Record<string, number> = {};
    const expected: Record<string, number> = {};
    const without = await send(route, row, undefined, 'none');
    answers.none = without.status;
    expected.none = row.none;
    for (const role of ROLES) {
      for (const [index, libraryId] of [OWN, OTHER].entries()) {
        // The reader of OWN is the one whose request it is.
        const subject = role === 'reader' && libraryId === OWN ? READER : undefined;
        const cell = `${role}-${libraryId}`;
        answers[cell] = (await send(route, row, await objects.app.token(role, libraryId, subject), cell)).status;
        expected[cell] = row.roles[role][index]!;
      }
    }
    expect(answers).toEqual(expected);
  });
});
