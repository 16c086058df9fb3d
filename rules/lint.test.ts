import { describe, expect, test } from 'vitest';
import { configCopies } from './config-fixture';
import { loadNetwork } from './load';

const copies = configCopies();

function warnings(extra: string): { lines: string[]; copy: ReturnType<typeof copies> } {
  const copy = copies();
  copy.write('rules/extra.yaml', `rules:\n${extra}`);
  const { config, problems, warnings } = loadNetwork(copy.dir);
  expect(copy.lines(problems)).toEqual([]);
  expect(config).toBeDefined();
  return { lines: copy.lines(warnings), copy };
}

const tierRule = (name: string, priority: number, tier: number, conditions: string[]) =>
  `  - name: ${name}\n    priority: ${priority}\n    conditions:\n      all:\n${conditions.map((c) => `        - ${c}\n`).join('')}    event: { type: tier, params: { tier: ${tier} } }\n`;

describe('ill check warnings', () => {
  test('the shipped configuration has none', () => {
    expect(loadNetwork(copies().dir).warnings).toEqual([]);
  });

  test('two tier rules that can both select the same kind: the one losing in canonical order is warned, naming the winner', () => {
    const { lines, copy } = warnings(tierRule('nstl-last-for-rush', 10, 3, ['{ fact: request, path: $.urgency, operator: equal, value: rush }', '{ fact: supplier, path: $.kind, operator: in, value: [nstl, vendor] }']));
    const line = copy.at('rules/preferences.yaml', 'name: foreign-sci-tech-to-nstl').split(':')[1];
    expect(lines).toEqual([
      `${copy.at('rules/extra.yaml', 'tier: 3 }', 6)}: warning: tier rule 'nstl-last-for-rush' (tier 3) and tier rule 'foreign-sci-tech-to-nstl' (tier 1, from rules/preferences.yaml:${line}) can both hold for suppliers of kind 'nstl'; where both fire, 'foreign-sci-tech-to-nstl' wins, being first in canonical order (priority 50 over 10), so this rule's tier 3 never applies there; add a condition on one fact that tells them apart`,
    ]);
  });

  test('a supplier id against a kind: known suppliers tell whether they meet', () => {
    expect(warnings(tierRule('cnki-tier-3', 50, 3, ['{ fact: supplier, path: $.id, operator: equal, value: cnki }'])).lines).toEqual([]);
    const { lines } = warnings(tierRule('nstl-tier-3', 60, 3, ['{ fact: supplier, path: $.id, operator: equal, value: nstl }']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/preferences\.yaml:\d+:\d+: warning: tier rule 'foreign-sci-tech-to-nstl' \(tier 1\) and tier rule 'nstl-tier-3' \(tier 3, from \S+extra\.yaml:2\) can both hold for supplier 'nstl'; where both fire, 'nstl-tier-3' wins/);
  });

  test('rules told apart by one fact (the same region or not) are not warned, nor are rules giving the same tier', () => {
    const { lines } = warnings(
      tierRule('nstl-tier-1-again', 50, 1, ['{ fact: supplier, path: $.kind, operator: equal, value: nstl }']) +
        tierRule('keris-holding-tier-3', 50, 3, ['{ fact: supplier, path: $.kind, operator: equal, value: keris }', '{ fact: candidate, path: $.holds, operator: equal, value: true }']) +
        tierRule('keris-not-holding-tier-2', 50, 2, ['{ fact: supplier, path: $.kind, operator: equal, value: keris }', '{ fact: candidate, path: $.holds, operator: equal, value: false }']),
    );
    // Both keris rules meet korean-material-to-keris (tier 1), which is right; they do not meet each other.
    expect(lines.filter((line) => line.includes("'keris-not-holding-tier-2'") && line.includes("'keris-holding-tier-3'"))).toEqual([]);
    expect(lines.filter((line) => line.includes("'korean-material-to-keris'"))).toHaveLength(2);
    expect(lines.filter((line) => line.includes("'nstl-tier-1-again'"))).toEqual([]);
  });

  test('a task rule keyed on a supplier’s facts: what it does to the whole request', () => {
    const { lines, copy } = warnings(
      '  - name: review-dear-suppliers\n    conditions:\n      all:\n        - { fact: request, path: $.service, operator: equal, value: copy }\n        - { fact: candidate, path: $.estimatedCost, operator: greaterThan, value: 100 }\n    event: { type: review, params: { reason: dear } }\n' +
        '  - name: reject-overseas\n    conditions:\n      any:\n        - { fact: supplier, path: $.kind, operator: equal, value: overseas }\n    event: { type: reject, params: { reason: no } }\n',
    );
    expect(lines).toEqual([
      `${copy.at('rules/extra.yaml', '{ fact: candidate')}: warning: 'review' rule 'review-dear-suppliers' reads candidate $.estimatedCost, a fact of one supplier, but its event acts on the request: if it holds for any supplier not excluded, even one the rota never reaches, the whole request waits for a librarian before any supplier is tried; with no supplier left it is judged with no supplier in view, where candidate $.estimatedCost is missing`,
      `${copy.at('rules/extra.yaml', '{ fact: supplier')}: warning: 'reject' rule 'reject-overseas' reads supplier $.kind, a fact of one supplier, but its event acts on the request: if it holds for any supplier not excluded, even one the rota never reaches, the whole request is rejected and no supplier is tried; with no supplier left it is judged with no supplier in view, where supplier $.kind is missing`,
    ]);
  });
});
