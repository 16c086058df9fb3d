import { Engine } from 'json-rules-engine';
import { describe, expect, test } from 'vitest';
import { CUSTOM_OPERATORS, DEFAULT_OPERATORS } from './operators';

describe('custom operators', () => {
  const { intersects, startsWith } = CUSTOM_OPERATORS;

  test('intersects: a list fact shares an element with the list value', () => {
    expect(intersects?.evaluate(['science', 'medicine'], ['medicine', 'law'])).toBe(true);
    expect(intersects?.evaluate(['science'], ['law'])).toBe(false);
    expect(intersects?.evaluate([], ['law'])).toBe(false);
    expect(intersects?.validateFact?.('science')).toBe(false);
  });

  test('startsWith: a string fact begins with the value', () => {
    expect(startsWith?.evaluate('10.1038/nature14539', '10.')).toBe(true);
    expect(startsWith?.evaluate('0028-0836', '10.')).toBe(false);
    expect(startsWith?.validateFact?.(10)).toBe(false);
  });

  test('json-rules-engine runs rules written with them', async () => {
    const engine = new Engine([], { allowUndefinedFacts: true });
    for (const [name, operator] of Object.entries(CUSTOM_OPERATORS)) {
      engine.addOperator(name, (fact, value) => operator.evaluate(fact, value));
    }
    engine.addRule({
      conditions: {
        all: [
          { fact: 'request', path: '$.citation.subjects', operator: 'intersects', value: ['humanities', 'law'] },
          { fact: 'request', path: '$.citation.doi', operator: 'startsWith', value: '10.' },
        ],
      },
      event: { type: 'tier', params: { tier: 1 } },
    });
    const { events } = await engine.run({ request: { citation: { subjects: ['law'], doi: '10.1000/x' } } });
    expect(events).toEqual([{ type: 'tier', params: { tier: 1 } }]);
  });

  test('do not shadow json-rules-engine defaults', () => {
    expect(Object.keys(CUSTOM_OPERATORS).filter((name) => name in DEFAULT_OPERATORS)).toEqual([]);
  });
});
