/**
 * The session: which profile is active, whether the app holds a key for it, and an API client
 * for it. Keys come from, in order: ORGO_API_KEY (for the profile the environment chose), the
 * keychain (or the file the user allowed), and for "This computer" the built-in host's key file.
 */
import { OrgoClient } from '../shared/api/client.js';
import type { KeySource, ProfileView, SessionView } from '../shared/ipc/types.js';
import type { Credentials } from './credentials.js';
import type { LocalHost } from './local-host.js';
import { assertSafeTransport, LOCAL_ID, type Profile, type Profiles } from './profiles.js';

export class NotSignedIn extends Error {
  readonly code = 'not_signed_in';
  constructor(profile: Profile) {
    super(`Not signed in to "${profile.name}". Sign in with a code or paste an API key.`);
  }
}

export class Session {
  private listeners = new Set<(v: SessionView) => void>();

  constructor(
    readonly mode: 'electron' | 'browser',
    readonly profiles: Profiles,
    readonly credentials: Credentials,
    readonly localHost: LocalHost,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  onChange(listener: (v: SessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async changed(): Promise<SessionView> {
    const v = await this.view();
    for (const l of this.listeners) l(v);
    return v;
  }

  async keyFor(profile: Profile): Promise<string | null> {
    return (await this.keyWithSource(profile))?.key ?? null;
  }

  async keyWithSource(profile: Profile): Promise<{ key: string; source: KeySource } | null> {
    if (this.profiles.envKeyProfile === profile.id && this.env.ORGO_API_KEY) return { key: this.env.ORGO_API_KEY, source: 'environment' };
    const stored = await this.credentials.lookup(profile.id);
    if (stored) return stored;
    const hostKey = profile.id === LOCAL_ID ? this.localHost.key() : null;
    return hostKey ? { key: hostKey, source: 'host' } : null;
  }

  /**
   * A client for the active profile; starts the built-in host first when that is the profile
   * (unless `ensure: false`: the computers feed notices a dead host before it restarts one).
   */
  async client(options: { ensure?: boolean; timeoutMs?: number } = {}): Promise<{ profile: Profile; client: OrgoClient }> {
    const profile = this.profiles.active();
    if (profile.id === LOCAL_ID && options.ensure !== false) await this.localHost.ensure();
    const apiKey = await this.keyFor(profile);
    if (!apiKey) throw new NotSignedIn(profile);
    assertSafeTransport(profile);
    return { profile, client: new OrgoClient({ baseUrl: profile.baseUrl, apiKey, timeoutMs: options.timeoutMs ?? 180_000 }) };
  }

  async view(): Promise<SessionView> {
    const active = this.profiles.active();
    const profiles: ProfileView[] = [];
    for (const p of this.profiles.list()) {
      const k = await this.keyWithSource(p);
      profiles.push({ ...p, signedIn: !!k, keySource: k?.source ?? null });
    }
    return {
      mode: this.mode,
      profiles,
      activeId: active.id,
      signedIn: profiles.find((p) => p.id === active.id)?.signedIn ?? false,
      keychain: await this.credentials.view(),
      localHost: this.localHost.view(),
      envOverride: this.profiles.envNote,
    };
  }
}
