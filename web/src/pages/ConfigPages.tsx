// The administrator's configuration: the files in an editor, a draft checked as it is typed (the
// checks of `ill check`), compared with the version in force over recent requests, and published;
// and the history of the versions published.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { lazy } from 'preact-iso';
import type { PublishedVersion } from '../../../domain/config-versions';
import type { ApiError } from '../api';
import { useMessages } from '../i18n';
import { useApi } from '../session';
import { Heading } from './Heading';
import type { Located } from './ConfigEditor';

const ConfigEditor = lazy(() => import('./ConfigEditor'));

interface EditableFile {
  path: string;
  schema: string;
}

interface Checked {
  version?: string;
  problems: Located[];
  warnings: Located[];
}

interface Change {
  requestId: string;
  firstSupplier?: { old: string | null; new: string | null };
  outcome?: { old: string; new: string };
  rotaChanged: boolean;
}

interface Comparison {
  inForce: string;
  draft: string;
  compared: number;
  changed: number;
  changes: Change[];
}

/** How long typing pauses before the draft is checked. */
const CHECK_AFTER_MS = 400;
/** The days of requests a comparison covers, as the API takes them by default. */
const COMPARED_DAYS = 30;

const at = ({ file, line, column }: Located) => `${file}:${line}:${column}`;
const shortVersion = (version: string) => version.replace(/^sha256:/, '').slice(0, 12);

function ProblemList({ title, items, kind, open }: { title: string; items: Located[]; kind: 'problem' | 'warning'; open(item: Located): void }) {
  const { t } = useMessages();
  if (items.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul class={`located ${kind}s`}>
        {items.map((item) => (
          <li key={`${at(item)} ${item.message}`}>
            <button type="button" class="link" aria-label={t.config.goTo(at(item))} onClick={() => open(item)}>
              <code>{at(item)}</code>
            </button>
            : {item.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ConfigFiles() {
  const { t } = useMessages();
  const api = useApi();
  const [files, setFiles] = useState<EditableFile[]>();
  const [basedOn, setBasedOn] = useState('');
  const [originals, setOriginals] = useState<Record<string, string>>({});
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<string>();
  const [jump, setJump] = useState<{ line: number }>();
  const [checked, setChecked] = useState<Checked>({ problems: [], warnings: [] });
  const [checking, setChecking] = useState(false);
  const [comparison, setComparison] = useState<{ result: Comparison; of: string }>();
  const [comparing, setComparing] = useState(false);
  const [note, setNote] = useState('');
  const [publishing, setPublishing] = useState(false);
  const [published, setPublished] = useState<PublishedVersion>();
  const [refusal, setRefusal] = useState<{ conflict: boolean; error: ApiError }>();
  const [reloaded, setReloaded] = useState<{ changed: string[] }>();
  const draftKey = JSON.stringify(drafts);
  const checkedFor = useRef('');

  /**
   * The files of the version in force. After someone else published (a conflict), `keep` is the
   * administrator's draft: it stays the draft over the files as they are now, and the files it edits
   * that changed meanwhile are named, to be looked at and compared again.
   */
  const load = async (keep: Record<string, string> = {}) => {
    const answer = await api<{ version: string; files: EditableFile[] }>('GET', '/api/admin/config/files');
    if (!answer.ok) return setRefusal({ conflict: false, error: answer.error });
    // Each edited file read before anything is replaced, so a failed read leaves the draft as it was.
    const now: Record<string, string> = {};
    for (const path of Object.keys(keep)) {
      const file = await api<{ text: string }>('GET', `/api/admin/config/file?path=${encodeURIComponent(path)}`);
      if (!file.ok) return setRefusal({ conflict: false, error: file.error });
      now[path] = file.body.text;
    }
    setFiles(answer.body.files);
    setBasedOn(answer.body.version);
    setOriginals(now);
    setDrafts(Object.fromEntries(Object.entries(keep).filter(([path, text]) => text !== now[path])));
    setReloaded(Object.keys(keep).length > 0 ? { changed: Object.keys(keep).filter((path) => now[path] !== originals[path]) } : undefined);
    setComparison(undefined);
    setRefusal(undefined);
    setSelected((current) => current ?? answer.body.files[0]?.path);
  };
  useEffect(() => void load(), []);

  // The selected file's text, read once: what the administrator edits is kept in `drafts`.
  useEffect(() => {
    if (!selected || originals[selected] !== undefined) return;
    void api<{ text: string }>('GET', `/api/admin/config/file?path=${encodeURIComponent(selected)}`).then((answer) => {
      if (answer.ok) setOriginals((known) => ({ ...known, [selected]: answer.body.text }));
    });
  }, [selected, originals]);

  // The draft checked a moment after typing pauses; an answer for an older draft is dropped.
  useEffect(() => {
    if (Object.keys(drafts).length === 0) {
      setChecked({ problems: [], warnings: [] });
      return;
    }
    setChecking(true);
    const timer = setTimeout(async () => {
      checkedFor.current = draftKey;
      const answer = await api<Checked>('POST', '/api/admin/config/check', { files: drafts });
      if (checkedFor.current !== draftKey) return;
      setChecking(false);
      if (answer.ok) setChecked(answer.body);
    }, CHECK_AFTER_MS);
    return () => clearTimeout(timer);
  }, [draftKey]);

  const edit = (path: string, text: string) => {
    setPublished(undefined);
    setDrafts((current) => {
      const { [path]: _earlier, ...rest } = current;
      return text === originals[path] ? rest : { ...rest, [path]: text };
    });
  };

  const open = (item: Located) => {
    setSelected(item.file);
    setJump({ line: item.line });
  };

  const compare = async () => {
    setComparing(true);
    const answer = await api<Comparison>('POST', '/api/admin/config/compare', { files: drafts });
    setComparing(false);
    if (answer.ok) {
      setComparison({ result: answer.body, of: draftKey });
      setRefusal(undefined);
    } else setRefusal({ conflict: false, error: answer.error });
  };

  const publish = async (event: Event) => {
    event.preventDefault();
    setPublishing(true);
    const answer = await api<PublishedVersion>('POST', '/api/admin/config/publish', { files: drafts, basedOn, note });
    setPublishing(false);
    if (!answer.ok) return setRefusal({ conflict: answer.status === 409, error: answer.error });
    setPublished(answer.body);
    setReloaded(undefined);
    setOriginals((known) => ({ ...known, ...drafts }));
    setDrafts({});
    setBasedOn(answer.body.version);
    setComparison(undefined);
    setNote('');
  };

  const current = files?.find((file) => file.path === selected);
  const text = selected === undefined ? undefined : (drafts[selected] ?? originals[selected]);
  const inFile = (items: Located[]) => items.filter((item) => item.file === selected);
  const fileProblems = useMemo(() => inFile(checked.problems), [checked, selected]);
  const fileWarnings = useMemo(() => inFile(checked.warnings), [checked, selected]);
  const edited = Object.keys(drafts).length > 0;
  const comparedNow = comparison?.of === draftKey;

  return (
    <>
      <Heading>{t.config.title}</Heading>
      {basedOn && <p class="hint">{t.config.inForce(shortVersion(basedOn))}</p>}
      {published && (
        <p class="delivery" role="status">
          {t.config.published(shortVersion(published.version))} <a href="#/config/versions">{t.config.navVersions}</a>
        </p>
      )}
      <div class="config">
        <nav class="config-files" aria-label={t.config.files}>
          <h2>{t.config.files}</h2>
          <ul>
            {files?.map((file) => (
              <li key={file.path}>
                <button type="button" class="link" aria-current={file.path === selected ? 'true' : undefined} onClick={() => (setSelected(file.path), setJump(undefined))}>
                  {file.path}
                  {drafts[file.path] !== undefined && t.config.edited}
                  {reloaded?.changed.includes(file.path) && t.config.changedMeanwhile}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div class="config-edit">
          {current && (
            <section aria-labelledby="editing">
              <h2 id="editing">{t.config.editing(current.path)}</h2>
              <p class="hint" id="editor-hint">
                {t.config.editorHint}
              </p>
              {text === undefined ? (
                <p>{t.config.loading}</p>
              ) : (
                <ConfigEditor
                  key={current.path}
                  label={current.path}
                  schema={current.schema}
                  text={text}
                  problems={fileProblems}
                  warnings={fileWarnings}
                  jump={jump}
                  onChange={(next) => edit(current.path, next)}
                />
              )}
            </section>
          )}
          <section aria-live="polite" class="checked">
            {!edited ? (
              <p class="hint">{t.config.noEdits}</p>
            ) : checking ? (
              <p class="hint">{t.config.checking}</p>
            ) : checked.problems.length === 0 ? (
              <p class="hint">{t.config.noProblems}</p>
            ) : null}
            <ProblemList title={t.config.problems(checked.problems.length)} items={edited ? checked.problems : []} kind="problem" open={open} />
            <ProblemList title={t.config.warnings(checked.warnings.length)} items={edited ? checked.warnings : []} kind="warning" open={open} />
          </section>
          {refusal && (
            <div class="warning" role="alert">
              <p>{refusal.conflict ? t.config.conflictKeepsDraft : refusal.error.message}</p>
              {refusal.conflict && (
                <button type="button" onClick={() => void load(drafts)}>
                  {t.config.reloadKeepingDraft}
                </button>
              )}
            </div>
          )}
          {reloaded && (
            <section class="delivery" role="status" aria-label={t.config.reloadedTitle}>
              <p>{t.config.reloaded(shortVersion(basedOn))}</p>
              {reloaded.changed.length === 0 ? (
                <p>{t.config.noneChangedUnderDraft}</p>
              ) : (
                <>
                  <p>
                    {t.config.changedUnderDraft} <a href="#/config/versions">{t.config.navVersions}</a>
                  </p>
                  <ul>
                    {reloaded.changed.map((path) => (
                      <li key={path}>
                        <button type="button" class="link" onClick={() => (setSelected(path), setJump(undefined))}>
                          {path}
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          )}
          <div class="batch">
            <button type="button" disabled={!edited || checking || checked.problems.length > 0 || comparing} onClick={() => void compare()}>
              {comparing ? t.config.comparing : t.config.compare}
            </button>
          </div>
          {comparison && (
            <section aria-labelledby="comparison">
              <h2 id="comparison">{t.config.comparison}</h2>
              {!comparedNow && <p class="hint">{t.config.changedSince}</p>}
              <p>{comparison.result.changed === 0 ? t.config.noChanges : t.config.compared(comparison.result.compared, comparison.result.changed, COMPARED_DAYS)}</p>
              {comparison.result.changes.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t.config.columns.request}</th>
                      <th scope="col">{t.config.columns.first}</th>
                      <th scope="col">{t.config.columns.outcome}</th>
                      <th scope="col">{t.config.columns.rota}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {comparison.result.changes.map((change) => (
                      <tr key={change.requestId}>
                        <td>{change.requestId}</td>
                        <td>{change.firstSupplier ? `${change.firstSupplier.old ?? t.config.none} → ${change.firstSupplier.new ?? t.config.none}` : ''}</td>
                        <td>{change.outcome ? `${change.outcome.old} → ${change.outcome.new}` : ''}</td>
                        <td>{change.rotaChanged ? '✓' : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          )}
          {edited && !comparedNow && !comparison && <p class="hint">{t.config.compareFirst}</p>}
          {edited && comparedNow && checked.problems.length === 0 && (
            <form class="action" onSubmit={publish}>
              <div class="field">
                <label for="publish-note">{t.config.note}</label>
                <input id="publish-note" required value={note} onInput={(event) => setNote(event.currentTarget.value)} />
              </div>
              <button type="submit" disabled={publishing}>
                {publishing ? t.config.publishing : t.config.publish}
              </button>
            </form>
          )}
        </div>
      </div>
    </>
  );
}

export function ConfigVersions() {
  const { t, time } = useMessages();
  const api = useApi();
  const [versions, setVersions] = useState<PublishedVersion[]>();
  const [next, setNext] = useState<string>();

  const more = async (before?: string) => {
    const answer = await api<{ versions: PublishedVersion[]; next?: string }>('GET', `/api/admin/config/versions?limit=20${before ? `&before=${before}` : ''}`);
    if (!answer.ok) return;
    setVersions((known) => [...(before ? (known ?? []) : []), ...answer.body.versions]);
    setNext(answer.body.next);
  };
  useEffect(() => void more(), []);

  return (
    <>
      <Heading>{t.config.versions}</Heading>
      {versions?.length === 0 && <p>{t.config.noVersions}</p>}
      <ol class="versions">
        {versions?.map((version) => (
          <li key={version.seq}>
            <h2>
              <code>{shortVersion(version.version)}</code> {version.note}
            </h2>
            <p class="hint">
              {t.config.publishedBy(version.publishedBy, time(version.publishedAt))}, {t.config.basedOn(shortVersion(version.basedOn))}
            </p>
            <details>
              <summary>
                {t.config.changedFiles}: {version.files.map((file) => file.path).join(', ')}
              </summary>
              {version.files.map((file) => (
                <section key={file.path} aria-label={file.path}>
                  <h3>{file.path}</h3>
                  <pre class="diff">{changedLines(file.before ?? '', file.after)}</pre>
                </section>
              ))}
            </details>
          </li>
        ))}
      </ol>
      {next && (
        <nav class="pages" aria-label={t.config.versions}>
          <button type="button" onClick={() => void more(next)}>
            {t.more}
          </button>
        </nav>
      )}
    </>
  );
}

/** The lines removed (-) and added (+), by the longest run of lines both texts share, with a line of context either side; numbered as they are after. */
function changedLines(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Lengths of the longest common subsequence of each pair of suffixes.
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const lines: { mark: ' ' | '-' | '+'; text: string; line?: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ mark: ' ', text: a[i++]!, line: ++j });
    else if (i < a.length && (j === b.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) lines.push({ mark: '-', text: a[i++]! });
    else lines.push({ mark: '+', text: b[j++]!, line: j });
  }
  const near = (index: number) => lines.slice(Math.max(0, index - 1), index + 2).some((entry) => entry.mark !== ' ');
  return lines
    .filter((_, index) => near(index))
    .map((entry) => `${String(entry.line ?? '').padStart(4)} ${entry.mark} ${entry.text}`)
    .join('\n');
}
