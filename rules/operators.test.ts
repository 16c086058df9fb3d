import { Engine, Operator } from 'json-rules-engine';
import { describe, expect, test } from 'vitest';
import rulesSchema from '../config/schemas/rules.schema.json';
import { checkRules, compile } from './compile';
import { configCopies } from './config-fixture';
import { loadNetwork } from './load';
import { ENGINE_OPERATORS, NETWORK_OPERATORS, OPERATORS, type OperandShape } from './operators';
import { prepare, type RouteInput } from './rank';
import { createReference, fireRequestLevelWithReference } from './reference';
import type { Rule } from './types';
import type { IllRequest } from '../domain/request';

/** A condition with this operator holds, as json-rules-engine evaluates it. */
function holds(name: string, factValue: unknown, ruleValue: unknown): boolean {
  const operator = OPERATORS[name];
  if (!operator) throw new Error(`no operator '${name}'`);
  return operator.validate(factValue) && operator.compare(factValue, ruleValue);
}

/** What json-rules-engine 7.3 registers on every engine; its typings do not expose the map. */
const engineRegistry = (new Engine() as unknown as { operators: { operators: Map<string, unknown>; decorators: Map<string, unknown> } }).operators;

describe('network operators', () => {
  test('intersects: a list fact shares an element with the list value', () => {
    expect(holds('intersects', ['science', 'medicine'], ['medicine', 'law'])).toBe(true);
    expect(holds('intersects', ['science'], ['law'])).toBe(false);
    expect(holds('intersects', [], ['law'])).toBe(false);
    expect(holds('intersects', 'law', ['law'])).toBe(false);
  });

  test('startsWith: a string fact begins with the value', () => {
    expect(holds('startsWith', '10.1038/nature14539', '10.')).toBe(true);
    expect(holds('startsWith', '0028-0836', '10.')).toBe(false);
    expect(holds('startsWith', 10, '1')).toBe(false);
  });

  test('exists: the fact is given, not missing, null or an empty string', () => {
    for (const given of ['article', 0, false, [], ['law']]) {
      expect(holds('exists', given, true), JSON.stringify(given)).toBe(true);
      expect(holds('exists', given, false), JSON.stringify(given)).toBe(false);
    }
    for (const absent of [undefined, null, '']) {
      expect(holds('exists', absent, true), String(absent)).toBe(false);
      expect(holds('exists', absent, false), String(absent)).toBe(true);
    }
  });

  test('json-rules-engine runs rules written with them', async () => {
    const engine = new Engine([], { allowUndefinedFacts: true });
    for (const [name, operator] of Object.entries(NETWORK_OPERATORS)) engine.addOperator(new Operator(name, operator.compare, operator.validate));
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
});

describe('one catalogue for the loader and both evaluators', () => {
  const copies = configCopies();

  test("holds json-rules-engine's own operators, and network operators that do not shadow them", () => {
    expect(Object.keys(ENGINE_OPERATORS).sort()).toEqual([...engineRegistry.operators.keys()].sort());
    expect(Object.keys(NETWORK_OPERATORS).filter((name) => engineRegistry.operators.has(name))).toEqual([]);
  });

  test('the rules schema offers exactly its operators', () => {
    expect(rulesSchema.$defs.node.properties.operator.enum).toEqual(Object.keys(OPERATORS));
  });

  // A request each operator's sample condition holds for, and one it does not.
  const citation = (language: string, year: number, doi: string, subjects: string[]) => ({ title: 't', language, year, doi, subjects });
  const matching = { ...citation('zh', 1990, '10.1000/x', ['law']), documentType: 'article' };
  const other = citation('en', 1980, '0028-0836', ['medicine']);
  const SAMPLES: Record<OperandShape, { path: string; element: unknown }> = {
    scalar: { path: '$.citation.language', element: 'zh' },
    number: { path: '$.citation.year', element: 1985 },
    string: { path: '$.citation.doi', element: '10.' },
    array: { path: '$.citation.subjects', element: 'law' },
    boolean: { path: '$.citation.title', element: true },
    any: { path: '$.citation.documentType', element: true },
  };
  const sampleValue = (fact: OperandShape, value: OperandShape): unknown => {
    const { element } = SAMPLES[fact];
    return value === 'array' ? [element] : value === 'boolean' ? true : element;
  };

  test('every operator the loader accepts compiles, and fires exactly where json-rules-engine fires it', async () => {
    const names = Object.keys(OPERATORS);
    const copy = copies();
    const rules = names.map((name) => {
      const { fact, value } = OPERATORS[name] as (typeof OPERATORS)[string];
      const condition = JSON.stringify({ fact: 'request', path: SAMPLES[fact].path, operator: name, value: sampleValue(fact, value) });
      return `  - name: uses-${name.toLowerCase()}\n    conditions: { all: [${condition}] }\n    event: { type: review, params: { reason: ${name} } }\n`;
    });
    copy.write('rules/operators.yaml', `rules:\n${rules.join('')}`);
    const { config, problems } = loadNetwork(copy.dir);
    expect(problems).toEqual([]);
    if (!config) throw new Error('the configuration did not load');

    const compiled = compile(config);
    const reference = createReference(config);
    const fires = async (requestCitation: object) => {
      const request = { id: 'r-1', requester: { libraryId: 'pku', patronId: 'p-1' }, service: 'copy', urgency: 'normal', citation: requestCitation } as IllRequest;
      const prepared = prepare(compiled, { request, holdings: [] } satisfies RouteInput);
      const firedByCompiled = compiled.fireRequestLevel(prepared);
      expect(firedByCompiled).toEqual(await fireRequestLevelWithReference(reference, prepared));
      return new Set(firedByCompiled.map((index) => config.rules[index]?.name));
    };
    const [whenMatching, whenOther] = [await fires(matching), await fires(other)];
    for (const name of names) {
      expect(whenMatching.has(`uses-${name.toLowerCase()}`) !== whenOther.has(`uses-${name.toLowerCase()}`), name).toBe(true);
    }
  });

  test("json-rules-engine's operator decorators are refused by the evaluators too", () => {
    const decorated = [...engineRegistry.decorators.keys()].map((decorator) => `${decorator}:equal`);
    expect(decorated.length).toBeGreaterThan(0);
    for (const operator of decorated) {
      const rule: Rule = {
        name: 'decorated',
        priority: 1,
        conditions: { all: [{ fact: 'request', path: '$.citation.language', operator, value: 'zh' }] },
        event: { type: 'review', params: { reason: operator } },
        source: { file: 'rules.yaml', line: 3 },
      };
      expect(() => checkRules([rule])).toThrow(`rule 'decorated' (rules.yaml:3): conditions.all[0]: unknown operator '${operator}'`);
    }
  });
});
