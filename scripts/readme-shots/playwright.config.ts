/**
 * `npm run readme-shots`: the README's pictures, taken from the real app in browser mode against
 * a real host (shots.spec.ts), written to docs/images. Not part of the test suite: it rewrites
 * tracked files. The browser settings are the e2e suite's.
 */
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.js';

export default defineConfig({ ...base, testDir: '.', testMatch: 'shots.spec.ts', outputDir: '../../test-results/readme-shots', reporter: 'list' });
