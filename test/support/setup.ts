import { afterAll } from 'vitest';
import { removeTempDirs, runFileCleanups } from './temp.js';

// Runs before every test file (vitest.config.ts `setupFiles`): the folders a file's tests made go with it.
afterAll(async () => {
  await runFileCleanups();
  removeTempDirs();
});
