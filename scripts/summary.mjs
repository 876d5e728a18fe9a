// The suite's closing line, "all: N passed, N failed[, N skipped]", from Vitest's and
// Playwright's JSON reports (either may be missing if its stage did not run). Skipped tests are
// counted as skipped, never as passed; the end-to-end summary above names why each did not run.
import { existsSync, readFileSync } from 'node:fs';
const [vitestFile, e2eFile] = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
if (vitestFile && existsSync(vitestFile)) {
  const r = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A file that failed outside its tests (an import, a beforeAll) fails no test itself and its
  // tests show as skipped: count the file as a failure so the line never reads "0 failed".
  for (const f of r.testResults ?? []) {
    if (f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failed += 1;
      console.log(`failed outside its tests: ${f.name}`);
    }
  }
} else failed += 1;
if (e2eFile && existsSync(e2eFile)) {
  const s = JSON.parse(readFileSync(e2eFile, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
} else if (e2eFile) failed += 1;
console.log(`all: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
