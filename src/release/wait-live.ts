// After the switch: polls the live entry page (no pin header, like any visitor) until it is the new release's,
// bounded, and reports how long the store's change took to reach the edge that answers.
import { createHash } from 'crypto';
import { ReleaseClients } from './clients';
import { ENTRY_FILE, ReleaseManifest } from './contract';

/** What to wait for. */
export interface WaitUntilLiveOptions {
  readonly baseUrl: string;
  /** The URL path polled: the release's file that tells it apart (probeFor); default `/`, the entry page. */
  readonly path?: string;
  /** Hex MD5 of that file in the release (by default its index.html, its manifest's entry). */
  readonly entryMd5: string;
  /** When the switch was written (SwitchResult.switchedAt); propagation is measured from it. */
  readonly since: number;
  /** Give up after this long; default 300,000 ms. */
  readonly timeoutMs?: number;
  /** Between polls; default 2,000 ms. */
  readonly intervalMs?: number;
}

/** The outcome: not live within the bound is a result, not an exception (the switch itself succeeded). */
export interface WaitUntilLiveResult {
  readonly live: boolean;
  /** From `since` to the first answer with the release's entry page (or to giving up). */
  readonly propagationMs: number;
  readonly polls: number;
  /** The last thing seen when not live. */
  readonly last?: string;
}

/**
 * Polls `GET /`. Only one edge location answers these requests (the one near the deploy), so this measures
 * propagation there; the store's documented propagation to all edges is within seconds.
 */
export async function waitUntilLive(clients: ReleaseClients, options: WaitUntilLiveOptions): Promise<WaitUntilLiveResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const url = new URL(options.path ?? '/', options.baseUrl);
  let polls = 0;
  let last: string | undefined;
  for (;;) {
    polls++;
    try {
      const response = await clients.fetch(url, { redirect: 'manual' });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status === 200 && createHash('md5').update(body).digest('hex') === options.entryMd5) {
        return { live: true, propagationMs: Math.max(0, clients.now() - options.since), polls };
      }
      last = response.status === 200 ? `the previous release's ${url.pathname === '/' ? 'entry page' : url.pathname}` : `HTTP ${response.status}`;
    } catch (error) {
      last = `request failed: ${(error as Error).message}`;
    }
    const elapsed = clients.now() - options.since;
    if (elapsed + intervalMs > timeoutMs) {
      return { live: false, propagationMs: elapsed, polls, last };
    }
    await clients.sleep(intervalMs);
  }
}

/** A file to poll: its URL path and its MD5 in the release being waited for. */
export interface ReleaseProbe {
  readonly path: string;
  readonly md5: string;
}

/**
 * Which of `next`'s files tells it apart from `current` (the release it replaces) at the edge: the entry page
 * when it differs, else the first un-hashed file that differs or is new. Two releases often share an identical
 * index.html (same hashed assets, only config.json changed); polling it would report the switch served at once.
 * Undefined when every file is identical: nothing a visitor gets changes, so there is nothing to wait for.
 * `current` undefined (the bucket root before releases): the entry page.
 */
export function probeFor(next: ReleaseManifest, current?: ReleaseManifest): ReleaseProbe | undefined {
  const urlPath = (file: string) => (file === ENTRY_FILE ? '/' : `/${file.split('/').map(encodeURIComponent).join('/')}`);
  const entry = next.files.find((f) => f.path === ENTRY_FILE);
  const before = new Map((current?.files ?? []).map((f) => [f.path, f.md5]));
  if (entry && (!current || before.get(ENTRY_FILE) !== entry.md5)) {
    return { path: '/', md5: entry.md5 };
  }
  const differing = [...next.files].sort((a, b) => a.path.localeCompare(b.path)).find((f) => before.get(f.path) !== f.md5);
  return differing ? { path: urlPath(differing.path), md5: differing.md5 } : undefined;
}
