// The configuration version every routing decision records. It hashes what the configuration
// means, not how it is written: comments, whitespace, key order, the order of entries and which
// file of a folder holds them do not change it.

import { createHash } from 'node:crypto';
import type { NetworkConfig } from './types';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sortedBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function withoutSource<T extends { source: unknown }>({ source: _source, ...rest }: T): Omit<T, 'source'> {
  return rest;
}

export function configVersion(config: Omit<NetworkConfig, 'version'>): string {
  const content = {
    suppliers: sortedBy(config.suppliers, (supplier) => supplier.id).map(withoutSource),
    libraries: sortedBy(config.libraries, (library) => library.id).map(withoutSource),
    rules: sortedBy(config.rules, (rule) => rule.name).map(withoutSource),
    policy: config.policy,
    holdings: config.holdings,
  };
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}
