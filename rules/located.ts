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
  doc: Document;
  lineCounter: LineCounter;
  /** Schemas the value was found to conform to, by name. */
  conforms: Set<string>;
}

/**
 * Texts parsed without error, by their text, so that a second file of the same text (a draft
 * configuration copied from the one in force shares most of its files) is not parsed again: each
 * file still gets a value of its own, built afresh from the parse, and its own file name.
 */
export class ParseCache {
  private readonly texts = new Map<string, Parsed>();

  get(text: string): Parsed | undefined {
    return this.texts.get(text);
  }

  set(text: string, doc: Document, lineCounter: LineCounter): void {
    this.texts.set(text, { doc, lineCounter, conforms: new Set() });
  }

  /** Whether a text parsed before was found to conform to the schema named. */
  conforms(text: string, schema: string): boolean {
    return this.texts.get(text)?.conforms.has(schema) ?? false;
  }

  conforming(text: string, schema: string): void {
    this.texts.get(text)?.conforms.add(schema);
  }
}

/** Parses YAML (JSON is YAML too); syntax errors come back as located problems. A text `cache` holds is not parsed again. */
export function parseLocated(file: string, text: string, cache?: ParseCache): { located?: LocatedText; problems: Problem[] } {
  const cached = cache?.get(text);
  const lineCounter = cached?.lineCounter ?? new LineCounter();
  const doc = cached?.doc ?? parseDocument(text, { lineCounter, prettyErrors: false });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        file,
        ...position(error.pos[0]),
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  if (cache && !cached) cache.set(text, doc, lineCounter);
  const at = (pointer: string, part: 'key' | 'value' = 'value') => position(offsetOf(doc, pointer, part));
  return {
    located: {
      file,
      value: doc.toJS(),
      at,
      problem: (pointer, message, part) => ({ file, ...at(pointer, part), message }),
    },
    problems: [],
  };
}
