// The check a release passes before it goes live: opened through the real distribution with the pin headers,
// its entry page (and a deep link) must be its own index.html, and every script, stylesheet and module preload
// the page references must answer 200 with a plausible Content-Type. Lazy chunks referenced only from
// JavaScript aren't visible here; the user's own commands (Playwright, curl) cover those.
import { createHash } from 'crypto';
import { ReleaseClients, mapLimit } from './clients';
import { ENTRY_FILE, PIN_HEADERS, checkReleaseId } from './contract';

/** Where and what to check. */
export interface SmokeCheckOptions {
  /** The distribution's URL, e.g. `https://d111111abcdef8.cloudfront.net` or the site's domain. */
  readonly baseUrl: string;
  readonly releaseId: string;
  /** The store's pin token (ensurePinToken). */
  readonly pinToken: string;
  /** Hex MD5 of the release's index.html (from its manifest): proves the pinned release is what answered. */
  readonly entryMd5?: string;
  /** A client-side route that must be served the entry page; default `/__release-check/deep/link`. */
  readonly deepLink?: string;
  /** Extra attempts after a network error or a 5xx (not after a 4xx: that is an answer); default 2. */
  readonly retries?: number;
  /**
   * With `entryMd5`: how long to keep asking for the entry page until the pinned release answers; default
   * 60,000 ms. A pin token the deploy has just created reaches the edges seconds after the write, and until
   * then the edge ignores the pin headers (it serves the live release, or nothing on a first deploy). 0: one try.
   */
  readonly pinWaitMs?: number;
  /** Between those tries; default 1,000 ms. */
  readonly pinIntervalMs?: number;
}

/** One request the check made. */
export interface SmokeCheckRequest {
  readonly url: string;
  readonly kind: 'entry' | 'deep link' | 'script' | 'stylesheet' | 'modulepreload';
  readonly status: number;
  readonly contentType: string;
}

/** The outcome; goLive refuses a result that isn't ok, or is for another release. */
export interface SmokeCheckResult {
  readonly releaseId: string;
  readonly ok: boolean;
  /** Why it failed, one line each; empty when ok. */
  readonly reasons: readonly string[];
  readonly requests: readonly SmokeCheckRequest[];
  /** References to other origins (CDNs, analytics), not checked. */
  readonly skipped: readonly string[];
  /** How long the check waited for the pinned release to answer (pin token propagation), in ms. */
  readonly pinWaitMs: number;
}

const PLAUSIBLE: Record<SmokeCheckRequest['kind'], RegExp> = {
  'entry': /^text\/html\b/i,
  'deep link': /^text\/html\b/i,
  'script': /^(text|application)\/(javascript|ecmascript|x-javascript)\b/i,
  'modulepreload': /^(text|application)\/(javascript|ecmascript|x-javascript)\b/i,
  'stylesheet': /^text\/css\b/i,
};

/** Runs the smoke check; never throws for what the distribution answers, only for bad options. */
export async function smokeCheck(clients: ReleaseClients, options: SmokeCheckOptions): Promise<SmokeCheckResult> {
  const releaseId = checkReleaseId(options.releaseId, 'smokeCheck releaseId');
  const base = new URL(options.baseUrl);
  const headers = { [PIN_HEADERS.release]: releaseId, [PIN_HEADERS.token]: options.pinToken };
  const reasons: string[] = [];
  const requests: SmokeCheckRequest[] = [];
  const retries = options.retries ?? 2;

  /** One answer after the retries of network errors and 5xx, or the error that ended them. */
  const fetchOnce = async (url: URL): Promise<{ status: number; contentType: string; body: Buffer } | { error: string }> => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await clients.fetch(url, { headers, redirect: 'manual' });
      } catch (error) {
        if (attempt < retries) {
          await clients.sleep(250 * 2 ** attempt);
          continue;
        }
        return { error: (error as Error).message };
      }
      if (response.status >= 500 && attempt < retries) {
        await response.arrayBuffer().catch(() => undefined);
        await clients.sleep(250 * 2 ** attempt);
        continue;
      }
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
    }
  };
  /** Records an answer; its body when it is a 200 of a plausible type. */
  const accept = (url: URL, kind: SmokeCheckRequest['kind'], answer: Awaited<ReturnType<typeof fetchOnce>>): Buffer | undefined => {
    if ('error' in answer) {
      reasons.push(`${kind} ${url.pathname}: request failed: ${answer.error}`);
      return undefined;
    }
    requests.push({ url: url.href, kind, status: answer.status, contentType: answer.contentType });
    if (answer.status !== 200) {
      reasons.push(`${kind} ${url.pathname}: HTTP ${answer.status} (expected 200)`);
      return undefined;
    }
    if (!PLAUSIBLE[kind].test(answer.contentType)) {
      reasons.push(`${kind} ${url.pathname}: Content-Type "${answer.contentType}" is not what a browser accepts for a ${kind}`);
      return undefined;
    }
    return answer.body;
  };
  const get = async (url: URL, kind: SmokeCheckRequest['kind']) => accept(url, kind, await fetchOnce(url));
  const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
  const isOwnEntry = (body: Buffer, kind: string) => {
    if (options.entryMd5 && md5(body) !== options.entryMd5) {
      reasons.push(`${kind}: the page served is not release ${releaseId}'s ${ENTRY_FILE} (is the pin token right, and does the routing function read the store?)`);
    }
  };

  // Until the pin token has reached the edge, the edge answers as if no pin header had been sent: keep asking
  // (bounded) until the release's own entry page comes back, and judge only the last answer.
  const entryUrl = new URL('/', base);
  const waitStart = clients.now();
  const pinWaitMs = options.entryMd5 ? options.pinWaitMs ?? 60_000 : 0;
  const interval = options.pinIntervalMs ?? 1_000;
  const isPinned = (a: Awaited<ReturnType<typeof fetchOnce>>) => 'status' in a && a.status === 200 && md5(a.body) === options.entryMd5;
  let answer = await fetchOnce(entryUrl);
  while (!isPinned(answer) && clients.now() - waitStart + interval <= pinWaitMs) {
    await clients.sleep(interval);
    answer = await fetchOnce(entryUrl);
  }
  const waited = clients.now() - waitStart;
  if (waited > 0 && isPinned(answer)) {
    clients.log?.(`smoke check: release ${releaseId} answered pinned after ${waited} ms (the pin token reaching the edge)`);
  }
  const entry = accept(entryUrl, 'entry', answer);
  if (entry) {
    isOwnEntry(entry, 'entry');
  }
  const deep = await get(new URL(options.deepLink ?? '/__release-check/deep/link', base), 'deep link');
  if (deep) {
    isOwnEntry(deep, 'deep link');
  }
  const skipped: string[] = [];
  if (entry) {
    const refs = htmlReferences(entry.toString('utf-8'));
    const own = refs.flatMap((ref) => {
      let url: URL;
      try {
        url = new URL(ref.href, entryUrl);
      } catch {
        reasons.push(`${ref.kind} "${ref.href}": not a URL`);
        return [];
      }
      if (url.origin !== base.origin) {
        skipped.push(url.href);
        return [];
      }
      return [{ url, kind: ref.kind }];
    });
    await mapLimit(own, 8, ({ url, kind }) => get(url, kind));
  }
  return { releaseId, ok: reasons.length === 0, reasons, requests, skipped, pinWaitMs: waited };
}

/** A reference the entry page makes that the browser loads before the app runs. */
export interface HtmlReference {
  readonly kind: 'script' | 'stylesheet' | 'modulepreload';
  readonly href: string;
}

/**
 * The `<script src>`, `<link rel=stylesheet href>` and `<link rel=modulepreload href>` of an HTML page. A
 * tolerant tag scan rather than a DOM: build tools emit simple, well-formed tags, and the check must not need
 * a parser dependency in the bundle. Comments are removed first so a commented-out tag isn't checked.
 */
export function htmlReferences(html: string): HtmlReference[] {
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  const refs: HtmlReference[] = [];
  for (const match of text.matchAll(/<(script|link)\b([^>]*)>/gi)) {
    const attrs = attributes(match[2]);
    if (match[1].toLowerCase() === 'script') {
      if (attrs.src) {
        refs.push({ kind: 'script', href: attrs.src });
      }
      continue;
    }
    const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
    if (attrs.href && rel.includes('stylesheet')) {
      refs.push({ kind: 'stylesheet', href: attrs.href });
    } else if (attrs.href && rel.includes('modulepreload')) {
      refs.push({ kind: 'modulepreload', href: attrs.href });
    }
  }
  return refs;
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=/>]+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[m[1].toLowerCase()] = decodeEntities(m[3] ?? m[4] ?? m[5] ?? '');
  }
  return out;
}

function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
