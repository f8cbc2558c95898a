// The operator CLI's bad and edge inputs: arguments, environment variables, cdk.json, endpoints that are not
// AWS, Ctrl-C and hostile text in AWS answers. Each runs the CLI's code in this process (runCli with a recording
// environment, test/cli/fake-env.ts) with AWS clients stubbed per case (no aws-sdk-client-mock here, so the two
// endpoint cases use the real SDK against a local server). The refusal is stderr on a non-zero exit; every case
// also checks the documented exit code (0, 1, 2, 130), one line on stderr, and that no raw control character
// reached the terminal.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { BadInput, Expected, Observed, accepted, refused } from './case';
import { AwsClients } from '../../src/cli/env';
import { appFolder, fakeEnv, testClients } from '../cli/fake-env';

type Handler = (input: any) => unknown;

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A ready account: every read the CLI makes answers as for a platform whose backend pipeline exists. */
const HEALTHY: Record<string, Handler> = {
  GetCallerIdentityCommand: () => ({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ops' }),
  DescribeStacksCommand: ({ StackName }) => {
    if (StackName === 'CDKToolkit') {
      return { Stacks: [{ StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '28' }] }] };
    }
    throw awsError('ValidationError', `Stack with id ${StackName} does not exist`);
  },
  GetRepositoryCommand: ({ repositoryName }) => ({ repositoryMetadata: { repositoryName, cloneUrlHttp: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${repositoryName}` } }),
  GetConnectionCommand: () => ({ Connection: { ConnectionName: 'github', ProviderType: 'GitHub', ConnectionStatus: 'AVAILABLE' } }),
  GetParameterCommand: ({ Name }) => ({ Parameter: { Name, Type: 'String', Value: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/' } }),
  GetPipelineStateCommand: () => {
    throw awsError('PipelineNotFoundException', 'not found');
  },
  // An app with two releases, the second live: its deploy project, bucket and store.
  BatchGetProjectsCommand: ({ names }) => ({ projects: [{ name: names[0], environment: { environmentVariables: variables() } }] }),
  ListObjectsV2Command: () => ({ Contents: Object.keys(MANIFESTS).map((Key) => ({ Key, Size: 100, LastModified: new Date(0) })) }),
  GetObjectCommand: ({ Key }) => {
    if (!(Key in MANIFESTS)) {
      throw awsError('NoSuchKey', 'The specified key does not exist.');
    }
    return { Body: { transformToString: async () => MANIFESTS[Key] } };
  },
  DescribeKeyValueStoreCommand: () => ({ ETag: 'E1' }),
  GetKeyCommand: ({ Key }) => {
    if (!(Key in STORE)) {
      throw awsError('ResourceNotFoundException', 'Key not found');
    }
    return { Key, Value: STORE[Key] };
  },
  UpdateKeysCommand: () => ({ ETag: 'E2' }),
};

/** The deploy project's environment as SpaPipeline sets it, with `changes` (undefined: removed). */
function variables(changes: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    SPA_BUCKET: 'e-com67-admin-dashboard-111122223333',
    SPA_KVS_ARN: 'arn:aws:cloudfront::111122223333:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    SPA_SITE_URL: 'https://d111111abcdef8.cloudfront.net',
    ...changes,
  };
  return Object.entries(all).filter(([, value]) => value !== undefined).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }));
}

const ENTRY_PAGE = '<!doctype html><title>shop</title>';
/** Build 1's entry page is ENTRY_PAGE; later builds differ, so a rollback to build 1 has a page to wait for. */
const entryPage = (buildNumber: number) => (buildNumber === 1 ? ENTRY_PAGE : `<!doctype html><title>shop ${buildNumber}</title>`);
function manifest(id: string, buildNumber: number, commit = `abc1234${'0'.repeat(33)}`): string {
  return JSON.stringify({
    schema: 1,
    id,
    commit,
    buildNumber,
    createdAt: `2026-11-2${buildNumber}T10:00:00.000Z`,
    files: [{ path: 'index.html', size: entryPage(buildNumber).length, md5: createHash('md5').update(entryPage(buildNumber)).digest('hex') }],
    assets: ['assets/index-AAAAAAAA.js'],
  });
}
const MANIFESTS_PREFIX = '_spa-deploy/releases/';
const MANIFESTS: Record<string, string> = {
  [`${MANIFESTS_PREFIX}abc1234-1.json`]: manifest('abc1234-1', 1),
  [`${MANIFESTS_PREFIX}abc1234-2.json`]: manifest('abc1234-2', 2),
};
/** The release id of a manifest key. */
const idOf = (key: string) => key.slice(MANIFESTS_PREFIX.length, -'.json'.length);
const STORE: Record<string, string> = { 'release:live': 'abc1234-2', 'release:previous': 'abc1234-1' };

/** Stub clients: each `send` answers by command name (HEALTHY, with `overrides`). */
function stubClients(overrides: Record<string, Handler> = {}): AwsClients {
  const handlers = { ...HEALTHY, ...overrides };
  const client = () => ({
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      const handler = handlers[command.constructor.name];
      if (!handler) {
        throw new Error(`no stub for ${command.constructor.name}`);
      }
      return handler(command.input);
    },
  });
  return {
    sts: client(),
    cloudFormation: client(),
    codePipeline: client(),
    codeCommit: client(),
    connections: client(),
    ssm: client(),
    codeBuild: client(),
    s3: client(),
    kvs: client(),
    region: async () => 'eu-west-1',
  } as unknown as AwsClients;
}

const clientsAt = (endpoint: string): AwsClients => testClients('eu-west-1', endpoint);

/** A request that never answers, and Ctrl-C as soon as it is sent. */
function slowThenCtrlC(interrupt: () => void): Handler {
  return () => {
    setImmediate(interrupt);
    return new Promise(() => undefined);
  };
}

interface Run {
  /** The documented exit code this input must end with. */
  readonly exit: 0 | 1 | 2 | 130;
  readonly env?: Record<string, string>;
  readonly context?: Record<string, unknown>;
  /** Prepares the app folder (files the arguments name). */
  readonly setup?: (app: string) => void;
  /** Stubbed answers; `interrupt` presses Ctrl-C. */
  readonly aws?: (interrupt: () => void) => Record<string, Handler>;
  /** Real SDK clients at this endpoint instead of stubs. */
  readonly endpoint?: () => Promise<{ url: string; close: () => Promise<void> }>;
  /** Exit codes of the CDK CLI's runs. */
  readonly cdkExitCodes?: number[];
  /** Sleeps before Ctrl-C (status --watch, deploy all's wait). */
  readonly stopAfterSleeps?: number;
  /** On a terminal, with these answers. */
  readonly answers?: string[];
  /** The site's answer to every request (rollback's wait). */
  readonly site?: () => Response;
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Runs `ecom-platform <argv>` in-process and observes it. */
function cli(argv: string[], run: Run): () => Promise<Observed> {
  return async () => {
    const app = appFolder({ context: run.context });
    run.setup?.(app);
    const server = await run.endpoint?.();
    let interrupt = () => undefined as void;
    const clients = server ? clientsAt(server.url) : stubClients(run.aws?.(() => interrupt()));
    const env = fakeEnv({
      cwd: app,
      clients,
      env: { PATH: '', ...run.env },
      exitCodes: run.cdkExitCodes,
      stopAfterSleeps: run.stopAfterSleeps,
      interactive: run.answers !== undefined,
      answers: run.answers,
      fetch: run.site && (async () => run.site!()),
    });
    interrupt = env.interrupt;
    let code: number;
    try {
      code = await env.run(argv);
    } finally {
      await server?.close();
    }
    // status --watch clears the screen itself: the one sequence the CLI writes.
    // eslint-disable-next-line no-control-regex
    const stdout = env.stdout().replace(/\x1b\[H\x1b\[2J/g, '');
    const stderr = env.stderr();
    const problems = [
      code !== run.exit ? `exit ${code}, not the documented ${run.exit}` : undefined,
      RAW_CONTROL.test(stdout) || RAW_CONTROL.test(stderr) ? 'raw control characters reached the terminal' : undefined,
      code !== 0 && !/^ecom-platform: [^\n]+\n$/.test(stderr) ? 'stderr is not one line `ecom-platform: ...`' : undefined,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) {
      throw new Error(`ecom-platform ${JSON.stringify(argv)}: ${problems.join('; ')}\nstdout: ${JSON.stringify(stdout)}\nstderr: ${JSON.stringify(stderr)}`);
    }
    return { refusal: code === 0 ? undefined : stderr, warnings: [] };
  };
}

/** A local server answering every request with `status` and `body`. */
function answering(status: number, contentType: string, body: string) {
  return async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => {
      // The SDK keeps its connection alive: close it, or close() waits for the idle timeout.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    };
  };
}

/** A port nothing listens on. */
async function closedPort() {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  return { url, close: async () => undefined };
}

/** A failed Build stage whose message and names carry terminal escapes (from a commit message or a build log). */
const HOSTILE_PIPELINE: Record<string, Handler> = {
  GetPipelineStateCommand: () => ({
    stageStates: [{
      stageName: 'Build',
      latestExecution: { pipelineExecutionId: 'e1', status: 'Failed' },
      actionStates: [{
        actionName: 'Build',
        currentRevision: { revisionId: '\x1b]0;pwned\x07' },
        latestExecution: { status: 'Failed', errorDetails: { code: 'JobFailed', message: 'feat: \x1b[2J\x1b[31mfake prompt\r\u009b0m\u202eevil' } },
      }],
    }],
  }),
  GetPipelineExecutionCommand: () => ({ pipelineExecution: { artifactRevisions: [{ revisionId: '\x1b[8mhidden' }] } }),
};

const HTML = '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body></body></html>';
const CONNECTION = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0a1b2c3d-1111-2222-3333-444455556666';

const DEV = { name: 'dev', account: '111122223333', region: 'eu-west-1' };
const PROD = { name: 'prod', account: '222222222222', region: 'eu-west-1' };
/** dev in the pipeline account (the credentials' 111122223333), prod in another. */
const ENVIRONMENTS = { 'ecom:environments': [DEV, PROD] };
/** prod's deploy project: its hosting is in 222222222222, reached through a role. */
const CROSS_ACCOUNT_PROJECT: Handler = ({ names }) => ({
  projects: [{
    name: names[0],
    environment: {
      environmentVariables: [
        { name: 'SPA_BUCKET', value: 'e-com67-admin-dashboard-222222222222', type: 'PLAINTEXT' },
        { name: 'SPA_ROLE_ARN', value: 'arn:aws:iam::222222222222:role/deploy', type: 'PLAINTEXT' },
        { name: 'SPA_TARGET_PARAMETER', value: '/cdk-ecom-platform/e-com67-admin-dashboard-222222222222/deploy-target', type: 'PLAINTEXT' },
      ],
    },
  }],
});

const c = (input: string, expect: Expected, observe: () => Promise<Observed>): BadInput => ({ subject: 'CLI', input, expect, observe, libraryError: false });
const usage = { exit: 2 } as const;
const WATCH = ['status', '--watch'];
const ROLLBACK = ['rollback', 'admin-dashboard'];
const LONG_ID = `${'a'.repeat(41)}-1`;

export const CASES: BadInput[] = [
  // --- Numbers: --interval and --wait-minutes ---------------------------------------------------------------
  c('status --watch --interval -5', refused('--interval', /invalid --interval "-5": expected a whole number of seconds from 1 to 3600/), cli([...WATCH, '--interval', '-5'], usage)),
  c('status --watch --interval 0', refused('--interval', /from 1 to 3600/), cli([...WATCH, '--interval', '0'], usage)),
  c('status --watch --interval 3601', refused('--interval', /"3601"/), cli([...WATCH, '--interval', '3601'], usage)),
  c('status --watch --interval 1.5', refused('--interval', /"1\.5"/), cli([...WATCH, '--interval', '1.5'], usage)),
  c('status --watch --interval 1e3', refused('--interval', /"1e3"/), cli([...WATCH, '--interval', '1e3'], usage)),
  c('status --watch --interval 10s', refused('--interval', /"10s"/), cli([...WATCH, '--interval', '10s'], usage)),
  c("status --watch --interval ''", refused('--interval', /"": it is empty/), cli([...WATCH, '--interval', ''], usage)),
  c('status --watch --interval (no value)', refused('--interval', /--interval needs a value: a whole number of seconds/), cli([...WATCH, '--interval'], usage)),
  c('status --watch --interval --json', refused('--interval', /needs a value: .*, not the option --json/), cli([...WATCH, '--interval', '--json'], usage)),
  c('status --watch --interval 5 --interval 10', refused('--interval', /given twice \("5", then "10"\)/), cli([...WATCH, '--interval', '5', '--interval', '10'], usage)),
  c('status --interval 5 (without --watch)', refused('--interval', /applies to status --watch only/), cli(['status', '--interval', '5'], usage)),
  c('deploy all --wait-minutes 0', refused('--wait-minutes', /from 1 to 1440/), cli(['deploy', 'all', '--wait-minutes', '0'], usage)),
  c('deploy all --wait-minutes 1441', refused('--wait-minutes', /"1441"/), cli(['deploy', 'all', '--wait-minutes', '1441'], usage)),
  c('deploy all --wait-minutes=forever', refused('--wait-minutes', /"forever"/), cli(['deploy', 'all', '--wait-minutes=forever'], usage)),
  c('deploy all --wait-minutes 1440 --interval 3600 (the limits)', accepted(), cli(['deploy', 'all', '--wait-minutes', '1440', '--interval', '3600'], { exit: 0 })),

  // --- Commands, targets, options that do not exist or do not apply ----------------------------------------
  c('frobnicate', refused('frobnicate', /unknown command "frobnicate": use one of doctor, deploy/), cli(['frobnicate'], usage)),
  c('staus (a typo)', refused('staus', /did you mean status\?/), cli(['staus'], usage)),
  c('deploy (no target)', refused('deploy', /deploy needs a target: backend-pipeline \| frontend/), cli(['deploy'], usage)),
  c('deploy everything', refused('everything', /unknown deploy target/), cli(['deploy', 'everything'], usage)),
  c('deploy all frontend', refused('frontend', /unexpected argument "frontend" after deploy all/), cli(['deploy', 'all', 'frontend'], usage)),
  c('status now', refused('now', /unexpected argument "now" after status: it takes no argument/), cli(['status', 'now'], usage)),
  c('status --colour', refused('--colour', /unknown option --colour \(see ecom-platform status --help\)/), cli(['status', '--colour'], usage)),
  c('status --intreval 5 (a typo)', refused('--intreval', /did you mean --interval\?/), cli(['status', '--intreval', '5'], usage)),
  c('status -x', refused('-x', /unknown option -x/), cli(['status', '-x'], usage)),
  c('status --json=yes', refused('--json', /--json takes no value, not "yes"/), cli(['status', '--json=yes'], usage)),
  c('status --watch --json', refused('--watch', /use one of them/), cli(['status', '--watch', '--json'], usage)),
  c('deploy all --yes', refused('--yes', /does not apply to deploy: it is an option of destroy-legacy/), cli(['deploy', 'all', '--yes'], usage)),
  c('status --wait-minutes 5', refused('--wait-minutes', /does not apply to status/), cli(['status', '--wait-minutes', '5'], usage)),
  c('(no command, not on a terminal)', refused('command', /no command given and not on a terminal/), cli([], usage)),
  c('help frobnicate', refused('frobnicate', /unknown command "frobnicate" to help with/), cli(['help', 'frobnicate'], usage)),
  c('status --help --colour (help wins)', accepted(), cli(['status', '--help', '--colour'], { exit: 0 })),

  // --- Values: names, regions, profiles, ARNs, files --------------------------------------------------------
  c('status --region eu_west_1', refused('--region', /invalid --region "eu_west_1": not a region name; expected a region name such as eu-west-1/), cli(['status', '--region', 'eu_west_1'], usage)),
  c("status --region ''", refused('--region', /it is empty/), cli(['status', '--region', ''], usage)),
  c('status --region us-gov-west-1 (a partition\'s region)', accepted(), cli(['status', '--region', 'us-gov-west-1'], { exit: 0 })),
  c("status --profile 'my profile'", refused('--profile', /not a profile name/), cli(['status', '--profile', 'my profile'], usage)),
  c('doctor --connection-arn arn:aws:s3:::bucket', refused('--connection-arn', /not a connection ARN/), cli(['doctor', '--connection-arn', 'arn:aws:s3:::bucket'], usage)),
  c('doctor --connection-arn <a CodeConnections ARN>', accepted(), cli(['doctor', '--connection-arn', CONNECTION], { exit: 0 })),
  c('destroy-legacy --stack 9Stack', refused('--stack', /not a stack name/), cli(['destroy-legacy', '--stack', '9Stack', '--yes'], usage)),
  c('destroy-legacy --stack <ANSI escape>', refused('--stack', /"\\u001b\[31mred": it holds control characters/), cli(['destroy-legacy', '--stack', '\x1b[31mred', '--yes'], usage)),
  c('destroy-legacy --backup <an existing file>', refused('--backup', /already exists, and a backup never overwrites a file/),
    cli(['destroy-legacy', '--backup', 'old.json', '--yes'], { ...usage, setup: (app) => fs.writeFileSync(path.join(app, 'old.json'), '{}') })),
  c('destroy-legacy --backup backups/ (a folder)', refused('--backup', /it names a folder/), cli(['destroy-legacy', '--backup', 'backups/', '--yes'], usage)),
  c('destroy-legacy --backup missing/dir/b.json', refused('--backup', /the folder .*missing\/dir does not exist/), cli(['destroy-legacy', '--backup', 'missing/dir/b.json', '--yes'], usage)),
  c('status --project E_Com', refused('--project', /invalid --project "E_Com"/), cli(['status', '--project', 'E_Com'], usage)),
  c("status --project ''", refused('--project', /it is empty/), cli(['status', '--project', ''], usage)),
  c('status --project café (non-ASCII)', refused('--project', /lowercase letters, digits and hyphens/), cli(['status', '--project', 'café'], usage)),
  c('status --prefix E-Com67-', refused('--prefix', /invalid --prefix "E-Com67-"/), cli(['status', '--prefix', 'E-Com67-'], usage)),
  c('status --apps Admin', refused('--apps', /invalid app name "Admin" in --apps/), cli(['status', '--apps', 'Admin'], usage)),
  c('status --apps a,,b', refused('--apps', /it has an empty name/), cli(['status', '--apps', 'a,,b'], usage)),
  c('status --apps shop,shop', refused('--apps', /it lists "shop" twice/), cli(['status', '--apps', 'shop,shop'], usage)),
  c("status --apps ' storefront , back-office ' (spaces)", accepted(), cli(['status', '--apps', ' storefront , back-office '], { exit: 0 })),
  c('status --app no/such/folder', refused('--app', /invalid --app "no\/such\/folder": the folder .* does not exist/), cli(['status', '--app', 'no/such/folder'], usage)),
  c('status --app <a file>', refused('--app', /is not a folder/), cli(['status', '--app', 'cdk.json'], usage)),
  c('deploy \\u202eall (a bidi override in an argument)', refused('deploy target', /unknown deploy target "\\u202eall"/), cli(['deploy', '\u202eall'], usage)),

  // --- Environment variables and cdk.json -------------------------------------------------------------------
  c("AWS_REGION='eu west 1'", refused('AWS_REGION', /invalid AWS_REGION "eu west 1" in the environment: expected a region name.*give --region/),
    cli(['status'], { ...usage, env: { AWS_REGION: 'eu west 1' } })),
  c("AWS_REGION='eu west 1' with --region eu-west-1 (the option wins)", accepted(), cli(['status', '--region', 'eu-west-1'], { exit: 0, env: { AWS_REGION: 'eu west 1' } })),
  c('AWS_PROFILE with an ANSI escape', refused('AWS_PROFILE', /"\\u001b\[2Jops"/), cli(['status'], { ...usage, env: { AWS_PROFILE: '\x1b[2Jops' } })),
  c('AWS_ENDPOINT_URL=localhost:4566 (no scheme)', refused('AWS_ENDPOINT_URL', /expected an http\(s\) URL/), cli(['status'], { ...usage, env: { AWS_ENDPOINT_URL: 'localhost:4566' } })),
  c('AWS_ENDPOINT_URL_SSM=ftp://example.com', refused('AWS_ENDPOINT_URL_SSM', /expected an http\(s\) URL/), cli(['status'], { ...usage, env: { AWS_ENDPOINT_URL_SSM: 'ftp://example.com' } })),
  c('AWS_ENDPOINT_URL=http://localhost:5000 (an emulator)', accepted(), cli(['status'], { exit: 0, env: { AWS_ENDPOINT_URL: 'http://localhost:5000' } })),
  c('cdk.json context ecom:apps: 42', refused('ecom:apps', /give a list of app names/), cli(['status'], { ...usage, context: { 'ecom:apps': 42 } })),
  c('cdk.json context ecom:apps: []', refused('ecom:apps', /lists no app/), cli(['status'], { ...usage, context: { 'ecom:apps': [] } })),
  c("cdk.json context ecom:connectionArn: 'github'", refused('ecom:connectionArn', /expected a CodeConnections connection ARN/), cli(['doctor'], { ...usage, context: { 'ecom:connectionArn': 'github' } })),
  c('cdk.json context ecom:projectName: 42', refused('ecom:projectName', /it must be a string/), cli(['status'], { ...usage, context: { 'ecom:projectName': 42 } })),
  c('cdk.json that is not JSON', refused('cdk.json', /is not valid JSON/), cli(['status'], { ...usage, setup: (app) => fs.writeFileSync(path.join(app, 'cdk.json'), '{ "app": ') })),

  // --- Endpoints that are not AWS ---------------------------------------------------------------------------
  c('status against an endpoint answering HTML (HTTP 200)', refused('AWS_ENDPOINT_URL', /answered with an HTML page \(HTTP 200, "Welcome to nginx!"\), not an AWS API/),
    cli(['status'], { exit: 1, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1' }, endpoint: answering(200, 'text/html', HTML) })),
  c('status --json against a captive portal (HTTP 302 HTML)', refused('AWS_ENDPOINT_URL', /HTML page \(HTTP 302/),
    cli(['status', '--json'], { exit: 1, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1' }, endpoint: answering(302, 'text/html', HTML) })),
  c('status against an endpoint nothing listens on', refused('AWS_ENDPOINT_URL', /could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    cli(['status'], { exit: 1, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1' }, endpoint: closedPort })),

  // --- Ctrl-C during a slow request, a wait or a watch --------------------------------------------------------
  c('status, Ctrl-C during a slow GetPipelineState', refused('Ctrl-C', /^ecom-platform: stopped \(Ctrl-C\)\n$/),
    cli(['status'], { exit: 130, aws: (interrupt) => ({ GetPipelineStateCommand: slowThenCtrlC(interrupt) }) })),
  c('status --watch, Ctrl-C during a slow GetPipelineState', refused('Ctrl-C'),
    cli(['status', '--watch'], { exit: 130, aws: (interrupt) => ({ GetPipelineStateCommand: slowThenCtrlC(interrupt) }) })),
  c('doctor, Ctrl-C during a slow GetCallerIdentity', refused('Ctrl-C'),
    cli(['doctor'], { exit: 130, aws: (interrupt) => ({ GetCallerIdentityCommand: slowThenCtrlC(interrupt) }) })),
  c('doctor, Ctrl-C during a slow DescribeStacks', refused('Ctrl-C'),
    cli(['doctor'], { exit: 130, aws: (interrupt) => ({ DescribeStacksCommand: slowThenCtrlC(interrupt) }) })),
  c('deploy all, Ctrl-C during the wait for the API URL', refused('Ctrl-C', /stopped waiting for \/e-com67\/api-url/),
    cli(['deploy', 'all'], { exit: 130, stopAfterSleeps: 1, aws: () => ({ GetParameterCommand: () => { throw awsError('ParameterNotFound', 'not found'); } }) })),

  // --- releases and rollback: the app, the release id, the deploy project, the store ---------------------------
  c('releases (no app)', refused('releases', /releases needs an app: ecom-platform releases <app>/), cli(['releases'], usage)),
  c('rollback --yes (no app)', refused('rollback', /rollback needs an app/), cli(['rollback', '--yes'], usage)),
  c('releases Admin-Dashboard (not an app of the platform)', refused('app', /unknown app "Admin-Dashboard": .*the platform's apps are admin-dashboard, customer-app/),
    cli(['releases', 'Admin-Dashboard'], usage)),
  c('releases admin-dashbord (a typo)', refused('admin-dashbord', /did you mean admin-dashboard\?/), cli(['releases', 'admin-dashbord'], usage)),
  c('releases storefront --apps storefront (an app given with --apps)', accepted(), cli(['releases', 'storefront', '--apps', 'storefront'], { exit: 0 })),
  c('releases admin-dashboard customer-app (two apps)', refused('customer-app', /unexpected argument "customer-app" after releases "admin-dashboard": releases takes one app/),
    cli(['releases', 'admin-dashboard', 'customer-app'], usage)),
  c('releases <ANSI escape> (an app name with escapes)', refused('app', /unknown app "\\u001b\[31madmin"/), cli(['releases', '\x1b[31madmin'], usage)),
  c('releases admin-dashboard --to abc1234-1', refused('--to', /--to does not apply to releases: it is an option of rollback/), cli(['releases', 'admin-dashboard', '--to', 'abc1234-1'], usage)),
  c('releases admin-dashboard --yes', refused('--yes', /does not apply to releases: it is an option of destroy-legacy and rollback/), cli(['releases', 'admin-dashboard', '--yes'], usage)),
  c('status --no-wait', refused('--no-wait', /does not apply to status: it is an option of rollback/), cli(['status', '--no-wait'], usage)),
  c('rollback admin-dashboard --json', refused('--json', /does not apply to rollback: it is an option of status and releases/), cli([...ROLLBACK, '--json'], usage)),
  c('rollback admin-dashboard --to (no value)', refused('--to', /--to needs a value: a release id such as 0123456-42/), cli([...ROLLBACK, '--to'], usage)),
  c('rollback admin-dashboard --to --yes', refused('--to', /--to needs a value: .*, not the option --yes/), cli([...ROLLBACK, '--to', '--yes'], usage)),
  c('rollback --to ../abc1234-1 (a path)', refused('--to', /invalid --to "\.\.\/abc1234-1": not a release id/), cli([...ROLLBACK, '--to', '../abc1234-1', '--yes'], usage)),
  c('rollback --to ABC1234-1 (upper case)', refused('--to', /invalid --to "ABC1234-1": not a release id/), cli([...ROLLBACK, '--to', 'ABC1234-1', '--yes'], usage)),
  c('rollback --to abc1234-01 (a leading zero)', refused('--to', /"abc1234-01"/), cli([...ROLLBACK, '--to', 'abc1234-01', '--yes'], usage)),
  c('rollback --to abc1234 (no build number)', refused('--to', /"abc1234": not a release id/), cli([...ROLLBACK, '--to', 'abc1234', '--yes'], usage)),
  c('rollback --to <a 43-character id: a source of 41>', refused('--to', /not a release id/), cli([...ROLLBACK, '--to', LONG_ID, '--yes'], usage)),
  c("rollback --to ''", refused('--to', /invalid --to "": it is empty/), cli([...ROLLBACK, '--to', '', '--yes'], usage)),
  c('rollback --to abc1234-1 --to abc1234-2', refused('--to', /--to is given twice \("abc1234-1", then "abc1234-2"\)/), cli([...ROLLBACK, '--to', 'abc1234-1', '--to', 'abc1234-2'], usage)),
  c('rollback --no-wait=yes', refused('--no-wait', /--no-wait takes no value, not "yes"/), cli([...ROLLBACK, '--no-wait=yes'], usage)),
  c('rollback --to=abc1234-1 --yes --no-wait (inline value)', accepted(), cli([...ROLLBACK, '--to=abc1234-1', '--yes', '--no-wait'], { exit: 0 })),
  c('rollback --yes --no-wait (to the previous release)', accepted(), cli([...ROLLBACK, '--yes', '--no-wait'], { exit: 0 })),
  c('rollback, not on a terminal, without --yes', refused('--yes', /refusing to roll back admin-dashboard without confirmation: not on a terminal, so pass --yes/), cli(ROLLBACK, { exit: 1 })),
  c('rollback on a terminal, answered "no"', refused('not rolled back', /the answer was "no", not y: abc1234-2 stays live/), cli(ROLLBACK, { exit: 1, answers: ['no'] })),
  c('rollback --to abc1234-9 (not kept)', refused('abc1234-9', /not kept in s3:\/\/e-com67-admin-dashboard-111122223333 .*: the kept ones are abc1234-2, abc1234-1/),
    cli([...ROLLBACK, '--to', 'abc1234-9', '--yes'], { exit: 1 })),
  c('rollback --to abc1234-2 (already live): nothing to do', accepted(), cli([...ROLLBACK, '--to', 'abc1234-2', '--yes'], { exit: 0 })),
  c('rollback: the site keeps serving the old page for 5 minutes', refused('abc1234-1', /is live in admin-dashboard's store, but https:\/\/d111111abcdef8\.cloudfront\.net still did not serve it after 300\.0s/),
    cli([...ROLLBACK, '--yes'], { exit: 1, site: () => new Response('<!doctype html><title>old</title>', { status: 200 }) })),
  c('rollback: the site answers 403 (no routing function?)', refused('HTTP 403', /last: HTTP 403/),
    cli([...ROLLBACK, '--yes'], { exit: 1, site: () => new Response('<Error/>', { status: 403 }) })),
  c('rollback: the site serves the release at once', accepted(), cli([...ROLLBACK, '--yes'], { exit: 0, site: () => new Response(ENTRY_PAGE, { status: 200 }) })),
  c('releases: the deploy project does not exist', refused('e-com67-admin-dashboard-deploy', /does not exist in eu-west-1: its pipeline stack E-Com67-AdminPipelineStack is not deployed there/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ BatchGetProjectsCommand: ({ names }) => ({ projects: [], projectsNotFound: names }) }) })),
  c('releases: a deploy project from before releases (no SPA_KVS_ARN)', refused('SPA_KVS_ARN', /predates releases .* let the pipeline deploy once/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ BatchGetProjectsCommand: ({ names }) => ({ projects: [{ name: names[0], environment: { environmentVariables: variables({ SPA_KVS_ARN: undefined }) } }] }) }) })),
  c('releases: SPA_KVS_ARN is an S3 ARN', refused('SPA_KVS_ARN', /is "arn:aws:s3:::bucket", not a KeyValueStore ARN/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ BatchGetProjectsCommand: ({ names }) => ({ projects: [{ name: names[0], environment: { environmentVariables: variables({ SPA_KVS_ARN: 'arn:aws:s3:::bucket' }) } }] }) }) })),
  c('releases: SPA_SITE_URL javascript:alert(1)', refused('SPA_SITE_URL', /"javascript:alert\(1\)", not the site's https:\/\/ URL/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ BatchGetProjectsCommand: ({ names }) => ({ projects: [{ name: names[0], environment: { environmentVariables: variables({ SPA_SITE_URL: 'javascript:alert(1)' }) } }] }) }) })),
  c('releases: the store\'s live key is not a release id', refused('release:live', /"\.\.\/\.\.\/etc" is not <source>-<build number>/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ GetKeyCommand: ({ Key }) => ({ Key, Value: Key === 'release:live' ? '../../etc' : 'abc1234-1' }) }) })),
  c('releases: a manifest whose commit holds ANSI escapes', accepted(), cli(['releases', 'admin-dashboard'], {
    exit: 0,
    aws: () => ({ GetObjectCommand: ({ Key }) => ({ Body: { transformToString: async () => manifest(idOf(Key), Number(idOf(Key).slice(8)), '\x1b[2J\x1b]0;pwned\x07') } }) }),
  })),
  c('releases: an object beside the manifests whose name is not a release id', accepted(), cli(['releases', 'admin-dashboard'], {
    exit: 0,
    aws: () => ({ ListObjectsV2Command: () => ({ Contents: [...Object.keys(MANIFESTS), `${MANIFESTS_PREFIX}..%2F.json`, `${MANIFESTS_PREFIX}\x1b[31m-1.json`, `${MANIFESTS_PREFIX}x/abc1234-3.json`].map((Key) => ({ Key })) }) }),
  })),
  c('releases: the bucket the deploy project names is gone', refused('SPA_BUCKET', /names the bucket e-com67-admin-dashboard-111122223333 \(its SPA_BUCKET\), which does not exist/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ ListObjectsV2Command: () => { throw awsError('NoSuchBucket', 'The specified bucket does not exist'); } }) })),
  c('rollback: the store the deploy project names is gone', refused('SPA_KVS_ARN', /names the KeyValueStore arn:aws:cloudfront::111122223333:key-value-store\/\S+ \(its SPA_KVS_ARN\), which does not exist/),
    cli([...ROLLBACK, '--yes'], { exit: 1, aws: () => ({ DescribeKeyValueStoreCommand: () => { throw awsError('ResourceNotFoundException', 'Resource not found'); } }) })),
  c('releases: a manifest that is not JSON', refused('abc1234-2.json', /_spa-deploy\/releases\/abc1234-2\.json: not JSON/),
    cli(['releases', 'admin-dashboard'], { exit: 1, aws: () => ({ GetObjectCommand: ({ Key }) => ({ Body: { transformToString: async () => (Key.endsWith('-2.json') ? '{"schema": 1,' : MANIFESTS[Key]) } }) }) })),
  c('rollback, Ctrl-C during a slow UpdateKeys', refused('Ctrl-C', /^ecom-platform: stopped \(Ctrl-C\)\n$/),
    cli([...ROLLBACK, '--yes'], { exit: 130, aws: (interrupt) => ({ UpdateKeysCommand: slowThenCtrlC(interrupt) }) })),
  c('rollback: another rollback changed the live release meanwhile (ETag conflict)', refused('live release changed', /another deploy or rollback ran at the same time/),
    cli([...ROLLBACK, '--yes'], {
      exit: 1,
      aws: () => {
        // A deploy made abc1234-3 live just before this write.
        let deployed = false;
        return {
          GetKeyCommand: ({ Key }) => ({ Key, Value: Key === 'release:live' && deployed ? 'abc1234-3' : STORE[Key] }),
          UpdateKeysCommand: () => {
            deployed = true;
            throw awsError('ConflictException', 'ETag mismatch');
          },
        };
      },
    })),

  // --- Environments (cdk.json context ecom:environments) and --env ------------------------------------------------
  c('status --env dev (no environments configured)', refused('--env', /--env "dev": the platform has no environments \(no context ecom:environments in /), cli(['status', '--env', 'dev'], usage)),
  c('status --env qa (not an environment of the platform)', refused('qa', /unknown environment "qa" in --env: the platform's environments are dev, prod/),
    cli(['status', '--env', 'qa'], { ...usage, context: ENVIRONMENTS })),
  c('releases admin-dashboard --env prd (a typo)', refused('prd', /did you mean prod\?/), cli(['releases', 'admin-dashboard', '--env', 'prd'], { ...usage, context: ENVIRONMENTS })),
  c('status --env Prod (upper case)', refused('--env', /invalid --env "Prod": not an environment name/), cli(['status', '--env', 'Prod'], { ...usage, context: ENVIRONMENTS })),
  c('status --env dev --env prod', refused('--env', /--env is given twice/), cli(['status', '--env', 'dev', '--env', 'prod'], { ...usage, context: ENVIRONMENTS })),
  c('destroy-legacy --env dev', refused('--env', /--env does not apply to destroy-legacy/), cli(['destroy-legacy', '--env', 'dev', '--yes'], { ...usage, context: ENVIRONMENTS })),
  c('deploy backend-pipeline --env dev (one pipeline for every environment)', refused('--env', /--env dev does not apply to deploy backend-pipeline: the platform has one backend pipeline for every environment/),
    cli(['deploy', 'backend-pipeline', '--env', 'dev'], { ...usage, context: ENVIRONMENTS })),
  c('cdk.json context ecom:environments: {} (not a list)', refused('ecom:environments', /\{\} is not a list/), cli(['status'], { ...usage, context: { 'ecom:environments': {} } })),
  c("cdk.json context ecom:environments: '[{' (not JSON)", refused('ecom:environments', /is not JSON/), cli(['status'], { ...usage, context: { 'ecom:environments': '[{' } })),
  c('cdk.json context ecom:environments: an account of 11 digits', refused('account', /environment dev's account "11111111111": an AWS account ID is 12 digits/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [{ name: 'dev', account: '11111111111', region: 'eu-west-1' }] } })),
  c('cdk.json context ecom:environments: an account as a number', refused('account', /an AWS account ID is 12 digits, as a string/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [{ name: 'dev', account: 111122223333, region: 'eu-west-1' }] } })),
  c("cdk.json context ecom:environments: name 'Dev'", refused('name', /entry 1's name "Dev": an environment name is part of stack, bucket and project names/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [{ name: 'Dev', account: '111122223333', region: 'eu-west-1' }] } })),
  c("cdk.json context ecom:environments: region 'europe'", refused('region', /environment dev's region "europe": expected a region name/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [{ name: 'dev', account: '111122223333', region: 'europe' }] } })),
  c("cdk.json context ecom:environments: manualApproval 'yes'", refused('manualApproval', /expected true or false/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [{ name: 'dev', account: '111122223333', region: 'eu-west-1', manualApproval: 'yes' }] } })),
  c('cdk.json context ecom:environments: dev twice', refused('twice', /lists the environment dev twice/),
    cli(['status'], { ...usage, context: { 'ecom:environments': [DEV, DEV] } })),
  c('cdk.json context ecom:productionEnvironment: 42', refused('ecom:productionEnvironment', /give the name of one of the environments/),
    cli(['status'], { ...usage, context: { ...ENVIRONMENTS, 'ecom:productionEnvironment': 42 } })),
  c("cdk.json context ecom:pipelineAccount: 'main'", refused('ecom:pipelineAccount', /an AWS account ID is 12 digits/),
    cli(['status'], { ...usage, context: { ...ENVIRONMENTS, 'ecom:pipelineAccount': 'main' } })),
  c("cdk.json context ecom:monitoring: 'yes'", refused('ecom:monitoring', /give true \(the dashboard and alarms stacks, the default\) or false \(none\)/),
    cli(['status'], { ...usage, context: { 'ecom:monitoring': 'yes' } })),
  c('cdk.json context ecom:monitoring: 0', refused('ecom:monitoring', /invalid context ecom:monitoring 0 in/), cli(['deploy', 'all'], { ...usage, context: { 'ecom:monitoring': 0 } })),
  c("cdk.json context ecom:monitoring: 'false' (a string, as -c gives it)", accepted(), cli(['status'], { exit: 0, context: { 'ecom:monitoring': 'false' } })),
  c('cdk.json context ecom:environments as JSON text (as -c gives it)', accepted(), cli(['status', '--env', 'prod'], { exit: 0, context: { 'ecom:environments': JSON.stringify([DEV, PROD]) } })),
  c('doctor --env prod with the pipeline account\'s credentials (another account: a warning with the bootstrap command)', accepted(),
    cli(['doctor', '--env', 'prod'], { exit: 0, context: ENVIRONMENTS })),
  c('releases admin-dashboard --env prod with the pipeline account\'s credentials (the hosting is in another account)',
    refused('--profile', /hosted in account 222222222222 .* run it again with --profile <a profile of account 222222222222> and --env prod/),
    cli(['releases', 'admin-dashboard', '--env', 'prod'], { exit: 1, context: ENVIRONMENTS, aws: () => ({ BatchGetProjectsCommand: CROSS_ACCOUNT_PROJECT }) })),
  c('releases --env prod with prod\'s credentials: a deploy target that is not JSON', refused('deploy target', /is "bucket=x", not JSON \{bucket, keyValueStoreArn, siteUrl\}/),
    cli(['releases', 'admin-dashboard', '--env', 'prod'], {
      exit: 1,
      context: ENVIRONMENTS,
      aws: () => ({ GetCallerIdentityCommand: () => ({ Account: '222222222222' }), GetParameterCommand: ({ Name }) => ({ Parameter: { Name, Value: 'bucket=x' } }) }),
    })),
  c('rollback --env prod with prod\'s credentials: a deploy target whose siteUrl is javascript:', refused('siteUrl', /has siteUrl "\\"javascript:alert\(1\)\\"", not the site's https:\/\/ URL/),
    cli([...ROLLBACK, '--env', 'prod', '--yes'], {
      exit: 1,
      context: ENVIRONMENTS,
      aws: () => ({
        GetCallerIdentityCommand: () => ({ Account: '222222222222' }),
        GetParameterCommand: ({ Name }) => ({ Parameter: { Name, Value: JSON.stringify({ bucket: 'b-222222222222', keyValueStoreArn: variables()[1].value, siteUrl: 'javascript:alert(1)' }) } }),
      }),
    })),

  // --- Exit codes as documented ---------------------------------------------------------------------------------
  c('deploy frontend, the CDK CLI exits 3', refused('cdk deploy', /^ecom-platform: cdk deploy E-Com67-FrontendStack failed with exit code 3: see the CDK CLI's output above; the step after it did not run\n$/),
    cli(['deploy', 'frontend'], { exit: 1, cdkExitCodes: [3] })),

  // --- Text from AWS: escaped, never raw ------------------------------------------------------------------------
  c('status: a failure message (commit message) with ANSI escapes, CR, CSI and a bidi override', accepted(),
    cli(['status', '--apps', 'shop'], { exit: 0, aws: () => HOSTILE_PIPELINE })),
  c('status --json: the same, valid JSON without raw controls', accepted(),
    cli(['status', '--json', '--apps', 'shop'], { exit: 0, aws: () => HOSTILE_PIPELINE })),
  c('doctor: a repository clone URL and account ARN with escapes', accepted(), cli(['doctor'], {
    exit: 0,
    aws: () => ({
      GetCallerIdentityCommand: () => ({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/\x1b]8;;http://evil\x07ops' }),
      GetRepositoryCommand: () => ({ repositoryMetadata: { cloneUrlHttp: 'https://example.com/\x1b[2J' } }),
    }),
  })),
];
