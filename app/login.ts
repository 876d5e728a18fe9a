/**
 * Device-code login for one profile at a time: asks the API for a code, reports progress as the
 * token endpoint answers, and hands the minted key over once approved. Every outcome of RFC 8628
 * becomes a state with words: waiting, slow_down (the interval grows by 5 s), approved, denied,
 * expired, error, cancelled.
 */
import { pollDeviceToken, requestDeviceCode, type DeviceAuthorization } from '../shared/api/device.js';
import type { LoginProgress } from '../shared/ipc/types.js';
import { logger } from './log.js';

const log = logger('login');

export interface LoginDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  clientName?: string;
}

export interface LoginCallbacks {
  progress(p: LoginProgress): void;
  /** Stores the key; may throw (the keychain refused), which ends the login as an error. */
  approved(apiKey: string): Promise<void>;
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DeviceLogins {
  private readonly running = new Map<string, { cancelled: boolean; progress: LoginProgress }>();

  constructor(private readonly deps: LoginDeps = {}) {}

  /** Starts a login and answers the first progress (with the code to show); polling goes on. */
  async start(profileId: string, baseUrl: string, cb: LoginCallbacks): Promise<LoginProgress> {
    this.cancel(profileId);
    const now = this.deps.now ?? Date.now;
    const auth = await requestDeviceCode(baseUrl, { clientName: this.deps.clientName, fetch: this.deps.fetch });
    const progress: LoginProgress = {
      profileId,
      state: 'waiting',
      userCode: auth.user_code,
      verificationUri: auth.verification_uri,
      verificationUriComplete: auth.verification_uri_complete,
      expiresAt: now() + auth.expires_in * 1000,
      interval: auth.interval,
      message: 'Waiting for approval in your browser…',
    };
    const run = { cancelled: false, progress };
    this.running.set(profileId, run);
    void this.poll(baseUrl, auth, run, cb).catch((e) => log.error(`login poll: ${e}`));
    return progress;
  }

  cancel(profileId: string): void {
    const run = this.running.get(profileId);
    if (!run) return;
    run.cancelled = true;
    this.running.delete(profileId);
  }

  current(profileId: string): LoginProgress | null {
    return this.running.get(profileId)?.progress ?? null;
  }

  private async poll(baseUrl: string, auth: DeviceAuthorization, run: { cancelled: boolean; progress: LoginProgress }, cb: LoginCallbacks): Promise<void> {
    const sleep = this.deps.sleep ?? sleepReal;
    const now = this.deps.now ?? Date.now;
    let interval = auth.interval;
    let networkFailures = 0;
    const update = (patch: Partial<LoginProgress>) => {
      run.progress = { ...run.progress, ...patch, interval };
      if (!run.cancelled || patch.state === 'cancelled') cb.progress(run.progress);
    };
    const finish = (patch: Partial<LoginProgress>) => {
      update(patch);
      if (this.running.get(run.progress.profileId) === run) this.running.delete(run.progress.profileId);
    };

    for (;;) {
      await sleep(interval * 1000);
      if (run.cancelled) return;
      if (now() >= run.progress.expiresAt) return finish({ state: 'expired', message: 'The code expired before it was approved. Start again for a new code.' });
      let answer;
      try {
        answer = await pollDeviceToken(baseUrl, auth.device_code, { fetch: this.deps.fetch });
        networkFailures = 0;
      } catch (e) {
        // A blip in the network is not the end of a login; a lasting outage is.
        if (++networkFailures >= 5) return finish({ state: 'error', message: `Lost contact with the server while waiting for approval: ${(e as Error).message}` });
        continue;
      }
      if (run.cancelled) return;
      if (answer.ok) {
        try {
          await cb.approved(answer.accessToken);
        } catch (e) {
          return finish({ state: 'error', message: `Approved, but the key could not be stored: ${(e as Error).message}` });
        }
        return finish({ state: 'approved', message: 'Approved. You are signed in.' });
      }
      switch (answer.error) {
        case 'authorization_pending':
          if (run.progress.state !== 'waiting') update({ state: 'waiting', message: 'Waiting for approval in your browser…' });
          break;
        case 'slow_down':
          interval += 5;
          update({ state: 'slow_down', message: `The server asked to poll less often; checking every ${interval} s.` });
          break;
        case 'access_denied':
          return finish({ state: 'denied', message: 'The request was denied on the verification page. Nothing was signed in.' });
        case 'expired_token':
          return finish({ state: 'expired', message: 'The code expired before it was approved. Start again for a new code.' });
        default:
          return finish({ state: 'error', message: `Login failed: ${answer.description}` });
      }
    }
  }
}
