import type { IllRequest } from '../domain/request';
import type { NetworkConfig } from './types';

/** Holders from the union catalogue, looked up by every identifier the citation carries; the request's own list wins. */
export function lookupHoldings(config: Pick<NetworkConfig, 'holdings'>, request: IllRequest): string[] {
  if (request.holdings) return request.holdings;
  const { issn, isbn, doi } = request.citation;
  const holders = [issn, isbn, doi].flatMap((id) => (id ? (config.holdings[id] ?? []) : []));
  return [...new Set(holders)].sort();
}
