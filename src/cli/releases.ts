// `releases <app>` and `rollback <app>`: an app's releases (issue 14). Where they are (bucket, KeyValueStore,
// site) is read from the app's deploy project, whose environment SpaPipeline sets for the deploy action, so the
// CLI needs no stack outputs and acts on exactly what the pipeline deploys to.
import { BatchGetProjectsCommand, EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isAccessDenied, parameterArn } from './api-url';
import { closest, showValue } from './args';
import { AwsClients, CliEnv, CliError, errorName, InterruptedError, messageOf, UsageError } from './env';
import { Platform } from './platform';
import { formatTime, table } from './table';
import { ListedRelease, ReleaseClients, ReleaseList, listReleases, rollback as switchToRelease, probeFor, waitUntilLive } from '../release';

/** How long rollback waits for the site to serve the release; edges usually take seconds (a deploy waits `propagationTimeout`, 2 minutes by default). */
export const ROLLBACK_WAIT_MS = 5 * 60 * 1000;
/** Between two requests to the site while waiting. */
export const ROLLBACK_POLL_MS = 2000;

/** Where an app's releases are, from its deploy project's environment. */
export interface ReleaseSite {
  readonly app: string;
  readonly deployProject: string;
  readonly bucket: string;
  readonly kvsArn: string;
  readonly siteUrl: string;
  /** The environment chosen with --env. */
  readonly environment?: string;
}

/** The variables SpaPipeline sets on the deploy project, each with what a valid value is. */
const SITE_VARIABLES = {
  SPA_BUCKET: { accepts: 'an S3 bucket name', valid: (v: string) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) },
  SPA_KVS_ARN: {
    accepts: 'a KeyValueStore ARN, arn:aws:cloudfront::<account>:key-value-store/<id>',
    valid: (v: string) => /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]{1,64}$/.test(v),
  },
  SPA_SITE_URL: { accepts: 'the site\'s https:// URL', valid: (v: string) => siteUrlOf(v) !== undefined },
} as const;

function siteUrlOf(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return ['https:', 'http:'].includes(url.protocol) && !url.username && !url.password ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The app named on the command line (one of the platform's apps, else a usage error), or, from the menu, the
 * one chosen at the terminal (undefined: none chosen).
 */
async function chooseApp(platform: Platform, cliEnv: CliEnv, appName: string | undefined): Promise<string | undefined> {
  if (appName !== undefined) {
    if (!platform.apps.includes(appName)) {
      const guess = closest(appName, platform.apps);
      throw new UsageError(`unknown app ${showValue(appName)}: ${guess ? `did you mean ${guess}? ` : ''}the platform's apps are ${platform.apps.join(', ')}; `
        + 'another app needs --apps or cdk.json\'s context ecom:apps');
    }
    return appName;
  }
  if (platform.apps.length === 1) {
    return platform.apps[0];
  }
  const answer = (await cliEnv.ask(`Which app? ${platform.apps.map((a, i) => `${i + 1}) ${a}`).join('  ')}: `))?.trim();
  if (!answer) {
    return undefined;
  }
  const chosen = /^\d+$/.test(answer) ? platform.apps[Number(answer) - 1] : answer;
  if (chosen === undefined) {
    throw new UsageError(`${showValue(answer)} is not one of the apps`);
  }
  return chooseApp(platform, cliEnv, chosen);
}

/** The SSM parameter a hosting in another account than the pipelines' writes its deploy target to. */
export function deployTargetParameterName(bucket: string): string {
  return `/cdk-ecom-platform/${bucket}/deploy-target`;
}

/**
 * Where an app's releases are, for --env's environment (else the platform's): from the app's deploy project in
 * the pipeline account, or, for an environment in another account, from the deploy-target parameter its hosting
 * stack writes there, read with the person's credentials for that account (--profile).
 */
export async function findReleaseSite(platform: Platform, clients: AwsClients, app: string): Promise<ReleaseSite> {
  // Without --env, the production environment's (the seed's names).
  const environment = platform.environment ?? (platform.multiEnvironment ? platform.environments.find((e) => e.production) : undefined);
  const naming = environment?.naming ?? platform.naming;
  const deployProject = naming.deployProjectName(app);
  let caller: string | undefined;
  if (environment?.crossAccount) {
    caller = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account;
    if (caller === environment.account) {
      return siteFromTargetParameter(platform, clients, app, deployTargetParameterName(naming.bucketName(app, environment.account)), deployProject);
    }
  }
  const stack = platform.appPipelines.find((p) => p.role === app)?.stackName;
  let projects;
  try {
    projects = await clients.codeBuild.send(new BatchGetProjectsCommand({ names: [deployProject] }));
  } catch (error) {
    if (errorName(error) === 'AccessDeniedException') {
      throw new CliError(`not allowed to read ${app}'s deploy project ${deployProject}, where its bucket and store are named: allow codebuild:BatchGetProjects on it (${messageOf(error)})`);
    }
    throw error;
  }
  const project = projects.projects?.find((p) => p.name === deployProject);
  if (!project) {
    throw new CliError(`${app}'s deploy project ${deployProject} does not exist in ${await clients.region() ?? 'the region'}: its pipeline stack ${stack} is not deployed there. `
      + 'Deploy it (ecom-platform deploy frontend-pipelines), or check --region, and --project or cdk.json\'s ecom:projectName');
  }
  const variables = new Map<string, EnvironmentVariable>((project.environment?.environmentVariables ?? []).map((v) => [v.name ?? '', v]));
  const targetParameter = variables.get('SPA_TARGET_PARAMETER')?.value;
  if (targetParameter && !variables.has('SPA_KVS_ARN')) {
    // A hosting in another account: the deploy project assumes SPA_ROLE_ARN there; the person needs credentials of that account.
    const roleArn = variables.get('SPA_ROLE_ARN')?.value ?? '';
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? environment?.account;
    caller ??= (await clients.sts.send(new GetCallerIdentityCommand({}))).Account;
    if (account !== undefined && caller !== account) {
      throw new CliError(`${app}${environment ? ` in ${environment.name}` : ''} is hosted in account ${account} (${deployProject} deploys there through the role ${roleArn || 'SPA_ROLE_ARN'}), `
        + `and these credentials are account ${caller ?? '?'}'s: run it again with --profile <a profile of account ${account}>${environment ? ` and --env ${environment.name}` : ''}; `
        + `they read ${targetParameter} there (ssm:GetParameter), then the bucket and the KeyValueStore it names`);
    }
    return siteFromTargetParameter(platform, clients, app, targetParameter, deployProject);
  }
  if (!variables.has('SPA_KVS_ARN')) {
    throw new CliError(`${deployProject} predates releases (its environment has no SPA_KVS_ARN): ${app} is deployed over the live site and has no releases to list or roll back to. `
      + `Upgrade cdk-ecom-platform, deploy the app's pipeline stack ${stack} (ecom-platform deploy frontend-pipelines), and let the pipeline deploy once`);
  }
  const value = (name: keyof typeof SITE_VARIABLES): string => {
    const variable = variables.get(name);
    const spec = SITE_VARIABLES[name];
    if (!variable || (variable.type !== undefined && variable.type !== 'PLAINTEXT') || !variable.value || !spec.valid(variable.value)) {
      const what = !variable ? 'is missing' : variable.type !== undefined && variable.type !== 'PLAINTEXT'
        ? `is a ${variable.type} variable` : `is ${showValue(variable.value ?? '')}`;
      throw new CliError(`${deployProject}'s environment variable ${name} ${what}, not ${spec.accepts} as the pipeline sets it: `
        + `the project was changed outside its stack; deploy ${stack} again (ecom-platform deploy frontend-pipelines)`);
    }
    return variable.value;
  };
  return {
    app,
    deployProject,
    bucket: value('SPA_BUCKET'),
    kvsArn: value('SPA_KVS_ARN'),
    siteUrl: value('SPA_SITE_URL'),
    ...(environment ? { environment: environment.name } : {}),
  };
}

/** The deploy target an app's hosting writes in its own account: {bucket, keyValueStoreArn, siteUrl}. */
async function siteFromTargetParameter(platform: Platform, clients: AwsClients, app: string, name: string,
  deployProject: string): Promise<ReleaseSite> {
  const environment = platform.environment ?? (platform.multiEnvironment ? platform.environments.find((e) => e.production) : undefined);
  const account = environment?.account ?? '<account>';
  const region = await clients.region() ?? environment?.region ?? '<region>';
  const hosting = `the frontend stack ${(environment?.naming ?? platform.naming).frontendStackName}`;
  let text: string | undefined;
  try {
    text = (await clients.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw error;
    }
    if (errorName(error) === 'ParameterNotFound') {
      throw new CliError(`${app}'s deploy target ${name} does not exist in account ${account} (${region}): ${hosting} writes it when the environment is in another account than the pipelines. `
        + `Deploy it (ecom-platform deploy frontend${environment ? ` --env ${environment.name}` : ''}), or check --env, --profile and --region`);
    }
    if (isAccessDenied(error)) {
      throw new CliError(`not allowed to read ${app}'s deploy target ${name}: allow ssm:GetParameter on ${parameterArn(name, region, account)} (${messageOf(error)})`);
    }
    throw error;
  }
  let target: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(text ?? '');
    target = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    target = undefined;
  }
  const field = (key: string, spec: typeof SITE_VARIABLES[keyof typeof SITE_VARIABLES]): string => {
    const value = target?.[key];
    if (typeof value !== 'string' || !spec.valid(value)) {
      throw new CliError(`${name} (${app}'s deploy target) ${target ? `has ${key} ${showValue(String(JSON.stringify(value) ?? 'missing'))}` : `is ${showValue(text ?? '')}, not JSON {bucket, keyValueStoreArn, siteUrl}`}, `
        + `not ${spec.accepts} as ${hosting} writes it: deploy it again`);
    }
    return value;
  };
  return {
    app,
    deployProject,
    bucket: field('bucket', SITE_VARIABLES.SPA_BUCKET),
    kvsArn: field('keyValueStoreArn', SITE_VARIABLES.SPA_KVS_ARN),
    siteUrl: field('siteUrl', SITE_VARIABLES.SPA_SITE_URL),
    ...(environment ? { environment: environment.name } : {}),
  };
}

/** The release module's world, made of the CLI's: its clients, Ctrl-C, clock and site requests. */
function releaseClients(clients: AwsClients, cliEnv: CliEnv): ReleaseClients {
  return {
    s3: clients.s3,
    kvs: clients.kvs,
    fetch: (input, init) => cliEnv.fetch(input as string | URL, init),
    now: () => cliEnv.now().getTime(),
    sleep: async (ms) => {
      await cliEnv.sleep(ms);
      // The CLI's sleep ends early on Ctrl-C; the wait must end with it, not poll again.
      if (cliEnv.signal.aborted) {
        throw new InterruptedError();
      }
    },
  };
}

/**
 * The kept releases; a bucket or store that the deploy project names but that is gone (its stack deleted or
 * replaced) is said so, rather than with the SDK's words.
 */
async function readReleases(world: ReleaseClients, site: ReleaseSite): Promise<ReleaseList> {
  try {
    return await listReleases(world, { bucket: site.bucket, kvsArn: site.kvsArn });
  } catch (error) {
    const gone = errorName(error) === 'NoSuchBucket' ? `the bucket ${site.bucket} (its SPA_BUCKET)`
      : errorName(error) === 'ResourceNotFoundException' ? `the KeyValueStore ${site.kvsArn} (its SPA_KVS_ARN)` : undefined;
    if (gone) {
      throw new CliError(`${site.deployProject} names ${gone}, which does not exist: deploy the frontend stack and ${site.app}'s pipeline stack again `
        + '(ecom-platform deploy frontend, then deploy frontend-pipelines)');
    }
    throw error;
  }
}

/** `2.4s`: rollback is measured in seconds, not minutes. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function describe(release: ListedRelease): string {
  return `${release.manifest.id} (commit ${release.manifest.commit.slice(0, 12)}, created ${formatTime(new Date(release.manifest.createdAt))})`;
}

/** ` --env dev` in the commands the output suggests, when --env chose the environment. */
function envOption(site: ReleaseSite): string {
  return site.environment ? ` --env ${site.environment}` : '';
}

/** The release table: newest first, the live and previous ones marked. */
export function renderReleases(site: ReleaseSite, list: ReleaseList): string {
  const lines: string[] = [];
  const count = list.releases.length;
  lines.push(`Releases of ${site.app} in s3://${site.bucket}, newest first (${count} kept; ${site.siteUrl} serves the live one):`, '');
  if (count === 0) {
    lines.push('No release yet: the app\'s pipeline creates one on its next deploy.');
  } else {
    lines.push(table(['ID', 'COMMIT', 'CREATED', 'FILES', 'STATUS'], list.releases.map((r) => [
      r.manifest.id,
      r.manifest.commit.slice(0, 12),
      formatTime(new Date(r.manifest.createdAt)),
      String(r.manifest.files.length + r.manifest.assets.length),
      r.live ? 'live' : r.previous ? 'previous (rollback\'s default)' : '',
    ])).trimEnd());
  }
  const kept = new Set(list.releases.map((r) => r.manifest.id));
  if (list.live === undefined) {
    lines.push('', 'No release is live: the site serves the bucket root (the layout before releases).');
  } else if (!kept.has(list.live)) {
    lines.push('', `The live release ${list.live} has no manifest in the bucket (incomplete or pruned): make a kept one live with rollback --to <id>.`);
  }
  if (list.previous !== undefined && !kept.has(list.previous)) {
    lines.push('', `The previous release ${list.previous} is no longer kept: rollback needs --to <id>.`);
  }
  if (count > 1) {
    lines.push('', `Roll back: ecom-platform rollback ${site.app}${envOption(site)} [--to <id>]`);
  }
  return lines.join('\n') + '\n';
}

/** `releases <app>`: the kept releases as a table (or JSON). Only reads. */
export async function releases(platform: Platform, cliEnv: CliEnv, clients: AwsClients,
  options: { appName?: string; json: boolean }): Promise<number> {
  const app = await chooseApp(platform, cliEnv, options.appName);
  if (app === undefined) {
    return 0;
  }
  const site = await findReleaseSite(platform, clients, app);
  const list = await readReleases(releaseClients(clients, cliEnv), site);
  if (options.json) {
    cliEnv.out.write(JSON.stringify({
      ...site,
      live: list.live ?? null,
      previous: list.previous ?? null,
      releases: list.releases.map(({ manifest, live, previous }) => ({
        id: manifest.id,
        commit: manifest.commit,
        buildNumber: manifest.buildNumber,
        createdAt: manifest.createdAt,
        live,
        previous,
        files: manifest.files.length,
        assets: manifest.assets.length,
      })),
    }, null, 2) + '\n');
    return 0;
  }
  cliEnv.out.write(renderReleases(site, list));
  return 0;
}

/** rollback's options from the command line. */
export interface RollbackCommandOptions {
  readonly appName?: string;
  readonly to?: string;
  /** Don't ask. */
  readonly yes: boolean;
  /** Wait until the site serves the release. */
  readonly wait: boolean;
}

/**
 * `rollback <app>`: makes `--to` (or the release live before the last switch) live with one store write,
 * after a confirmation at the terminal (or `--yes`), then waits, bounded, until the site serves it. A release
 * already live is not written again (exit 0); one that isn't kept is refused with the kept ones listed.
 */
export async function rollback(platform: Platform, cliEnv: CliEnv, clients: AwsClients, options: RollbackCommandOptions): Promise<number> {
  const started = cliEnv.now().getTime();
  const app = await chooseApp(platform, cliEnv, options.appName);
  if (app === undefined) {
    return 0;
  }
  if (!options.yes && !cliEnv.interactive) {
    throw new CliError(`refusing to roll back ${app} without confirmation: not on a terminal, so pass --yes`);
  }
  const site = await findReleaseSite(platform, clients, app);
  const world = releaseClients(clients, cliEnv);
  const list = await readReleases(world, site);
  const keptIds = list.releases.map((r) => r.manifest.id);
  const kept = keptIds.length > 0 ? `the kept ones are ${keptIds.join(', ')}` : `no release is kept in s3://${site.bucket}`;
  let target = options.to;
  if (target === undefined) {
    // As the release module chooses: the one live before the last switch, else the newest older than the live one.
    const liveIndex = list.releases.findIndex((r) => r.live);
    target = list.previous ?? (liveIndex < 0 ? undefined : list.releases[liveIndex + 1]?.manifest.id);
    if (target === undefined) {
      throw new CliError(`${app} has no release to roll back to: ${list.live === undefined ? 'no release is live' : `${list.live} is the oldest kept release`}; ${kept}`);
    }
    if (!keptIds.includes(target)) {
      throw new CliError(`${app}'s previous release ${target} is no longer kept in s3://${site.bucket}: pass --to <id>; ${kept}`);
    }
  } else if (!keptIds.includes(target)) {
    throw new CliError(`release ${target} of ${app} is not kept in s3://${site.bucket} (never deployed, or pruned): ${kept}`);
  }
  const release = list.releases.find((r) => r.manifest.id === target)!;
  if (target === list.live) {
    cliEnv.out.write(`${describe(release)} is already live on ${site.siteUrl}: nothing to do.\n`);
    return 0;
  }
  const live = list.releases.find((r) => r.live);
  let asking = 0;
  if (!options.yes) {
    const liveNow = live ? describe(live) : list.live ?? 'none (the bucket root)';
    cliEnv.out.write(`${app} on ${site.siteUrl}\n  live now:    ${liveNow}\n  make live:   ${describe(release)}\n`);
    const askedAt = cliEnv.now().getTime();
    const answer = await cliEnv.ask(`Make ${target} live? [y/N] `);
    asking = cliEnv.now().getTime() - askedAt;
    if (!['y', 'yes'].includes(answer?.trim().toLowerCase() ?? '')) {
      cliEnv.err.write(`ecom-platform: not rolled back: the answer was ${showValue(answer?.trim() ?? '')}, not y: ${list.live ?? 'the bucket root'} stays live\n`);
      return 1;
    }
  }

  // expectedLive: what the person confirmed from; a deploy or rollback that went live while they answered stays.
  const switched = await switchToRelease(world, { bucket: site.bucket, kvsArn: site.kvsArn, to: target, expectedLive: list.live });
  const toSwitch = switched.switchedAt - started - asking;
  cliEnv.out.write(`Switched ${app} from ${switched.previous ?? 'the bucket root'} to ${target} in ${seconds(toSwitch)}: one store write; nothing built, uploaded or invalidated.\n`);
  if (!options.wait) {
    cliEnv.out.write(`Not waiting (--no-wait): edges pick the switch up within seconds; ecom-platform releases ${app}${envOption(site)} shows it.\n`);
    return 0;
  }
  // The file that tells the target apart from what was live (often index.html is identical and config.json isn't).
  const probe = probeFor(release.manifest, live?.manifest);
  if (!probe) {
    cliEnv.out.write(`${target} has the same files as ${live?.manifest.id}: visitors get the same bytes from either, nothing to wait for.\n`);
    return 0;
  }
  cliEnv.out.write(`Waiting up to ${ROLLBACK_WAIT_MS / 60_000} minutes for ${site.siteUrl} to serve it (Ctrl-C stops waiting; the switch stays)...\n`);
  let waited;
  try {
    waited = await waitUntilLive(world, {
      baseUrl: site.siteUrl,
      path: probe.path,
      entryMd5: probe.md5,
      since: switched.switchedAt,
      timeoutMs: ROLLBACK_WAIT_MS,
      intervalMs: ROLLBACK_POLL_MS,
    });
  } catch (error) {
    if (error instanceof InterruptedError || cliEnv.signal.aborted) {
      cliEnv.err.write(`ecom-platform: stopped waiting (Ctrl-C): ${target} is live in ${app}'s store (the switch was written); edges pick it up within seconds\n`);
      return 130;
    }
    throw error;
  }
  if (!waited.live) {
    cliEnv.err.write(`ecom-platform: ${target} is live in ${app}'s store, but ${site.siteUrl} still did not serve it after ${seconds(waited.propagationMs)} `
      + `(${waited.polls} requests; last: ${waited.last ?? 'nothing'}): check the distribution and its routing function; ecom-platform releases ${app}${envOption(site)} shows the store\n`);
    return 1;
  }
  cliEnv.out.write(`${site.siteUrl} serves ${target}: propagation ${seconds(waited.propagationMs)} (${waited.polls} request${waited.polls === 1 ? '' : 's'}); `
    + `wall time ${seconds(toSwitch + waited.propagationMs)} (${seconds(toSwitch)} to switch).\n`);
  return 0;
}
