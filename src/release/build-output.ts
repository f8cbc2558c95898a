// The build output as the deploy sees it: every file with its size and MD5, split into hashed assets and the
// release's own files, with the runtime config swapped in and private source maps left out.
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ENTRY_FILE, RELEASES_PREFIX, ReleaseError, STATE_PREFIX, buildPathProblem } from './contract';
import { HashedPaths } from './hashed-paths';

/** One file to upload. */
export interface BuildFile {
  /** Build-relative path with `/` separators. */
  readonly path: string;
  readonly body: Buffer;
  readonly size: number;
  readonly md5: string;
  readonly hashed: boolean;
}

/** How to read a build output. */
export interface BuildOutputOptions {
  /** The build output directory (dist, build); must contain index.html. */
  readonly sourceDir: string;
  readonly hashed: HashedPaths;
  /** 'private' (default): `*.map` files are not uploaded, so viewers can't read the original source. */
  readonly sourceMaps?: 'private' | 'public';
  /** A runtime config written to `path` (replacing a build file of that name); its text must be a JSON object. */
  readonly runtimeConfig?: { readonly path: string; readonly json: string };
}

/** The files of a build output, sorted by path. */
export async function readBuildOutput(options: BuildOutputOptions): Promise<BuildFile[]> {
  const root = path.resolve(options.sourceDir);
  const paths = (await walk(root)).filter((p) => options.sourceMaps === 'public' || !p.endsWith('.map'));
  const config = options.runtimeConfig;
  if (config) {
    checkRuntimeConfig(config, options.hashed);
  }
  const files: BuildFile[] = [];
  for (const p of paths) {
    const problem = buildPathProblem(p);
    if (problem) {
      throw new ReleaseError(`build file ${JSON.stringify(p)}: ${problem}; rename it`);
    }
    if (p.startsWith(RELEASES_PREFIX) || p.startsWith(STATE_PREFIX)) {
      throw new ReleaseError(`build file ${JSON.stringify(p)}: ${RELEASES_PREFIX} and ${STATE_PREFIX} are reserved for the deploy's own objects; rename the folder`);
    }
    if (config && p === config.path) {
      continue;
    }
    files.push(file(p, await fs.readFile(path.join(root, p)), options.hashed));
  }
  if (config) {
    files.push(file(config.path, Buffer.from(`${config.json.trim()}\n`), options.hashed));
  }
  const entry = files.find((f) => f.path === ENTRY_FILE);
  if (!entry) {
    throw new ReleaseError(`${options.sourceDir} has no ${ENTRY_FILE}: was the app built, and is this its output directory?`);
  }
  if (entry.size === 0) {
    throw new ReleaseError(`${options.sourceDir}/${ENTRY_FILE} is empty: was the app built?`);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `files` with the runtime config `config` in place of the file at its path (added if the build has none): the
 * program reads the build before any AWS call and knows the config's final text only after reading parameters.
 */
export function withRuntimeConfig(
  files: readonly BuildFile[], config: { readonly path: string; readonly json: string }, hashed: HashedPaths,
): BuildFile[] {
  checkRuntimeConfig(config, hashed);
  return [...files.filter((f) => f.path !== config.path), file(config.path, Buffer.from(`${config.json.trim()}\n`), hashed)]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function file(p: string, body: Buffer, hashed: HashedPaths): BuildFile {
  return { path: p, body, size: body.length, md5: createHash('md5').update(body).digest('hex'), hashed: hashed.isHashed(p) };
}

function checkRuntimeConfig(config: { path: string; json: string }, hashed: HashedPaths): void {
  const problem = buildPathProblem(config.path);
  if (problem || config.path === ENTRY_FILE || hashed.isHashed(config.path)) {
    throw new ReleaseError(`runtime config path "${config.path}" is not usable: ${problem ?? 'it is the entry page or matches the hashed-file pattern'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(config.json);
  } catch (error) {
    throw new ReleaseError(`the runtime config is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReleaseError('the runtime config must be a JSON object');
  }
}

/**
 * Build-relative paths of every regular file under `root`. Anything else is refused rather than followed or
 * skipped: a symbolic link can point outside the build (a secret, a home folder) and S3 has no links; a named
 * pipe or socket would block or fail the read; a name that isn't UTF-8 can't become an S3 key.
 */
async function walk(root: string, dir = ''): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
  } catch (error) {
    throw new ReleaseError(`can't read the build output ${path.join(root, dir)}: ${(error as Error).message}`);
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.name.includes('\uFFFD')) {
      throw new ReleaseError(`build file ${JSON.stringify(rel)}: its name is not UTF-8; rename it`);
    }
    if (e.isDirectory()) {
      out.push(...await walk(root, rel));
    } else if (e.isFile()) {
      out.push(rel);
    } else {
      const kind = e.isSymbolicLink() ? 'a symbolic link' : e.isFIFO() ? 'a named pipe' : e.isSocket() ? 'a socket' : 'not a regular file';
      throw new ReleaseError(`build file ${JSON.stringify(rel)} is ${kind}: the build output must hold regular files only (copy what a link points to)`);
    }
  }
  return out;
}
