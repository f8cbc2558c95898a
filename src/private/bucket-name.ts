import { Token } from 'aws-cdk-lib';

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Checks a general purpose S3 bucket name against AWS's naming rules and returns what is wrong, or
 * `undefined` when it is valid. A name with tokens (`e-com67-admin-dashboard-${Aws.ACCOUNT_ID}`) is checked on
 * its literal parts only: characters and a length that the literal parts alone already exceed.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name)) {
    // Encoded string tokens look like `${Token[AWS.AccountId.7]}`: what remains is the literal part.
    const literal = name.replace(/\$\{Token\[[^\]]*\]\}/g, '');
    if (/[^a-z0-9.-]/.test(literal)) {
      return 'bucket names use only lowercase letters, digits, dots and hyphens';
    }
    if (literal.length > 63) {
      return `bucket names are at most 63 characters, and the literal parts alone have ${literal.length}`;
    }
    return undefined;
  }
  if (name.length < 3 || name.length > 63) {
    return `bucket names are 3 to 63 characters long, this one has ${name.length}`;
  }
  if (/[^a-z0-9.-]/.test(name)) {
    return 'bucket names use only lowercase letters, digits, dots and hyphens';
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'bucket names begin and end with a lowercase letter or a digit';
  }
  if (name.includes('..')) {
    return 'bucket names cannot contain two adjacent dots';
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    return 'bucket names cannot be formatted as an IP address';
  }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) {
    return `bucket names cannot start with the reserved prefix "${prefix}"`;
  }
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) {
    return `bucket names cannot end with the reserved suffix "${suffix}"`;
  }
  return undefined;
}
