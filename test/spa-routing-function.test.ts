import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SpaHosting } from '../src';

// The CloudFront Function is executed here exactly as shipped: the file the construct deploys.
const FUNCTION_FILE = path.join(__dirname, '..', 'assets', 'spa-routing.js');
const code = fs.readFileSync(FUNCTION_FILE, 'utf-8');
const handler: (event: any) => any = vm.runInNewContext(`${code}\n;handler`, {});

function viewerRequest(uri: string, querystring: Record<string, { value: string }> = {}) {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: { method: 'GET', uri, querystring, headers: { host: { value: 'd111111abcdef8.cloudfront.net' } }, cookies: {} },
  };
}

test.each([
  ['/', '/index.html'],
  ['/orders/42', '/index.html'],
  ['/orders/42/', '/index.html'],
  ['/orders', '/index.html'],
  ['/index.html', '/index.html'],
  ['/assets/app.3f2a1b.js', '/assets/app.3f2a1b.js'],
  ['/assets/missing.css', '/assets/missing.css'],
  ['/favicon.ico', '/favicon.ico'],
  ['/config.json', '/config.json'],
  ['/.well-known/x', '/.well-known/x'],
  ['/.well-known/apple-app-site-association', '/.well-known/apple-app-site-association'],
  ['/robots.txt', '/robots.txt'],
])('%s is served from %s', (uri, expected) => {
  expect(handler(viewerRequest(uri)).uri).toBe(expected);
});

test.each([
  ['/orders/42', { tab: { value: 'items' } }, '/index.html'],
  ['/search', { q: { value: 'shoes.red' } }, '/index.html'],
  ['/assets/app.3f2a1b.js', { v: { value: '2' } }, '/assets/app.3f2a1b.js'],
])('%s with query %j is served from %s, the query string untouched', (uri, querystring, expected) => {
  const request = handler(viewerRequest(uri, querystring));
  expect(request.uri).toBe(expected);
  expect(request.querystring).toEqual(querystring);
});

test('the function returns the request itself (method, headers and cookies pass through)', () => {
  const event = viewerRequest('/orders/42');
  const request = handler(event);
  expect(request).toBe(event.request);
  expect(request.headers.host.value).toBe('d111111abcdef8.cloudfront.net');
});

test('the synthesized CloudFront Function is this file, on the cloudfront-js-2.0 runtime', () => {
  const stack = new Stack(new App(), 'Fn');
  new SpaHosting(stack, 'Site');
  Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Function', {
    FunctionCode: code,
    FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    AutoPublish: true,
  });
});

test('the function stays within CloudFront Functions limits (10 KB, no require)', () => {
  expect(Buffer.byteLength(code)).toBeLessThan(10 * 1024);
  expect(code).not.toMatch(/require\(|import /);
});
