import * as http from 'http';
import { AddressInfo } from 'net';
import { appFolder, fakeEnv, testClients } from './fake-env';
import { AwsClients } from '../../src/cli/env';

/**
 * Real SDK clients (no aws-sdk-client-mock in this file) pointed at a local server that answers like a web
 * server, a proxy or nothing at all: the CLI names the endpoint and says it is not an AWS API.
 */
let server: http.Server;
let endpoint: string;
let answer: (res: http.ServerResponse) => void;

beforeAll(async () => {
  server = http.createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => {
  server.closeAllConnections();
  server.close(resolve);
}));

const HTML = '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>';

const clientsAt = (url: string): AwsClients => testClients('eu-west-1', url);

describe('an endpoint that is not an AWS API', () => {
  test.each([200, 404, 502])('status: an HTML page (HTTP %d) is one line naming the endpoint and AWS_ENDPOINT_URL, exit 1', async (statusCode) => {
    answer = (res) => {
      res.writeHead(statusCode, { 'content-type': 'text/html' });
      res.end(HTML);
    };
    const cli = fakeEnv({ cwd: appFolder(), clients: clientsAt(endpoint), env: { PATH: '', AWS_ENDPOINT_URL: endpoint } });
    expect(await cli.run(['status'])).toBe(1);
    expect(cli.stderr()).toBe(`ecom-platform: ${endpoint} answered with an HTML page (HTTP ${statusCode}, "Welcome to nginx!"), not an AWS API: `
      + `AWS_ENDPOINT_URL is set to "${endpoint}": unset it to reach AWS, or point it at an AWS API (or an emulator such as moto)\n`);
    expect(cli.stderr()).not.toContain('Unexpected token');
  });

  test('doctor: the HTML page of a query-protocol service (STS, which reads it as an empty answer) is a failed check, not "account undefined"', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(HTML);
    };
    const cli = fakeEnv({ cwd: appFolder(), clients: clientsAt(endpoint), env: { PATH: '', AWS_ENDPOINT_URL_STS: endpoint } });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(cli.stdout()).toContain(`[fail] AWS credentials  ${endpoint} answered with an HTML page (HTTP 200, "Welcome to nginx!"), not an AWS API\n`);
    expect(cli.stdout()).toContain('fix: AWS_ENDPOINT_URL_STS is set to');
    expect(cli.stdout()).not.toContain('undefined');
  });

  test('a JSON-protocol service answering text that is not JSON: named, not the SDK\'s parse error', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello from a test server');
    };
    const cli = fakeEnv({ cwd: appFolder(), clients: clientsAt(endpoint) });
    expect(await cli.run(['status', '--json'])).toBe(1);
    expect(cli.stderr()).toMatch(new RegExp(`^ecom-platform: ${endpoint.replace(/\./g, '\\.')} answered \\(HTTP 200\\) with something that is not an AWS API's answer \\(.*\\): `
      + 'check endpoint_url in your AWS profile, a proxy \\(HTTPS_PROXY\\) and the network\n$'));
  });

  test('nothing listening: "could not reach" with the endpoint', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const cli = fakeEnv({ cwd: appFolder(), clients: clientsAt(url) });
    expect(await cli.run(['status'])).toBe(1);
    expect(cli.stderr()).toBe(`ecom-platform: could not reach ${url} (ECONNREFUSED): check endpoint_url in your AWS profile, a proxy (HTTPS_PROXY) and the network\n`);
  });

  test('a real AWS-shaped answer still works: the body the check read is handed to the SDK', async () => {
    answer = (res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'PipelineNotFoundException', message: 'not found' }));
    };
    const cli = fakeEnv({ cwd: appFolder(), clients: clientsAt(endpoint) });
    expect(await cli.run(['status'])).toBe(0);
    expect(cli.stdout()).toContain('e-com67-backend-pipeline          -      not deployed');
  });
});
