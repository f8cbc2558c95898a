// The deploy program SpaPipeline's deploy action runs: `node spa-release.js deploy`, in the build artifact's
// folder, configured by the environment the pipeline sets (README.md beside this file). It uploads a release,
// checks it pinned through the real distribution, makes it live with one store write, waits until it is served,
// watches the user's alarms (rolling back on one) and prunes old releases.
//
// Exit codes: 0 live; 1 failed (the reason is the last line on stderr; the previous release stays or is made
// live again); 2 bad input, found before any AWS call (or, for an unknown alarm, before any upload).
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import { statSync } from 'fs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { AlarmState, MAX_ROLLBACK_ALARMS, describeAlarmStates, watchAlarms } from './alarms';
import { BuildFile, readBuildOutput, withRuntimeConfig } from './build-output';
import { ReleaseClients, SDK_RETRY, defaultReleaseClients } from './clients';
import {
  ENTRY_FILE, STATE_PREFIX, PIN_HEADERS, RELEASES_PREFIX, ReleaseError, ReleaseManifest, buildPathProblem, releaseIdFor,
} from './contract';
import { AwsCredentialIdentityProvider, assumeRoleCredentials, sessionName } from './credentials';
import { deployRelease, DeployResult } from './deploy';
import { discardRelease } from './discard';
import { HashedPaths } from './hashed-paths';
import { SwitchResult, ensurePinToken, goLive, requireManifest, switchLive } from './live-store';
import { ROOT_RELEASE_ID, adoptRootRelease } from './migrate';
import { readParameter, readParameters } from './parameters';
import { DEFAULT_KEEP, prune } from './prune';
import { smokeCheck } from './smoke-check';
import { probeFor, waitUntilLive } from './wait-live';

/** The program's exit codes. */
export const EXIT = { live: 0, failed: 1, badInput: 2 } as const;

/** Every setting the program reads; another `SPA_*` variable is most likely a typo and is warned about. */
export const SETTINGS = [
  'SPA_BUCKET', 'SPA_KVS_ARN', 'SPA_SITE_URL', 'SPA_SOURCE_DIR', 'SPA_HASHED_PATTERN', 'SPA_KEEP_RELEASES', 'SPA_SOURCE_MAPS',
  'SPA_RUNTIME_CONFIG', 'SPA_RUNTIME_CONFIG_PATH', 'SPA_SMOKE_COMMANDS', 'SPA_ROLLBACK_ALARMS', 'SPA_ROLLBACK_WINDOW_SECONDS',
  'SPA_PROPAGATION_TIMEOUT_SECONDS', 'SPA_SOURCE_VERSION', 'SPA_ROLE_ARN', 'SPA_TARGET_PARAMETER', 'SPA_RUNTIME_CONFIG_PARAMETERS',
] as const;

/** At most this many entries in SPA_RUNTIME_CONFIG_PARAMETERS. */
export const MAX_RUNTIME_CONFIG_PARAMETERS = 100;

/** `SPA_*` variables of the deploy project that aren't settings: SPA_PROGRAM_URL is where its buildspec downloads this program from. */
const NOT_SETTINGS = ['SPA_PROGRAM_URL'];

/** The warning ID of an unknown `SPA_*` variable. */
export const UNKNOWN_SETTING_WARNING = 'cdk-ecom-platform:deploy.unknownSetting';
/** The warning ID of a rollback alarm already in ALARM before going live. */
export const ALARM_BEFORE_LIVE_WARNING = 'cdk-ecom-platform:deploy.alarmBeforeLive';

/** A bad setting: exit 2. The message is one line naming the variable, its value and the fix. */
export class InputError extends Error {
  constructor(readonly variable: string, value: string | undefined, readonly problem: string, readonly fix: string) {
    super(oneLine(`${variable}=${value === undefined ? '(unset)' : JSON.stringify(value)}: ${problem}. Fix: ${fix}`));
    this.name = 'InputError';
  }
}

/** The checked settings. */
export interface DeployConfig {
  readonly bucket: string;
  readonly kvsArn: string;
  /** The site's origin, e.g. `https://d111111abcdef8.cloudfront.net`. */
  readonly siteUrl: string;
  readonly sourceDir: string;
  readonly hashedPattern: string;
  readonly keep: number;
  readonly sourceMaps: 'private' | 'public';
  readonly runtimeConfig?: { readonly path: string; readonly json: string };
  readonly smokeCommands: readonly string[];
  readonly rollbackAlarms: readonly string[];
  readonly rollbackWindowMs: number;
  readonly propagationTimeoutMs: number;
  /** The source version (CODEBUILD_RESOLVED_SOURCE_VERSION), kept whole in the manifest. */
  readonly commit: string;
  readonly buildNumber: number;
  readonly releaseId: string;
  /** SPA_ROLE_ARN: every AWS call for the target uses this role's credentials (sts:AssumeRole). */
  readonly roleArn?: string;
  /** SPA_TARGET_PARAMETER: the SSM parameter whose JSON value gave the bucket, KVS ARN and site URL. */
  readonly targetParameter?: string;
  /** SPA_RUNTIME_CONFIG_PARAMETERS: runtime config key -> SSM parameter name, read at deploy time. */
  readonly runtimeConfigParameters?: Readonly<Record<string, string>>;
}

/** What the target's three values are, once known. */
type Target = Pick<DeployConfig, 'bucket' | 'kvsArn' | 'siteUrl'>;

/**
 * The settings as the environment gives them, checked: DeployConfig before the SSM parameters are read. Without
 * SPA_TARGET_PARAMETER the target is complete; with it, what the environment also gives must match the parameter.
 * With SPA_RUNTIME_CONFIG_PARAMETERS, `runtimeConfig.json` is SPA_RUNTIME_CONFIG alone (`{}` when unset).
 */
export type DeploySettings = Omit<DeployConfig, keyof Target> & Partial<Target>;

/** Reads and checks the environment; throws InputError. Touches nothing but the file system (SPA_SOURCE_DIR). */
export function parseEnvironment(env: NodeJS.ProcessEnv): { config: DeploySettings; warnings: string[] } {
  const get = (name: string) => (env[name] === '' ? undefined : env[name]);
  const warnings = Object.keys(env)
    .filter((k) => k.startsWith('SPA_') && !(SETTINGS as readonly string[]).includes(k) && !NOT_SETTINGS.includes(k))
    .sort()
    .map((k) => `${UNKNOWN_SETTING_WARNING} ${k} is not a setting of this program and is ignored (settings: ${SETTINGS.join(', ')})`);

  const roleArn = get('SPA_ROLE_ARN');
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new InputError('SPA_ROLE_ARN', roleArn, 'not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<path and name>)', 'give the deploy role\'s ARN, or unset it to use the project\'s own credentials');
  }
  const targetParameter = get('SPA_TARGET_PARAMETER');
  if (targetParameter !== undefined) {
    const problem = parameterNameProblem(targetParameter);
    if (problem) {
      throw new InputError('SPA_TARGET_PARAMETER', targetParameter, problem, 'give the name of the SSM parameter the hosting\'s stack writes (/cdk-ecom-platform/<bucket>/deploy-target), or unset it and set SPA_BUCKET, SPA_KVS_ARN and SPA_SITE_URL');
    }
  }
  // With a target parameter, the three come from it: given here too, they must match it (checked once read).
  const target = (name: string, what: string) => (targetParameter === undefined ? required(get, name, what) : get(name));
  const bucket = target('SPA_BUCKET', 'the hosting bucket\'s name');
  if (bucket !== undefined) {
    checkBucket(bucket);
  }
  const kvsArn = target('SPA_KVS_ARN', 'the hosting\'s KeyValueStore ARN');
  if (kvsArn !== undefined) {
    checkKvsArn(kvsArn);
  }
  const siteText = target('SPA_SITE_URL', 'https://<the distribution\'s domain name>');
  const siteUrl = siteText === undefined ? undefined : parseSiteUrl(siteText);

  const sourceDir = get('SPA_SOURCE_DIR') ?? '.';
  let isDir = false;
  try {
    isDir = statSync(sourceDir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new InputError('SPA_SOURCE_DIR', sourceDir, 'not a directory', 'give the build output folder, relative to the build artifact\'s root');
  }

  const hashedPattern = get('SPA_HASHED_PATTERN');
  let hashed: HashedPaths;
  try {
    hashed = new HashedPaths(hashedPattern);
  } catch (error) {
    throw new InputError('SPA_HASHED_PATTERN', hashedPattern, (error as Error).message.replace(/^hashed-file pattern .*? is not/, 'not'), 'give a JavaScript regular expression\'s source');
  }
  if (hashed.isHashed(ENTRY_FILE)) {
    throw new InputError('SPA_HASHED_PATTERN', hashedPattern, `it matches ${ENTRY_FILE}, which must change with each release`, 'match content-hashed names only (e.g. assets/<name>-<hash>.<ext>)');
  }

  const keep = wholeNumber(get, 'SPA_KEEP_RELEASES', DEFAULT_KEEP, 1, 1000);

  const sourceMaps = get('SPA_SOURCE_MAPS') ?? 'private';
  if (sourceMaps !== 'private' && sourceMaps !== 'public') {
    throw new InputError('SPA_SOURCE_MAPS', sourceMaps, 'not "private" or "public"', 'set private (source maps not uploaded) or public');
  }

  const configJson = get('SPA_RUNTIME_CONFIG');
  const configPath = get('SPA_RUNTIME_CONFIG_PATH');
  if (configPath !== undefined) {
    const problem = buildPathProblem(configPath)
      ?? (configPath === ENTRY_FILE ? `it is the entry page ${ENTRY_FILE}` : undefined)
      ?? (configPath.startsWith(RELEASES_PREFIX) || configPath.startsWith(STATE_PREFIX) ? `${RELEASES_PREFIX} and ${STATE_PREFIX} are reserved for the deploy's own objects` : undefined)
      ?? (hashed.isHashed(configPath) ? 'it matches SPA_HASHED_PATTERN (a hashed asset never changes; the config changes per deploy)' : undefined);
    if (problem) {
      throw new InputError('SPA_RUNTIME_CONFIG_PATH', configPath, problem, 'give a relative path inside the build output, such as config.json');
    }
  }
  let runtimeConfig: DeployConfig['runtimeConfig'];
  if (configJson !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(configJson);
    } catch (error) {
      throw new InputError('SPA_RUNTIME_CONFIG', configJson, `not valid JSON (${(error as Error).message})`, 'give a JSON object');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError('SPA_RUNTIME_CONFIG', configJson, 'not a JSON object', 'give a JSON object, e.g. {"apiUrl": "https://api.example.com"}');
    }
    runtimeConfig = { path: configPath ?? 'config.json', json: configJson };
  }
  const runtimeConfigParameters = parameterMap(get('SPA_RUNTIME_CONFIG_PARAMETERS'));
  if (runtimeConfigParameters !== undefined) {
    runtimeConfig ??= { path: configPath ?? 'config.json', json: '{}' };
  }

  const smokeCommands = stringList(get, 'SPA_SMOKE_COMMANDS', 20, 64 * 1024, 'a JSON array of shell commands, e.g. ["npx playwright test"]');
  const rollbackAlarms = stringList(get, 'SPA_ROLLBACK_ALARMS', MAX_ROLLBACK_ALARMS, 255, 'a JSON array of CloudWatch alarm names');
  const rollbackWindowMs = wholeNumber(get, 'SPA_ROLLBACK_WINDOW_SECONDS', 300, 1, 3600) * 1000;
  const propagationTimeoutMs = wholeNumber(get, 'SPA_PROPAGATION_TIMEOUT_SECONDS', 300, 1, 3600) * 1000;

  // The pipeline passes the source action's revision (SPA_SOURCE_VERSION); CodeBuild's own variable is the fallback.
  const versionVariable = get('SPA_SOURCE_VERSION') ? 'SPA_SOURCE_VERSION' : 'CODEBUILD_RESOLVED_SOURCE_VERSION';
  const commit = required(get, versionVariable, 'the source commit (the pipeline or CodeBuild sets it)');
  // eslint-disable-next-line no-control-regex
  if (commit.length > 1024 || /[\u0000-\u001f\u007f]/.test(commit)) {
    throw new InputError(versionVariable, commit, 'not a source version (too long, or has control characters)', 'run the program in a CodeBuild action of the pipeline');
  }
  const buildText = required(get, 'CODEBUILD_BUILD_NUMBER', 'the build number (CodeBuild sets it)');
  if (!/^(0|[1-9][0-9]{0,11})$/.test(buildText)) {
    throw new InputError('CODEBUILD_BUILD_NUMBER', buildText, 'not a whole number without leading zeros, at most 12 digits', 'run the program in a CodeBuild action of the pipeline');
  }
  const buildNumber = Number(buildText);
  // A git commit gives its short form; any other source version (an S3 object version, say) a stable 7-hex tag.
  const releaseId = /^[0-9a-fA-F]{7,64}$/.test(commit)
    ? releaseIdFor(commit, buildNumber)
    : `${createHash('sha1').update(commit).digest('hex').slice(0, 7)}-${buildNumber}`;

  return {
    warnings,
    config: {
      bucket,
      kvsArn,
      siteUrl,
      sourceDir,
      hashedPattern: hashed.source,
      keep,
      sourceMaps,
      runtimeConfig,
      smokeCommands,
      rollbackAlarms,
      rollbackWindowMs,
      propagationTimeoutMs,
      commit,
      buildNumber,
      releaseId,
      roleArn,
      targetParameter,
      runtimeConfigParameters,
    },
  };
}

/** An IAM role ARN, path included (role names are 1-64 of `\w+=,.@-`, paths up to 512 characters). */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role\/(?:[\u0021-\u007e]{0,510}\/)?[\w+=,.@-]{1,64}$/;

function checkBucket(bucket: string): void {
  if (bucket.startsWith('s3://')) {
    throw new InputError('SPA_BUCKET', bucket, 'a bucket name is expected, not a URL', 'give the name without s3://');
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new InputError('SPA_BUCKET', bucket, 'not an S3 bucket name (3-63 of a-z, 0-9, "." and "-", starting and ending with a letter or digit)', 'give the bucket\'s name (SpaHosting\'s bucket.bucketName)');
  }
}

function checkKvsArn(kvsArn: string): void {
  if (!/^arn:aws(-[a-z]+)*:cloudfront::[0-9]{12}:key-value-store\/[A-Za-z0-9-]{1,64}$/.test(kvsArn)) {
    throw new InputError('SPA_KVS_ARN', kvsArn, 'not a CloudFront KeyValueStore ARN (arn:aws:cloudfront::<account>:key-value-store/<id>)', 'give SpaHosting\'s keyValueStore.keyValueStoreArn');
  }
}

/** Why `name` can't be an SSM parameter name or ARN (GetParameter takes either); undefined when it can. */
export function parameterNameProblem(name: string): string | undefined {
  const arn = /^arn:aws(-[a-z]+)*:ssm:[a-z0-9-]+:[0-9]{12}:parameter(\/.*)$/.exec(name);
  const bare = arn ? arn[2] : name;
  if (bare.length > 2048 || !/^[A-Za-z0-9_.\-/]+$/.test(bare)) {
    return 'not an SSM parameter name (1-2048 of a-z, A-Z, 0-9, "_", ".", "-" and "/") or parameter ARN';
  }
  if (bare.includes('/') && (!bare.startsWith('/') || bare.endsWith('/') || bare.includes('//'))) {
    return 'a hierarchical parameter name starts with "/" and has no empty level (e.g. /e-com67-dev/api-url)';
  }
  return undefined;
}

/** SPA_RUNTIME_CONFIG_PARAMETERS: a JSON object of config keys to parameter names. */
function parameterMap(text: string | undefined): Record<string, string> | undefined {
  const name = 'SPA_RUNTIME_CONFIG_PARAMETERS';
  const what = 'a JSON object of runtime config keys to SSM parameter names, e.g. {"apiUrl": "/e-com67-dev/api-url"}';
  if (text === undefined) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, text, `not valid JSON (${(error as Error).message})`, `give ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(name, text, 'not a JSON object', `give ${what}`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    return undefined;
  }
  if (entries.length > MAX_RUNTIME_CONFIG_PARAMETERS) {
    throw new InputError(name, text, `${entries.length} entries, at most ${MAX_RUNTIME_CONFIG_PARAMETERS}`, 'read fewer parameters (one parameter may hold a whole JSON object: give it to SPA_RUNTIME_CONFIG instead)');
  }
  const out: Record<string, string> = {};
  for (const [key, parameter] of entries) {
    // eslint-disable-next-line no-control-regex
    if (key.trim() === '' || key.length > 256 || /[\u0000-\u001f\u007f]/.test(key)) {
      throw new InputError(name, text, `key ${JSON.stringify(key)} is not a config key (1-256 characters, no control characters)`, `give ${what}`);
    }
    if (typeof parameter !== 'string') {
      throw new InputError(name, text, `the value of ${JSON.stringify(key)} is ${JSON.stringify(parameter)}, not a parameter name`, `give ${what}`);
    }
    const problem = parameterNameProblem(parameter);
    if (problem) {
      throw new InputError(name, text, `the parameter of ${JSON.stringify(key)} (${JSON.stringify(parameter)}): ${problem}`, `give ${what}`);
    }
    out[key] = parameter;
  }
  return out;
}

type Getter = (name: string) => string | undefined;

function required(get: Getter, name: string, what: string): string {
  const value = get(name);
  if (value === undefined) {
    throw new InputError(name, undefined, 'required', `set it to ${what}`);
  }
  return value;
}

function wholeNumber(get: Getter, name: string, fallback: number, min: number, max: number): number {
  const text = get(name);
  if (text === undefined) {
    return fallback;
  }
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(name, text, `not a whole number from ${min} to ${max}`, `set a decimal number from ${min} to ${max}, or leave it unset for ${fallback}`);
  }
  return Number(text);
}

function stringList(get: Getter, name: string, maxItems: number, maxLength: number, what: string): string[] {
  const text = get(name);
  if (text === undefined) {
    return [];
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, text, `not valid JSON (${(error as Error).message})`, `give ${what}`);
  }
  if (!Array.isArray(value) || value.length > maxItems) {
    throw new InputError(name, text, `not a JSON array of at most ${maxItems} items`, `give ${what}`);
  }
  for (const item of value) {
    // eslint-disable-next-line no-control-regex
    if (typeof item !== 'string' || item.trim() === '' || item.length > maxLength || /\u0000/.test(item)) {
      throw new InputError(name, text, `item ${JSON.stringify(item)} is not a non-empty string of at most ${maxLength} characters`, `give ${what}`);
    }
  }
  const dup = value.find((v, i) => value.indexOf(v) !== i);
  if (dup !== undefined) {
    throw new InputError(name, text, `${JSON.stringify(dup)} is listed twice`, 'list each once');
  }
  return value as string[];
}

function parseSiteUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError('SPA_SITE_URL', text, 'not a URL', 'give https://<the distribution\'s domain name>');
  }
  // Plain http only to this machine: the end-to-end tests' local distribution.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError('SPA_SITE_URL', text, 'not an https URL', 'give https://<the distribution\'s domain name>');
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new InputError('SPA_SITE_URL', text, 'has credentials, a path, a query or a fragment', 'give the origin only: https://<the distribution\'s domain name>');
  }
  return url.origin;
}

/** What the program needs from the world; production values by default. */
export interface ProgramDeps {
  readonly clients?: ReleaseClients;
  readonly cloudwatch?: CloudWatchClient;
  /** Runs a smoke command with `bash -c` and the given environment; resolves to its exit code. */
  readonly runCommand?: (command: string, env: NodeJS.ProcessEnv) => Promise<number>;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Between alarm polls; default 15,000 ms. */
  readonly alarmIntervalMs?: number;
  /** Between propagation polls; default 2,000 ms. */
  readonly pollIntervalMs?: number;
  /** SSM (SPA_TARGET_PARAMETER, SPA_RUNTIME_CONFIG_PARAMETERS); made with the target's credentials when undefined. */
  readonly ssm?: SSMClient;
  /** STS, to assume SPA_ROLE_ARN with the default credentials; made when undefined. */
  readonly sts?: STSClient;
}

/** The numbers of the final summary. */
export interface DeploySummary {
  releaseId?: string;
  deployed?: DeployResult;
  smokeCheckMs?: number;
  /** From the last upload (the manifest) to the store's switch. */
  uploadToSwitchMs?: number;
  /** From the last upload to the release being served. */
  uploadToServedMs?: number;
  propagationMs?: number;
  pruned?: readonly string[];
  prunedObjects?: number;
  rolledBackTo?: string;
  /** The bucket root adopted as a release before this deploy. */
  adopted?: string;
}

/** Runs the program; resolves to its exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, deps: ProgramDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((text: string) => process.stdout.write(text));
  const err = deps.stderr ?? ((text: string) => process.stderr.write(text));
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    out(`usage: node spa-release.js deploy\n  settings (environment): ${SETTINGS.join(', ')}, CODEBUILD_RESOLVED_SOURCE_VERSION, CODEBUILD_BUILD_NUMBER\n  exit: 0 live, 1 failed, 2 bad input\n`);
    return EXIT.live;
  }
  if (argv[0] !== 'deploy' || argv.length > 1) {
    err(`usage: node spa-release.js deploy (got ${argv.length === 0 ? 'no command' : JSON.stringify(argv.join(' '))}); the settings come from the environment\n`);
    return EXIT.badInput;
  }
  let settings: DeploySettings;
  let files: BuildFile[];
  try {
    const parsed = parseEnvironment(env);
    settings = parsed.config;
    for (const w of parsed.warnings) {
      out(`WARNING: ${w}\n`);
    }
    files = await readBuild(settings);
  } catch (error) {
    if (error instanceof InputError) {
      err(`${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  const log = (line: string) => out(`${line}\n`);
  // With SPA_ROLE_ARN every client for the target (S3, the store, SSM, CloudWatch) signs with the assumed role.
  const sts = settings.roleArn ? deps.sts ?? new STSClient({ ...SDK_RETRY }) : undefined;
  const credentials: AwsCredentialIdentityProvider | undefined = settings.roleArn
    ? assumeRoleCredentials(sts!, settings.roleArn, sessionName(settings.releaseId)) : undefined;
  const withCredentials = credentials ? { credentials } : {};
  if (settings.roleArn) {
    log(`target credentials: role ${settings.roleArn}, session ${sessionName(settings.releaseId)}`);
  }
  const clients = deps.clients ?? defaultReleaseClients({ log, credentials });
  const cloudwatch = deps.cloudwatch ?? (settings.rollbackAlarms.length > 0 ? new CloudWatchClient({ ...SDK_RETRY, ...withCredentials }) : undefined);
  const needsSsm = settings.targetParameter !== undefined || settings.runtimeConfigParameters !== undefined;
  const ssm = deps.ssm ?? (needsSsm ? new SSMClient({ ...SDK_RETRY, ...withCredentials }) : undefined);
  const summary: DeploySummary = { releaseId: settings.releaseId };
  try {
    const resolved = await resolveSettings(settings, files, ssm, log);
    const world = { ...deps, clients: { ...clients, log: clients.log ?? log }, cloudwatch, env };
    const code = await deploy(resolved.config, resolved.files, world, summary);
    printSummary(out, summary);
    return code.exit;
  } catch (error) {
    printSummary(out, summary);
    if (error instanceof InputError) {
      err(`${error.message}\n`);
      return EXIT.badInput;
    }
    err(`deploy failed: ${oneLine(error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`)}\n`);
    return EXIT.failed;
  } finally {
    if (!deps.clients) {
      clients.s3.destroy();
      clients.kvs.destroy();
    }
    if (!deps.cloudwatch) {
      cloudwatch?.destroy();
    }
    if (!deps.ssm) {
      ssm?.destroy();
    }
    if (!deps.sts) {
      sts?.destroy();
    }
  }
}

/**
 * The settings made whole with what SSM holds (exit 2 on a missing or bad parameter, before any upload):
 * the target from SPA_TARGET_PARAMETER, the runtime config with SPA_RUNTIME_CONFIG_PARAMETERS' values merged
 * in (a key SPA_RUNTIME_CONFIG also has keeps SPA_RUNTIME_CONFIG's value), and the build's files with it.
 */
export async function resolveSettings(
  settings: DeploySettings, files: BuildFile[], ssm: SSMClient | undefined, log: (line: string) => void = () => undefined,
): Promise<{ config: DeployConfig; files: BuildFile[] }> {
  let target: Partial<Target> = { bucket: settings.bucket, kvsArn: settings.kvsArn, siteUrl: settings.siteUrl };
  if (settings.targetParameter !== undefined) {
    target = await readTarget(ssm!, settings, target);
    log(`target from ${settings.targetParameter}: s3://${target.bucket}, ${target.kvsArn}, ${target.siteUrl}`);
  }
  let runtimeConfig = settings.runtimeConfig;
  let resolvedFiles = files;
  const parameters = settings.runtimeConfigParameters;
  if (parameters !== undefined && runtimeConfig !== undefined) {
    const variable = 'SPA_RUNTIME_CONFIG_PARAMETERS';
    const text = JSON.stringify(parameters);
    const read = await readParameters(ssm!, Object.values(parameters));
    const missing = [...read].filter(([, v]) => v === undefined).map(([name]) => JSON.stringify(name));
    if (missing.length > 0) {
      throw new InputError(variable, text, `no SSM parameter named ${missing.join(', ')} in this account and region${settings.roleArn ? ` (read as ${settings.roleArn})` : ''}`, 'create it (the environment\'s backend writes its API URL parameter) or fix the name');
    }
    const secure = [...read.values()].filter((v) => v!.type === 'SecureString').map((v) => JSON.stringify(v!.name));
    if (secure.length > 0) {
      throw new InputError(variable, text, `${secure.join(', ')} is a SecureString, and the runtime config is served to every visitor`, 'keep secrets out of the runtime config; use a String parameter for a public value');
    }
    const explicit = JSON.parse(runtimeConfig.json) as Record<string, unknown>;
    const fromParameters = Object.fromEntries(Object.entries(parameters).map(([key, name]) => [key, read.get(name)!.value]));
    const overridden = Object.keys(parameters).filter((key) => Object.prototype.hasOwnProperty.call(explicit, key));
    log(`runtime config ${runtimeConfig.path}: ${Object.keys(parameters).length} keys from SSM parameters${overridden.length ? ` (${overridden.join(', ')} given by SPA_RUNTIME_CONFIG instead)` : ''}`);
    runtimeConfig = { path: runtimeConfig.path, json: JSON.stringify({ ...fromParameters, ...explicit }) };
    resolvedFiles = withRuntimeConfig(files, runtimeConfig, new HashedPaths(settings.hashedPattern));
  }
  return { config: { ...settings, ...(target as Target), runtimeConfig }, files: resolvedFiles };
}

/** SPA_TARGET_PARAMETER's value, checked like the settings it stands for, and the settings also given matching it. */
async function readTarget(ssm: SSMClient, settings: DeploySettings, given: Partial<Target>): Promise<Target> {
  const name = settings.targetParameter!;
  const variable = 'SPA_TARGET_PARAMETER';
  const fix = 'give the parameter the hosting\'s stack writes ({"bucket": ..., "keyValueStoreArn": ..., "siteUrl": "https://..."}), or redeploy that stack';
  const parameter = await readParameter(ssm, name);
  if (parameter === undefined) {
    throw new InputError(variable, name, `no such SSM parameter in this account and region${settings.roleArn ? ` (read as ${settings.roleArn})` : ''}`, fix);
  }
  let value: unknown;
  try {
    value = JSON.parse(parameter.value);
  } catch (error) {
    throw new InputError(variable, name, `its value is not JSON (${(error as Error).message})`, fix);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(variable, name, 'its value is not a JSON object', fix);
  }
  const fields: [keyof Target, string, string, (v: string) => string][] = [
    ['bucket', 'bucket', 'SPA_BUCKET', (v) => (checkBucket(v), v)],
    ['kvsArn', 'keyValueStoreArn', 'SPA_KVS_ARN', (v) => (checkKvsArn(v), v)],
    ['siteUrl', 'siteUrl', 'SPA_SITE_URL', parseSiteUrl],
  ];
  const out: Partial<Record<keyof Target, string>> = {};
  for (const [key, field, setting, check] of fields) {
    const raw = (value as Record<string, unknown>)[field];
    if (typeof raw !== 'string') {
      throw new InputError(variable, name, `its value has no "${field}" string`, fix);
    }
    let checked: string;
    try {
      checked = check(raw);
    } catch (error) {
      if (error instanceof InputError) {
        throw new InputError(variable, name, `its "${field}" ${JSON.stringify(raw)} is ${error.problem}`, fix);
      }
      throw error;
    }
    if (given[key] !== undefined && given[key] !== checked) {
      throw new InputError(setting, given[key], `differs from the ${field} of SPA_TARGET_PARAMETER ${name}, ${JSON.stringify(checked)}`, `unset ${setting} (the parameter gives it) or make them the same`);
    }
    out[key] = checked;
  }
  return out as Target;
}

/** The build output, read and checked before any AWS call; its problems are SPA_SOURCE_DIR's. */
async function readBuild(config: DeploySettings): Promise<BuildFile[]> {
  try {
    return await readBuildOutput({
      sourceDir: config.sourceDir,
      hashed: new HashedPaths(config.hashedPattern),
      sourceMaps: config.sourceMaps,
      runtimeConfig: config.runtimeConfig,
    });
  } catch (error) {
    if (error instanceof ReleaseError) {
      throw new InputError('SPA_SOURCE_DIR', config.sourceDir, error.message, 'fix the build output (see the file named)');
    }
    throw error;
  }
}

interface DeployWorld extends ProgramDeps {
  readonly clients: ReleaseClients;
  readonly cloudwatch?: CloudWatchClient;
  readonly env: NodeJS.ProcessEnv;
}

/** The sequence after the inputs are checked. A thrown error is exit 1 (InputError: 2). */
async function deploy(config: DeployConfig, files: BuildFile[], world: DeployWorld, summary: DeploySummary): Promise<{ exit: number }> {
  const { clients } = world;
  const log = (line: string) => clients.log?.(line);
  const fail = (reason: string) => {
    (world.stderr ?? ((text: string) => process.stderr.write(text)))(`${oneLine(reason)}\n`);
    return { exit: EXIT.failed };
  };

  // Alarms first: an unknown name is a bad input, and must stop the deploy before anything is uploaded.
  if (config.rollbackAlarms.length > 0) {
    const states = await describeAlarmStates(world.cloudwatch!, config.rollbackAlarms);
    const missing = config.rollbackAlarms.filter((n) => !states.has(n));
    if (missing.length > 0) {
      throw new InputError('SPA_ROLLBACK_ALARMS', JSON.stringify(config.rollbackAlarms), `no CloudWatch alarm named ${missing.map((n) => JSON.stringify(n)).join(', ')} in this account and region`, 'give the names of existing alarms (metric, composite or log alarms)');
    }
  }

  // A bucket deployed before releases (files at its root) becomes release root-0 first, by server-side copies,
  // so the first release has something to roll back to; the root itself stays what visitors get until the switch.
  const adopted = await adoptRootRelease(clients, { bucket: config.bucket, hashedPattern: config.hashedPattern });
  if (adopted.outcome === 'adopted') {
    summary.adopted = `${ROOT_RELEASE_ID} (${adopted.copiedObjects} objects copied server-side)`;
  }

  log(`release ${config.releaseId}: uploading ${config.sourceDir} to s3://${config.bucket}`);
  const deployed = await deployRelease(clients, {
    bucket: config.bucket,
    sourceDir: config.sourceDir,
    commit: config.commit,
    buildNumber: config.buildNumber,
    releaseId: config.releaseId,
    hashedPattern: config.hashedPattern,
    sourceMaps: config.sourceMaps,
    runtimeConfig: config.runtimeConfig,
    files,
  });
  summary.deployed = deployed;
  const id = deployed.manifest.id;
  log(`uploaded ${deployed.uploadedObjects} objects (${deployed.uploadedBytes} bytes); ${deployed.skippedAssets} hashed assets already in the bucket`);

  // From here until the check passes, a failure leaves a release nobody checked: it is discarded so that no
  // later `releases`, `rollback` or prune offers it.
  let reasons: string[];
  let pinToken: string;
  const checkStart = clients.now();
  try {
    pinToken = await ensurePinToken(clients, config.kvsArn);
    const check = await smokeCheck(clients, {
      baseUrl: config.siteUrl, releaseId: id, pinToken, entryMd5: entryMd5(deployed.manifest), pinWaitMs: config.propagationTimeoutMs,
    });
    reasons = [...check.reasons];
    log(`smoke check: ${check.requests.length} requests${check.pinWaitMs > 0 ? `, ${check.pinWaitMs} ms waiting for the pinned release` : ''}: ${check.ok ? 'passed' : 'FAILED'}`);
    if (check.ok) {
      reasons = await runSmokeCommands(config, world, id, pinToken);
    }
    summary.smokeCheckMs = clients.now() - checkStart;
    if (reasons.length > 0) {
      const discarded = await discard(clients, config, id);
      return fail(`release ${id} failed its smoke check and ${discarded.discarded ? 'was discarded' : `was kept (${discarded.keptBecause})`}; the live release is unchanged: ${reasons.join('; ')}`);
    }
    // goLive re-checks the built-in result; the commands' outcome is already folded into `reasons`.
    const baseline = await alarmBaseline(config, world);
    const switched = await goLive(clients, { bucket: config.bucket, kvsArn: config.kvsArn, releaseId: id, check });
    summary.uploadToSwitchMs = switched.switchedAt - deployed.uploadedAt;
    return await afterSwitch(config, world, summary, deployed.manifest, switched, baseline, fail);
  } catch (error) {
    if (summary.uploadToSwitchMs === undefined && summary.smokeCheckMs === undefined) {
      await discard(clients, config, id).catch((e: Error) => log(`WARNING: release ${id} could not be discarded (${e.message}); it was never checked: do not roll back to it`));
    }
    throw error;
  }
}

/** Waits until the site serves `next` instead of `replaced`: polls the file that tells them apart (probeFor). */
async function waitUntilServed(
  world: DeployWorld, config: DeployConfig, next: ReleaseManifest, replaced: ReleaseManifest | undefined, since: number,
) {
  const probe = probeFor(next, replaced);
  if (!probe) {
    world.clients.log?.(`${next.id} has the same files as ${replaced?.id}: visitors get the same bytes from either, nothing to wait for`);
    return { live: true, propagationMs: 0, polls: 0, last: undefined };
  }
  return waitUntilLive(world.clients, {
    baseUrl: config.siteUrl, path: probe.path, entryMd5: probe.md5, since, timeoutMs: config.propagationTimeoutMs, intervalMs: world.pollIntervalMs,
  });
}

async function afterSwitch(
  config: DeployConfig, world: DeployWorld, summary: DeploySummary, manifest: ReleaseManifest,
  switched: SwitchResult, baseline: Map<string, AlarmState>, fail: (reason: string) => { exit: number },
): Promise<{ exit: number }> {
  const { clients } = world;
  const log = (line: string) => clients.log?.(line);
  const id = manifest.id;
  const replaced = switched.previous === undefined ? undefined
    : await requireManifest(clients, config.bucket, switched.previous).catch(() => undefined);
  const wait = await waitUntilServed(world, config, manifest, replaced, switched.switchedAt);
  if (!wait.live) {
    return fail(`release ${id} is live in the store but ${config.siteUrl} did not serve it within ${config.propagationTimeoutMs / 1000} s (last: ${wait.last}); check the distribution's routing function`);
  }
  summary.propagationMs = wait.propagationMs;
  summary.uploadToServedMs = switched.switchedAt + wait.propagationMs - (summary.deployed?.uploadedAt ?? switched.switchedAt);
  log(`served: ${id} answered at ${config.siteUrl} ${wait.propagationMs} ms after the switch (${wait.polls} polls)`);

  if (config.rollbackAlarms.length > 0) {
    log(`watching ${config.rollbackAlarms.length} alarms for ${config.rollbackWindowMs / 1000} s: ${config.rollbackAlarms.join(', ')}`);
    const watch = await watchAlarms(clients, world.cloudwatch!, {
      alarms: config.rollbackAlarms, baseline, since: switched.switchedAt, windowMs: config.rollbackWindowMs, intervalMs: world.alarmIntervalMs,
    });
    if (watch.triggered) {
      const alarm = watch.triggered;
      // The first release after an adoption has no previous key (the root was served without one): root-0 then.
      const target = switched.previous ?? (await hasManifest(clients, config.bucket, ROOT_RELEASE_ID) ? ROOT_RELEASE_ID : undefined);
      if (target === undefined || target === id) {
        return fail(`alarm "${alarm.name}" went into ALARM ${watch.watchedMs} ms after release ${id} went live, but there is no earlier release to roll back to: ${id} stays live`);
      }
      log(`alarm "${alarm.name}" is in ALARM (${alarm.reason ?? 'no reason given'}): rolling back to ${target}`);
      const previous = await requireManifest(clients, config.bucket, target);
      const back = await switchLive(clients, config.kvsArn, target, { expectedLive: id });
      const served = await waitUntilServed(world, config, previous, manifest, back.switchedAt);
      summary.rolledBackTo = target;
      return fail(`alarm "${alarm.name}" went into ALARM ${watch.watchedMs} ms after release ${id} went live: rolled back to ${target} (${served.live ? `served after ${served.propagationMs} ms` : `not yet served after ${served.propagationMs} ms`})`);
    }
    log(`no alarm went into ALARM within ${config.rollbackWindowMs / 1000} s (${watch.polls} polls)`);
  }

  // The release is live and served: a failed prune is a warning (the next deploy prunes again), not a failure.
  try {
    const plan = await prune(clients, { bucket: config.bucket, kvsArn: config.kvsArn, keep: config.keep });
    summary.pruned = plan.pruned;
    summary.prunedObjects = plan.deletes.length;
  } catch (error) {
    log(`WARNING: pruning failed (${oneLine((error as Error).message)}); release ${id} is live, the next deploy prunes again`);
  }
  return { exit: EXIT.live };
}

/** The alarms' states just before the switch; one already in ALARM is reported and only a new transition counts. */
async function alarmBaseline(config: DeployConfig, world: DeployWorld): Promise<Map<string, AlarmState>> {
  if (config.rollbackAlarms.length === 0) {
    return new Map();
  }
  const states = await describeAlarmStates(world.cloudwatch!, config.rollbackAlarms);
  for (const s of states.values()) {
    if (s.state === 'ALARM') {
      world.clients.log?.(`WARNING: ${ALARM_BEFORE_LIVE_WARNING} alarm "${s.name}" is already in ALARM before going live: it does not stop this deploy (a fix may be what it needs) and triggers a rollback only if it leaves ALARM and returns within the window`);
    }
  }
  return states;
}

async function runSmokeCommands(config: DeployConfig, world: DeployWorld, id: string, pinToken: string): Promise<string[]> {
  const run = world.runCommand ?? defaultRunCommand(world);
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    SPA_RELEASE_URL: config.siteUrl,
    SPA_RELEASE_ID: id,
    SPA_RELEASE_HEADER_NAME: PIN_HEADERS.release,
    SPA_RELEASE_TOKEN_HEADER_NAME: PIN_HEADERS.token,
    SPA_RELEASE_TOKEN: pinToken,
  };
  for (const [i, command] of config.smokeCommands.entries()) {
    world.clients.log?.(`smoke command ${i + 1}/${config.smokeCommands.length}: ${command}`);
    const code = await run(command, env);
    if (code !== 0) {
      return [`smoke command ${i + 1} (${JSON.stringify(command)}) exited with ${code}`];
    }
  }
  return [];
}

function defaultRunCommand(world: DeployWorld): (command: string, env: NodeJS.ProcessEnv) => Promise<number> {
  const out = world.stdout ?? ((text: string) => process.stdout.write(text));
  const err = world.stderr ?? ((text: string) => process.stderr.write(text));
  return (command, env) => new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => out(chunk.toString('utf-8')));
    child.stderr.on('data', (chunk: Buffer) => err(chunk.toString('utf-8')));
    child.on('error', (error) => {
      err(`${error.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function hasManifest(clients: ReleaseClients, bucket: string, id: string): Promise<boolean> {
  try {
    await requireManifest(clients, bucket, id);
    return true;
  } catch (error) {
    if (error instanceof ReleaseError) {
      return false;
    }
    throw error;
  }
}

async function discard(clients: ReleaseClients, config: DeployConfig, id: string) {
  return discardRelease(clients, { bucket: config.bucket, kvsArn: config.kvsArn, releaseId: id });
}

function printSummary(out: (text: string) => void, s: DeploySummary): void {
  const rows: [string, string | undefined][] = [
    ['release', s.releaseId],
    ['adopted the root as', s.adopted],
    ['uploaded', s.deployed && `${s.deployed.uploadedObjects} objects, ${s.deployed.uploadedBytes} bytes`],
    ['assets skipped', s.deployed && `${s.deployed.skippedAssets} (already in the bucket)`],
    ['smoke check', s.smokeCheckMs === undefined ? undefined : `${s.smokeCheckMs} ms`],
    ['last upload to live', s.uploadToSwitchMs === undefined ? undefined
      : `${s.uploadToSwitchMs} ms to the switch${s.uploadToServedMs === undefined ? '' : `, ${s.uploadToServedMs} ms to served`}`],
    ['propagation', s.propagationMs === undefined ? undefined : `${s.propagationMs} ms`],
    ['pruned', s.pruned && `${s.pruned.length} releases${s.pruned.length ? ` (${s.pruned.join(', ')})` : ''}, ${s.prunedObjects} objects`],
    ['rolled back to', s.rolledBackTo],
  ];
  out(`summary:\n${rows.filter(([, v]) => v !== undefined).map(([k, v]) => `  ${k.padEnd(20)} ${v}`).join('\n')}\n`);
}

const entryMd5 = (m: ReleaseManifest) => m.files.find((f) => f.path === ENTRY_FILE)!.md5;

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  }, (error) => {
    process.stderr.write(`deploy failed: ${oneLine(String((error as Error)?.stack ?? error))}\n`);
    process.exitCode = EXIT.failed;
  });
}
