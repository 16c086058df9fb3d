// What an administrator waits for before publishing a rule change: `ill route --compare` over
// 100,000 requests of the full-scale generated network, with a narrow draft (one library's regional
// agreement weighs more) and a broad one (the ranking weights of the network's policy for speed),
// each against the configuration in force, written as configuration directories and a JSONL batch
// in a temporary directory. The command runs as the CLI runs it (`runRoute`, stdout captured), with
// its worker threads as by default and again with none (`--threads 0`); the baseline is the loop the
// command ran before, on the first requests of the same batch in the same process: each line read
// by the located parser and validated, routed under both configurations.
// Run with `npm run bench:compare`; the last line of output is a JSON summary.
// COMPARE_REQUESTS and COMPARE_BASELINE_REQUESTS set the batch and the baseline's share of it;
// COMPARE_DIR keeps the configurations and the batch there (in-force/, narrow/, broad/,
// requests.jsonl) to run the command by hand or under a profiler.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestProblems } from '../rules/check';
import { compile, route } from '../rules/route';
import { lookupHoldings } from '../rules/holdings';
import { loadNetwork } from '../rules/load';
import { parseLocated } from '../rules/located';
import { validateRequest } from '../rules/request';
import type { NetworkConfig, Rule, RuleCondition } from '../rules/types';
import { changeOf, outlineOf, type RoutingChange } from '../rules/versions';
import type { LoadedNetwork } from '../engine/network';
import { runRoute } from '../engine/cli/route';
import { ownCpuMs } from './cpu';
import { FULL_SCALE, generateNetwork, generateRequests } from './network-generator';
import { catalogued, writeNetwork } from './network-writer';

const NETWORK_SEED = 20130601;
const REQUEST_SEED = 4;
const REQUESTS = Number(process.env.COMPARE_REQUESTS ?? 100_000);
/** The loop before takes some milliseconds a request, so it routes only the first of the batch and its time is scaled to the batch. */
const BASELINE_REQUESTS = Math.min(REQUESTS, Number(process.env.COMPARE_BASELINE_REQUESTS ?? 2_000));
/** The generated suppliers' suspensions are dated in March 2025. */
const NOW = '2025-03-15';

const isLeaf = (node: unknown): node is RuleCondition => typeof node === 'object' && node !== null && 'fact' in node;

/** One rule changed: the first library's regional agreement (a score rule for one requesting library's same-region suppliers) weighs 20 more. */
function narrowDraft(config: NetworkConfig): { config: NetworkConfig; change: string } {
  const agreement = (rule: Rule) =>
    rule.event.type === 'score' &&
    (rule.conditions.all ?? []).some((node) => isLeaf(node) && node.path === '$.requester.libraryId' && node.operator === 'equal') &&
    (rule.conditions.all ?? []).some((node) => isLeaf(node) && node.path === '$.sameRegion');
  const index = config.rules.findIndex(agreement);
  const rule = config.rules[index];
  if (!rule) throw new Error('the generated network has no regional agreement rule');
  const add = Number(rule.event.params.add) + 20;
  const rules = config.rules.map((each, i) => (i === index ? { ...each, event: { ...each.event, params: { ...each.event.params, add } } } : each));
  return { config: { ...config, rules }, change: `rule ${rule.name} adds ${add} rather than ${String(rule.event.params.add)}` };
}

/** The ranking weights changed, as to the network's policy for speed (simulation/network.ts SPEED_POLICY): most requests rank differently. */
function broadDraft(config: NetworkConfig): { config: NetworkConfig; change: string } {
  const weights = { cost: 12, turnaround: 60, fillRate: 20, tier: 2, load: 5 };
  return { config: { ...config, policy: { ...config.policy, weights } }, change: `weights ${JSON.stringify(weights)}` };
}

interface Report {
  requests: number;
  changed: number;
  invalid: number;
  changes: RoutingChange[];
}

/** The product: `ill route --config DRAFT --compare IN-FORCE --requests FILE --now NOW [...more]`, as the CLI runs it; CPU counts every thread. */
async function product(draft: string, inForce: string, requests: string, more: string[] = []): Promise<{ seconds: number; cpuSeconds: number; output: string; report: Report }> {
  const out: string[] = [];
  let stderr = '';
  const io = { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} };
  const [started, cpu] = [performance.now(), ownCpuMs()];
  const code = await runRoute(['--config', draft, '--compare', inForce, '--requests', requests, '--now', NOW, ...more], io);
  const [seconds, cpuSeconds] = [(performance.now() - started) / 1000, (ownCpuMs() - cpu) / 1000];
  if (code !== 0 || stderr !== '') throw new Error(`ill route --compare exited ${code}: ${stderr.slice(0, 2000)}`);
  const output = out.join('');
  return { seconds, cpuSeconds, output, report: JSON.parse(output) as Report };
}

function loaded(dir: string): LoadedNetwork {
  const { config, problems } = loadNetwork(dir);
  if (!config) throw new Error(`${dir}: ${problems.length} problems, the first ${JSON.stringify(problems[0])}`);
  return { config, compiled: compile(config) };
}

/**
 * The compare as it ran before: the located parser and validation for every line, then `route()`
 * under each configuration, each decision made in full; what it finds changed, by request.
 */
function baseline(
  draft: string,
  inForce: string,
  file: string,
  lines: readonly string[],
): { loadSeconds: number; loadCpuSeconds: number; seconds: number; cpuSeconds: number; changed: Map<string, RoutingChange> } {
  let [started, cpu] = [performance.now(), ownCpuMs()];
  const [after, before] = [loaded(draft), loaded(inForce)];
  const [loadSeconds, loadCpuSeconds] = [(performance.now() - started) / 1000, (ownCpuMs() - cpu) / 1000];
  const members = new Set(before.config.libraries.map((library) => library.id));
  const changed = new Map<string, RoutingChange>();
  [started, cpu] = [performance.now(), ownCpuMs()];
  for (const line of lines) {
    const { located } = parseLocated(file, line);
    if (!located) throw new Error(`unreadable line ${line.slice(0, 100)}`);
    const { request } = validateRequest(located.value, file, line);
    if (!request || requestProblems(located, request, members).length > 0) throw new Error(`invalid request ${line.slice(0, 100)}`);
    const old = route(before.compiled, { request, holdings: lookupHoldings(before.config, request), now: NOW });
    const next = route(after.compiled, { request, holdings: lookupHoldings(after.config, request), now: NOW });
    const change = changeOf(outlineOf(old), outlineOf(next));
    if (change) changed.set(request.id, change);
  }
  return { loadSeconds, loadCpuSeconds, seconds: (performance.now() - started) / 1000, cpuSeconds: (ownCpuMs() - cpu) / 1000, changed };
}

async function main(): Promise<void> {
  const kept = process.env.COMPARE_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'ill-compare-bench-'));
  try {
    let started = performance.now();
    const generated = generateNetwork(NETWORK_SEED, FULL_SCALE);
    const { requests, holdings } = catalogued(generateRequests(REQUEST_SEED, generated, REQUESTS));
    const config: NetworkConfig = { ...generated, holdings };
    const inForce = join(dir, 'in-force');
    writeNetwork(config, inForce);
    const drafts = { narrow: narrowDraft(config), broad: broadDraft(config) };
    for (const [name, draft] of Object.entries(drafts)) writeNetwork(draft.config, join(dir, name));
    const file = join(dir, 'requests.jsonl');
    writeFileSync(file, `${requests.map((request) => JSON.stringify(request)).join('\n')}\n`);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, BASELINE_REQUESTS);
    const holders = Object.values(holdings).reduce((total, each) => total + each.length, 0);
    console.log(
      `network: ${config.libraries.length} libraries, ${config.suppliers.length} suppliers, ${config.rules.length} rules; ` +
        `holdings of ${Object.keys(holdings).length} journals, ${holders} holders; ${REQUESTS} requests; written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const results: Record<
      string,
      { seconds: number; cpuSeconds: number; oneThreadSeconds: number; oneThreadCpuSeconds: number; changed: number; baselineSeconds: number; baselineCpuSeconds: number; ratio: number; cpuRatio: number }
    > = {};
    for (const [name, { change }] of Object.entries(drafts)) {
      const draft = join(dir, name);
      const { seconds, cpuSeconds, output, report } = await product(draft, inForce, file);
      if (report.requests !== REQUESTS || report.invalid !== 0) throw new Error(`${name}: ${report.requests} requests read, ${report.invalid} invalid`);
      const alone = await product(draft, inForce, file, ['--threads', '0']);
      if (alone.output !== output) throw new Error(`${name}: the report with no worker thread differs from the report with them`);
      started = performance.now();
      const before = baseline(draft, inForce, file, lines);
      // Today's loop for the whole batch: both configurations loaded, then every request at the rate of the first.
      const baselineSeconds = before.loadSeconds + (before.seconds * REQUESTS) / BASELINE_REQUESTS;
      const baselineCpuSeconds = before.loadCpuSeconds + (before.cpuSeconds * REQUESTS) / BASELINE_REQUESTS;
      const firstIds = new Set(requests.slice(0, BASELINE_REQUESTS).map((request) => request.id));
      const reported = new Map(report.changes.filter((each) => firstIds.has(each.requestId)).map((each) => [each.requestId, each]));
      // The command decides only what the comparison reads: what it reports must be what decisions made in full give.
      const mismatches = [...firstIds].filter((id) => JSON.stringify(reported.get(id)) !== JSON.stringify(before.changed.get(id))).length;
      if (mismatches > 0) throw new Error(`${name}: ${mismatches} of the first ${BASELINE_REQUESTS} requests compare differently from the loop before`);
      results[name] = {
        seconds: Number(seconds.toFixed(2)),
        cpuSeconds: Number(cpuSeconds.toFixed(2)),
        oneThreadSeconds: Number(alone.seconds.toFixed(2)),
        oneThreadCpuSeconds: Number(alone.cpuSeconds.toFixed(2)),
        changed: report.changed,
        baselineSeconds: Number(baselineSeconds.toFixed(1)),
        baselineCpuSeconds: Number(baselineCpuSeconds.toFixed(1)),
        ratio: Number((baselineSeconds / seconds).toFixed(1)),
        cpuRatio: Number((baselineCpuSeconds / cpuSeconds).toFixed(1)),
      };
      console.log(
        `${name} draft (${change}): ${report.changed} of ${report.requests} requests route differently; compared in ${seconds.toFixed(2)} s, ` +
          `${cpuSeconds.toFixed(2)} s of CPU (${((seconds * 1e6) / REQUESTS).toFixed(0)} µs a request, both configurations loaded included); ` +
          `with no worker thread ${alone.seconds.toFixed(2)} s, ${alone.cpuSeconds.toFixed(2)} s of CPU, the same report`,
      );
      console.log(
        `  the loop before: configurations loaded in ${before.loadSeconds.toFixed(2)} s (${before.loadCpuSeconds.toFixed(2)} s of CPU), first ${BASELINE_REQUESTS} requests in ${before.seconds.toFixed(2)} s, ` +
          `${before.cpuSeconds.toFixed(2)} s of CPU (${((before.seconds * 1e6) / BASELINE_REQUESTS).toFixed(0)} µs each); for the batch about ${baselineSeconds.toFixed(0)} s, ` +
          `${baselineCpuSeconds.toFixed(0)} s of CPU; the same of them changed, the same way`,
      );
    }
    const slowest = (of: (result: (typeof results)[string]) => number) => Math.max(...Object.values(results).map(of));
    // The machine may be shared: how loaded it was over the last minute, at the end.
    const loadAverage = Number((loadavg()[0] ?? 0).toFixed(2));
    console.log(`load average ${loadAverage}`);
    console.log(
      JSON.stringify({
        bench: 'compare',
        loadAverage,
        requests: REQUESTS,
        seconds: slowest((result) => result.seconds),
        cpuSeconds: slowest((result) => result.cpuSeconds),
        baselineRequests: BASELINE_REQUESTS,
        ...results,
      }),
    );
  } finally {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

void main();
