import { spawn } from 'child_process';
import * as readline from 'readline';
import { awsClients } from './aws';
import { AwsClients, CliEnv, CommandRunner } from './env';

/** Runs commands as child processes of this one. */
export const processRunner: CommandRunner = {
  run: (command, args, options) => new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
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

/**
 * The CLI's environment in this process: its terminal, environment, child processes and AWS SDK clients
 * (`clients` can be replaced, which the menu's terminal test does). Call `close()` when done.
 */
export function nodeCliEnv(clients: (options: { region?: string; profile?: string }) => AwsClients = awsClients): CliEnv & { close(): void } {
  const signal = { stopped: false };
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
  // Ctrl-C stops loops at once (a pending sleep ends early); a second Ctrl-C exits.
  const wakers = new Set<() => void>();
  process.on('SIGINT', () => {
    if (signal.stopped) {
      process.exit(130);
    }
    signal.stopped = true;
    wakers.forEach((wake) => wake());
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
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    }),
    now: () => new Date(),
    signal,
    close: () => rl?.close(),
  };
}
