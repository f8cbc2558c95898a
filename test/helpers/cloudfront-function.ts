// Runs a CloudFront Function's code in-process, as the jest tests read it from a synthesized template: a fresh
// vm context (no require, no process), the `cloudfront` module's `kvs()` backed by an in-memory store. The
// same contract as test/deploy/cloudfront-function-runner.js, which the Python edge emulator uses over HTTP.
import * as vm from 'vm';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The one import cloudfront-js-2.0 code may have besides `crypto`; any other module is refused. */
const CLOUDFRONT_IMPORT = /^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+['"]cloudfront['"];?\s*$/m;

/** The code and runtime of the stack's only CloudFront Function, as CloudFormation receives them. */
export function functionOf(stack: Stack): { code: string; runtime: string } {
  const functions = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Function'));
  if (functions.length !== 1) {
    throw new Error(`expected one AWS::CloudFront::Function, found ${functions.length}`);
  }
  const { FunctionCode: code, FunctionConfig: config } = functions[0].Properties;
  if (typeof code !== 'string') {
    throw new Error(`the function code is not a literal string: ${JSON.stringify(code)}`);
  }
  return { code, runtime: config.Runtime };
}

/** What the stand-in store does; every read is recorded in `reads`. */
export class FakeKeyValueStore {
  /** Keys read, in order (`get` and `exists` alike). */
  public readonly reads: string[] = [];
  /** Keys whose reads (`get` and `exists`) fail the way a broken store would, not as a missing key. */
  public readonly failing = new Set<string>();
  /** Keys whose `get` fails although `exists` finds them. */
  public readonly failingGets = new Set<string>();

  constructor(public readonly values: Record<string, string> = {}) {}

  public handle() {
    return {
      get: async (key: string) => {
        this.read(key);
        if (this.failingGets.has(key)) {
          throw new Error(`KeyValueStore get of ${key} failed`);
        }
        if (!Object.prototype.hasOwnProperty.call(this.values, key)) {
          // CloudFront documents only that get() rejects for a missing key, not with what.
          throw new Error(`Key ${key} not found`);
        }
        return this.values[key];
      },
      exists: async (key: string) => {
        this.read(key);
        return Object.prototype.hasOwnProperty.call(this.values, key);
      },
    };
  }

  private read(key: string) {
    this.reads.push(key);
    if (this.failing.has(key)) {
      throw new Error(`KeyValueStore read of ${key} failed`);
    }
  }
}

export type ViewerRequestHandler = (event: unknown) => Promise<any>;

/**
 * Loads `code` as CloudFront would and returns its handler. `cf.kvs()` must be called without an id or with a
 * string (the associated store's id); it reads `store`.
 */
export function loadFunction(code: string, store: FakeKeyValueStore): ViewerRequestHandler {
  const imports = code.match(/^\s*import\s.*$/gm) ?? [];
  const match = CLOUDFRONT_IMPORT.exec(code);
  if (imports.length !== (match ? 1 : 0)) {
    throw new Error(`the function imports a module other than cloudfront: ${imports.join(' | ')}`);
  }
  const cloudfront = {
    kvs: (id?: unknown) => {
      if (id !== undefined && typeof id !== 'string') {
        throw new Error(`cf.kvs() takes the store's id as a string, got ${typeof id}`);
      }
      return store.handle();
    },
  };
  const source = match ? code.replace(CLOUDFRONT_IMPORT, `var ${match[1]} = __cloudfront;`) : code;
  const context = vm.createContext({ console: { log: () => undefined }, __cloudfront: cloudfront });
  vm.runInContext(`${source}\n;globalThis.__handler = handler;`, context, { filename: 'cloudfront-function.js', timeout: 1000 });
  const handler = context.__handler as (event: unknown) => unknown;
  if (typeof handler !== 'function') {
    throw new Error('the function code defines no `handler` function');
  }
  return async (event) => {
    // The event is built in the context's realm, as CloudFront hands the function its own objects.
    context.__event = JSON.stringify(event);
    return vm.runInContext('__handler(JSON.parse(__event))', context, { timeout: 1000 });
  };
}

/** A viewer-request event as CloudFront builds it (header names lower-cased). */
export function viewerRequest(uri: string, headers: Record<string, string> = {}, querystring: Record<string, { value: string }> = {}) {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: {
      method: 'GET',
      uri,
      querystring,
      headers: {
        host: { value: 'd111111abcdef8.cloudfront.net' },
        ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), { value }])),
      },
      cookies: {},
    },
  };
}
