// The configuration directory as administrators edit it from the workbench: which files they may
// read and replace, each with the schema it follows, and writing a published draft so that the
// watcher (or a reload) never reads a file half written.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaName } from '../rules/schemas';

export interface EditableFile {
  /** Relative to the configuration directory, with `/` between folder and name. */
  path: string;
  schema: SchemaName;
}

/** The files the loader reads that follow a schema: folders of entries, the single files, sample requests. */
const FOLDERS: [folder: string, pattern: RegExp, schema: SchemaName][] = [
  ['suppliers', /\.ya?ml$/, 'suppliers'],
  ['libraries', /\.ya?ml$/, 'libraries'],
  ['rules', /\.ya?ml$/, 'rules'],
  ['requests', /\.json$/, 'request'],
];
const SINGLE: Record<string, SchemaName> = { 'policy.yaml': 'policy', 'holdings.yaml': 'holdings', 'licences.yaml': 'licences', 'subjects.yaml': 'subjects' };

/** A plain file, not a link that could lead out of the directory. */
const plainFile = (path: string): boolean => existsSync(path) && lstatSync(path).isFile();

/** The editable files of the directory, by path. */
export function editableFiles(dir: string): EditableFile[] {
  const files: EditableFile[] = [];
  for (const [name, schema] of Object.entries(SINGLE)) if (plainFile(join(dir, name))) files.push({ path: name, schema });
  for (const [folder, pattern, schema] of FOLDERS) {
    const path = join(dir, folder);
    if (!existsSync(path) || !lstatSync(path).isDirectory()) continue;
    for (const name of readdirSync(path).filter((entry) => pattern.test(entry)).sort()) {
      if (plainFile(join(path, name))) files.push({ path: `${folder}/${name}`, schema });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A path that names a file inside the directory, one folder deep at most: no `..`, no absolute path, no backslash. */
export const EDITABLE_PATH = '^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?$';

export function readEditable(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

/** What a set of files' texts hash to: the same draft is the same key. */
export function draftKey(basedOn: string, files: Record<string, string>): string {
  const hash = createHash('sha256').update(basedOn);
  for (const path of Object.keys(files).sort()) hash.update(`\0${path}\0${files[path]}`);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Writes each file to a temporary name beside it and renames it into place, so nothing reading the
 * directory sees half a file; all are written before the first is renamed.
 */
export function writeAtomically(dir: string, files: Record<string, string>): void {
  const suffix = `.${randomBytes(6).toString('hex')}.tmp`;
  const written: string[] = [];
  try {
    for (const [path, text] of Object.entries(files)) {
      writeFileSync(join(dir, path + suffix), text, { flag: 'wx' });
      written.push(path);
    }
    for (const path of written.splice(0)) renameSync(join(dir, path + suffix), join(dir, path));
  } finally {
    for (const path of written) rmSync(join(dir, path + suffix), { force: true });
  }
}
