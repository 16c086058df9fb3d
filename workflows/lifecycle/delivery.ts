// A copy or e-book the reader downloads: available until its link expires, then the request completes.
import type { Phase } from './phases';
import type { RequestRun } from './run';

export async function delivered(run: RequestRun): Promise<Phase> {
  const delivery = run.state.delivery!;
  await run.record('delivered', { supplierId: delivery.supplierId, delivery: delivery.kind, expiresAt: delivery.expiresAt, note: `${delivery.kind} available until ${delivery.expiresAt}` });
  await run.fill('delivered', { url: delivery.url, expiresAt: delivery.expiresAt });
  await run.sleepUntil(Date.parse(delivery.expiresAt));
  return run.finish('completed', { event: 'link-expired', delivery: delivery.kind, note: `${delivery.kind === 'ebook' ? 'e-book download' : 'copy link'} expired` });
}
