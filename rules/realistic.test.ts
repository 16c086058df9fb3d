import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/realistic-requests.json';
import type { RouteDecision } from '../domain/decision';
import type { IllRequest } from '../domain/request';
import { SHIPPED_CONFIG } from './config-fixture';
import { lookupHoldings } from './holdings';
import { loadNetwork } from './load';
import { validateRequest } from './request';
import { compile, route, type RouteInput } from './route';

// Requests as readers at member libraries write them, each with what the network's policies (the
// rules' descriptions and config/README.md) say should happen.

interface Expectation {
  outcome: RouteDecision['outcome'];
  /** The supplier tried first, or the suppliers any of which may be. */
  first?: string | string[];
  /** Task types, in any order. */
  tasks?: string[];
  deadlineHours?: number;
  /** With outcome `local`: the library whose copy serves the reader. */
  local?: string;
}

interface Entry {
  why: string;
  request: unknown;
  expect: Expectation;
  usage?: RouteInput['usage'];
}

const { now, entries } = fixture as { now: string; entries: Entry[] };

const loaded = loadNetwork(SHIPPED_CONFIG);
if (!loaded.config) throw new Error(`the shipped configuration has problems: ${JSON.stringify(loaded.problems)}`);
const config = loaded.config;
const compiled = compile(config);

function requestOf(entry: Entry): IllRequest {
  const { request, problems } = validateRequest(entry.request, 'realistic-requests.json');
  if (!request) throw new Error(`${JSON.stringify(entry.request)} does not pass the request schema: ${problems.map((p) => p.message).join('; ')}`);
  return request;
}

function decisionOf(entry: Entry): RouteDecision {
  const request = requestOf(entry);
  return route(compiled, { request, holdings: lookupHoldings(config, request), now, ...(entry.usage ? { usage: entry.usage } : {}) });
}

/** What the decision says, in the terms of an expectation. */
function observed(decision: RouteDecision, expected: Expectation): Expectation {
  return {
    outcome: decision.outcome,
    ...(expected.first === undefined ? {} : { first: decision.rota[0]?.supplierId ?? '(none)' }),
    ...(expected.tasks === undefined ? {} : { tasks: decision.tasks.map((task) => task.type).sort() }),
    ...(expected.deadlineHours === undefined ? {} : { deadlineHours: decision.deadlineHours }),
    ...(expected.local === undefined ? {} : { local: decision.local?.libraryId ?? '(none)' }),
  };
}

/** The expectation with a set of acceptable first suppliers narrowed to the one observed, when it is one of them. */
function wanted(expected: Expectation, seen: Expectation): Expectation {
  const { first, tasks } = expected;
  const narrowed = Array.isArray(first) ? (first.includes(seen.first as string) ? seen.first : first) : first;
  return { ...expected, ...(narrowed === undefined ? {} : { first: narrowed }), ...(tasks === undefined ? {} : { tasks: [...tasks].sort() }) };
}

const asPolicySays = (entry: Entry): boolean => {
  const seen = observed(decisionOf(entry), entry.expect);
  return isDeepStrictEqual(seen, wanted(entry.expect, seen));
};

describe('realistic requests route as the network policy says', () => {
  it('are written as requests arrive: every one passes the request schema and names a member library', () => {
    const members = new Set(config.libraries.map((library) => library.id));
    for (const entry of entries) expect(members.has(requestOf(entry).requester.libraryId)).toBe(true);
    expect(entries.length).toBeGreaterThanOrEqual(24);
  });

  for (const entry of entries) {
    const { id } = entry.request as { id: string };
    const title = `${id}: ${entry.why}`;
    it(title, () => {
      const seen = observed(decisionOf(entry), entry.expect);
      expect(seen).toEqual(wanted(entry.expect, seen));
    });
  }

  it('tallies how many route as policy says', () => {
    const misrouted = entries.filter((entry) => !asPolicySays(entry));
    console.log(`realistic requests: ${entries.length - misrouted.length} of ${entries.length} route as policy says`);
    expect(misrouted.map((entry) => (entry.request as { id: string }).id)).toEqual([]);
  });
});
