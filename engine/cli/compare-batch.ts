// The lines of a batch of requests compared under two configurations, as `ill route --compare`
// does in its own thread for a short batch and in worker threads (compare-worker.ts) for a long
// one: the same code either way, so the report is the same either way.

import { requestProblems } from '../../rules/check';
import { parseLocated } from '../../rules/located';
import { validateRequest } from '../../rules/request';
import { conforms } from '../../rules/schemas';
import type { Problem } from '../../rules/types';
import type { RoutingChange, RoutingFacts, VersionComparison } from '../../rules/versions';
import { holdingOf } from '../../domain/holdings';
import type { IllRequest } from '../../domain/request';

/** The request as written, checked against the schema and, since it cannot be routed otherwise, against the member libraries. */
export function readRequest(text: string, file: string, members: ReadonlySet<string>): { request?: IllRequest; problems: Problem[] } {
  const { located, problems } = parseLocated(file, text);
  if (!located) return { problems };
  const checked = validateRequest(located.value, file, text);
  if (!checked.request) return checked;
  const unknown = requestProblems(located, checked.request, members);
  return unknown.length > 0 ? { problems: unknown } : checked;
}

/**
 * A line of a batch that is a valid request in JSON, read without keeping where anything was
 * written; undefined for any other line, which `readRequest` then reads again to say where its
 * mistakes are (or to read it as the YAML it may be).
 */
function quickRequest(line: string, members: ReadonlySet<string>): IllRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!conforms(value, 'request')) return undefined;
  const { $schema: _schema, ...request } = value as IllRequest & { $schema?: unknown };
  if (!members.has(request.requester.libraryId)) return undefined;
  if (request.holdings?.some((holder) => !members.has(holdingOf(holder).libraryId))) return undefined;
  return request;
}

/** Lines of a batch file that are not blank, with their numbers in the file (from 1). */
export interface Lines {
  texts: string[];
  numbers: number[];
}

/** What a line came to where it says something: a request the configurations route differently, or a line that is no request. */
export type Finding = { change: RoutingChange } | { problems: Problem[] };

/** Each line compared, in order; `file` names the batch in problems. */
export function compareLines(comparison: VersionComparison, lines: Lines, file: string, facts: RoutingFacts): Finding[] {
  const findings: Finding[] = [];
  lines.texts.forEach((line, i) => {
    let request = quickRequest(line, comparison.members);
    if (!request) {
      const read = readRequest(line, file, comparison.members);
      if (!read.request) {
        const number = lines.numbers[i] as number;
        findings.push({ problems: read.problems.map((problem) => ({ ...problem, line: number - 1 + problem.line })) });
        return;
      }
      request = read.request;
    }
    const change = comparison.compare(request, facts);
    if (change) findings.push({ change });
  });
  return findings;
}
