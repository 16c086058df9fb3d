import { defineSearchAttributeKey } from '@temporalio/common';

// Librarians find requests in the Temporal web UI and with `temporal workflow list --query` by these.
export const REQUEST_STATUS = defineSearchAttributeKey('IllStatus', 'KEYWORD');
export const CURRENT_SUPPLIER = defineSearchAttributeKey('IllSupplier', 'KEYWORD');
export const REQUESTING_LIBRARY = defineSearchAttributeKey('IllLibrary', 'KEYWORD');
export const URGENCY = defineSearchAttributeKey('IllUrgency', 'KEYWORD');
export const RULESET_VERSION = defineSearchAttributeKey('IllRulesetVersion', 'KEYWORD');

export const SEARCH_ATTRIBUTE_NAMES = [REQUEST_STATUS, CURRENT_SUPPLIER, REQUESTING_LIBRARY, URGENCY, RULESET_VERSION].map(
  (key) => key.name,
);
