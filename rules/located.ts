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

/** Parses YAML (JSON is YAML too); syntax errors come back as located problems. */
export function parseLocated(file: string, text: string): { located?: LocatedText; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
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
