import { spawn } from 'child_process';
import { constants as osConstants } from 'os';
import * as readline from 'readline';
import { awsClients } from './aws';
import { AwsClients, CliEnv, CommandRunner } from './env';

/** How many child processes run with the terminal (the CDK CLI): Ctrl-C reaches them too, and they end first. */
let foregroundChildren = 0;

/** Runs commands as child processes of this one. */
export const processRunner: CommandRunner = {
  run: (command, args, options) => new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'inherit' });
    foregroundChildren++;
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        foregroundChildren--;
      }
    };
    child.on('error', (error) => {
      end();
      reject(error);
    });
    // A child ended by a signal: 128 + its number, as a shell reports it (130 for SIGINT).
    child.on('close', (code, signal) => {
      end();
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
    });
  }),
  capture: (command, args, options) => new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  }),
};

/** How long the command has, after Ctrl-C, to say what it stopped before the process exits anyway. */
export const INTERRUPT_GRACE_MS = 1000;

/**
 * The CLI's environment in this process: its terminal, environment, child processes and AWS SDK clients
 * (`clients` can be replaced, which the menu's terminal test does). Call `close()` when done.
 */
export function nodeCliEnv(clients: (options: { region?: string; profile?: string }) => AwsClients = awsClients): CliEnv & { close(): void } {
  const controller = new AbortController();
  let rl: readline.Interface | undefined;
  let ended = false;
  // `ecom-platform status | head`: a closed pipe ends the command quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') {
        throw error;
      }
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
  // Ctrl-C: AWS calls in flight are aborted, a pending sleep ends, loops stop, and the command returns 130. The
  // process exits with 130 after a short grace even if something does not stop (a credential provider's request),
  // unless the CDK CLI runs on the terminal: it got the Ctrl-C too and ends on its own. A second Ctrl-C exits.
  const wakers = new Set<() => void>();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    controller.abort();
    wakers.forEach((wake) => wake());
    if (foregroundChildren === 0) {
      setTimeout(() => process.exit(130), INTERRUPT_GRACE_MS).unref();
    }
  });
  return {
    out: { write: (text) => process.stdout.write(text) },
    err: { write: (text) => process.stderr.write(text) },
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    nodeVersion: process.versions.node,
    runner: processRunner,
    clients,
    fetch: (url, init) => fetch(url, init),
    ask: (question) => {
      if (ended) {
        return Promise.resolve(undefined);
      }
      if (!rl) {
        rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        rl.on('SIGINT', () => process.exit(130));
        rl.on('close', () => { ended = true; });
      }
      const prompt = rl;
      return new Promise((resolve) => {
        const onClose = () => resolve(undefined);
        prompt.once('close', onClose);
        prompt.question(question, (answer) => {
          prompt.off('close', onClose);
          // Commands run after the question (the CDK CLI) have the terminal to themselves.
          prompt.pause();
          resolve(answer);
        });
      });
    },
    sleep: (ms) => new Promise((resolve) => {
      if (controller.signal.aborted) {
        resolve();
        return;
      }
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    }),
    now: () => new Date(),
    signal: controller.signal,
    close: () => rl?.close(),
  };
}
