// The compare benchmark's inputs: the generated network written as a configuration directory loads
// without problems and routes as the network generated, its holders found in its holdings.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupHoldings } from '../rules/holdings';
import { loadNetwork } from '../rules/load';
import { compile, route } from '../rules/route';
import { parseTitleList } from '../rules/titles';
import { generateNetwork, generateRequests } from './network-generator';
import { catalogued, issnOf, writeNetwork } from './network-writer';

const dir = mkdtempSync(join(tmpdir(), 'ill-network-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the generated network written as a configuration directory', () => {
  const generated = generateNetwork(7, { libraries: 120, serviceLibraries: 40, rules: 60 });
  const inputs = generateRequests(8, generated, 40);
  const { requests, holdings } = catalogued(inputs);
  const config = { ...generated, holdings };
  writeNetwork(config, dir);
  const loaded = loadNetwork(dir);

  it('loads without problems', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.config?.suppliers.map((supplier) => supplier.id)).toEqual(config.suppliers.map((supplier) => supplier.id));
    expect(loaded.config?.rules.map((rule) => [rule.name, rule.priority])).toEqual(config.rules.map((rule) => [rule.name, rule.priority]));
  });

  it('finds each request its holders in the holdings: those the generator drew for the first request citing its journal', () => {
    expect(requests.every((request) => request.holdings === undefined)).toBe(true);
    const holders = (index: number) => lookupHoldings(loaded.config ?? config, requests[index] ?? inputs[0]!.request).map((holding) => holding.libraryId);
    const first = new Map<string, number>();
    requests.forEach((request, index) => {
      const issn = request.citation.issn ?? '';
      if (first.has(issn)) expect(holders(index)).toEqual(holders(first.get(issn) ?? 0));
      else first.set(issn, index);
    });
    expect(first.size).toBeGreaterThan(10);
    for (const index of first.values()) expect([...holders(index)].sort()).toEqual([...new Set(inputs[index]?.holdings as string[])].sort());
  });

  it('routes every request as the network generated does', () => {
    const [written, original] = [compile(loaded.config ?? config), compile(config)];
    for (const request of requests) {
      const holders = lookupHoldings(config, request);
      const decide = (compiled: typeof written) => {
        const { rota, outcome, tasks } = route(compiled, { request, holdings: holders, now: '2025-03-15' });
        return { rota: rota.map((entry) => entry.supplierId), outcome, tasks: tasks.map((task) => [task.type, task.rule]) };
      };
      expect(decide(written)).toEqual(decide(original));
    }
  });

  it('cites journals by ISSNs with their check digits', () => {
    const issns = Array.from({ length: 3000 }, (_, i) => issnOf(i + 1));
    expect(new Set(issns).size).toBe(3000);
    expect(parseTitleList('issns.txt', issns.join('\n')).problems).toEqual([]);
  });
});
