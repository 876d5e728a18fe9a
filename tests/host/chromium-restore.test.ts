/**
 * Stopping a computer closes its applications cleanly: Chromium, running when the computer is
 * stopped, restarted or its host restarts, records a normal exit, so its next start shows no
 * "Restore pages? Chromium didn't shut down correctly" bubble (the bubble shows exactly when the
 * profile's last exit is recorded as "Crashed").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
/** Chromium's records of a clean exit; a SIGTERM is "SessionEnded", which asks nothing at the next start. */
const CLEAN = { exit_type: expect.stringMatching(/^(Normal|SessionEnded)$/), exited_cleanly: true };
let pc: Computer;

const sh = async (command: string, timeout?: number) => (await t.client.bash(pc.id, command, timeout)).output;

/** Opens Chromium on a page with its real profile, as a person would, and waits for its window. */
async function openChromium(title: string): Promise<void> {
  await sh(
    `printf '<title>${title}</title><p>hello</p>' > ~/page-${title}.html
     (chromium --no-first-run --disable-gpu --no-sandbox file:///home/user/page-${title}.html >/dev/null 2>&1 &)
     for i in $(seq 150); do xdotool search --onlyvisible --name '^${title}' >/dev/null 2>&1 && break; sleep 0.2; done`,
    60,
  );
  // The profile is on disk (Chromium writes its exit state at start: "Crashed" until it exits cleanly).
  await eventually(() => sh('test -f ~/.config/chromium/Default/Preferences && echo yes || true'), (o) => o.trim() === 'yes', 20_000, 'the Chromium profile');
}

/** How Chromium recorded its last exit: profile.exit_type and Local State's exited_cleanly. */
async function lastExit(): Promise<{ exit_type: string; exited_cleanly: boolean }> {
  const out = await sh(
    `python3 -c "import json,os; h=os.path.expanduser('~/.config/chromium'); p=json.load(open(h+'/Default/Preferences')); s=json.load(open(h+'/Local State')); print(json.dumps({'exit_type': p['profile'].get('exit_type'), 'exited_cleanly': s['user_experience_metrics.stability.exited_cleanly'] if 'user_experience_metrics.stability.exited_cleanly' in s else s.get('user_experience_metrics',{}).get('stability',{}).get('exited_cleanly')}))"`,
  );
  return JSON.parse(out);
}

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('restore');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'restore' });
});
afterAll(() => t?.close());

describe("Chromium's exit when its computer stops", () => {
  it('stop, then start: a clean exit, closed before the stop time is up', async () => {
    await openChromium('stop');
    await t.client.stopComputer(pc.id);
    await t.client.startComputer(pc.id);
    // Closed by the guest before the host's SIGKILL (STOP_GRACE_MS), or it would read "Crashed".
    expect(await lastExit()).toMatchObject(CLEAN);
  }, 120_000);

  it('restart: a clean exit', async () => {
    await openChromium('restart');
    await t.client.restartComputer(pc.id);
    expect(await lastExit()).toMatchObject(CLEAN);
  }, 120_000);

  it('the host restarting: a clean exit', async () => {
    await openChromium('host');
    await t.restart();
    await eventually(async () => (await t.client.getComputer(pc.id)).status, (s) => s === 'running', 30_000, 'the computer back after the host restart');
    expect(await lastExit()).toMatchObject(CLEAN);
  }, 120_000);
});
