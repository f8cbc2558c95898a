// The build's environment of a SpaPipeline: plaintext variables, Parameter Store and Secrets Manager references,
// and the read grants they need. A grant is exactly what a reference names; a wildcard is granted only for a
// prefix the user listed (`secretNamePrefixes`, `parameterPaths`), and only under it.
import { ArnFormat, Stack, Tokenization } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { escape, GeneratedWildcard, nagResourceName } from './nag';
import { isToken, propError } from './validation';

/** What the build's environment is made of (SpaPipelineOptions' members). */
export interface BuildEnvironmentProps {
  readonly buildVariables?: Record<string, string>;
  readonly parameterStoreVariables?: Record<string, string>;
  readonly secretsManagerVariables?: Record<string, string>;
  readonly secretNamePrefixes?: string[];
  readonly parameterPaths?: string[];
}

const VARIABLE_PROPS = ['buildVariables', 'parameterStoreVariables', 'secretsManagerVariables'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names the build's shell, CodeBuild or the AWS CLI own: setting one breaks the build (`PATH`, `HOME`), changes
 * which credentials or region the build uses (`AWS_*`), or runs code before every command (`BASH_ENV`).
 */
const RESERVED_NAMES = new Set([
  'PATH', 'HOME', 'SHELL', 'PWD', 'OLDPWD', 'IFS', 'BASH_ENV', 'ENV', 'BASHOPTS', 'SHELLOPTS', 'PS4', 'CDPATH',
  'TMPDIR', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'HOSTNAME', 'USER',
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE',
]);
/** CodeBuild reserves every name starting with `CODEBUILD_`; `AWS_ENDPOINT_URL_<SERVICE>` redirects the AWS CLI. */
const RESERVED_PREFIXES = ['CODEBUILD_', 'AWS_ENDPOINT_URL_'];

/**
 * Prefixes front-end frameworks use to mark a variable as shipped in the bundle. They say nothing about what the
 * value is, so they are dropped before a name is read (NEXT_PUBLIC_STRIPE_KEY is still a key).
 */
const FRAMEWORK_PREFIX = /^(VITE|REACT_APP|VUE_APP|NEXT_PUBLIC|NUXT_PUBLIC|EXPO_PUBLIC|PUBLIC|GATSBY|STORYBOOK)_/;
/** Words that make a name secret wherever they are: `CLIENT_SECRET_VALUE`, `PRIVATE_KEY_PEM`, `DB_PASSWORD_FILE`. */
const SECRET_ANYWHERE = new Set(['SECRET', 'SECRETS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATE']);
/** Words that make a name secret as its last word (what the value is): `STRIPE_SK`, `DB_PASS`, `AUTH`, `NPM_TOKEN`. */
const SECRET_LAST = new Set([
  'TOKEN', 'TOKENS', 'PASS', 'PWD', 'AUTH', 'CREDS', 'SK', 'PAT', 'KEY', 'KEYS', 'APIKEY', 'PRIVATEKEY', 'SECRETKEY',
  'ACCESSKEY', 'AUTHTOKEN', 'JWT', 'SALT', 'HMAC', 'WEBHOOK',
]);
/** Words that make a name secret as its first word: `SK_LIVE`, `PASS_DB` (not TOKEN: `TOKEN_URL` is an OAuth endpoint). */
const SECRET_FIRST = new Set(['SK', 'PASS', 'PWD', 'APIKEY', 'AUTHTOKEN']);
/** Words that say a key is public by design (shipped to browsers): Stripe's publishable key, reCAPTCHA's site key. */
const PUBLIC_KEY_MARKERS = new Set(['PUBLISHABLE', 'PUBLIC', 'SITE']);

/** Values of well-known secret formats: Stripe secret/restricted keys, GitHub and npm tokens, AWS access keys, PEM keys, Slack tokens. */
const SECRET_VALUE = /^(sk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^npm_[A-Za-z0-9]{30,}|^(AKIA|ASIA)[0-9A-Z]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----|^xox[abprs]-/;

/** Secret names: letters, digits and / _ + = . @ - (Secrets Manager's rule), up to 512. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** The random suffix Secrets Manager appends to a secret's name in its complete ARN. */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
/** Parameter names: letters, digits and _ . - /, up to 2048. */
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
/** A `name:version` or `name:label` selector after a parameter name. */
const PARAMETER_SELECTOR = /^[A-Za-z0-9_.-]{1,100}$/;
const SECRET_PREFIX = /^[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)*\/$/;
const PARAMETER_PATH = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/$/;

/** The words of an environment variable's name: `stripeSecretKey` and `STRIPE_SECRET_KEY` are STRIPE, SECRET, KEY. */
function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split('_').filter((w) => w !== '');
}

/**
 * True when a variable's name says its value is a secret. Read word by word (not as a substring, so
 * `VITE_KEYCLOAK_URL` and `VITE_AUTH_DOMAIN` are plain names), after the framework's prefix.
 */
export function looksSecret(name: string): boolean {
  const all = words(name.replace(FRAMEWORK_PREFIX, ''));
  if (all.length === 0) {
    return false;
  }
  const last = all[all.length - 1];
  if (all.some((w) => SECRET_ANYWHERE.has(w)) || SECRET_FIRST.has(all[0])) {
    return true;
  }
  if (!SECRET_LAST.has(last)) {
    return false;
  }
  // A key named public by design (VITE_STRIPE_PUBLISHABLE_KEY, VITE_RECAPTCHA_SITE_KEY) is meant for browsers.
  return !(['KEY', 'KEYS'].includes(last) && all.slice(0, -1).some((w) => PUBLIC_KEY_MARKERS.has(w)));
}

function checkRecord(scope: IConstruct, prop: string, record: unknown): Record<string, unknown> | undefined {
  if (record === undefined) {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record) || isToken(record)) {
    throw propError(scope, prop, record, 'it is a map of environment variable names to values', 'give an object such as { VITE_API_URL: "https://api.example.com" }');
  }
  return record as Record<string, unknown>;
}

/** Checks the build's variables and the prefixes it may read; run before anything uses them. */
export function validateBuildEnvironment(scope: IConstruct, props: BuildEnvironmentProps): void {
  const seen = new Map<string, string>();
  for (const prop of VARIABLE_PROPS) {
    const record = checkRecord(scope, prop, props[prop]);
    for (const [name, value] of Object.entries(record ?? {})) {
      if (!ENV_NAME.test(name)) {
        throw propError(scope, prop, name, 'it is not an environment variable name', 'use letters, digits and underscores, not starting with a digit');
      }
      if (RESERVED_NAMES.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) {
        throw propError(scope, prop, name, 'the build\'s shell, CodeBuild or the AWS CLI own this name: setting it breaks the build or changes its credentials or region',
          'rename the variable; CodeBuild reserves every name starting with CODEBUILD_');
      }
      const other = seen.get(name);
      if (other !== undefined) {
        throw propError(scope, prop, name, `it is also set in \`${other}\`, and CodeBuild would keep only one of them`, 'set each variable in one place');
      }
      seen.set(name, prop);
      if (typeof value !== 'string') {
        throw propError(scope, `${prop}.${name}`, value, `a value is a string, not ${value === null ? 'null' : typeof value}`,
          prop === 'buildVariables' ? 'give the value as a string, such as "4096"' : 'give the name of the parameter or secret');
      }
      if (prop !== 'buildVariables' && !isToken(value) && value.trim() === '') {
        throw propError(scope, `${prop}.${name}`, value, 'it names no parameter or secret', 'give the name of the parameter or secret');
      }
    }
  }
  for (const [name, value] of Object.entries(props.buildVariables ?? {})) {
    if (looksSecret(name)) {
      throw propError(scope, 'buildVariables', name, 'plaintext variables are visible in the console, the template and build logs, and this name looks secret',
        'store the value in SSM Parameter Store (SecureString) or Secrets Manager and pass it with `parameterStoreVariables` or `secretsManagerVariables`; '
        + 'a key that is public by design is accepted when its name says so (VITE_STRIPE_PUBLISHABLE_KEY, VITE_RECAPTCHA_SITE_KEY)');
    }
    if (!isToken(value) && SECRET_VALUE.test(value)) {
      throw propError(scope, `buildVariables.${name}`, `${value.slice(0, 8)}...`, 'the value has the format of a secret key or token (Stripe, GitHub, npm, AWS, Slack or a PEM private key)',
        'store the value in SSM Parameter Store (SecureString) or Secrets Manager and pass it with `parameterStoreVariables` or `secretsManagerVariables`');
    }
  }
  for (const [name, reference] of Object.entries(props.secretsManagerVariables ?? {})) {
    secretResources(scope, `secretsManagerVariables.${name}`, reference);
  }
  for (const [name, reference] of Object.entries(props.parameterStoreVariables ?? {})) {
    parameterResources(scope, `parameterStoreVariables.${name}`, reference);
  }
  checkPrefixes(scope, 'secretNamePrefixes', props.secretNamePrefixes, SECRET_PREFIX, '"e-com67/admin/"');
  checkPrefixes(scope, 'parameterPaths', props.parameterPaths, PARAMETER_PATH, '"/e-com67/admin/"');
}

function checkPrefixes(scope: IConstruct, prop: string, prefixes: unknown, shape: RegExp, example: string): void {
  if (prefixes === undefined) {
    return;
  }
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    throw propError(scope, prop, prefixes, 'it is a non-empty list of prefixes', `give prefixes such as [${example}], or remove \`${prop}\``);
  }
  for (const prefix of prefixes) {
    if (typeof prefix !== 'string' || isToken(prefix)) {
      throw propError(scope, prop, prefix, 'a prefix is granted as a wildcard, so it must be known at synth, not a token or another type',
        `give the prefix literally, such as ${example}`);
    }
    if (!shape.test(prefix)) {
      throw propError(scope, prop, prefix, 'a prefix is one or more whole path components ending with "/", without wildcards, '
        + 'so that it grants that folder and nothing beside it (a prefix "e-com67/admin" would also grant "e-com67/admin-old")',
      `give a prefix such as ${example}`);
    }
  }
  if (new Set(prefixes).size !== prefixes.length) {
    throw propError(scope, prop, prefixes, 'a prefix is listed twice', 'list each prefix once');
  }
}

function wildcardError(scope: IConstruct, prop: string, reference: string, kind: 'secret' | 'parameter'): Error {
  return propError(scope, prop, reference,
    `a ${kind} reference names one ${kind}; a wildcard would grant the build every ${kind} it matches`,
    kind === 'secret'
      ? 'name the secret; to let the build read the secrets under a prefix, list it in `secretNamePrefixes` (such as "e-com67/admin/")'
      : 'name the parameter; to let the build read the parameters under a path, list it in `parameterPaths` (such as "/e-com67/admin/")');
}

/**
 * The resources of a Secrets Manager reference (`secret-id:json-key:version-stage:version-id`, the secret-id a
 * name, a partial or complete ARN, or a token standing for a complete ARN), or the library's error.
 */
export function secretResources(scope: IConstruct, prop: string, reference: string): string[] {
  const stack = Stack.of(scope);
  const parts = reference.split(':');
  const fix = 'give "<secret name or ARN>[:json-key[:version-stage[:version-id]]]", such as "e-com67/npm:token"';
  if (reference.startsWith('arn:')) {
    // arn:partition:secretsmanager:region:account:secret:name[-suffix][:json-key:version-stage:version-id]
    const base = parts.slice(0, 7);
    if (parts.length < 7 || parts.length > 10 || (!isToken(parts[2]) && parts[2] !== 'secretsmanager') || parts[5] !== 'secret' || parts[6] === '') {
      throw propError(scope, prop, reference, 'it is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)', fix);
    }
    if (base.some((p) => /[*?]/.test(p))) {
      throw wildcardError(scope, prop, reference, 'secret');
    }
    const name = parts[6];
    if (!isToken(name) && !SECRET_NAME.test(name)) {
      throw propError(scope, prop, reference, 'the secret name has characters Secrets Manager does not allow (letters, digits and / _ + = . @ -)', fix);
    }
    const arn = base.join(':');
    // A complete ARN ends in the 6-character suffix; a partial one (the name alone) matches the secret with it.
    // A name that itself ends in "-" and six characters can't be told apart, so both are granted.
    return !isToken(name) && SECRET_SUFFIX.test(name) ? [arn, `${arn}-??????`] : [`${arn}-??????`];
  }
  const head = parts[0];
  if (isToken(head) && Tokenization.reverseString(head).length === 1 && Tokenization.reverseString(head).firstToken !== undefined) {
    // A token (secret.secretArn) stands for a complete ARN, as CodeBuild's own grant assumes: a name from a token
    // would have to be the full name with its suffix, which CodeBuild does not take.
    if (parts.length > 4) {
      throw propError(scope, prop, reference, 'it has more than the secret, a JSON key, a version stage and a version ID', fix);
    }
    return [head];
  }
  if (parts.length > 4) {
    throw propError(scope, prop, reference, 'it has more than the secret, a JSON key, a version stage and a version ID', fix);
  }
  if (/[*?]/.test(head)) {
    throw wildcardError(scope, prop, reference, 'secret');
  }
  if (!isToken(head) && !SECRET_NAME.test(head)) {
    throw propError(scope, prop, reference, head === '' ? 'the secret name is empty' : 'the secret name has characters Secrets Manager does not allow (letters, digits and / _ + = . @ -)', fix);
  }
  return [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${head}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
}

/**
 * The resource of a Parameter Store reference (a name, optionally `:version` or `:label`, or a parameter ARN), or
 * the library's error. AWS's public parameters (`/aws/service/...`) have no account in their ARN.
 */
export function parameterResources(scope: IConstruct, prop: string, reference: string): string[] {
  const fix = 'give the parameter\'s name, such as "/e-com67/sentry-dsn"';
  if (reference.startsWith('arn:')) {
    const parts = reference.split(':');
    if (parts.length < 6 || (!isToken(parts[2]) && parts[2] !== 'ssm') || !parts[5].startsWith('parameter/')) {
      throw propError(scope, prop, reference, 'it is not an SSM parameter ARN (arn:<partition>:ssm:<region>:<account>:parameter/<name>)', fix);
    }
    if (parts.slice(0, 6).some((p) => /[*?]/.test(p))) {
      throw wildcardError(scope, prop, reference, 'parameter');
    }
    return [parts.slice(0, 6).join(':')];
  }
  const [name, selector, ...rest] = reference.split(':');
  if (/[*?]/.test(name)) {
    throw wildcardError(scope, prop, reference, 'parameter');
  }
  if (!isToken(reference)) {
    if (!PARAMETER_NAME.test(name) || name.length > 2048 || rest.length > 0 || (selector !== undefined && !PARAMETER_SELECTOR.test(selector))) {
      throw propError(scope, prop, reference, 'a parameter name is letters, digits and _ . - / (a hierarchy starts with "/"), optionally followed by ":version" or ":label"', fix);
    }
  }
  const resourceName = name.replace(/^\//, '');
  const stack = Stack.of(scope);
  return [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName, account: resourceName.startsWith('aws/') ? '' : undefined })];
}

/**
 * Grants the build project read access to exactly the parameters and secrets its environment names, and to the
 * listed prefixes; returns the IAM5 findings of the prefix grants, which the user asked for.
 */
export function grantBuildEnvironment(project: codebuild.PipelineProject, props: BuildEnvironmentProps): GeneratedWildcard[] {
  const stack = Stack.of(project);
  const wildcards: GeneratedWildcard[] = [];
  const parameters = Object.entries(props.parameterStoreVariables ?? {})
    .flatMap(([name, reference]) => parameterResources(project, `parameterStoreVariables.${name}`, reference));
  if (parameters.length > 0) {
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameters'], resources: unique(parameters) }));
  }
  const secrets = Object.entries(props.secretsManagerVariables ?? {})
    .flatMap(([name, reference]) => secretResources(project, `secretsManagerVariables.${name}`, reference));
  if (secrets.length > 0) {
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: unique(secrets) }));
  }
  for (const prefix of props.secretNamePrefixes ?? []) {
    const arn = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }));
    wildcards.push({
      finding: new RegExp(`^Resource::${escape(nagResourceName(project, arn))}$`),
      onlyFor: /^secretsmanager:GetSecretValue$/,
      within: project,
      reason: `The build reads the secrets whose names start with "${prefix}" because \`secretNamePrefixes\` lists that prefix; no other secret matches.`,
    });
  }
  for (const prefix of props.parameterPaths ?? []) {
    const path = prefix.replace(/^\//, '').replace(/\/$/, '');
    const account = path.startsWith('aws/') ? '' : undefined;
    const folder = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: path, account });
    const under = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${path}/*`, account });
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      // GetParametersByPath is authorized on the path itself; the others on each parameter under it.
      resources: [folder, under],
    }));
    wildcards.push({
      finding: new RegExp(`^Resource::${escape(nagResourceName(project, under))}$`),
      onlyFor: /^ssm:(GetParameter|GetParameters|GetParametersByPath)$/,
      within: project,
      reason: `The build reads the parameters under "${prefix}" because \`parameterPaths\` lists that path; no other parameter matches.`,
    });
  }
  return wildcards;
}

function unique(values: string[]): string[] {
  // Tokens are compared by their encoding, which is the same for the same token.
  return [...new Set(values)];
}
