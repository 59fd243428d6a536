import cluster, { type Worker } from 'node:cluster';

/** A process that dies within this long of starting counts as failing again: its restart waits longer. */
const STEADY_MS = 10_000;
const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 30_000;

/**
 * `masthead start` with MASTHEAD_PROCESSES above 1, in the first process once the database is prepared
 * (`prepareForServers`): runs `count` server processes (this same command, each `startServer`), which share the port
 * (node:cluster hands each new connection to one of them in turn), PostgreSQL and Redis. A server that dies is started
 * again, after a pause that doubles while they keep dying early; one that dies before it ever listened stops them all
 * (the start failed: a port in use, a database gone), and `failed` hears why. SIGINT or SIGTERM stops every server the
 * way one server stops (finishing its requests), then this process exits (0, or 1 after a failed start).
 */
export function superviseServers(options: {
  count: number;
  log: (line: string) => void;
  /** Once every server listens, the first time. */
  ready: () => void;
  failed: (reason: string) => void;
}): void {
  const { count, log } = options;
  /** The servers running now: when each was started, and whether it has listened yet. */
  const running = new Map<Worker, { at: number; listening: boolean }>();
  let stopping = false;
  let failed = false;
  let pause = FIRST_PAUSE_MS;
  let readyOnce = false;
  const exitWhenNoneLeft = () => {
    if (running.size === 0) process.exit(failed ? 1 : 0);
  };

  const fork = () => {
    const worker = cluster.fork();
    const state = { at: Date.now(), listening: false };
    running.set(worker, state);
    worker.once('listening', () => {
      state.listening = true;
      if (!readyOnce && [...running.values()].filter((s) => s.listening).length === count) {
        readyOnce = true;
        options.ready();
      }
    });
  };

  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of running.keys()) worker.process.kill('SIGTERM');
    exitWhenNoneLeft();
  };

  cluster.on('exit', (worker, code, signal) => {
    const state = running.get(worker);
    running.delete(worker);
    if (stopping) {
      exitWhenNoneLeft();
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!state?.listening) {
      failed = true;
      options.failed(`a server process exited (${how}) before it listened`);
      stopAll();
      return;
    }
    const early = Date.now() - state.at < STEADY_MS;
    pause = early ? Math.min(pause * 2, LONGEST_PAUSE_MS) : FIRST_PAUSE_MS;
    log(`A server process exited (${how}); starting another in ${pause} ms.`);
    setTimeout(() => {
      if (!stopping) fork();
    }, pause);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stopAll);
  for (let i = 0; i < count; i++) fork();
}
