// The benchmark's own correctness check: on the generated full-scale network, the compiled path and
// json-rules-engine decide a few requests identically. Timing is the benchmark's business, not this test's.

import { describe, expect, it } from 'vitest';
import { compile } from '../rules/compile';
import { createReference, routeWithReference } from '../rules/reference';
import { route } from '../rules/route';
import { generateNetwork, generateRequests } from './network-generator';

describe('routing benchmark inputs', () => {
  it('are generated the same way every time', () => {
    expect(JSON.stringify(generateNetwork(7))).toBe(JSON.stringify(generateNetwork(7)));
    const config = generateNetwork(7);
    expect(config.libraries).toHaveLength(1132);
    expect(config.suppliers.filter((s) => s.kind === 'service-library')).toHaveLength(450);
    expect(config.suppliers).toHaveLength(470);
    expect(config.rules).toHaveLength(200);
  });

  it('route the same through the compiled rules and json-rules-engine', async () => {
    const config = generateNetwork(11);
    const compiled = compile(config);
    const reference = createReference(config);
    for (const input of generateRequests(12, config, 4)) {
      expect(input.holdings.length).toBeGreaterThanOrEqual(4);
      expect(route(compiled, input)).toEqual(await routeWithReference(reference, input));
    }
  });
});
