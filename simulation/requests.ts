// The requests the simulated network receives: readers of member libraries asking, over the hours
// of each day, mostly for Chinese and English journal articles, some for loans and e-books, most of
// them at normal urgency. Who holds an item follows what union catalogues show: a few large
// libraries hold much, most items are held by few libraries, Chinese items widely, old and foreign
// ones rarely, a few by none. Seeded: the same options give the same requests.
import { Draw, prng, SUBJECTS } from '../bench/network-generator';
import type { DocumentType, IllRequest, Service, Urgency } from '../domain/request';
import type { NetworkConfig } from '../rules/types';

export interface SimulatedArrival {
  /** When the reader submits it, epoch ms. */
  at: number;
  request: IllRequest;
  /** Libraries holding the item, as the union catalogue answers. */
  holdings: string[];
  /** Copies the library already had this year from the same journal (copyright caps). */
  titleCopiesThisYear: number;
}

export interface StreamOptions {
  days: number;
  perDay: number;
  seed: number;
  /** The first day's midnight in Beijing, epoch ms. */
  start: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Relative arrivals by hour of the day in Beijing: readers ask in the morning and the afternoon,
 * again in the evening from their dormitories, hardly at night.
 */
const HOURLY = [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 2.5, 4.5, 5, 4.5, 2.5, 3, 4.5, 4.5, 4, 3, 2, 2.5, 3, 2.5, 1.5, 0.7];

/** Weighted choice: `weights` need not sum to 1. */
function weighted<T>(draw: Draw, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of items) total += weight;
  let left = draw.next() * total;
  for (const [item, weight] of items) {
    left -= weight;
    if (left < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const SERVICES: [Service, number][] = [['copy', 78], ['loan', 16], ['ebook', 6]];
const URGENCIES: [Urgency, number][] = [['normal', 85], ['rush', 12], ['express', 3]];
const COPY_LANGUAGES: [string, number][] = [['zh', 52], ['en', 38], ['ja', 4], ['ko', 3], ['de', 3]];
const BOOK_LANGUAGES: [string, number][] = [['zh', 68], ['en', 26], ['ja', 3], ['ko', 1], ['de', 2]];
const COPY_TYPES: [DocumentType, number][] = [['article', 90], ['chapter', 5], ['conference-paper', 5]];

/** Publication years: mostly the last fifteen years, some older, a few before 1950. */
function year(draw: Draw): number {
  const u = draw.next();
  if (u < 0.7) return draw.int(2011, 2025);
  if (u < 0.9) return draw.int(1990, 2010);
  if (u < 0.98) return draw.int(1950, 1989);
  return draw.int(1900, 1949);
}

/** The median number of holders of an item: Chinese items widely held, foreign less, old items rarely. */
function medianHolders(language: string, year: number, service: Service): number {
  let median = language === 'zh' ? 24 : language === 'en' ? 8 : 2;
  if (service !== 'copy') median *= 0.6;
  if (year < 1980) median /= 3;
  if (year < 1950) median /= 3;
  return median;
}

/**
 * Libraries' sizes: a few large ones hold and ask much. A weight by a seeded rank, so the order of
 * the configuration (which a static rota follows) says nothing of a library's size.
 */
function sizes(draw: Draw, count: number, exponent: number): number[] {
  const ranks = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = draw.int(0, i);
    [ranks[i], ranks[j]] = [ranks[j] as number, ranks[i] as number];
  }
  return ranks.map((rank) => 1 / (rank + 1) ** exponent);
}

/**
 * `count` distinct items drawn by weight, one after another among those not yet drawn: by the
 * cumulative weights and a retry on a repeat while few are drawn, else by Efraimidis–Spirakis keys
 * (the largest `u^(1/w)`), which costs a logarithm for every item.
 */
function weightedSample(draw: Draw, ids: readonly string[], cumulative: Float64Array, weights: readonly number[], count: number): string[] {
  if (count <= 0) return [];
  const total = cumulative[cumulative.length - 1] ?? 0;
  if (count <= ids.length / 10) {
    const chosen = new Set<string>();
    while (chosen.size < count) {
      const u = draw.next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] ?? 0) > u) hi = mid;
        else lo = mid + 1;
      }
      chosen.add(ids[lo] as string);
    }
    return [...chosen];
  }
  const keyed = ids.map((id, i) => ({ id, key: Math.log(draw.next() || Number.MIN_VALUE) / (weights[i] ?? 1) }));
  keyed.sort((a, b) => b.key - a.key);
  return keyed.slice(0, count).map((entry) => entry.id);
}

/** How much more the largest service libraries hold: the n-th largest in proportion to 1/n^HOLDING_SKEW. */
const HOLDING_SKEW = 0.7;

/** How widely holders spread around their median: a third of items have under half as many, one in ten four times as many. */
const HOLDERS_SIGMA = 1.1;

/** A standard normal deviate (Box–Muller). */
const normal = (draw: Draw): number => Math.sqrt(-2 * Math.log(1 - draw.next())) * Math.cos(2 * Math.PI * draw.next());

/** The share of items no library holds: they go to search-proxy staff whatever routes them. */
const HELD_BY_NONE = 0.02;

export function requestStream(config: NetworkConfig, options: StreamOptions): SimulatedArrival[] {
  const draw = new Draw(prng(options.seed));
  const services = config.suppliers.filter((s) => s.kind === 'service-library').map((s) => s.id);
  const holdingWeights = sizes(draw, services.length, HOLDING_SKEW);
  const cumulative = new Float64Array(holdingWeights.length);
  holdingWeights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const members = config.libraries.map((l) => l.id);
  const serviceSet = new Set(services);
  const askingWeights = sizes(draw, members.length, 0.4).map((w, i) => (serviceSet.has(members[i] as string) ? 2 * w : w));
  const askingTotal = askingWeights.reduce((a, b) => a + b, 0);
  const asker = (): string => {
    let left = draw.next() * askingTotal;
    for (let i = 0; i < members.length; i++) if ((left -= askingWeights[i] ?? 0) < 0) return members[i] as string;
    return members[members.length - 1] as string;
  };
  const hourTotal = HOURLY.reduce((a, b) => a + b, 0);
  const arrivals: SimulatedArrival[] = [];
  for (let day = 0; day < options.days; day++) {
    for (let n = 0; n < options.perDay; n++) {
      const hour = weighted(draw, HOURLY.map((w, h) => [h, w / hourTotal] as const));
      const at = options.start + day * DAY + hour * HOUR + Math.floor(draw.next() * HOUR);
      const service = weighted(draw, SERVICES);
      const language = weighted(draw, service === 'copy' ? COPY_LANGUAGES : BOOK_LANGUAGES);
      const published = year(draw);
      const id = `sim-${options.seed}-${arrivals.length}`;
      const journal = draw.int(1, language === 'zh' ? 6000 : 20000);
      const first = draw.int(1, 400);
      const copy = service === 'copy';
      const request: IllRequest = {
        id,
        requester: { libraryId: asker(), patronId: `reader-${draw.int(1, 200000)}` },
        service,
        urgency: weighted(draw, URGENCIES),
        citation: {
          documentType: copy ? weighted(draw, COPY_TYPES) : 'book',
          title: `${copy ? 'Article' : 'Book'} ${id}`,
          ...(copy ? { journalTitle: `${language} journal ${journal}`, issn: `${1000 + (journal % 9000)}-${String(journal).padStart(4, '0').slice(-4)}`, pages: `${first}-${first + draw.int(2, 30)}` } : { isbn: `978${String(draw.int(0, 999999999)).padStart(10, '0')}` }),
          ...(copy && draw.chance(language === 'zh' ? 0.3 : 0.85) ? { doi: `10.${draw.int(1000, 9999)}/${id}` } : {}),
          year: published,
          language,
          subjects: draw.some(SUBJECTS, draw.int(1, 2)),
        },
        ...(draw.chance(0.3) ? { maxCost: { amount: draw.pick([20, 30, 50, 100, 200]), currency: 'CNY' } } : {}),
      };
      const count = draw.chance(HELD_BY_NONE) ? 0 : Math.max(1, Math.min(services.length, Math.round(medianHolders(language, published, service) * Math.exp(HOLDERS_SIGMA * normal(draw)))));
      const held = new Set(weightedSample(draw, services, cumulative, holdingWeights, count));
      // Readers ask for what their own library lacks, nearly always.
      if (draw.chance(0.97)) held.delete(request.requester.libraryId);
      arrivals.push({ at, request, holdings: [...held], titleCopiesThisYear: draw.chance(0.08) ? draw.int(4, 8) : draw.int(0, 3) });
    }
  }
  return arrivals.sort((a, b) => a.at - b.at || (a.request.id < b.request.id ? -1 : 1));
}
