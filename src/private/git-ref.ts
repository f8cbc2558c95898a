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
