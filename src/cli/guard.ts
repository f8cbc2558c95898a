import { AwsClients, InterruptedError } from './env';
import { terminalSafe } from '../private/text';

/** The endpoint variable of each client's service (AWS_ENDPOINT_URL_<SERVICE>), besides AWS_ENDPOINT_URL. */
const ENDPOINT_VARIABLES: Record<string, string> = {
  sts: 'AWS_ENDPOINT_URL_STS',
  cloudFormation: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  codePipeline: 'AWS_ENDPOINT_URL_CODEPIPELINE',
  codeCommit: 'AWS_ENDPOINT_URL_CODECOMMIT',
  connections: 'AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS',
  ssm: 'AWS_ENDPOINT_URL_SSM',
  codeBuild: 'AWS_ENDPOINT_URL_CODEBUILD',
  s3: 'AWS_ENDPOINT_URL_S3',
  kvs: 'AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE',
};

/** An endpoint answered something that is not an AWS API (an HTML page, a body the SDK could not read). */
export class NotAwsApiError extends Error {
  /** `what` happened, then `hint`: what to check. */
  constructor(readonly what: string, readonly hint?: string) {
    super(hint ? `${what}: ${hint}` : what);
    this.name = 'NotAwsApiError';
  }
}

/** The endpoint could not be reached (refused, no such host, TLS), named. */
export class UnreachableError extends Error {
  constructor(readonly what: string, readonly hint: string) {
    super(`${what}: ${hint}`);
    this.name = 'UnreachableError';
  }
}

interface SdkLikeClient {
  send: (command: unknown, options?: unknown) => Promise<unknown>;
  middlewareStack?: { add: (middleware: unknown, options: Record<string, unknown>) => void };
}

const guarded = new WeakSet<object>();
/** Where a request went: set on the middleware context per call, copied onto its error. */
const ENDPOINT = Symbol('ecom-platform endpoint');
const NETWORK = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)\b/;

/**
 * The clients, each `send` made to end at once when `signal` aborts (Ctrl-C: the request is aborted and the
 * call rejects with InterruptedError, even while credentials are still being resolved), and to name the
 * endpoint when it answers something that is not an AWS API or cannot be reached. `env` is read for the
 * variables that point the SDK elsewhere.
 */
export function guardClients(clients: AwsClients, signal: AbortSignal, env: Record<string, string | undefined>): AwsClients {
  for (const [key, variable] of Object.entries(ENDPOINT_VARIABLES)) {
    const client = (clients as unknown as Record<string, SdkLikeClient | undefined>)[key];
    if (!client || typeof client.send !== 'function' || guarded.has(client)) {
      continue;
    }
    guarded.add(client);
    client.middlewareStack?.add(endpointOnErrorMiddleware, { step: 'initialize', priority: 'high', name: 'ecomPlatformEndpointOnError' });
    client.middlewareStack?.add(notAwsApiMiddleware, { step: 'deserialize', priority: 'low', name: 'ecomPlatformNotAwsApi' });
    const send = client.send;
    const hint = endpointHint(env, variable);
    client.send = (command: unknown, options?: unknown) => {
      if (signal.aborted) {
        return Promise.reject(new InterruptedError());
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(new InterruptedError());
        signal.addEventListener('abort', onAbort, { once: true });
        send.call(client, command, { abortSignal: signal, ...(options as object | undefined) })
          .then(resolve, (error: unknown) => reject(signal.aborted ? new InterruptedError() : explain(error, hint)))
          .finally(() => signal.removeEventListener('abort', onAbort));
      });
    };
  }
  return clients;
}

/** Where the SDK was pointed elsewhere than AWS, for messages. */
function endpointHint(env: Record<string, string | undefined>, variable: string): string {
  for (const name of [variable, 'AWS_ENDPOINT_URL']) {
    if (env[name]) {
      return `${name} is set to ${terminalSafe(JSON.stringify(env[name]))}: unset it to reach AWS, or point it at an AWS API (or an emulator such as moto)`;
    }
  }
  return 'check endpoint_url in your AWS profile, a proxy (HTTPS_PROXY) and the network';
}

/** The SDK's error, or one naming the endpoint when it is not an AWS API or cannot be reached. */
function explain(error: unknown, hint: string): unknown {
  if (error instanceof NotAwsApiError) {
    return new NotAwsApiError(error.what, hint);
  }
  if (typeof error !== 'object' || error === null) {
    return error;
  }
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  const endpoint = (error as Record<symbol, string | undefined>)[ENDPOINT] ?? 'the endpoint';
  if (name === 'SyntaxError' || /Deserialization error/.test(message ?? '')) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return new NotAwsApiError(`${endpoint} answered${status ? ` (HTTP ${status})` : ''} with something that is not an AWS API's answer `
      + `(${firstLine(message ?? '')})`, hint);
  }
  const network = NETWORK.exec(`${code ?? ''} ${message ?? ''}`)?.[1];
  if (network) {
    return new UnreachableError(`could not reach ${endpoint} (${network})`, hint);
  }
  return error;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim().slice(0, 120);
}

/** The request's origin: `https://codepipeline.eu-west-1.amazonaws.com`. */
function originOf(request: { protocol?: string; hostname?: string; port?: number } | undefined): string | undefined {
  if (!request?.hostname) {
    return undefined;
  }
  return terminalSafe(`${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`);
}

/** Outermost: the error of a call (after the SDK's retries, which may replace it) carries the endpoint. */
const endpointOnErrorMiddleware = (next: (args: any) => Promise<any>, context: any) => async (args: any) => {
  try {
    return await next(args);
  } catch (error) {
    if (typeof error === 'object' && error !== null && context?.[ENDPOINT]) {
      (error as Record<symbol, string>)[ENDPOINT] = context[ENDPOINT];
    }
    throw error;
  }
};

/**
 * Innermost: notes the endpoint, and reads the raw answer before the SDK's deserializer: an HTML page is
 * refused with the endpoint named (the query-protocol deserializers of CloudFormation and STS read one as an
 * empty answer: no stacks, no account).
 */
const notAwsApiMiddleware = (next: (args: any) => Promise<any>, context: any) => async (args: any) => {
  const endpoint = originOf(args.request);
  if (context && endpoint) {
    context[ENDPOINT] = endpoint;
  }
  const result = await next(args);
  const response = result?.response;
  const body = response?.body;
  // An object's content is the bucket owner's data (an HTML page is a fine object), and S3 hands it on as a
  // stream: left as it is.
  if (context?.commandName === 'GetObjectCommand' && response?.statusCode < 300) {
    return result;
  }
  if (body && typeof body[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    const head = bytes.subarray(0, 512).toString('utf8').replace(/^\uFEFF?\s*/, '');
    if (/^<(!doctype\s+html|html[\s>])/i.test(head)) {
      const title = /<title[^>]*>([^<]{0,200})/i.exec(bytes.subarray(0, 4096).toString('utf8'))?.[1]?.trim();
      throw new NotAwsApiError(`${endpoint ?? 'the endpoint'} answered with an HTML page (HTTP ${response.statusCode}`
        + `${title ? `, ${terminalSafe(JSON.stringify(title.slice(0, 80)))}` : ''}), not an AWS API`);
    }
    response.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return result;
};
