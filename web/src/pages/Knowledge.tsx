import { useRoute } from 'preact-iso';
import type { Service, Urgency } from '../../../domain/request';
import { useMessages } from '../i18n';
import type { Messages } from '../messages';
import { usePolled } from '../polling';
import { useApi, useSession } from '../session';
import { Heading } from './Heading';

/** What routing has seen a supplier do, as `GET /api/suppliers/knowledge` answers. */
interface Observed {
  fillRate?: number;
  turnaroundHours?: number;
  turnaroundP10?: number;
  turnaroundP90?: number;
  unfilledHours?: number;
  fillTimes?: number;
  unfilledTimes?: number;
  orders?: number;
  byService?: Partial<Record<Service, Observed>>;
}

interface Target {
  hours: number;
  from: 'supplier' | 'network';
}

interface SupplierKnowledge {
  supplierId: string;
  name: string;
  kind: string;
  configured: { fillRate: number; fillRateAssumed: boolean; turnaroundHours: Partial<Record<Service, Record<Urgency, Target>>> };
  observed?: Observed;
  orders: { ended: number; open: number; since: string };
}

const URGENCIES: Urgency[] = ['normal', 'rush', 'express'];
const percent = (rate: number | undefined) => (rate === undefined ? undefined : `${(rate * 100).toFixed(1)}%`);
const hours = (value: number | undefined) => (value === undefined ? undefined : value.toFixed(1));

/** Each service's normal-urgency target, one a line: what a row has room for. */
function NormalTargets({ configured, t }: { configured: SupplierKnowledge['configured']; t: Messages }) {
  return (
    <ul class="targets">
      {Object.entries(configured.turnaroundHours).map(([service, targets]) => (
        <li key={service}>
          {t.admin.serviceShort[service as Service]} {targets.normal.hours}
        </li>
      ))}
    </ul>
  );
}

/** Every supplier's configured targets beside what routing has seen of it. */
export function KnowledgeBase() {
  const { t } = useMessages();
  const a = t.admin;
  const api = useApi();
  const suppliers = usePolled(
    async () => {
      const answer = await api<{ suppliers: SupplierKnowledge[] }>('GET', '/api/suppliers/knowledge');
      return answer.ok ? answer.body.suppliers : undefined;
    },
    'knowledge',
    null,
  );
  return (
    <>
      <Heading>{a.knowledge}</Heading>
      <p class="hint">{a.knowledgeHint}</p>
      {!suppliers ? (
        <p>{t.loading}</p>
      ) : (
        <div class="wide">
          <table class="knowledge">
            <caption class="visually-hidden">{a.knowledge}</caption>
            <thead>
              <tr>
                <th scope="col">{a.supplier}</th>
                <th scope="col">{a.kind}</th>
                <th scope="col">{a.configuredFillRate}</th>
                <th scope="col">{a.observedFillRate}</th>
                <th scope="col">{a.targetHours}</th>
                <th scope="col">{a.observedTurnaround}</th>
                <th scope="col">{a.observedP90}</th>
                <th scope="col">{a.ordersEnded}</th>
                <th scope="col">{a.ordersOpen}</th>
              </tr>
            </thead>
            <tbody>
              {suppliers.map((supplier) => (
                <tr key={supplier.supplierId} data-supplier={supplier.supplierId}>
                  <th scope="row">
                    <a href={`#/knowledge/${encodeURIComponent(supplier.supplierId)}`}>{supplier.name}</a>
                    <span class="code">{supplier.supplierId}</span>
                  </th>
                  <td>{supplier.kind}</td>
                  <td data-column="configuredFillRate">
                    {percent(supplier.configured.fillRate)}
                    {supplier.configured.fillRateAssumed && ` ${a.assumed}`}
                  </td>
                  <td data-column="observedFillRate">{percent(supplier.observed?.fillRate) ?? a.notObserved}</td>
                  <td>
                    <NormalTargets configured={supplier.configured} t={t} />
                  </td>
                  <td data-column="observedTurnaround">{hours(supplier.observed?.turnaroundHours) ?? a.notObserved}</td>
                  <td>{hours(supplier.observed?.turnaroundP90) ?? a.notObserved}</td>
                  <td data-column="ordersEnded">{supplier.orders.ended}</td>
                  <td>{supplier.orders.open}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The observed figures of all services and of each, one column each. */
function ObservedTable({ observed, t }: { observed: Observed; t: Messages }) {
  const a = t.admin;
  const columns: [string, Observed][] = [[a.allServices, observed], ...Object.entries(observed.byService ?? {}).map(([service, figures]): [string, Observed] => [t.services[service as Service], figures])];
  const rows: [string, (figures: Observed) => string | undefined][] = [
    [a.observedFillRate, (figures) => percent(figures.fillRate)],
    [a.observedTurnaround, (figures) => hours(figures.turnaroundHours)],
    [a.observedP10, (figures) => hours(figures.turnaroundP10)],
    [a.observedP90, (figures) => hours(figures.turnaroundP90)],
    [a.unfilledHours, (figures) => hours(figures.unfilledHours)],
    [a.fillTimes, (figures) => figures.fillTimes?.toString()],
    [a.unfilledTimes, (figures) => figures.unfilledTimes?.toString()],
    [a.weightedOrders, (figures) => figures.orders?.toFixed(1)],
  ];
  return (
    <table>
      <caption>{a.observed}</caption>
      <thead>
        <tr>
          <th scope="col">{a.figure}</th>
          {columns.map(([name]) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            {columns.map(([column, figures]) => (
              <td key={column}>{value(figures) ?? a.notObserved}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One supplier, named in the page's address. */
export function SupplierKnowledgePage() {
  const { params } = useRoute();
  return <SupplierKnowledgeOf id={params.id ?? ''} />;
}

/** A supplier desk's own supplier: the one whose figures it may read, with no list to go back to. */
export function OwnSupplierKnowledge() {
  const { session } = useSession();
  return <SupplierKnowledgeOf id={session?.libraryId ?? ''} own />;
}

/** One supplier: its configured targets per service and urgency, and what routing has seen of it, overall and per service. */
function SupplierKnowledgeOf({ id, own = false }: { id: string; own?: boolean }) {
  const { t, time } = useMessages();
  const a = t.admin;
  const api = useApi();
  const found = usePolled(
    async () => {
      const answer = await api<SupplierKnowledge>('GET', `/api/suppliers/${encodeURIComponent(id)}/knowledge`);
      return answer.ok ? answer.body : answer.status === 404 ? null : undefined;
    },
    id,
    null,
  );
  if (found === undefined) return <p>{t.loading}</p>;
  if (found === null) return <p>{a.noSupplier(id)}</p>;
  return (
    <>
      <Heading>{found.name}</Heading>
      {!own && (
        <p>
          <a href="#/knowledge">{a.backToKnowledge}</a>
        </p>
      )}
      <dl class="facts">
        <dt>{a.supplierId}</dt>
        <dd>{found.supplierId}</dd>
        <dt>{a.kind}</dt>
        <dd>{found.kind}</dd>
        <dt>{a.configuredFillRate}</dt>
        <dd data-field="configuredFillRate">
          {percent(found.configured.fillRate)}
          {found.configured.fillRateAssumed && ` ${a.assumed}`}
        </dd>
        <dt>{a.ordersSince(time(found.orders.since))}</dt>
        <dd data-field="orders">{a.ordersCount(found.orders.ended, found.orders.open)}</dd>
      </dl>
      <h2>{a.targets}</h2>
      <table>
        <caption class="visually-hidden">{a.targets}</caption>
        <thead>
          <tr>
            <th scope="col">{t.service}</th>
            {URGENCIES.map((urgency) => (
              <th key={urgency} scope="col">
                {t.urgencies[urgency]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(found.configured.turnaroundHours).map(([service, targets]) => (
            <tr key={service}>
              <th scope="row">{t.services[service as Service]}</th>
              {URGENCIES.map((urgency) => (
                <td key={urgency}>{a.target(targets[urgency].hours, targets[urgency].from === 'supplier')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{a.observed}</h2>
      {found.observed ? <ObservedTable observed={found.observed} t={t} /> : <p>{a.nothingObserved}</p>}
    </>
  );
}
