import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { kindOf } from './prop-types';
import { isToken, propError } from './validation';

/** Context key naming the repository's root, relative to the folder `cdk synth` runs in (such as ".."). */
export const REPOSITORY_ROOT_CONTEXT = 'ecom:repositoryRoot';

/** A component of a folder path: a plain name, nothing a shell, a glob or a path filter reads specially. */
const PLAIN_NAME = /^[A-Za-z0-9_.@+-]+$/;

/** A folder path as the build uses it: `./frontend/admin/` is `frontend/admin`, the folder itself `.`. */
export function normalizePath(p: string): string {
  return p.replace(/\/+$/, '').replace(/^\.\//, '') || '.';
}

/** What differs between the folders `checkRepositoryFolder` checks. */
export interface FolderRules {
  /** A good value, for the fix. */
  readonly example: string;
  /** What the path is relative to, for the messages. @default 'the repository root' */
  readonly relativeTo?: string;
  /** Why `.` (the folder it is relative to) is refused here, and the fix; undefined when it is allowed. */
  readonly notItself?: { readonly why: string; readonly fix: string };
}

/**
 * Checks a folder given as `prop` (an app's folder, the CDK app's folder, an app's build output), which a build
 * `cd`s into and a path filter or an artifact path names, so it must be known at synth: a literal relative path
 * of plain names (letters, digits and `_ . @ + -`), without `..`, `.` or empty components. `./backend/` is
 * `backend`. `.` is refused when the rules say why. Returns the normalized path.
 */
export function checkRepositoryFolder(scope: IConstruct, prop: string, value: unknown, rules: FolderRules): string {
  const relativeTo = rules.relativeTo ?? 'the repository root';
  const fix = `give the folder relative to ${relativeTo}, such as "${rules.example}"`;
  if (typeof value !== 'string') {
    throw propError(scope, prop, value, value === undefined ? 'the folder is required' : `it must be a string, and is ${kindOf(value)}`, fix);
  }
  if (isToken(value)) {
    throw propError(scope, prop, value, 'the folder is written into build commands and path filters at synth, so it must be a literal, not a token', fix);
  }
  const normalized = normalizePath(value);
  if (value.trim() === '' || value.startsWith('/') || /^[A-Za-z]:/.test(value)) {
    throw propError(scope, prop, value, 'it must be a relative path inside the repository', fix);
  }
  if (normalized === '.') {
    if (rules.notItself) {
      throw propError(scope, prop, value, rules.notItself.why, rules.notItself.fix);
    }
    return normalized;
  }
  const components = normalized.split('/');
  const bad = components.find((c) => c === '..' || c === '.' || c === '' || !PLAIN_NAME.test(c));
  if (bad !== undefined) {
    const why = bad === '..' ? 'it must be a relative path inside the repository, and ".." leaves the folder it names'
      : bad === '.' || bad === '' ? 'it has an empty or "." component, which a path filter would not match'
        : `the component ${JSON.stringify(bad)} has characters other than letters, digits and _ . @ + - (a shell, a glob or a path filter `
          + 'would read them), so it is not a relative path of plain names';
    throw propError(scope, prop, value, why, fix);
  }
  return normalized;
}

/** Folders warned about per app, so a platform and the pipeline it creates don't warn twice. */
const warned = new WeakMap<IConstruct, Set<string>>();

/**
 * Warns when an app's folder is not in the repository on disk: missing, or without `package.json`. The
 * repository is on disk when `cdk synth` runs in its checkout, which the CDK CLI does where `cdk.json` is (a
 * developer's machine, the pipeline's synth); elsewhere (a unit test, another folder) nothing is checked unless
 * the context names the root.
 */
export function checkAppPath(scope: IConstruct, construct: string, prop: string, appPath: string): void {
  const root = repositoryRoot(scope);
  if (isToken(appPath) || root === undefined) {
    return;
  }
  const folder = path.resolve(root, appPath);
  const seen = warned.get(scope.node.root) ?? new Set<string>();
  warned.set(scope.node.root, seen);
  if (fs.existsSync(path.join(folder, 'package.json')) || seen.has(folder)) {
    return;
  }
  seen.add(folder);
  const problem = fs.existsSync(folder) ? `${folder} has no package.json` : `there is no folder ${folder}`;
  const nearest = nearestExisting(folder, root);
  const nearby = appFolders(root);
  const found = nearby.length > 0
    ? `folders with a package.json in the repository: ${nearby.join(', ')}`
    : `folders in ${path.relative(root, nearest) || '.'}: ${subfolders(nearest).join(', ') || 'none'}`;
  Annotations.of(scope).addWarningV2(`cdk-ecom-platform:${construct}.appPathNotFound`,
    `\`${prop}\` "${appPath}": ${problem} (repository root ${root}), so the build would fail in CodeBuild; ${found}. `
    + `Fix: set \`${prop}\` to the app's folder relative to the repository root, or, when \`cdk synth\` runs in a subfolder `
    + `of the repository, set the context value ${REPOSITORY_ROOT_CONTEXT} to the root (such as "..")`);
}

/** The repository's root on disk, or undefined when `cdk synth` doesn't run in a checkout (see checkAppPath). */
function repositoryRoot(scope: IConstruct): string | undefined {
  const rootContext = scope.node.tryGetContext(REPOSITORY_ROOT_CONTEXT);
  if (rootContext === undefined && !fs.existsSync('cdk.json')) {
    return undefined;
  }
  return path.resolve(String(rootContext ?? '.'));
}

/**
 * The folders of an app's local packages (`file:`, `link:` or a relative path in its package.json, and theirs in
 * turn) inside the repository, relative to its root: a change there changes the app. Empty when the
 * repository is not on disk.
 */
export function localPackagePaths(scope: IConstruct, appPath: string): string[] {
  const root = repositoryRoot(scope);
  if (root === undefined || isToken(appPath)) {
    return [];
  }
  const found: string[] = [];
  const visit = (folder: string) => {
    let manifest: Record<string, Record<string, string> | undefined>;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf-8'));
    } catch {
      return;
    }
    const specs = ['dependencies', 'devDependencies', 'optionalDependencies']
      .flatMap((field) => Object.values(manifest[field] ?? {}))
      .filter((spec): spec is string => typeof spec === 'string');
    for (const spec of specs) {
      const local = /^(?:file:|link:)(.+)$/.exec(spec)?.[1] ?? (/^\.{1,2}\//.test(spec) ? spec : undefined);
      if (local === undefined) {
        continue;
      }
      const target = path.resolve(folder, local);
      const relative = path.relative(root, target).split(path.sep).join('/');
      if (relative.startsWith('..') || !fs.existsSync(target) || !fs.statSync(target).isDirectory() || found.includes(relative)) {
        continue;
      }
      found.push(relative);
      visit(target);
    }
  };
  visit(path.resolve(root, appPath));
  return found.sort();
}

function nearestExisting(folder: string, root: string): string {
  let current = folder;
  while (!fs.existsSync(current) && current.startsWith(root) && current !== root) {
    current = path.dirname(current);
  }
  return fs.existsSync(current) ? current : root;
}

function subfolders(folder: string): string[] {
  try {
    return fs.readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'cdk.out')
      .map((e) => e.name).sort().slice(0, 10);
  } catch {
    return [];
  }
}

/** Folders up to three levels below the root that hold a package.json (not in node_modules), at most ten. */
function appFolders(root: string): string[] {
  const found: string[] = [];
  const visit = (folder: string, depth: number) => {
    for (const name of subfolders(folder)) {
      const child = path.join(folder, name);
      if (fs.existsSync(path.join(child, 'package.json'))) {
        found.push(path.relative(root, child));
      }
      if (depth < 3 && found.length < 10) {
        visit(child, depth + 1);
      }
    }
  };
  visit(root, 1);
  return found.sort().slice(0, 10);
}
