// What the release functions talk to, passed in rather than created inside, so tests give them mocks (S3,
// KeyValueStore), a fake `fetch` (the distribution) and a fake clock (polling and back-off without waiting).
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { S3Client } from '@aws-sdk/client-s3';
// The KeyValueStore API is signed with SigV4A (its endpoint is global); the client finds the signer only when
// this package has been loaded, so it is imported for that side effect.
import '@aws-sdk/signature-v4a';
import { AwsCredentialIdentityProvider } from './credentials';

/** The injectable world of the release module. */
export interface ReleaseClients {
  readonly s3: S3Client;
  readonly kvs: CloudFrontKeyValueStoreClient;
  /** Requests through the CloudFront distribution (smoke check, propagation); Node's global fetch in production. */
  readonly fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Progress lines; silent when undefined. */
  readonly log?: (line: string) => void;
}

/**
 * Retries are left to the SDK's own strategy rather than a loop of ours around each call: it already tells
 * throttling (S3 `SlowDown`, KVS `ThrottlingException`), 5xx, timeouts and clock skew apart from real errors,
 * backs off exponentially with jitter (a longer base for throttling), re-signs each attempt, and in adaptive
 * mode also slows the whole client down (a token bucket) once S3 throttles: the right reaction to parallel
 * uploads hitting one prefix's request rate. A second loop of ours on top would multiply attempts.
 */
export const SDK_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;

/**
 * Production clients: the SDK's default region, SDK_RETRY, Node's fetch and clock, and the SDK's default
 * credentials unless `credentials` is given (an assumed role's, with SPA_ROLE_ARN).
 */
export function defaultReleaseClients(options: {
  readonly region?: string;
  readonly log?: (line: string) => void;
  readonly credentials?: AwsCredentialIdentityProvider;
} = {}): ReleaseClients {
  const credentials = options.credentials ? { credentials: options.credentials } : {};
  return {
    s3: new S3Client({ region: options.region, ...SDK_RETRY, ...credentials }),
    // The KVS endpoint is global and signed with SigV4A for region '*'; the client still wants a region to
    // resolve its endpoint rules, any commercial region does.
    kvs: new CloudFrontKeyValueStoreClient({ region: options.region ?? 'us-east-1', ...SDK_RETRY, ...credentials }),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: options.log,
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order; the first error wins. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failed = true; // stop starting new work; what is in flight finishes
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
