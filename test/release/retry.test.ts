// The SDK's own retry strategy, as the release module configures it (SDK_RETRY), against a stub HTTP handler:
// aws-sdk-client-mock replaces `send` and so bypasses the retry middleware, which is why these tests use a real
// client instead of the mock.
import { Readable } from 'stream';
import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SDK_RETRY } from '../../src/release/clients';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** A request handler answering the given responses in turn, counting requests. */
function stub(responses: { status: number; body: string; headers?: Record<string, string> }[]) {
  const seen: string[] = [];
  return {
    seen,
    handler: {
      handle: async (request: { method: string; path: string }) => {
        seen.push(`${request.method} ${request.path}`);
        const r = responses[Math.min(seen.length - 1, responses.length - 1)];
        return { response: { statusCode: r.status, reason: '', headers: { 'content-type': 'application/xml', ...r.headers }, body: Readable.from([Buffer.from(r.body)]) } };
      },
    },
  };
}

const SLOW_DOWN = { status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' };
const OK = { status: 200, body: '', headers: { etag: '"abc"' } };

describe('retries (the SDK strategy the release clients use)', () => {
  test('S3 SlowDown (throttling) is retried with back-off until it succeeds', async () => {
    const { seen, handler } = stub([SLOW_DOWN, OK]);
    const s3 = new S3Client({ region: 'us-east-1', credentials, requestHandler: handler as never, ...SDK_RETRY });
    const result = await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'assets/a-ABCDEFGH.js', Body: Buffer.from('x') }));
    expect(seen).toHaveLength(2);
    expect(result.$metadata.attempts).toBe(2);
    expect(result.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(0);
  });

  test('a 500 is retried too; an access error is not', async () => {
    const flaky = stub([{ status: 500, body: '<Error><Code>InternalError</Code><Message>x</Message></Error>' }, OK]);
    const s3 = new S3Client({ region: 'us-east-1', credentials, requestHandler: flaky.handler as never, ...SDK_RETRY });
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.from('x') }));
    expect(flaky.seen).toHaveLength(2);

    const denied = stub([{ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' }]);
    const s3Denied = new S3Client({ region: 'us-east-1', credentials, requestHandler: denied.handler as never, ...SDK_RETRY });
    await expect(s3Denied.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.from('x') }))).rejects.toThrow(/Access Denied/);
    expect(denied.seen).toHaveLength(1);
  });

  test('a KeyValueStore ThrottlingException is retried', async () => {
    const { seen, handler } = stub([
      { status: 429, body: '{"message":"Rate exceeded"}', headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' } },
      { status: 200, body: '{"ETag":"E2","KvsARN":"arn","ItemCount":1,"TotalSizeInBytes":1,"Created":1}', headers: { 'content-type': 'application/json', 'etag': 'E2' } },
    ]);
    const kvs = new CloudFrontKeyValueStoreClient({ region: 'us-east-1', credentials, requestHandler: handler as never, ...SDK_RETRY });
    const arn = 'arn:aws:cloudfront::111122223333:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const result = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
    expect(seen).toHaveLength(2);
    expect(result.$metadata.attempts).toBe(2);
  });
});
