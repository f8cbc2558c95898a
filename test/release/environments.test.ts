// Issue 15's settings of the deploy program: SPA_ROLE_ARN (every target call as an assumed role),
// SPA_TARGET_PARAMETER (bucket, store and site URL from an SSM parameter's JSON) and SPA_RUNTIME_CONFIG_PARAMETERS
// (runtime config values read from SSM at deploy time). SSM and STS behind aws-sdk-client-mock; the deploy itself
// against the harness's in-memory bucket, store and distribution. The real SDK against moto, with the role
// really assumed: test/deploy/test_spa_deploy.py (environments).
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { BASE_URL, BUCKET, KVS_ARN, World, viteBuild } from './harness';
import { readBuildOutput } from '../../src/release/build-output';
import { KVS_KEYS, releasePrefix } from '../../src/release/contract';
import { RENEW_BEFORE_MS, assumeRoleCredentials, sessionName } from '../../src/release/credentials';
import { HashedPaths } from '../../src/release/hashed-paths';
import { EXIT, InputError, main, parseEnvironment, resolveSettings } from '../../src/release/program';

const COMMIT = 'c0ffee00112233445566778899aabbccddeeff00';
const ROLE = 'arn:aws:iam::222222222222:role/e-com67-admin-dashboard-deploy';
const TARGET = `/cdk-ecom-platform/${BUCKET}/deploy-target`;
const TARGET_VALUE = JSON.stringify({ bucket: BUCKET, keyValueStoreArn: KVS_ARN, siteUrl: BASE_URL });

/** The environment of a deploy project in another account: the bucket, the target parameter, the role. */
function crossAccount(sourceDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    SPA_BUCKET: BUCKET,
    SPA_TARGET_PARAMETER: TARGET,
    SPA_ROLE_ARN: ROLE,
    SPA_SOURCE_DIR: sourceDir,
    CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
    CODEBUILD_BUILD_NUMBER: '3',
    ...extra,
  };
}

/** SSM with these parameters (name -> value, or [value, type]); every GetParameter's name is kept. */
function ssmWith(parameters: Record<string, string | [string, string]>) {
  const client = new SSMClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  const read: string[] = [];
  mock.on(GetParameterCommand).callsFake((input) => {
    read.push(input.Name);
    const found = parameters[input.Name];
    if (found === undefined) {
      throw new ParameterNotFound({ message: `${input.Name} not found`, $metadata: {} });
    }
    const [value, type] = typeof found === 'string' ? [found, 'String'] : found;
    return { Parameter: { Name: input.Name, Value: value, Type: type } };
  });
  return { client, mock, read };
}

function refusal(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('not refused');
}

async function refusalOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('the settings, checked before any AWS call', () => {
  const dir = viteBuild('env-settings');

  test('with SPA_TARGET_PARAMETER the bucket, store and site URL may be left out; the new settings are read', () => {
    const { config, warnings } = parseEnvironment(crossAccount(dir, {
      SPA_BUCKET: undefined,
      SPA_RUNTIME_CONFIG_PARAMETERS: '{"apiUrl": "/e-com67/api-url", "region": "arn:aws:ssm:eu-west-1:222222222222:parameter/shared/region"}',
    }));
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      bucket: undefined,
      kvsArn: undefined,
      siteUrl: undefined,
      roleArn: ROLE,
      targetParameter: TARGET,
      runtimeConfigParameters: { apiUrl: '/e-com67/api-url', region: 'arn:aws:ssm:eu-west-1:222222222222:parameter/shared/region' },
      // the parameters' values are merged in at deploy time; the path is the default one
      runtimeConfig: { path: 'config.json', json: '{}' },
    });
  });

  test('without SPA_TARGET_PARAMETER the three are required as before; an empty parameter map is none', () => {
    const e = { ...crossAccount(dir), SPA_TARGET_PARAMETER: undefined };
    expect(refusal(() => parseEnvironment(e)).message).toMatch(/^SPA_KVS_ARN=\(unset\): required/);
    const none = parseEnvironment({ ...e, SPA_KVS_ARN: KVS_ARN, SPA_SITE_URL: BASE_URL, SPA_RUNTIME_CONFIG_PARAMETERS: '{}' }).config;
    expect(none.runtimeConfigParameters).toBeUndefined();
    expect(none.runtimeConfig).toBeUndefined();
  });

  test.each([
    ['SPA_ROLE_ARN', 'e-com67-admin-dashboard-deploy', /not an IAM role ARN/],
    ['SPA_ROLE_ARN', 'arn:aws:iam::2222:role/deploy', /not an IAM role ARN/],
    ['SPA_ROLE_ARN', 'arn:aws:iam::222222222222:user/deployer', /not an IAM role ARN/],
    ['SPA_ROLE_ARN', `arn:aws:iam::222222222222:role/${'r'.repeat(65)}`, /not an IAM role ARN/],
    ['SPA_TARGET_PARAMETER', 'cdk-ecom-platform/site-bucket/deploy-target', /starts with "\/"/],
    ['SPA_TARGET_PARAMETER', '/cdk-ecom-platform//deploy-target', /no empty level/],
    ['SPA_TARGET_PARAMETER', '/cdk-ecom-platform/site bucket/deploy-target', /not an SSM parameter name/],
    ['SPA_TARGET_PARAMETER', `/${'p'.repeat(2048)}`, /not an SSM parameter name/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', '/e-com67/api-url', /not valid JSON/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', '["/e-com67/api-url"]', /not a JSON object/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', '{"apiUrl": 7}', /not a parameter name/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', '{"apiUrl": "e-com67/api-url"}', /the parameter of "apiUrl" \("e-com67\/api-url"\): a hierarchical/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', '{"": "/e-com67/api-url"}', /not a config key/],
    ['SPA_RUNTIME_CONFIG_PARAMETERS', JSON.stringify(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, '/p']))), /at most 100/],
    ['SPA_BUCKET', 's3://site-bucket', /not a URL/], // still checked when the parameter also gives it
    ['SPA_SITE_URL', 'http://d111111abcdef8.cloudfront.net', /not an https URL/],
  ])('%s (case %#) is refused naming the variable, the value and a fix', (name, value, problem) => {
    const message = refusal(() => parseEnvironment(crossAccount(dir, { [name]: value }))).message;
    expect(message.startsWith(`${name}=${JSON.stringify(value)}: `)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toContain('Fix: ');
    expect(message).not.toContain('\n');
  });

  test('the new settings are settings, not warned about as unknown', () => {
    expect(parseEnvironment(crossAccount(dir, { SPA_RUNTIME_CONFIG_PARAMETERS: '{"a":"/a"}' })).warnings).toEqual([]);
  });
});

describe('what SSM holds', () => {
  const dir = viteBuild('env-resolve');
  const hashed = new HashedPaths();

  async function resolve(env: NodeJS.ProcessEnv, parameters: Record<string, string | [string, string]>) {
    const settings = parseEnvironment(env).config;
    const files = await readBuildOutput({ sourceDir: settings.sourceDir, hashed, runtimeConfig: settings.runtimeConfig });
    const ssm = ssmWith(parameters);
    return { ssm, settings, promise: resolveSettings(settings, files, ssm.client) };
  }

  test('the target comes from the parameter; a setting also given must match it', async () => {
    const { promise, ssm } = await resolve(crossAccount(dir), { [TARGET]: TARGET_VALUE });
    const { config } = await promise;
    expect(config).toMatchObject({ bucket: BUCKET, kvsArn: KVS_ARN, siteUrl: BASE_URL });
    expect(ssm.read).toEqual([TARGET]);

    const other = await resolve(crossAccount(dir, { SPA_BUCKET: 'other-bucket' }), { [TARGET]: TARGET_VALUE });
    const mismatch = await refusalOf(other.promise);
    expect(mismatch.message).toMatch(/^SPA_BUCKET="other-bucket": differs from the bucket of SPA_TARGET_PARAMETER \/cdk-ecom-platform\/site-bucket\/deploy-target, "site-bucket". Fix: unset SPA_BUCKET/);
    const sameSite = await resolve(crossAccount(dir, { SPA_SITE_URL: `${BASE_URL}/` }), { [TARGET]: TARGET_VALUE });
    expect((await sameSite.promise).config.siteUrl).toBe(BASE_URL);
  });

  test.each([
    ['missing', undefined, /no such SSM parameter in this account and region \(read as arn:aws:iam::222222222222:role\//],
    ['not JSON', 'site-bucket', /its value is not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['no store', JSON.stringify({ bucket: BUCKET, siteUrl: BASE_URL }), /no "keyValueStoreArn" string/],
    ['a bad bucket', JSON.stringify({ bucket: 'Site_Bucket', keyValueStoreArn: KVS_ARN, siteUrl: BASE_URL }), /its "bucket" "Site_Bucket" is not an S3 bucket name/],
    ['a plain-http site', JSON.stringify({ bucket: BUCKET, keyValueStoreArn: KVS_ARN, siteUrl: 'http://d1.cloudfront.net' }), /its "siteUrl" .* is not an https URL/],
  ])('a target parameter %s is refused as SPA_TARGET_PARAMETER (exit 2, before any upload)', async (_, value, problem) => {
    const { promise } = await resolve(crossAccount(dir), value === undefined ? {} : { [TARGET]: value });
    const error = await refusalOf(promise);
    expect(error.message.startsWith(`SPA_TARGET_PARAMETER=${JSON.stringify(TARGET)}: `)).toBe(true);
    expect(error.message).toMatch(problem);
  });

  test('runtime config values are read at deploy time and merged; SPA_RUNTIME_CONFIG keeps its keys', async () => {
    const env = crossAccount(dir, {
      SPA_RUNTIME_CONFIG: '{"apiUrl": "https://override.example", "environment": "prod"}',
      SPA_RUNTIME_CONFIG_PARAMETERS: '{"apiUrl": "/e-com67/api-url", "userPoolId": "/e-com67/user-pool-id", "clientId": "/e-com67/user-pool-id"}',
      SPA_RUNTIME_CONFIG_PATH: 'app/config.json',
    });
    const { promise, ssm } = await resolve(env, {
      [TARGET]: TARGET_VALUE, '/e-com67/api-url': 'https://api.e-com67.example', '/e-com67/user-pool-id': 'eu-west-1_abc',
    });
    const { config, files } = await promise;
    const expected = { apiUrl: 'https://override.example', userPoolId: 'eu-west-1_abc', clientId: 'eu-west-1_abc', environment: 'prod' };
    expect(JSON.parse(config.runtimeConfig!.json)).toEqual(expected);
    const file = files.find((f) => f.path === 'app/config.json')!;
    expect(JSON.parse(file.body.toString())).toEqual(expected);
    expect(file.hashed).toBe(false);
    expect(files.filter((f) => f.path === 'app/config.json')).toHaveLength(1);
    expect(ssm.read.sort()).toEqual([TARGET, '/e-com67/api-url', '/e-com67/user-pool-id']); // each parameter once
  });

  test('a missing or SecureString runtime config parameter is refused as SPA_RUNTIME_CONFIG_PARAMETERS', async () => {
    const env = crossAccount(dir, { SPA_RUNTIME_CONFIG_PARAMETERS: '{"apiUrl": "/e-com67/api-url", "secret": "/e-com67/secret"}' });
    const missing = await resolve(env, { [TARGET]: TARGET_VALUE, '/e-com67/api-url': 'https://api' });
    expect((await refusalOf(missing.promise)).message).toMatch(/^SPA_RUNTIME_CONFIG_PARAMETERS=.*: no SSM parameter named "\/e-com67\/secret" in this account and region/);
    const secure = await resolve(env, { [TARGET]: TARGET_VALUE, '/e-com67/api-url': 'https://api', '/e-com67/secret': ['AQICAH...', 'SecureString'] });
    expect((await refusalOf(secure.promise)).message).toMatch(/"\/e-com67\/secret" is a SecureString, and the runtime config is served to every visitor. Fix: keep secrets out/);
  });

  test('an SSM error other than a missing parameter fails the deploy (exit 1), naming the parameter', async () => {
    const settings = parseEnvironment(crossAccount(dir)).config;
    const client = new SSMClient({ region: 'eu-west-1' });
    mockClient(client).on(GetParameterCommand).rejects(Object.assign(new Error('not authorized to perform ssm:GetParameter'), { name: 'AccessDeniedException' }));
    await expect(resolveSettings(settings, [], client)).rejects.toThrow(`could not read SSM parameter ${TARGET}: AccessDeniedException: not authorized to perform ssm:GetParameter`);
  });
});

describe('the assumed role', () => {
  function sts() {
    const client = new STSClient({ region: 'eu-west-1' });
    const mock = mockClient(client);
    let n = 0;
    let expiresAt = 0;
    mock.on(AssumeRoleCommand).callsFake(async () => {
      n++;
      return { Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(expiresAt) } };
    });
    return { client, mock, calls: () => n, expireAt: (ms: number) => { expiresAt = ms; } };
  }

  test('assumed once for concurrent callers, with the release\'s session name, and again shortly before it expires', async () => {
    const s = sts();
    let now = 1_000_000;
    s.expireAt(now + 3600_000);
    const provider = assumeRoleCredentials(s.client, ROLE, sessionName('c0ffee0-3'), () => now);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b).toBe(a);
    expect(s.calls()).toBe(1);
    expect(s.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({ RoleArn: ROLE, RoleSessionName: 'spa-deploy-c0ffee0-3', DurationSeconds: 3600 });
    now += 3600_000 - RENEW_BEFORE_MS - 1;
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now += 2;
    s.expireAt(now + 3600_000);
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(s.calls()).toBe(2);
  });

  test('session names stay within STS\'s 64 characters; a refused AssumeRole says what the role must allow', async () => {
    expect(sessionName(`${'a'.repeat(40)}-123456789012`)).toHaveLength(64);
    const client = new STSClient({ region: 'eu-west-1' });
    mockClient(client).on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    await expect(assumeRoleCredentials(client, ROLE, 's')()).rejects.toThrow(/could not assume SPA_ROLE_ARN .*: AccessDenied: not authorized to perform sts:AssumeRole \(the role must trust this deploy project's role/);
  });
});

describe('the program', () => {
  test('a cross-account deploy: target and config from SSM, uploaded, live; exit 2 and nothing written on a bad parameter', async () => {
    const world = new World();
    const dir = viteBuild('env-program');
    const ssm = ssmWith({ [TARGET]: TARGET_VALUE, '/e-com67/api-url': 'https://api.e-com67.example' });
    let stdout = '';
    let stderr = '';
    const deps = {
      clients: world.clients(),
      ssm: ssm.client,
      stdout: (t: string) => { stdout += t; },
      stderr: (t: string) => { stderr += t; },
      runCommand: async () => 0,
    };
    const env = crossAccount(dir, { SPA_RUNTIME_CONFIG_PARAMETERS: '{"apiUrl": "/e-com67/api-url"}' });
    expect({ code: await main(['deploy'], env, deps), stderr }).toEqual({ code: EXIT.live, stderr: '' });
    expect(world.keys.get(KVS_KEYS.live)).toBe('c0ffee0-3');
    const config = world.objects.get(`${releasePrefix('c0ffee0-3')}config.json`)!;
    expect(JSON.parse(config.body.toString())).toEqual({ apiUrl: 'https://api.e-com67.example' });
    expect(stdout).toContain(`target credentials: role ${ROLE}, session spa-deploy-c0ffee0-3`);
    expect(stdout).toContain(`target from ${TARGET}: s3://${BUCKET}, ${KVS_ARN}, ${BASE_URL}`);

    world.writes.length = 0;
    stderr = '';
    const bad = ssmWith({ [TARGET]: TARGET_VALUE });
    const code = await main(['deploy'], { ...env, CODEBUILD_BUILD_NUMBER: '4' }, { ...deps, ssm: bad.client });
    expect(code).toBe(EXIT.badInput);
    expect(stderr.trim()).toMatch(/^SPA_RUNTIME_CONFIG_PARAMETERS=.*no SSM parameter named "\/e-com67\/api-url"/);
    expect(world.writes).toEqual([]);
  });
});
