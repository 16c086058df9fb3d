// Parsed YAML or JSON that remembers where everything was written, so a problem found in the
// parsed value can point the administrator at the line and column to edit.

import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Problem } from './types';

export interface Position {
  line: number;
  column: number;
}

export interface LocatedText {
  file: string;
  value: unknown;
  /**
   * Where the JSON pointer points: its value, or with `key` the key naming it. A pointer that
   * runs past what is written (a missing property) points at the deepest thing that exists.
   */
  at(pointer: string, part?: 'key' | 'value'): Position;
  problem(pointer: string, message: string, part?: 'key' | 'value'): Problem;
}

function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function pointerOf(...parts: (string | number)[]): string {
  return parts.map((part) => '/' + String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function offsetOf(doc: Document, pointer: string, part: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = 0;
  const path = segments(pointer);
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isNode(node)) offset = node.range?.[0] ?? offset;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair || !isNode(pair.key)) return offset;
      // `key:` with nothing after it has an empty value node; its key is what the reader sees.
      const empty = !isNode(pair.value) || (isScalar(pair.value) && pair.value.source === '');
      if (empty || (part === 'key' && index === path.length - 1)) return pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return offset;
    }
  }
  return isNode(node) ? (node.range?.[0] ?? offset) : offset;
}

interface Parsed {
  /** The parse with positions; absent for a text read by a quick reader while no position was asked for. */
  positions?: Positions;
  /** Schemas the value was found to conform to, by name. */
  conforms: Set<string>;
}

interface Positions {
  doc: Document;
  lineCounter: LineCounter;
}

/**
 * Texts read without error, by their text, so that a second file of the same text (a draft
 * configuration copied from the one in force shares most of its files) is not parsed again: each
 * file still gets a value of its own, built afresh from the parse, and its own file name.
 */
export class ParseCache {
  private readonly texts = new Map<string, Parsed>();

  positions(text: string): Positions | undefined {
    return this.texts.get(text)?.positions;
  }

  /** Remembers a text read without error, with its parse where it was parsed with positions. */
  read(text: string, positions?: Positions): void {
    const known = this.texts.get(text);
    if (known) known.positions ??= positions;
    else this.texts.set(text, { ...(positions && { positions }), conforms: new Set() });
  }

  /** Whether a text read before was found to conform to the schema named. */
  conforms(text: string, schema: string): boolean {
    return this.texts.get(text)?.conforms.has(schema) ?? false;
  }

  conforming(text: string, schema: string): void {
    this.texts.get(text)?.conforms.add(schema);
  }
}

/** Where a problem of the whole text is placed. */
export const FIRST: Position = { line: 1, column: 1 };

/** Parses with positions, from the cache when it holds the text. */
function parsed(text: string, cache?: ParseCache): Positions {
  const cached = cache?.positions(text);
  if (cached) return cached;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length === 0) cache?.read(text, { doc, lineCounter });
  return { doc, lineCounter };
}

/** Where each pointer of a document parsed with positions is written. */
function locator({ doc, lineCounter }: Positions): (pointer: string, part?: 'key' | 'value') => Position {
  return (pointer, part = 'value') => {
    const { line, col } = lineCounter.linePos(offsetOf(doc, pointer, part));
    return { line, column: col };
  };
}

/**
 * Parses YAML (JSON is YAML too); syntax errors come back as located problems. A text `cache`
 * holds is not parsed again. `quick` reads texts of a shape it knows (a file of data) to the value
 * the YAML parser would give, or gives undefined: the text it reads is parsed with positions only
 * when one is asked for, to say where a problem is.
 */
export function parseLocated(file: string, text: string, cache?: ParseCache, quick?: (text: string) => unknown): { located?: LocatedText; problems: Problem[] } {
  const value = cache?.positions(text) ? undefined : quick?.(text);
  if (value !== undefined) {
    cache?.read(text);
    let at: ((pointer: string, part?: 'key' | 'value') => Position) | undefined;
    const where = (pointer: string, part?: 'key' | 'value') => (at ??= locator(parsed(text, cache)))(pointer, part);
    return { located: { file, value, at: where, problem: (pointer, message, part) => ({ file, ...where(pointer, part), message }) }, problems: [] };
  }
  const { doc, lineCounter } = parsed(text, cache);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { file, line, column: col, message: `YAML syntax error: ${error.message.split('\n')[0]}` };
      }),
    };
  }
  let read: unknown;
  try {
    read = doc.toJS();
  } catch (error) {
    // The parser refuses to expand aliases past a limit (a text built to exhaust memory): a problem in the text, not a failure of the loader.
    return { problems: [{ file, ...FIRST, message: `YAML could not be read: ${(error as Error).message}` }] };
  }
  const at = locator({ doc, lineCounter });
  return {
    located: {
      file,
      value: read,
      at,
      problem: (pointer, message, part) => ({ file, ...at(pointer, part), message }),
    },
    problems: [],
  };
}
