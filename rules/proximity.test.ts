// "Nearest holding library first" written as rules: each library's province and city, proximity
// groups in policy.yaml, and the candidate facts sameProvince, sameCity and sameProximityGroup.

import { describe, expect, test } from 'vitest';
import { compile } from './compile';
import { configCopies, SHIPPED_CONFIG } from './config-fixture';
import { loadNetwork } from './load';
import { prepare, type RouteInput } from './rank';
import { createReference, routeWithReference } from './reference';
import { route } from './route';
import type { NetworkConfig } from './types';
import type { IllRequest } from '../domain/request';

const { config } = loadNetwork(SHIPPED_CONFIG);
if (!config) throw new Error('the shipped configuration did not load');
const shipped: NetworkConfig = config;

function loan(libraryId: string, holdings: string[]): RouteInput {
  const request: IllRequest = { id: `loan-${libraryId}`, requester: { libraryId, patronId: 'p-1' }, service: 'loan', urgency: 'normal', citation: { title: '湖湘文化史', language: 'zh' } };
  return { request, holdings, now: '2026-03-02' };
}

describe('the candidate facts', () => {
  test('tell a holder in the same city, the same province and the same proximity group apart', () => {
    const prepared = prepare(compile(shipped), loan('fudan', ['sjtu', 'nju', 'sdu']));
    const { candidates } = prepared;
    const near = Object.fromEntries(
      Array.from({ length: candidates.count }, (_, at) => ({ supplier: candidates.supplier(at), facts: candidates.facts(at) }))
        .filter(({ supplier }) => supplier.kind === 'service-library')
        .map(({ supplier, facts }) => [supplier.id, [facts.sameCity, facts.sameProvince, facts.sameProximityGroup, facts.sameRegion]]),
    );
    expect(near).toEqual({
      sjtu: [true, true, true, true], // Shanghai
      nju: [false, false, true, true], // Nanjing, Jiangsu: the Yangtze River Delta
      sdu: [false, false, false, true], // Jinan, Shandong: same CALIS region, nothing nearer
    });
  });

  test('every shipped library says where it is', () => {
    expect(shipped.libraries.filter((library) => library.province === undefined || library.city === undefined)).toEqual([]);
  });
});

describe('the shipped rules rank the nearer of two holding libraries first', () => {
  const compiled = compile(shipped);
  const reference = createReference(shipped);
  const withoutNearness = compile({ ...shipped, rules: shipped.rules.filter((rule) => !rule.name.startsWith('loans-from-holders-')) });
  const order = (decision: { rota: { supplierId: string }[] }, holders: string[]) =>
    decision.rota.map((entry) => entry.supplierId).filter((id) => holders.includes(id));

  test.each([
    ['hunnu', 'csu', 'whu', 'loans-from-holders-in-the-same-city'], // Changsha: csu in Changsha before whu in Wuhan
    ['xtu', 'csu', 'whu', 'loans-from-holders-in-the-same-province'], // Xiangtan: csu elsewhere in Hunan before whu in Hubei
  ])('a reader at %s gets %s before %s', async (requester, nearer, farther, rule) => {
    const input = loan(requester, [farther, nearer]);
    const decision = route(compiled, input);
    expect(await routeWithReference(reference, input)).toEqual(decision);
    expect(order(decision, [nearer, farther])).toEqual([nearer, farther]);
    expect(decision.rota.find((entry) => entry.supplierId === nearer)?.rules).toContain(rule);
    // Both are in the reader's CALIS region, so nothing but the new rules puts the nearer one first.
    expect(order(route(withoutNearness, input), [nearer, farther])).toEqual([farther, nearer]);
  });
});

describe('ill check', () => {
  const copies = configCopies();

  test('a proximity group names province codes and cities of member libraries', () => {
    const copy = copies();
    copy.patch('policy.yaml', '[Guangzhou, Shenzhen]', '[Guangzhuo, Shenzhen, CN-GG]');
    const loaded = loadNetwork(copy.dir);
    expect(loaded.config).toBeUndefined();
    expect(copy.lines(loaded.problems)).toEqual([
      `${copy.at('policy.yaml', 'Guangzhuo')}: proximity group 'pearl-river-delta': 'Guangzhuo' is neither a province code (CN-SH) nor the city of a member library (did you mean 'Guangzhou'?)`,
      `${copy.at('policy.yaml', 'CN-GG')}: proximity group 'pearl-river-delta': 'CN-GG' is neither a province code (CN-SH) nor the city of a member library (did you mean 'CN-GD'?)`,
    ]);
  });

  test('a library names a real province, and rules compare with real ones', () => {
    const copy = copies();
    copy.patch('libraries/central.yaml', 'province: CN-HN\n    city: Xiangtan', 'province: CN-HUN\n    city: Xiangtan');
    copy.write('rules/near.yaml', 'rules:\n  - name: hunan\n    conditions: { all: [{ fact: library, path: $.province, operator: equal, value: CN-HUN }] }\n    event: { type: review, params: { reason: x } }\n');
    const loaded = loadNetwork(copy.dir);
    expect(copy.lines(loaded.problems)).toEqual([
      `${copy.at('libraries/central.yaml', 'CN-HUN')}: 'province' cannot be 'CN-HUN' (did you mean 'CN-HN'?)`,
      `${copy.at('rules/near.yaml', 'CN-HUN')}: library $.province is never 'CN-HUN' (did you mean 'CN-HN'?)`,
    ]);
  });
});
