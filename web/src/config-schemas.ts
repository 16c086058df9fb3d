// The configuration's JSON Schemas for the editor: as its completion and hover library (codemirror-json-schema,
// on json-schema-library) can walk them: one schema per file with what it takes from common.schema.json
// inside it, and no array whose items are a bare reference.
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { jsonPointerForPosition } from 'codemirror-json-schema';
import { yamlCompletion } from 'codemirror-json-schema/yaml';
import type { JSONSchema7 } from 'json-schema';
import common from '../../config/schemas/common.schema.json';
import holdings from '../../config/schemas/holdings.schema.json';
import libraries from '../../config/schemas/libraries.schema.json';
import licences from '../../config/schemas/licences.schema.json';
import policy from '../../config/schemas/policy.schema.json';
import request from '../../config/schemas/request.schema.json';
import rules from '../../config/schemas/rules.schema.json';
import subjects from '../../config/schemas/subjects.schema.json';
import suppliers from '../../config/schemas/suppliers.schema.json';

const SCHEMAS: Record<string, object> = { holdings, libraries, licences, policy, request, rules, subjects, suppliers };
const COMMON = 'common.schema.json#/$defs/';

/** A schema rewritten node by node: `to` gives each object's entries their new form, everywhere beneath too. */
function rewritten(node: unknown, to: (key: string, value: unknown) => unknown): unknown {
  if (Array.isArray(node)) return node.map((item) => rewritten(item, to));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, to(key, rewritten(value, to))]));
}

const isBareReference = (value: unknown): value is { $ref: string } => value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string';

/**
 * json-schema-library steps into an array's item without resolving a bare `items: { $ref }`, so
 * everything under such an item (a rule's event type, a supplier's kind) found no schema and no
 * value completed; reached through `allOf` the reference is resolved before it steps on.
 */
const resolvableItems = (key: string, value: unknown) => (key === 'items' && isBareReference(value) ? { allOf: [value] } : value);

/** The schema for a file by its schema's name, as the completion library resolves only references within one schema. */
export function bundled(name: string): JSONSchema7 | undefined {
  const schema = SCHEMAS[name];
  if (!schema) return undefined;
  const ref = (to: (ref: string) => string) => (key: string, value: unknown) => (key === '$ref' && typeof value === 'string' ? to(value) : value);
  const own = rewritten(schema, ref((target) => (target.startsWith(COMMON) ? `#/$defs/common-${target.slice(COMMON.length)}` : target))) as { $defs?: Record<string, unknown> };
  const shared = Object.entries(common.$defs).map(([key, value]) => [`common-${key}`, rewritten(value, ref((target) => target.replace('#/$defs/', '#/$defs/common-')))]);
  return rewritten({ ...own, $defs: { ...own.$defs, ...Object.fromEntries(shared) } }, resolvableItems) as JSONSchema7;
}

type Node = JSONSchema7 | boolean | undefined;

/** The schemas a node may be: its reference followed, and each of its alternatives and conditional branches. */
function alternatives(root: JSONSchema7, node: Node, seen = new Set<object>()): JSONSchema7[] {
  if (node === undefined || typeof node === 'boolean' || seen.has(node)) return [];
  seen.add(node);
  const target = node.$ref?.startsWith('#/') ? node.$ref.slice(2).split('/').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], root) : undefined;
  const branches = [target as Node, ...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? []), node.then, node.else];
  return [node, ...branches.flatMap((branch) => alternatives(root, branch, seen))];
}

/**
 * The values a schema allows at a path of property names and array indexes (enums and consts, in
 * their order), with what the schema says of them; none where the value is free.
 */
export function allowedValues(root: JSONSchema7, path: readonly string[]): { value: string | number | boolean; description?: string }[] {
  let nodes = alternatives(root, root);
  for (const key of path) {
    nodes = nodes.flatMap((node) => alternatives(root, /^\d+$/.test(key) && node.items !== undefined ? (Array.isArray(node.items) ? node.items[Number(key)] : node.items) : node.properties?.[key]));
  }
  const found = new Map<string | number | boolean, string | undefined>();
  for (const node of nodes) {
    for (const value of [...(node.enum ?? []), ...(node.const === undefined ? [] : [node.const])]) {
      if ((typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && !found.has(value)) found.set(value, node.description);
    }
  }
  return [...found].map(([value, description]) => ({ value, ...(description ? { description } : {}) }));
}

/** A key and its colon with no value after them yet, up to the cursor. */
const KEY_BEFORE_EMPTY_VALUE = /([\w$-]+):[ \t]+/;

/**
 * Completion from the schema: the library's, and where it finds no value node to complete (right
 * after `key: `, nothing typed yet) the values the schema allows for that key.
 */
export function schemaCompletion(schema: JSONSchema7) {
  const library = yamlCompletion();
  return (ctx: CompletionContext): CompletionResult | null => {
    const found = library(ctx);
    if ('options' in found && found.options.length > 0) return found;
    const typed = ctx.matchBefore(KEY_BEFORE_EMPTY_VALUE);
    const line = ctx.state.doc.lineAt(ctx.pos);
    // Only where the value is still empty: what follows ends it (a flow mapping's comma or brace, a comment, the line's end).
    if (!typed || !/^\s*([,}\]#]|$)/.test(line.text.slice(ctx.pos - line.from))) return null;
    const key = KEY_BEFORE_EMPTY_VALUE.exec(typed.text)![1]!;
    const parent = jsonPointerForPosition(ctx.state, ctx.pos, -1, 'yaml').split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    const values = allowedValues(schema, [...parent, key]);
    if (values.length === 0) return null;
    return {
      from: ctx.pos,
      options: values.map(({ value, description }) => ({ label: String(value), type: 'enum', ...(description ? { info: description } : {}) })),
      validFor: /^[\w.-]*$/,
    };
  };
}
