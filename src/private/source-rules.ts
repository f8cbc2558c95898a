// Where a pipeline gets the code: branches, repositories and connections (folders inside the repository are
// app-path.ts's). One home for each rule, so SpaSource, PlatformSource, CdkBackendPipeline and SpaPipeline refuse the same values.
import { IConstruct } from 'constructs';
import { isToken, propError } from './validation';

/** The branch every source deploys unless told otherwise: E-Com67's. */
export const DEFAULT_BRANCH = 'master';

/** CodeCommit repository names. */
const CODECOMMIT_REPOSITORY = /^[A-Za-z0-9_.-]{1,100}$/;
/** A repository behind a CodeConnections connection: `owner/repo`. */
const CONNECTION_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;

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
