// Where a pipeline gets the code: branches, repositories, connections and paths inside the repository. One home
// for each rule, so SpaSource, PlatformSource, CdkBackendPipeline and SpaPipeline refuse the same values.
import { IConstruct } from 'constructs';
import { isToken, propError } from './validation';

/** The branch every source deploys unless told otherwise: E-Com67's. */
export const DEFAULT_BRANCH = 'master';

/** CodeCommit repository names. */
const CODECOMMIT_REPOSITORY = /^[A-Za-z0-9_.-]{1,100}$/;
/** A repository behind a CodeConnections connection: `owner/repo`. */
const CONNECTION_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
/** An app's folder where it must be known at synth: path components of letters, digits and `_ . -`. */
const LITERAL_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * Checks a branch name against git's ref-name rules (git check-ref-format --branch) and returns what is
 * wrong, or `undefined` when it is valid.
 */
export function gitRefProblem(branch: string): string | undefined {
  if (branch.length === 0) {
    return 'it is empty';
  }
  if (/[\x00-\x20\x7f]/.test(branch)) {
    return 'it has a space or control character';
  }
  const bad = /[~^:?*[\\]/.exec(branch);
  if (bad) {
    return `it has the character "${bad[0]}"`;
  }
  if (branch.includes('..')) {
    return 'it has ".."';
  }
  if (branch.includes('@{')) {
    return 'it has "@{"';
  }
  if (branch === '@') {
    return 'it is "@"';
  }
  if (branch.startsWith('-')) {
    return 'it starts with "-"';
  }
  if (branch.startsWith('/') || branch.endsWith('/') || branch.includes('//')) {
    return 'it starts or ends with "/" or has an empty path component';
  }
  if (branch.endsWith('.')) {
    return 'it ends with "."';
  }
  for (const component of branch.split('/')) {
    if (component.startsWith('.')) {
      return `the component "${component}" starts with "."`;
    }
    if (component.endsWith('.lock')) {
      return `the component "${component}" ends with ".lock"`;
    }
  }
  return undefined;
}

/** Longest branch name CodeCommit and a V2 pipeline's Git trigger filter take. */
const MAX_BRANCH_LENGTH = 255;

/**
 * Checks a branch given as `prop` (a string from JavaScript or Python may be anything); tokens are skipped.
 * A full ref (`refs/heads/main`) is refused rather than shortened: the source action, its EventBridge rule and
 * the pipeline's Git trigger all compare the short name, so the full ref would never start the pipeline.
 */
export function checkBranch(scope: IConstruct, prop: string, branch: string): void {
  const fix = 'give the branch name as git shows it, such as "master" or "release/2026-11"';
  if (typeof branch !== 'string') {
    throw propError(scope, prop, branch, `a branch name is a string, not ${branch === null ? 'null' : typeof branch}`, fix);
  }
  if (isToken(branch)) {
    return;
  }
  const ref = /^refs\/(heads\/|remotes\/[^/]+\/|tags\/)?/.exec(branch);
  if (ref) {
    const short = branch.slice(ref[0].length);
    throw propError(scope, prop, branch, 'it is a full git ref; the source action and the rule or trigger that starts the pipeline compare '
      + 'the short branch name, so this one would never match a push', ref[1] !== undefined && ref[1] !== 'tags/' && short ? `give "${short}"` : fix);
  }
  if (branch === 'HEAD') {
    throw propError(scope, prop, branch, '"HEAD" names whatever is checked out, not a branch a push can update', fix);
  }
  if (branch.length > MAX_BRANCH_LENGTH) {
    throw propError(scope, prop, branch, `it is ${branch.length} characters; CodeCommit and the pipeline's Git trigger take at most ${MAX_BRANCH_LENGTH}`, fix);
  }
  const problem = gitRefProblem(branch);
  if (problem) {
    throw propError(scope, prop, branch, `it is not a valid git branch name: ${problem}`, fix);
  }
}

/** Checks the name of a CodeCommit repository given as `prop`, when given; tokens are skipped. */
export function checkCodeCommitRepositoryName(scope: IConstruct, prop: string, name: string | undefined): void {
  if (name !== undefined && !isToken(name) && !CODECOMMIT_REPOSITORY.test(name)) {
    throw propError(scope, prop, name, 'CodeCommit repository names are 1-100 letters, digits, and . _ -',
      'give the name of the repository, such as "e-com67"');
  }
}

/** Checks a connection source's repository (`owner/repo`) and connection ARN; tokens are skipped. */
export function checkConnection(scope: IConstruct, repositoryProp: string, repository: string, connectionArn: string | undefined): void {
  if (typeof repository !== 'string' || (!isToken(repository) && !CONNECTION_REPOSITORY.test(repository))) {
    throw propError(scope, repositoryProp, repository, 'a connection source names its repository as "owner/repo"',
      'give the owner (user, organization or workspace) and the repository, such as "e-com67/shop"');
  }
  if (typeof connectionArn !== 'string' || (!isToken(connectionArn) && !CONNECTION_ARN.test(connectionArn))) {
    throw propError(scope, 'source.connectionArn', connectionArn, 'it is not a CodeConnections connection ARN',
      'copy the ARN from the console (Developer Tools > Settings > Connections): arn:aws:codeconnections:<region>:<account>:connection/<id>');
  }
}

/** A path relative to the repository root as the build uses it: `./frontend/admin/` is `frontend/admin`, the root `.`. */
export function normalizePath(p: string): string {
  return p.replace(/\/+$/, '').replace(/^\.\//, '') || '.';
}

/** A component of a path a build command uses: a plain name, nothing a shell or a glob reads specially. */
const PLAIN_COMPONENT = /^[A-Za-z0-9_.@+-]+$/;

/**
 * Checks a path inside the repository that a build command uses (`cd "$CODEBUILD_SRC_DIR/<path>"`, the
 * artifacts' base directory), when given: a literal (a token would be spliced into the command as it resolves),
 * relative, of plain names, without `..` or `.` components. `root` allows the repository root itself (`.`).
 */
export function checkRelativePath(scope: IConstruct, prop: string, p: unknown, example: string, root = true): void {
  if (p === undefined) {
    return;
  }
  const fix = `give a path such as "${example}"`;
  if (typeof p !== 'string') {
    throw propError(scope, prop, p, `it must be a string, and is ${p === null ? 'null' : `a ${typeof p}`}`, fix);
  }
  if (isToken(p)) {
    throw propError(scope, prop, p, 'it is written into the build\'s shell commands at synth, so it must be a literal, not a token', fix);
  }
  const normalized = normalizePath(p);
  const components = normalized.split('/');
  if (p.trim() === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p)
    || (normalized !== '.' && components.some((c) => c === '..' || c === '.' || c === '' || !PLAIN_COMPONENT.test(c)))) {
    throw propError(scope, prop, p, 'it must be a relative path inside the repository, of names made of letters, digits and _ . @ + -, '
      + 'without "..", "." or empty components (shell and glob characters would be read by the build\'s commands)', fix);
  }
  if (normalized === '.' && !root) {
    throw propError(scope, prop, p, 'it is the app\'s own folder, which holds its sources and node_modules: the deploy would publish them', fix);
  }
}

/**
 * Checks an app's folder that must be known at synth (a path filter, a folder compared with the others'):
 * a literal relative path of plain names, without `..`.
 */
export function checkLiteralAppPath(scope: IConstruct, prop: string, p: string): void {
  const normalized = normalizePath(p);
  if (isToken(p) || p === '' || p.startsWith('/') || !LITERAL_PATH.test(normalized) || normalized.split('/').includes('..')) {
    throw propError(scope, prop, p, 'it must be a literal relative path inside the repository, without ".."',
      'give the app\'s folder, such as "frontend/admin-dashboard"');
  }
}
