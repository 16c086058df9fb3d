import { describe, expect, it } from 'vitest';
import { parseLocated } from './located';

describe('parseLocated', () => {
  it('says a text whose aliases would expand past the parser’s limit cannot be read, rather than throwing', () => {
    // Each level names the one before nine times: 9^8 values from a few hundred bytes.
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let n = 1; n <= 8; n++) levels.push(`a${n}: &a${n} [${Array.from({ length: 9 }, () => `*a${n - 1}`).join(', ')}]`);
    const { located, problems } = parseLocated('requests.yaml', levels.join('\n'));
    expect(located).toBeUndefined();
    expect(problems).toEqual([{ file: 'requests.yaml', line: 1, column: 1, message: expect.stringMatching(/^YAML could not be read: .*alias/i) }]);
  });

  it('reads a text with a few aliases as the parser does', () => {
    const { located, problems } = parseLocated('x.yaml', 'a: &a [1, 2]\nb: *a\n');
    expect(problems).toEqual([]);
    expect(located?.value).toEqual({ a: [1, 2], b: [1, 2] });
  });
});
