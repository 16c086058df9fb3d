import { useMessages } from '../i18n';

/** The first page and the next, for lists paged by the cursor the API hands out. */
export function Paging({ label, cursor, next, setCursor }: { label: string; cursor?: string; next?: string; setCursor(cursor: string | undefined): void }) {
  const { t } = useMessages();
  return (
    <nav class="pages" aria-label={label}>
      {cursor && (
        <button type="button" onClick={() => setCursor(undefined)}>
          {t.first}
        </button>
      )}
      {next && (
        <button type="button" onClick={() => setCursor(next)}>
          {t.more}
        </button>
      )}
    </nav>
  );
}
