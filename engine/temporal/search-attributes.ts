import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes';

const UNIMPLEMENTED = 12;

/** `--search-attribute` flags registering the request attributes on a development server. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]);
}

/**
 * Registers the request attributes a server does not know yet: a cluster refuses workflows that
 * set unknown attributes, and librarians search requests by them.
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<void> {
  const known = await connection.operatorService.listSearchAttributes({ namespace }).then(
    ({ customAttributes }) => customAttributes ?? {},
    (error: { code?: number }) => {
      // Temporal's time-skipping test server cannot list, but knows none until told.
      if (error.code === UNIMPLEMENTED) return {};
      throw error;
    },
  );
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !(name in known));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
}
