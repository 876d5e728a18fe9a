// The suite's closing lines, from Vitest's and Playwright's JSON reports (either may be missing if
// its stage did not run): every test that failed, by file and name with the first line of its
// error, every test that failed once and passed on its retry (named, so a flaky test is seen and
// mended rather than hidden), then "all: N passed, N failed[, N skipped]". The closing lines are
// what a CI log's tail shows, so the failures are named here rather than only in the long output
// above. Skipped tests are counted as skipped, never as passed.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
const [vitestFile, e2eFile] = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
const failures = [];
const flaky = [];
const ESC = String.fromCharCode(27);
const firstLine = (msg) => (String(msg ?? '').replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '').split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 240);
if (vitestFile && existsSync(vitestFile)) {
  const r = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const f of r.testResults ?? []) {
    const file = relative(process.cwd(), f.name);
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'failed') failures.push(`${file} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
      // Vitest keeps the errors of a failed attempt on a test that then passed on its retry.
      else if (a.status === 'passed' && a.failureMessages?.length) flaky.push(`${file} > ${a.fullName}: ${firstLine(a.failureMessages[0])}`);
    }
    // A file that failed outside its tests (an import, a beforeAll) fails no test itself and its
    // tests show as skipped: count the file as a failure so the line never reads "0 failed".
    if (f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failed += 1;
      failures.push(`${file} failed outside its tests: ${firstLine(f.message)}`);
    }
  }
} else failed += 1;
if (e2eFile && existsSync(e2eFile)) {
  const report = JSON.parse(readFileSync(e2eFile, 'utf8'));
  const s = report.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  const walk = (suite, titles) => {
    for (const sub of suite.suites ?? []) walk(sub, [...titles, sub.title]);
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? []) {
        const name = `${spec.file}:${spec.line} > ${[...titles.slice(1), spec.title].filter(Boolean).join(' > ')}`;
        const err = (t.results ?? []).find((x) => x.status === 'failed' || x.status === 'timedOut')?.error?.message;
        if (t.status === 'unexpected') failures.push(`${name}: ${firstLine(err)}`);
        else if (t.status === 'flaky') flaky.push(`${name}: ${firstLine(err)}`);
      }
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
} else if (e2eFile) failed += 1;
for (const f of flaky) console.log(`passed on its retry: ${f}`);
for (const f of failures) console.log(`FAILED: ${f}`);
console.log(`all: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '') + (flaky.length ? `, ${flaky.length} passed on a retry` : ''));
