import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes';

/** `--search-attribute` flags registering the request attributes on a development server. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]);
}
