import type { DeliveryEstimate } from '../../../domain/decision';
import { useMessages } from '../i18n';

/** When the reader may expect the document, once routing has said. */
export function Eta({ eta }: { eta: DeliveryEstimate | undefined }) {
  const { t, time } = useMessages();
  if (!eta) return null;
  if (eta.likelyAt && eta.latestAt) return <>{t.etaBetween(time(eta.likelyAt), time(eta.latestAt))}</>;
  return <>{t.etaHours(eta.workingHours.median)}</>;
}
