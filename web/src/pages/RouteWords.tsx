import { Fragment } from 'preact';
import type { ExclusionCause, WrittenAt } from '../../../domain/decision';
import { useMessages } from '../i18n';

/** Words an administrator wrote in the configuration: marked as English when they are plain ASCII, as the engine's own are. */
const written = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? <span lang="en">{text}</span> : text);

function Where({ at }: { at: WrittenAt | undefined }) {
  const { t } = useMessages();
  return at ? <span class="written-at">{t.routing.writtenAt(at.file, at.line)}</span> : null;
}

/** A rule the decision names: the engine's own by what it does, a configured one by its name and where it is written. */
export function RuleName({ name, sources }: { name: string; sources: Record<string, WrittenAt> | undefined }) {
  const { t } = useMessages();
  const r = t.routing;
  const builtin = r.builtins[name];
  if (builtin) return <span title={name}>{`${builtin}（${r.builtin}）`}</span>;
  return (
    <span>
      {r.rule(name)}
      <Where at={sources?.[name]} />
    </span>
  );
}

/** One reason a supplier is left out, worded from its kind and what it names, then where it is written. */
export function CauseWords({ cause }: { cause: ExclusionCause }) {
  const { t } = useMessages();
  return (
    <span>
      {causeWords(t, cause)}
      {'at' in cause && <Where at={cause.at} />}
    </span>
  );
}

function causeWords(t: ReturnType<typeof useMessages>['t'], cause: ExclusionCause) {
  const r = t.routing;
  const list = (items: readonly (string | number)[]) => items.join(r.list);
  const service = (name: string) => t.services[name as keyof typeof t.services] ?? name;
  switch (cause.code) {
    case 'suspended':
    case 'closed':
      return (
        <>
          {r[cause.code]}
          {r.span(cause.from, cause.to)}
        </>
      );
    case 'blocked':
      return r.blocked(cause.libraryId);
    case 'rule':
      return (
        <>
          {r.excludedBy(cause.rule)}
          {written(cause.reason)}
        </>
      );
    case 'service':
      return r.service(service(cause.service), list(cause.offers.map(service)));
    case 'coverage':
      return (
        <>
          {r.notCovered}
          {gapWords(r.gaps, cause, list)}
        </>
      );
    case 'rota-length':
      return r.rotaLength(cause.max);
    case 'no-open-copy':
      return r.noOpenCopy(cause.doi);
  }
}

type Gaps = ReturnType<typeof useMessages>['t']['routing']['gaps'];

function gapWords(gaps: Gaps, cause: ExclusionCause & { code: 'coverage' }, list: (items: readonly (string | number)[]) => string): string {
  switch (cause.gap) {
    case 'doi':
      return gaps.doi();
    case 'documentType':
      return gaps.documentType(cause.documentType, list(cause.supplies));
    case 'language':
      return gaps.language(cause.language, list(cause.covers));
    case 'subjects':
      return gaps.subjects(list(cause.subjects), list(cause.covers));
    case 'years':
      return gaps.years(String(cause.year ?? '…'), String(cause.from ?? '…'), String(cause.to ?? '…'));
    case 'titles':
      return gaps.titles(cause.issn, cause.titles);
  }
}

/** Why one supplier is left out: each reason by its kind, or, in a decision made before they were kept so, the engine's English. */
export function ExclusionWords({ entry }: { entry: { reasons: string[]; causes?: ExclusionCause[] } }) {
  const { t } = useMessages();
  if (!entry.causes) return <span lang="en">{entry.reasons.join('; ')}</span>;
  return (
    <>
      {entry.causes.map((cause, n) => (
        <Fragment key={n}>
          {n > 0 && t.routing.separator}
          <CauseWords cause={cause} />
        </Fragment>
      ))}
    </>
  );
}
