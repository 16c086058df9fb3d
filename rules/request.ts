// Requests arrive from readers' forms, discovery systems, sample files and files given to
// `ill route`; each mistake is reported with the JSON pointer of the offending value and, when the
// text is at hand, its line and column.

import { byLocation } from './load';
import { parseLocated } from './located';
import { schemaProblems } from './schemas';
import type { Problem } from './types';
import type { IllRequest } from '../domain/request';

export interface RequestProblem extends Problem {
  /** JSON pointer of the offending value, for API callers who sent the JSON rather than a file. */
  pointer: string;
}

/**
 * Checks a request against request.schema.json. `text` is the request as written (JSON or YAML),
 * when there is one; without it, lines and columns refer to the request printed as indented JSON.
 * The `$schema` a file names for editors is not part of the request.
 */
export function validateRequest(value: unknown, file: string, text?: string): { request?: IllRequest; problems: RequestProblem[] } {
  const { located, problems } = parseLocated(file, text ?? JSON.stringify(value, null, 2) ?? 'null');
  if (!located) return { problems: problems.map((problem) => ({ ...problem, pointer: '' })) };
  const found = schemaProblems({ ...located, value }, 'request')
    .map(({ pointer, problem }) => ({ ...problem, pointer }))
    .sort(byLocation);
  if (found.length > 0) return { problems: found };
  const { $schema: _schema, ...request } = value as IllRequest & { $schema?: unknown };
  return { request, problems: [] };
}
