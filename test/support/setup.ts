import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

// Runs before every test file (vitest.config.ts `setupFiles`): the folders a file's tests made go with it.
afterAll(removeTempDirs);
