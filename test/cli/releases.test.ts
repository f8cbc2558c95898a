import { UpdateKeysCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { BatchGetProjectsCommand, CodeBuildClient, EnvironmentVariable, Project } from '@aws-sdk/client-codebuild';
import { mockClient } from 'aws-sdk-client-mock';
import { appFolder, awsError, fakeEnv, testClients } from './fake-env';
import { KVS_KEYS, switchLive } from '../../src/release';
import { BASE_URL, BUCKET, KVS_ARN, RELEASED_COMMIT, worldWithReleases } from '../release/harness';

const COMMIT = RELEASED_COMMIT;
const PROJECT = 'e-com67-admin-dashboard-deploy';

/** The deploy project as SpaPipeline configures it; `variables` replaces or removes (undefined) some. */
function deployProject(variables: Record<string, EnvironmentVariable | undefined> = {}): Project {
  const all: Record<string, EnvironmentVariable | undefined> = {
    SPA_BUCKET: { name: 'SPA_BUCKET', value: BUCKET, type: 'PLAINTEXT' },
    SPA_KVS_ARN: { name: 'SPA_KVS_ARN', value: KVS_ARN, type: 'PLAINTEXT' },
    SPA_SITE_URL: { name: 'SPA_SITE_URL', value: BASE_URL, type: 'PLAINTEXT' },
    SPA_KEEP_RELEASES: { name: 'SPA_KEEP_RELEASES', value: '10', type: 'PLAINTEXT' },
    ...variables,
  };
  return { name: PROJECT, environment: { type: 'LINUX_LAMBDA_CONTAINER', image: 'x', computeType: 'BUILD_LAMBDA_1GB', environmentVariables: Object.values(all).filter((v) => v !== undefined) as EnvironmentVariable[] } };
}

/**
 * An app with releases v1..vN deployed and made live in turn through the release module (the in-memory bucket
 * and store of test/release/harness.ts), and its deploy project in CodeBuild (mocked).
 */
async function appWith(n: number, project: Project | null = deployProject()) {
  const world = await worldWithReleases(n);
  // The harness's mocks answer synchronously; the SDK's send (and the CLI's guard around it) always returns a promise.
  for (const client of [world.s3, world.kvs] as Array<{ send: (...args: unknown[]) => unknown }>) {
    const send = client.send;
    client.send = (...args) => Promise.resolve(send.apply(client, args));
  }
  const codeBuild = mockClient(CodeBuildClient);
  codeBuild.reset();
  // Answers for whichever name is asked (--project names it differently).
  codeBuild.on(BatchGetProjectsCommand).callsFake(async ({ names }) => (project
    ? { projects: [{ ...project, name: names[0] }], projectsNotFound: [] }
    : { projects: [], projectsNotFound: names }));
  /** The site: `stale` requests still get what was served before the switch (propagation). */
  let stale = 0;
  const served: string[] = [];
  let before: Response | undefined;
  const site = async (url: string | URL, init?: RequestInit) => {
    served.push(String(url));
    if (stale > 0 && before) {
      stale--;
      return before.clone();
    }
    return world.clients().fetch(String(url), init);
  };
  const cli = (options: { interactive?: boolean; answers?: string[]; stopAfterSleeps?: number } = {}) =>
    fakeEnv({ cwd: appFolder(), clients: { ...testClients(), s3: world.s3, kvs: world.kvs }, fetch: site, ...options });
  return {
    world,
    codeBuild,
    cli,
    served,
    /** The next `requests` to the site answer with the entry page of the release live now (before a switch). */
    propagateAfter: async (requests: number) => {
      stale = requests;
      before = await world.clients().fetch(`${BASE_URL}/`);
    },
    version: async () => /<!-- (v\d+) -->/.exec(await (await world.clients().fetch(`${BASE_URL}/orders/42`)).text())?.[1],
    storeWrites: () => world.kvsMock.calls().filter((c) => /Put|Update|Delete/.test(c.args[0].constructor.name)),
    s3Writes: () => world.s3Mock.calls().filter((c) => /Put|Delete|Copy|Post/.test(c.args[0].constructor.name)),
  };
}

describe('ecom-platform releases <app>', () => {
  test('the kept releases, newest first, with the live and previous markers; found through the deploy project; only reads', async () => {
    const app = await appWith(3);
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard'])).toBe(0);
    expect(app.codeBuild.commandCalls(BatchGetProjectsCommand).map((c) => c.args[0].input)).toEqual([{ names: [PROJECT] }]);
    const lines = cli.stdout().split('\n');
    expect(lines[0]).toBe(`Releases of admin-dashboard in s3://${BUCKET}, newest first (3 kept; ${BASE_URL} serves the live one):`);
    expect(lines.slice(2, 6).map((l) => l.split(/ {2,}/))).toEqual([
      ['ID', 'COMMIT', 'CREATED', 'FILES', 'STATUS'],
      ['0123456-3', '0123456789ab', expect.stringMatching(/^2025-06-01 12:\d\d UTC$/), '7', 'live'],
      ['0123456-2', '0123456789ab', expect.stringMatching(/ UTC$/), '7', 'previous (rollback\'s default)'],
      ['0123456-1', '0123456789ab', expect.stringMatching(/ UTC$/), '7'],
    ]);
    expect(cli.stdout()).toContain('Roll back: ecom-platform rollback admin-dashboard [--to <id>]\n');
    expect(cli.stderr()).toBe('');
    expect(app.storeWrites()).toEqual([]);
    expect(app.s3Writes()).toEqual([]);
  });

  test('--json: the same facts for scripts', async () => {
    const app = await appWith(2);
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard', '--json'])).toBe(0);
    const json = JSON.parse(cli.stdout());
    expect(json).toMatchObject({ app: 'admin-dashboard', deployProject: PROJECT, bucket: BUCKET, kvsArn: KVS_ARN, siteUrl: BASE_URL, live: '0123456-2', previous: '0123456-1' });
    expect(json.releases.map((r: any) => [r.id, r.commit, r.buildNumber, r.live, r.previous])).toEqual([
      ['0123456-2', COMMIT, 2, true, false],
      ['0123456-1', COMMIT, 1, false, true],
    ]);
  });

  test('an empty bucket and store: no release yet, none live', async () => {
    const app = await appWith(0);
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard'])).toBe(0);
    expect(cli.stdout()).toContain('No release yet: the app\'s pipeline creates one on its next deploy.\n');
    expect(cli.stdout()).toContain('No release is live: the site serves the bucket root (the layout before releases).\n');
  });

  test('the live release\'s manifest is gone: said under the table', async () => {
    const app = await appWith(2);
    app.world.objects.delete('_spa-deploy/releases/0123456-2.json');
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard'])).toBe(0);
    expect(cli.stdout()).toContain('The live release 0123456-2 has no manifest in the bucket (incomplete or pruned)');
  });

  test.each([
    ['the deploy project does not exist', null,
      `ecom-platform: admin-dashboard's deploy project ${PROJECT} does not exist in eu-west-1: its pipeline stack E-Com67-AdminPipelineStack is not deployed there. `
      + 'Deploy it (ecom-platform deploy frontend-pipelines), or check --region, and --project or cdk.json\'s ecom:projectName\n'],
    ['the project predates releases (no SPA_KVS_ARN)', deployProject({ SPA_KVS_ARN: undefined, SPA_DISTRIBUTION_ID: { name: 'SPA_DISTRIBUTION_ID', value: 'E123' } }),
      `ecom-platform: ${PROJECT} predates releases (its environment has no SPA_KVS_ARN): admin-dashboard is deployed over the live site and has no releases to list or roll back to. `
      + 'Upgrade cdk-ecom-platform, deploy the app\'s pipeline stack E-Com67-AdminPipelineStack (ecom-platform deploy frontend-pipelines), and let the pipeline deploy once\n'],
    ['a variable changed outside the stack', deployProject({ SPA_BUCKET: { name: 'SPA_BUCKET', value: '/spa/bucket', type: 'PARAMETER_STORE' } }),
      `ecom-platform: ${PROJECT}'s environment variable SPA_BUCKET is a PARAMETER_STORE variable, not an S3 bucket name as the pipeline sets it: `
      + 'the project was changed outside its stack; deploy E-Com67-AdminPipelineStack again (ecom-platform deploy frontend-pipelines)\n'],
    ['a site URL that is not one', deployProject({ SPA_SITE_URL: { name: 'SPA_SITE_URL', value: 'd111.cloudfront.net', type: 'PLAINTEXT' } }),
      expect.stringContaining('SPA_SITE_URL is "d111.cloudfront.net", not the site\'s https:// URL')],
  ])('%s: one line saying what to do, exit 1, nothing read from the bucket', async (_, project, message) => {
    const app = await appWith(1, project);
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard'])).toBe(1);
    expect(cli.stderr()).toEqual(message);
    expect(cli.stdout()).toBe('');
    expect(app.world.s3Mock.calls()).toEqual([]);
  });

  test('not allowed to read the deploy project: names the permission', async () => {
    const app = await appWith(1);
    app.codeBuild.on(BatchGetProjectsCommand).rejects(awsError('AccessDeniedException', 'User: ops is not authorized to perform: codebuild:BatchGetProjects'));
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashboard'])).toBe(1);
    expect(cli.stderr()).toMatch(/^ecom-platform: not allowed to read admin-dashboard's deploy project e-com67-admin-dashboard-deploy, where its bucket and store are named: allow codebuild:BatchGetProjects on it \(User: ops/);
  });

  test('an app the platform does not have: exit 2 with the known apps, before any AWS call', async () => {
    const app = await appWith(1);
    const cli = app.cli();
    expect(await cli.run(['releases', 'admin-dashbord'])).toBe(2);
    expect(cli.stderr()).toBe('ecom-platform: unknown app "admin-dashbord": did you mean admin-dashboard? the platform\'s apps are admin-dashboard, customer-app; '
      + 'another app needs --apps or cdk.json\'s context ecom:apps\n');
    expect(app.codeBuild.calls()).toEqual([]);
  });

  test('--project and --apps name the deploy project', async () => {
    const app = await appWith(1);
    const cli = app.cli();
    expect(await cli.run(['releases', 'storefront', '--project', 'shop', '--apps', 'storefront'])).toBe(0);
    expect(app.codeBuild.commandCalls(BatchGetProjectsCommand)[0].args[0].input).toEqual({ names: ['shop-storefront-deploy'] });
  });
});

describe('ecom-platform rollback <app>', () => {
  test('to the previous release: one store write, nothing written to S3, then it waits until the site serves it and says how long it took', async () => {
    const app = await appWith(3);
    await app.propagateAfter(2);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes'])).toBe(0);
    expect(app.storeWrites().map((c) => c.args[0].constructor.name)).toEqual(['UpdateKeysCommand']);
    expect(app.world.kvsMock.commandCalls(UpdateKeysCommand)[0].args[0].input).toMatchObject({
      KvsARN: KVS_ARN,
      Puts: [{ Key: KVS_KEYS.live, Value: '0123456-2' }, { Key: KVS_KEYS.previous, Value: '0123456-3' }],
    });
    expect(app.s3Writes()).toEqual([]);
    expect(app.world.s3Writes()).toEqual([]);
    expect(await app.version()).toBe('v2');
    // Two requests still saw release 3 (2 s apart), the third release 2.
    expect(app.served).toEqual([`${BASE_URL}/`, `${BASE_URL}/`, `${BASE_URL}/`]);
    expect(cli.sleeps).toEqual([2000, 2000]);
    expect(cli.stdout()).toBe([
      'Switched admin-dashboard from 0123456-3 to 0123456-2 in 0.0s: one store write; nothing built, uploaded or invalidated.',
      `Waiting up to 5 minutes for ${BASE_URL} to serve it (Ctrl-C stops waiting; the switch stays)...`,
      `${BASE_URL} serves 0123456-2: propagation 4.0s (3 requests); wall time 4.0s (0.0s to switch).`,
      '',
    ].join('\n'));
    expect(cli.stderr()).toBe('');
  });

  test('--to an earlier kept release; then rollback without --to undoes it (roll forward)', async () => {
    const app = await appWith(3);
    expect(await app.cli().run(['rollback', 'admin-dashboard', '--to', '0123456-1', '--yes'])).toBe(0);
    expect(await app.version()).toBe('v1');
    const forward = app.cli();
    expect(await forward.run(['rollback', 'admin-dashboard', '-y'])).toBe(0);
    expect(forward.stdout()).toContain('Switched admin-dashboard from 0123456-1 to 0123456-3');
    expect(await app.version()).toBe('v3');
    expect(app.storeWrites()).toHaveLength(2);
    expect(app.s3Writes()).toEqual([]);
  });

  test('a release that is not kept is refused with the kept ones listed; nothing written', async () => {
    const app = await appWith(3);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--to', '0123456-9', '--yes'])).toBe(1);
    expect(cli.stderr()).toBe(`ecom-platform: release 0123456-9 of admin-dashboard is not kept in s3://${BUCKET} (never deployed, or pruned): the kept ones are 0123456-3, 0123456-2, 0123456-1\n`);
    expect(app.storeWrites()).toEqual([]);
  });

  test('the live release: nothing written, exit 0 (a script can make sure a release is live)', async () => {
    const app = await appWith(3);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--to', '0123456-3', '--yes'])).toBe(0);
    expect(cli.stdout()).toMatch(/^0123456-3 \(commit 0123456789ab, created 2025-06-01 12:\d\d UTC\) is already live on https:\/\/d111111abcdef8\.cloudfront\.net: nothing to do\.\n$/);
    expect(app.storeWrites()).toEqual([]);
  });

  test('one release only: nothing to roll back to, exit 1', async () => {
    const app = await appWith(1);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes'])).toBe(1);
    expect(cli.stderr()).toBe('ecom-platform: admin-dashboard has no release to roll back to: 0123456-1 is the oldest kept release; the kept ones are 0123456-1\n');
    expect(app.storeWrites()).toEqual([]);
  });

  test('the previous release was pruned: rollback needs --to', async () => {
    const app = await appWith(3);
    app.world.objects.delete('_spa-deploy/releases/0123456-2.json');
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes'])).toBe(1);
    expect(cli.stderr()).toBe(`ecom-platform: admin-dashboard's previous release 0123456-2 is no longer kept in s3://${BUCKET}: pass --to <id>; the kept ones are 0123456-3, 0123456-1\n`);
    expect(app.storeWrites()).toEqual([]);
  });

  test('without a terminal and without --yes: refused before any AWS call', async () => {
    const app = await appWith(2);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard'])).toBe(1);
    expect(cli.stderr()).toBe('ecom-platform: refusing to roll back admin-dashboard without confirmation: not on a terminal, so pass --yes\n');
    expect(app.codeBuild.calls()).toEqual([]);
    expect(app.storeWrites()).toEqual([]);
  });

  test('on a terminal it shows both releases and asks; anything but y leaves the live release, exit 1', async () => {
    const app = await appWith(2);
    const no = app.cli({ interactive: true, answers: [''] });
    expect(await no.run(['rollback', 'admin-dashboard'])).toBe(1);
    expect(no.questions).toEqual(['Make 0123456-1 live? [y/N] ']);
    expect(no.stdout()).toMatch(new RegExp([
      `^admin-dashboard on ${BASE_URL.replace(/\./g, '\\.')}`,
      '  live now:    0123456-2 \\(commit 0123456789ab, created 2025-06-01 12:\\d\\d UTC\\)',
      '  make live:   0123456-1 \\(commit 0123456789ab, created 2025-06-01 12:\\d\\d UTC\\)',
      'Make 0123456-1 live\\? \\[y/N\\] $',
    ].join('\n')));
    expect(no.stderr()).toBe('ecom-platform: not rolled back: the answer was "", not y: 0123456-2 stays live\n');
    expect(app.storeWrites()).toEqual([]);

    const yes = app.cli({ interactive: true, answers: ['y'] });
    expect(await yes.run(['rollback', 'admin-dashboard'])).toBe(0);
    expect(await app.version()).toBe('v1');
    expect(app.storeWrites()).toHaveLength(1);
  });

  test('a switch made while the person answers is never undone: nothing written, exit 1, the newer switch stays', async () => {
    const app = await appWith(3);
    const cli = app.cli({ interactive: true, answers: ['y'] });
    const ask = cli.cliEnv.ask;
    (cli.cliEnv as any).ask = async (question: string) => {
      await switchLive(app.world.clients(), KVS_ARN, '0123456-2'); // someone else's rollback, while we are asked
      return ask(question);
    };
    expect(await cli.run(['rollback', 'admin-dashboard', '--to', '0123456-1'])).toBe(1);
    expect(cli.stderr()).toMatch(/the live release is 0123456-2, not 0123456-3: another deploy or rollback switched it meanwhile\. Nothing was written/);
    expect(await app.version()).toBe('v2');
    expect(app.storeWrites()).toHaveLength(1); // the other rollback's only
  });

  test('--no-wait: the switch only, no request to the site', async () => {
    const app = await appWith(2);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes', '--no-wait'])).toBe(0);
    expect(app.served).toEqual([]);
    expect(app.storeWrites()).toHaveLength(1);
    expect(cli.stdout()).toContain('Not waiting (--no-wait)');
  });

  test('the site does not serve it within 5 minutes: exit 1 saying the switch was written; the wait is bounded', async () => {
    const app = await appWith(2);
    await app.propagateAfter(Infinity);
    const cli = app.cli();
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes'])).toBe(1);
    expect(app.storeWrites()).toHaveLength(1);
    expect(cli.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300_000);
    expect(app.served.length).toBe(cli.sleeps.length + 1);
    expect(cli.stderr()).toBe(`ecom-platform: 0123456-1 is live in admin-dashboard's store, but ${BASE_URL} still did not serve it after 300.0s (151 requests; `
      + 'last: the previous release\'s entry page): check the distribution and its routing function; ecom-platform releases admin-dashboard shows the store\n');
  });

  test('Ctrl-C while waiting: exit 130, saying the switch stays', async () => {
    const app = await appWith(2);
    await app.propagateAfter(Infinity);
    const cli = app.cli({ stopAfterSleeps: 1 });
    expect(await cli.run(['rollback', 'admin-dashboard', '--yes'])).toBe(130);
    expect(cli.sleeps).toHaveLength(1);
    expect(cli.stderr()).toBe('ecom-platform: stopped waiting (Ctrl-C): 0123456-1 is live in admin-dashboard\'s store (the switch was written); edges pick it up within seconds\n');
    expect(app.storeWrites()).toHaveLength(1);
  });

  test('from the menu: choose rollback, then the app, then confirm', async () => {
    const app = await appWith(2);
    const cli = app.cli({ interactive: true, answers: ['9', '1', 'y', 'q'] });
    expect(await cli.run([])).toBe(0);
    expect(cli.questions).toEqual(['Choose an option: ', 'Which app? 1) admin-dashboard  2) customer-app: ', 'Make 0123456-1 live? [y/N] ', 'Choose an option: ']);
    expect(cli.stdout()).toContain('  9) Roll back an app to its previous release\n');
    expect(cli.stdout()).toContain('Switched admin-dashboard from 0123456-2 to 0123456-1');
    expect(await app.version()).toBe('v1');
  });
});

describe('help', () => {
  test.each([
    [['rollback', '--help'], 'Usage: ecom-platform rollback <app> [--to <id>] [--yes] [--no-wait] [options]', ['  --to <id> ', '  --no-wait ', '  --yes, -y ']],
    [['help', 'releases'], 'Usage: ecom-platform releases <app> [--json] [options]', ['  --json ']],
  ])('%j', async (args, first, options) => {
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(args)).toBe(0);
    expect(cli.stdout().split('\n')[0]).toBe(first);
    for (const option of options) {
      expect(cli.stdout()).toContain(option);
    }
  });
});
