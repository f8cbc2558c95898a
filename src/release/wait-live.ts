// After the switch: polls the live entry page (no pin header, like any visitor) until it is the new release's,
// bounded, and reports how long the store's change took to reach the edge that answers.
import { createHash } from 'crypto';
import { ReleaseClients } from './clients';

/** What to wait for. */
export interface WaitUntilLiveOptions {
  readonly baseUrl: string;
  /** Hex MD5 of the release's index.html (its manifest's entry). */
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
  const url = new URL('/', options.baseUrl);
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
      last = response.status === 200 ? 'the previous release\'s entry page' : `HTTP ${response.status}`;
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
