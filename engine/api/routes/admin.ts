import Router from '@koa/router';
import { draftKey, EDITABLE_PATH, editableFiles, readEditable, writeAtomically } from '../../config-files';
import { formatProblem, type NetworkHolder } from '../../network';
import type { ConfigHistory } from '../../store/config-history';
import { loadNetwork } from '../../../rules/load';
import { pointerOf } from '../../../rules/located';
import { compile } from '../../../rules/route';
import type { Problem } from '../../../rules/types';
import { compareVersions, type RoutingChange } from '../../../rules/versions';
import type { AuthState } from '../authenticate';
import { InvalidInput, NO_FIELDS, PROBLEM, Routes, TEXT, type Schema } from '../contract';
import { HttpError } from '../http-error';
import { pageQuery, paged, type Page } from '../input';

export interface AdminRoutesDeps {
  network: NetworkHolder;
  configHistory: ConfigHistory;
}

/** A draft: the texts of the files it changes, by path relative to the configuration directory. */
type Files = Record<string, string>;

const FILES: Schema = {
  type: 'object',
  description: 'Texts of configuration files by their path relative to the configuration directory (GET /api/admin/config/files); the others stay as they are.',
  minProperties: 1,
  maxProperties: 100,
  additionalProperties: { type: 'string', maxLength: 500_000 },
};

const PATH: Schema = { type: 'string', pattern: EDITABLE_PATH, [PROBLEM]: 'must be a path inside the configuration directory, such as rules/exclusions.yaml' };

/** How many changed requests a comparison lists; the counts cover them all. */
const LISTED_CHANGES = 200;
/** Requests a comparison routes between turns of the event loop: thousands at once would hold every other call for seconds. */
const COMPARED_PER_TURN = 200;

/** The files a draft names must be editable files of the directory: a path of another kind or outside it is refused. */
function checkedPaths(dir: string, files: Files, where: string): void {
  const editable = new Set(editableFiles(dir).map((file) => file.path));
  const unknown = Object.keys(files).filter((path) => !editable.has(path));
  if (unknown.length > 0) {
    throw new InvalidInput(unknown.map((path) => ({ path: `${where}${pointerOf(path)}`, message: 'is not a file of the configuration directory an administrator edits' })));
  }
}

/** The configuration the directory would hold with the draft's files in it, checked as `ill check` checks one, nothing written. */
function loadDraft(dir: string, files: Files) {
  return loadNetwork(dir, { drafts: new Map(Object.entries(files)) });
}

const located = ({ file, line, column, message }: Problem) => ({ file, line, column, message });

function refuseProblems(problems: Problem[], warnings: Problem[]): void {
  if (problems.length > 0) {
    throw new HttpError(422, `the draft has ${problems.length} problem${problems.length === 1 ? '' : 's'}; ${formatProblem(problems[0]!)}`, {
      problems: problems.map(located),
      warnings: warnings.map(located),
    });
  }
}

/** The centre's administration: which configuration is in force, its files, and publishing a draft of them. */
export function adminRoutes({ network, configHistory }: AdminRoutesDeps): Routes {
  const dir = network.dir;
  // One publication at a time: the second waits and then finds the version it was based on replaced.
  let publishing: Promise<unknown> = Promise.resolve();
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const next = publishing.then(step, step);
    publishing = next.catch(() => undefined);
    return next;
  };

  return new Routes(new Router<AuthState>())
    .add({ method: 'get', path: '/api/admin/config', summary: 'Read which configuration is in force', roles: ['administrator'] }, async (ctx) => {
      const { config } = network.current();
      ctx.body = { version: config.version, suppliers: config.suppliers.length, libraries: config.libraries.length, rules: config.rules.length };
    })
    .add({ method: 'post', path: '/api/admin/config/reload', summary: 'Load the configuration again from its files', roles: ['administrator'], body: NO_FIELDS }, async (ctx) => {
      const result = network.reload();
      if ('problems' in result) {
        throw new HttpError(422, 'the new configuration has problems; the previous version stays in force', {
          version: network.current().config.version,
          problems: result.problems.map(formatProblem),
        });
      }
      ctx.body = result;
    })
    .add({ method: 'get', path: '/api/admin/config/files', summary: 'List the configuration files administrators edit', roles: ['administrator'] }, async (ctx) => {
      ctx.body = { version: network.current().config.version, files: editableFiles(dir) };
    })
    .add<{ path: string }>(
      {
        method: 'get',
        path: '/api/admin/config/file',
        summary: 'Read a configuration file',
        roles: ['administrator'],
        query: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: PATH } },
      },
      async (ctx, { query }) => {
        const file = editableFiles(dir).find((candidate) => candidate.path === query.path);
        if (!file) throw new HttpError(404, `${query.path} is not a file of the configuration directory an administrator edits`);
        ctx.body = { ...file, version: network.current().config.version, text: readEditable(dir, file.path) };
      },
    )
    .add<Record<string, never>, { files: Files }>(
      {
        method: 'post',
        path: '/api/admin/config/check',
        summary: 'Check a draft of the configuration as ill check does',
        roles: ['administrator'],
        body: { type: 'object', additionalProperties: false, required: ['files'], properties: { files: FILES } },
      },
      async (ctx, { body }) => {
        checkedPaths(dir, body.files, '/body/files');
        const { config, problems, warnings } = loadDraft(dir, body.files);
        ctx.body = { ...(config ? { version: config.version } : {}), problems: problems.map(located), warnings: warnings.map(located) };
      },
    )
    .add<Record<string, never>, { files: Files; days: number; limit: number }>(
      {
        method: 'post',
        path: '/api/admin/config/compare',
        summary: 'Compare how a draft and the version in force route recent requests',
        roles: ['administrator'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['files'],
          properties: {
            files: FILES,
            days: { type: 'integer', minimum: 1, maximum: 366, default: 30, description: 'Requests submitted in this many days before now' },
            limit: { type: 'integer', minimum: 1, maximum: 20_000, default: 5_000, description: 'At most this many of them, the latest' },
          },
        },
      },
      async (ctx, { body }) => {
        checkedPaths(dir, body.files, '/body/files');
        const days = body.days ?? 30;
        const { config, problems, warnings } = loadDraft(dir, body.files);
        refuseProblems(problems, warnings);
        const inForce = network.current();
        const comparison = compareVersions(inForce.compiled, compile(config!));
        const since = new Date(Date.now() - days * 86_400_000);
        const recent = await configHistory.recentRequests(since, body.limit ?? 5_000);
        const changes: RoutingChange[] = [];
        let compared = 0;
        let changed = 0;
        for (const [index, { request, submittedAt }] of recent.entries()) {
          if (index > 0 && index % COMPARED_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
          // A reader of a library one version lacks cannot be routed by it.
          if (!comparison.members.has(request.requester.libraryId)) continue;
          compared++;
          // Routed as on the day it came, as if nothing had been sent that day.
          const change = comparison.compare(request, { now: submittedAt });
          if (!change) continue;
          changed++;
          if (changes.length < LISTED_CHANGES) changes.push(change);
        }
        ctx.body = { inForce: inForce.config.version, draft: config!.version, since: since.toISOString(), requests: recent.length, compared, changed, changes };
      },
    )
    .add<Record<string, never>, { files: Files; basedOn: string; note: string }>(
      {
        method: 'post',
        path: '/api/admin/config/publish',
        summary: 'Publish a draft of the configuration',
        roles: ['administrator'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['files', 'basedOn', 'note'],
          properties: {
            files: FILES,
            basedOn: { type: 'string', minLength: 1, maxLength: 80, description: 'The version in force the draft was made from: another published since is a conflict (409).' },
            note: { ...TEXT, maxLength: 2000, description: 'What the change is for, kept in the history.' },
          },
        },
      },
      async (ctx, { body }) => {
        checkedPaths(dir, body.files, '/body/files');
        const key = draftKey(body.basedOn, body.files);
        const answer = await serially(async () => {
          const inForce = network.current().config.version;
          // The same draft again (a second click, a retry after a lost answer) is the version it published.
          const earlier = await configHistory.byKey(key);
          if (earlier && earlier.version === inForce) return { status: 200, published: earlier };
          if (body.basedOn !== inForce) {
            throw new HttpError(409, `the draft was made from ${body.basedOn}, but ${inForce} was published since; compare again with it`, { version: inForce });
          }
          const { problems, warnings } = loadDraft(dir, body.files);
          refuseProblems(problems, warnings);
          const files = Object.entries(body.files)
            .map(([path, after]) => ({ path, before: readEditable(dir, path), after }))
            .filter((file) => file.before !== file.after);
          if (files.length === 0) throw new HttpError(422, 'the draft changes no file: there is nothing to publish');
          writeAtomically(dir, Object.fromEntries(files.map((file) => [file.path, file.after])));
          const reloaded = network.reload();
          if ('problems' in reloaded) {
            // Someone changed the directory by hand meanwhile: what was in force stays, files and all.
            writeAtomically(dir, Object.fromEntries(files.map((file) => [file.path, file.before])));
            throw new HttpError(409, 'the configuration directory changed while publishing; nothing was published', { problems: reloaded.problems.map(located) });
          }
          const published = await configHistory.record(key, { version: reloaded.version, basedOn: body.basedOn, publishedBy: ctx.state.caller.subject, note: body.note, files });
          return { status: 201, published };
        });
        ctx.status = answer.status;
        ctx.body = answer.published;
      },
    )
    .add<Page>(
      { method: 'get', path: '/api/admin/config/versions', summary: 'List the configuration versions published, newest first', roles: ['administrator'], query: pageQuery() },
      async (ctx, { query }) => {
        ctx.body = paged(await configHistory.list(query.limit, query.before), query.limit, 'versions');
      },
    );
}
