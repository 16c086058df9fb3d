// JSON Schema validation of configuration files, with ajv's errors turned into located problems
// an administrator can act on.
//
// The schemas are the ones shipped in config/schemas beside this engine, compiled in, whatever
// directory is being checked: they describe what this version of the engine reads, so a copied
// configuration cannot loosen them. The copies in a configuration directory serve editors (the
// `yaml-language-server` comment at the top of each file).

import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { fullFormats } from 'ajv-formats/dist/formats';
import common from '../config/schemas/common.schema.json';
import holdings from '../config/schemas/holdings.schema.json';
import libraries from '../config/schemas/libraries.schema.json';
import licences from '../config/schemas/licences.schema.json';
import policy from '../config/schemas/policy.schema.json';
import request from '../config/schemas/request.schema.json';
import rules from '../config/schemas/rules.schema.json';
import subjects from '../config/schemas/subjects.schema.json';
import suppliers from '../config/schemas/suppliers.schema.json';
import { pointerOf, type LocatedText } from './located';
import { didYouMean } from './suggest';
import type { Problem } from './types';
import { dateProblem, isCalendarDate, isLanguageCode, languageProblem } from './vocabulary';

const SCHEMAS = { suppliers, libraries, rules, policy, holdings, licences, request, subjects };
export type SchemaName = keyof typeof SCHEMAS;

const ajv = new Ajv2020({ allErrors: true, verbose: true });
/** Formats the schemas name, each with what an administrator is told when a value is not of it. */
export const FORMATS: Record<string, { valid: (value: string) => boolean; problem: (value: string) => string | undefined }> = {
  date: { valid: isCalendarDate, problem: dateProblem },
  'iso-639-1': { valid: isLanguageCode, problem: languageProblem },
  email: { valid: (value) => (fullFormats.email as RegExp).test(value), problem: (value) => `'${value}' is not an e-mail address` },
};
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format.valid);
ajv.addSchema(common, 'common.schema.json');
for (const [name, schema] of Object.entries(SCHEMAS)) ajv.addSchema(schema, `${name}.schema.json`);

export interface SchemaProblem {
  /** Where ajv found the error, to tell which entry of a file it spoils. */
  pointer: string;
  problem: Problem;
}

/** The property a pointer names, as the administrator wrote it: `status.state`, `services[1]`. */
function label(pointer: string): string {
  let parts = pointer.split('/').slice(1);
  if (parts.length === 0) return 'the file';
  // Inside an entry of suppliers, libraries or rules, the entry is already pinned by the line.
  if (parts.length > 2 && /^\d+$/.test(parts[1] ?? '')) parts = parts.slice(2);
  const text = parts.map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
  return `'${text}'`;
}

function describe(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a mapping';
  return typeof data === 'string' ? `'${data}'` : `${typeof data} ${JSON.stringify(data)}`;
}

function located(doc: LocatedText, error: ErrorObject): { pointer: string; problem: Problem } {
  const pointer = error.instancePath;
  const at = (where: string, message: string, part?: 'key' | 'value') => ({ pointer, problem: doc.problem(where, message, part) });
  const params = error.params as Record<string, unknown>;
  const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
  switch (error.keyword) {
    case 'required':
      return at(pointer, `missing required property '${String(params.missingProperty)}'`);
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const expected = known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
      const message = `unknown property '${property}'${didYouMean(property, known) || expected}`;
      return at(pointer + pointerOf(property), message, 'key');
    }
    case 'type':
      return at(pointer, `${label(pointer)} must be ${String(params.type)}, found ${describe(error.data)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = didYouMean(String(error.data), allowed) || ` (expected one of: ${allowed.join(', ')})`;
      return at(pointer, `${label(pointer)} cannot be ${describe(error.data)}${hint}`);
    }
    case 'format': {
      const message = FORMATS[String(params.format)]?.problem(String(error.data));
      return at(pointer, `${label(pointer)}: ${message ?? `${describe(error.data)} is not a ${String(params.format)}`}`);
    }
    case 'dependentRequired':
      return at(pointer, `'${String(params.property)}' needs '${String(params.missingProperty)}' beside it`);
    default:
      if (error.propertyName !== undefined) {
        const name = error.propertyName;
        return at(pointer + pointerOf(name), `key '${name}' ${error.message ?? 'is not allowed'}`, 'key');
      }
      return at(pointer, `${label(pointer)} ${error.message ?? 'is invalid'}`);
  }
}

/** Problems with `doc` against the named schema; empty when it conforms. */
export function schemaProblems(doc: LocatedText, schema: SchemaName): SchemaProblem[] {
  const validate = ajv.getSchema(`${schema}.schema.json`);
  if (!validate) throw new Error(`schema ${schema} is not compiled`);
  if (validate(doc.value)) return [];
  // propertyNames and if only repeat the failure of their subschema, which already says what is wrong.
  return (validate.errors ?? []).filter((error) => error.keyword !== 'propertyNames' && error.keyword !== 'if').map((error) => located(doc, error));
}

/** Whether a value conforms to the named schema, without locating anything: the quick test for values read by the thousand. */
export function conforms(value: unknown, schema: SchemaName): boolean {
  const validate = ajv.getSchema(`${schema}.schema.json`);
  if (!validate) throw new Error(`schema ${schema} is not compiled`);
  return validate(value) === true;
}
