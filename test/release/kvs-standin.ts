// A local stand-in for the CloudFront KeyValueStore data-plane API (moto has none), speaking the REST-JSON
// protocol exactly as @aws-sdk/client-cloudfront-keyvaluestore sends and decodes it (its operation schemas in
// dist-cjs/index.js), so end-to-end tests drive the real SDK client over HTTP: its endpoint rules, SigV4A
// signer, retry strategy and error deserialization all run.
//
//   DescribeKeyValueStore  GET    /key-value-stores/{KvsARN}              -> ETag header; ItemCount, TotalSizeInBytes, KvsARN, Created, LastModified, Status
//   GetKey                 GET    /key-value-stores/{KvsARN}/keys/{Key}   -> Key, Value, ItemCount, TotalSizeInBytes
//   ListKeys               GET    /key-value-stores/{KvsARN}/keys?NextToken&MaxResults -> Items [{Key, Value}], NextToken
//   PutKey                 PUT    /key-value-stores/{KvsARN}/keys/{Key}   If-Match; {Value} -> ETag header; ItemCount, TotalSizeInBytes
//   DeleteKey              DELETE /key-value-stores/{KvsARN}/keys/{Key}   If-Match -> same
//   UpdateKeys             POST   /key-value-stores/{KvsARN}/keys         If-Match; {Puts: [{Key, Value}], Deletes: [{Key}]} -> same
//
// Errors as the service sends them: the `x-amzn-ErrorType` header naming the modeled exception, a JSON body
// `{"Message": ...}` and the modeled status (ValidationException 400, ResourceNotFoundException 404,
// ConflictException 409, ServiceQuotaExceededException 402), so the SDK throws its own exception classes.
//
// Pointing a client at it: the client's endpoint rules turn a custom `endpoint` into
// `{scheme}://{ARN's account id}.{authority}{path}`, as they do for the real `<account>.cloudfront-kvs.global.api.aws`.
// The stand-in listens on loopback and is addressed as `http://localhost:<port>`; the client's HTTP agent
// resolves `<account>.localhost` to 127.0.0.1 (clientConfig()), and the stand-in checks that the Host's
// account is the ARN's, as the service's routing implies. Signatures are not verified, but the algorithm is
// recorded, so a test can see SigV4A was used.
//
// The edge's side, for an emulated CloudFront Function (test/deploy/cloudfront-function-runner.js --kvs-url):
//
//   GET /__edge/{KvsARN or store id}/{Key}   -> 200, the value as a text/plain body; 404 when the edge has no such key
//
// answered from the store as an edge sees it (edgeGet: `propagationMs` behind the API), with no signature or
// host check: the function runtime reads its associated store without credentials. A store that doesn't exist
// answers 500 (a function's association names an existing store, so that is a test's setup error, not a miss).
// `GET /__standin/state` returns the stores' committed items and every API request answered, for a test driving
// the stand-in as a process (kvs-standin-server.ts).
//
// Not implemented: the control plane (CreateKeyValueStore, import from S3: createStore() instead), the
// ThrottlingException the service sends on its own (inject() makes one), authorization. Choices where the
// service's behaviour isn't documented: deleting a missing key with DeleteKey is ResourceNotFoundException,
// with UpdateKeys it is accepted (nothing to delete); a key named twice in one UpdateKeys is a
// ValidationException. Limits are counted in UTF-8 bytes (the guide says "characters"; bytes is the stricter
// reading for ASCII-or-not keys the module writes).
import * as http from 'http';
import { AddressInfo } from 'net';

/** Service limits (CloudFront Developer Guide, "File format for key-value pairs" and quotas). */
export const STANDIN_LIMITS = { keyBytes: 512, valueBytes: 1024, storeBytes: 5 * 1024 * 1024, listMax: 50 } as const;

/** One request the stand-in answered. */
export interface KvsRequest {
  readonly op: string;
  readonly arn?: string;
  readonly key?: string;
  readonly status: number;
  /** The modeled error's name, for an error answer. */
  readonly error?: string;
  /** The Authorization header's algorithm (`AWS4-ECDSA-P256-SHA256` for SigV4A), or 'none'. */
  readonly signature: string;
  /** `x-amz-region-set` (SigV4A's region set; `*` for this global service). */
  readonly regionSet?: string;
  /** The access key id the request was signed with (the Authorization header's `Credential=<id>/...`). */
  readonly accessKeyId?: string;
  /** For a successful write: the keys it put or deleted. */
  readonly changed?: readonly string[];
}

interface Snapshot {
  readonly at: number;
  readonly items: ReadonlyMap<string, string>;
}

interface Store {
  readonly arn: string;
  readonly account: string;
  items: Map<string, string>;
  version: number;
  readonly created: number;
  lastModified: number;
  /** Every committed state with its time: what an edge sees lags it by propagationMs. */
  readonly history: Snapshot[];
}

interface Injected {
  readonly op: string;
  remaining: number;
  readonly status: number;
  readonly error: string;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

/** Options of the stand-in. */
export interface KvsStandinOptions {
  /**
   * How long a committed write takes to reach the "edge" (edgeGet): the service documents propagation to
   * CloudFront's edges within seconds. 0: at once.
   */
  readonly propagationMs?: number;
}

const ARN = /^arn:aws:cloudfront::([0-9]{12}):key-value-store\/[A-Za-z0-9-]{1,64}$/;

/** The stand-in server; `await KvsStandin.start()`, `close()` when done. */
export class KvsStandin {
  /** Starts listening on a free loopback port. */
  static async start(options: KvsStandinOptions = {}): Promise<KvsStandin> {
    const standin = new KvsStandin(options);
    await new Promise<void>((resolve, reject) => {
      standin.server.once('error', reject);
      standin.server.listen(0, '127.0.0.1', () => resolve());
    });
    return standin;
  }

  /** Every request answered, in order. */
  readonly requests: KvsRequest[] = [];
  /** Every edge read (`/__edge/...`), in order: the key and whether the edge had it. */
  readonly edgeReads: { readonly arn: string; readonly key: string; readonly found: boolean }[] = [];
  private readonly stores = new Map<string, Store>();
  private readonly injected: Injected[] = [];
  private readonly server: http.Server;
  /** See KvsStandinOptions.propagationMs; may be changed between steps. */
  propagationMs: number;
  private readonly agent: http.Agent;

  private constructor(options: KvsStandinOptions) {
    this.propagationMs = options.propagationMs ?? 0;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks), res));
    });
    // `<account>.localhost` is what the client's endpoint rules make of `http://localhost:<port>`.
    this.agent = new http.Agent({
      keepAlive: true,
      lookup: ((_hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (lookupOptions?.all) {
          callback(null, [{ address: '127.0.0.1', family: 4 }]);
        } else {
          callback(null, '127.0.0.1', 4);
        }
      }) as unknown as http.AgentOptions['lookup'],
    });
  }

  /** `http://localhost:<port>`: the `endpoint` to give the client (with clientConfig()'s request handler). */
  get endpoint(): string {
    return `http://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * What a CloudFrontKeyValueStoreClient needs to reach the stand-in: the endpoint and an HTTP agent that
   * resolves `<account>.localhost` to loopback. Spread it into the client's configuration.
   */
  clientConfig(): { endpoint: string; requestHandler: { httpAgent: http.Agent } } {
    return { endpoint: this.endpoint, requestHandler: { httpAgent: this.agent } };
  }

  /** Creates an empty store (the control plane's CreateKeyValueStore), optionally with items. */
  createStore(arn: string, items: Record<string, string> = {}): void {
    const m = ARN.exec(arn);
    if (!m) {
      throw new Error(`not a KeyValueStore ARN: ${arn}`);
    }
    const now = Date.now();
    const store: Store = { arn, account: m[1], items: new Map(Object.entries(items)), version: 1, created: now, lastModified: now, history: [] };
    store.history.push({ at: now, items: new Map(store.items) });
    this.stores.set(arn, store);
  }

  /** The store's committed items (what the API returns). */
  items(arn: string): Record<string, string> {
    return Object.fromEntries(this.store(arn).items);
  }

  /** The store's current ETag. */
  etag(arn: string): string {
    return etagOf(this.store(arn));
  }

  /** A key as a CloudFront Function's `kvs().get` sees it at an edge: as committed `propagationMs` ago. */
  edgeGet(arn: string, key: string): string | undefined {
    const store = this.store(arn);
    const seen = Date.now() - this.propagationMs;
    let snapshot = store.history[0];
    for (const s of store.history) {
      if (s.at <= seen) {
        snapshot = s;
      }
    }
    return snapshot.items.get(key);
  }

  /** Successful writes (PutKey, DeleteKey, UpdateKeys), in order. */
  writes(): KvsRequest[] {
    return this.requests.filter((r) => r.changed !== undefined);
  }

  /** The next `count` requests of `op` (e.g. 'UpdateKeys') answer this error instead, changing nothing. */
  inject(op: string, error = 'ThrottlingException', status = 400, count = 1): void {
    this.injected.push({ op, remaining: count, status, error });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private store(arn: string): Store {
    const store = this.stores.get(arn);
    if (!store) {
      throw new Error(`no store ${arn} (createStore first)`);
    }
    return store;
  }

  private answer(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const segments = url.pathname.split('/').slice(1).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const method = req.method ?? 'GET';
    if (segments[0] === '__edge' || segments[0] === '__standin') {
      this.answerTest(method, segments, res);
      return;
    }
    const authorization = String(req.headers.authorization ?? '');
    const record = {
      signature: authorization.split(' ')[0] || 'none',
      regionSet: req.headers['x-amz-region-set'] as string | undefined,
      accessKeyId: /Credential=([^/,\s]+)\//.exec(authorization)?.[1],
    };
    let op = 'Unknown';
    let arn: string | undefined;
    let key: string | undefined;
    try {
      if (segments[0] !== 'key-value-stores' || !segments[1]) {
        throw new ApiError(404, 'UnknownOperationException', `no operation at ${method} ${url.pathname}`);
      }
      arn = segments[1];
      key = segments[3];
      op = operation(method, segments);
      const store = this.stores.get(arn);
      if (!store) {
        throw new ApiError(404, 'ResourceNotFoundException', `Key value store ${arn} not found`);
      }
      const host = String(req.headers.host ?? '');
      if (!host.startsWith(`${store.account}.`)) {
        throw new ApiError(400, 'ValidationException', `request for ${arn} sent to host ${host}: the endpoint must be the ARN's account (${store.account}.<endpoint>)`);
      }
      const injected = this.injected.find((i) => i.op === op && i.remaining > 0);
      if (injected) {
        injected.remaining--;
        throw new ApiError(injected.status, injected.error, `injected ${injected.error}`);
      }
      const { status, headers, json, changed } = this.operate(op, store, key, url, req.headers['if-match'] as string | undefined, body);
      this.requests.push({ op, arn, key, status, changed, ...record });
      send(res, status, headers, json);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(500, 'InternalServerException', (error as Error).message);
      this.requests.push({ op, arn, key, status: e.status, error: e.type, ...record });
      send(res, e.status, { 'x-amzn-ErrorType': e.type }, { Message: e.message });
    }
  }

  /** The edge read path and the state dump (see the header): not API operations, so not in `requests`. */
  private answerTest(method: string, segments: string[], res: http.ServerResponse): void {
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    if (method !== 'GET') {
      text(405, `${method} is not answered on /${segments[0]}`);
      return;
    }
    if (segments[0] === '__standin') {
      const stores = Object.fromEntries([...this.stores.keys()].map((arn) => [arn, { items: this.items(arn), etag: this.etag(arn) }]));
      send(res, 200, {}, { stores, requests: this.requests, edgeReads: this.edgeReads, propagationMs: this.propagationMs });
      return;
    }
    // /__edge/<ARN or id>/<key>: an ARN arrives in several segments (it contains a slash) unless encoded.
    const ref = segments.slice(1, -1).join('/');
    const key = segments[segments.length - 1];
    const store = this.stores.get(ref) ?? [...this.stores.values()].find((s) => s.arn.endsWith(`/${ref}`));
    if (!store || segments.length < 3 || !key) {
      text(500, `no store ${JSON.stringify(ref)} for the edge read /${segments.join('/')} (stores: ${[...this.stores.keys()].join(', ') || 'none'})`);
      return;
    }
    const value = this.edgeGet(store.arn, key);
    this.edgeReads.push({ arn: store.arn, key, found: value !== undefined });
    if (value === undefined) {
      text(404, `no key ${key} at the edge`);
    } else {
      text(200, value);
    }
  }

  private operate(op: string, store: Store, key: string | undefined, url: URL, ifMatch: string | undefined, body: Buffer): {
    status: number; headers: Record<string, string>; json: unknown; changed?: string[];
  } {
    const sizes = () => ({ ItemCount: store.items.size, TotalSizeInBytes: storeBytes(store.items) });
    switch (op) {
      case 'DescribeKeyValueStore':
        return {
          status: 200,
          headers: { ETag: etagOf(store) },
          json: {
            ...sizes(), KvsARN: store.arn, Created: store.created / 1000, LastModified: store.lastModified / 1000, Status: 'READY',
          },
        };
      case 'GetKey': {
        const value = store.items.get(key!);
        if (value === undefined) {
          throw new ApiError(404, 'ResourceNotFoundException', `Key ${key} not found`);
        }
        return { status: 200, headers: {}, json: { Key: key, Value: value, ...sizes() } };
      }
      case 'ListKeys': {
        const max = url.searchParams.has('MaxResults') ? Number(url.searchParams.get('MaxResults')) : STANDIN_LIMITS.listMax;
        if (!Number.isInteger(max) || max < 1 || max > STANDIN_LIMITS.listMax) {
          throw new ApiError(400, 'ValidationException', `MaxResults must be 1 to ${STANDIN_LIMITS.listMax}`);
        }
        const token = url.searchParams.get('NextToken');
        const after = token === null ? undefined : Buffer.from(token, 'base64url').toString('utf-8');
        const sorted = [...store.items.keys()].sort().filter((k) => after === undefined || k > after);
        const page = sorted.slice(0, max);
        const more = sorted.length > max;
        return {
          status: 200,
          headers: {},
          json: {
            Items: page.map((k) => ({ Key: k, Value: store.items.get(k) })),
            ...(more ? { NextToken: Buffer.from(page[page.length - 1]).toString('base64url') } : {}),
          },
        };
      }
      case 'PutKey': {
        const request = parseBody(body) as { Value?: unknown };
        return this.write(store, ifMatch, [{ Key: key, Value: request.Value }], []);
      }
      case 'DeleteKey':
        if (!store.items.has(key!)) {
          throw new ApiError(404, 'ResourceNotFoundException', `Key ${key} not found`);
        }
        return this.write(store, ifMatch, [], [{ Key: key }]);
      case 'UpdateKeys': {
        const request = parseBody(body) as { Puts?: unknown; Deletes?: unknown };
        const puts = request.Puts ?? [];
        const deletes = request.Deletes ?? [];
        if (!Array.isArray(puts) || !Array.isArray(deletes)) {
          throw new ApiError(400, 'ValidationException', 'Puts and Deletes must be lists');
        }
        return this.write(store, ifMatch, puts, deletes);
      }
      default:
        throw new ApiError(404, 'UnknownOperationException', `unknown operation ${op}`);
    }
  }

  /** All-or-nothing: every item checked, then the ETag, then applied as one new version. */
  private write(store: Store, ifMatch: string | undefined, puts: unknown[], deletes: unknown[]) {
    const seen = new Set<string>();
    const checked = (item: unknown, withValue: boolean) => {
      const { Key, Value } = (item ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key !== 'string' || Key.length === 0) {
        throw new ApiError(400, 'ValidationException', 'Key must be a non-empty string');
      }
      if (Buffer.byteLength(Key) > STANDIN_LIMITS.keyBytes) {
        throw new ApiError(400, 'ValidationException', `Key size ${Buffer.byteLength(Key)} bytes exceeds the limit of ${STANDIN_LIMITS.keyBytes}`);
      }
      if (withValue && typeof Value !== 'string') {
        throw new ApiError(400, 'ValidationException', `Value of ${Key} must be a string`);
      }
      if (withValue && Buffer.byteLength(Value as string) > STANDIN_LIMITS.valueBytes) {
        throw new ApiError(400, 'ValidationException', `Value size ${Buffer.byteLength(Value as string)} bytes of ${Key} exceeds the limit of ${STANDIN_LIMITS.valueBytes}`);
      }
      if (seen.has(Key)) {
        throw new ApiError(400, 'ValidationException', `Key ${Key} appears more than once in the request`);
      }
      seen.add(Key);
      return { Key, Value: Value as string };
    };
    const p = puts.map((i) => checked(i, true));
    const d = deletes.map((i) => checked(i, false));
    if (!ifMatch) {
      throw new ApiError(400, 'ValidationException', 'If-Match (the store\'s ETag) is required');
    }
    if (ifMatch !== etagOf(store)) {
      throw new ApiError(409, 'ConflictException', `Pre-condition failed: the ETag ${ifMatch} is not the store's current one`);
    }
    const next = new Map(store.items);
    for (const { Key } of d) {
      next.delete(Key);
    }
    for (const { Key, Value } of p) {
      next.set(Key, Value);
    }
    if (storeBytes(next) > STANDIN_LIMITS.storeBytes) {
      throw new ApiError(402, 'ServiceQuotaExceededException', `the store would exceed ${STANDIN_LIMITS.storeBytes} bytes`);
    }
    store.items = next;
    store.version++;
    store.lastModified = Date.now();
    store.history.push({ at: store.lastModified, items: new Map(next) });
    return {
      status: 200,
      headers: { ETag: etagOf(store) },
      json: { ItemCount: next.size, TotalSizeInBytes: storeBytes(next) },
      changed: [...p, ...d].map((i) => i.Key),
    };
  }
}

function operation(method: string, segments: string[]): string {
  const route = `${method} ${segments.length === 2 ? 'store' : segments[2] === 'keys' && segments.length === 3 ? 'keys' : segments[2] === 'keys' && segments.length === 4 ? 'key' : '?'}`;
  const ops: Record<string, string> = {
    'GET store': 'DescribeKeyValueStore',
    'GET keys': 'ListKeys',
    'POST keys': 'UpdateKeys',
    'GET key': 'GetKey',
    'PUT key': 'PutKey',
    'DELETE key': 'DeleteKey',
  };
  const op = ops[route];
  if (!op) {
    throw new ApiError(404, 'UnknownOperationException', `no operation at ${method} /${segments.join('/')}`);
  }
  return op;
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) {
    return {};
  }
  try {
    const value = JSON.parse(body.toString('utf-8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('not an object');
    }
    return value;
  } catch (error) {
    throw new ApiError(400, 'ValidationException', `the request body is not a JSON object: ${(error as Error).message}`);
  }
}

function etagOf(store: Store): string {
  return `KV${store.version.toString(36).toUpperCase().padStart(13, '0')}`;
}

function storeBytes(items: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [k, v] of items) {
    n += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  return n;
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, json: unknown): void {
  const body = Buffer.from(JSON.stringify(json));
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
  res.end(body);
}
