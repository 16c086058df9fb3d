import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FACTS } from './facts';
import { BUILTIN } from './rank';

const README = readFileSync(new URL('../config/README.md', import.meta.url), 'utf8');

describe('config/README.md', () => {
  test('lists every fact path a rule may name, with its type', () => {
    const rows = new Set(README.split('\n').filter((line) => line.startsWith('| `')));
    for (const [fact, spec] of Object.entries(FACTS)) {
      for (const [path, { type }] of Object.entries(spec.paths as Record<string, { type: string }>)) {
        expect([...rows].some((row) => row.startsWith(`| \`${fact}\` | \`${path}\` | ${type} |`)), `${fact} ${path}`).toBe(true);
      }
    }
  });

  test('names every built-in effect and every outcome', () => {
    for (const name of Object.values(BUILTIN)) expect(README).toContain(`| \`${name}\` |`);
    for (const outcome of ['route', 'review', 'local', 'open-access', 'escalate', 'reject']) expect(README).toContain(`| \`${outcome}\` |`);
  });
});
