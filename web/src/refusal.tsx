import { REFUSAL_CODES, type RefusalCode } from '../../domain/refusals';
import type { ApiError } from './api';
import { useMessages } from './i18n';

/**
 * A refusal in the reader's language, by the code the API gives or else by its status; where only the
 * status tells, the API's own words follow, in English, for their particulars (which supplier, which field).
 */
export function RefusalWords({ refusal }: { refusal: ApiError }) {
  const { t } = useMessages();
  const r = t.refusals;
  const code = REFUSAL_CODES.find((known: RefusalCode) => known === refusal.code);
  if (code) return <>{r.codes[code]}</>;
  const worded = refusal.status >= 500 ? r.server : r.statuses[refusal.status];
  if (!worded) return <span lang="en">{refusal.message}</span>;
  return (
    <>
      {worded}{' '}
      <span class="detail">
        {r.detail}: <span lang="en">{refusal.message}</span>
      </span>
    </>
  );
}
