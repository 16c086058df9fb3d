// A configuration version an administrator published from the workbench, as the store keeps it
// and the API answers it.

export interface ChangedFile {
  /** Relative to the configuration directory. */
  path: string;
  /** The text before publishing; null for a file the version added. */
  before: string | null;
  after: string;
}

export interface PublishedVersion {
  seq: number;
  version: string;
  basedOn: string;
  publishedAt: string;
  publishedBy: string;
  note: string;
  files: ChangedFile[];
}
