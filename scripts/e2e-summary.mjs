// Prints the end-to-end suite's closing line from Playwright's JSON report, and for every test
// that did not run, why (e.g. the Electron suite where Electron's binary is absent).
import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const reasons = new Map();
const walk = (suite) => {
  for (const s of suite.suites ?? []) walk(s);
  for (const spec of suite.specs ?? [])
    for (const t of spec.tests ?? [])
      if (t.status === 'skipped') {
        const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'skipped';
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
};
for (const s of r.suites ?? []) walk(s);
const st = r.stats ?? {};
console.log(`e2e: ${st.expected ?? 0} passed, ${st.unexpected ?? 0} failed${st.flaky ? `, ${st.flaky} flaky` : ''}, ${st.skipped ?? 0} not run`);
for (const [why, n] of reasons) console.log(`  not run (${n}): ${why}`);
