/**
 * Which hosts get the user's model keys (the Anthropic key, the keys of the OpenAI-compatible
 * providers added in the app). A host that runs an agent sees the key it is sent, so a key goes
 * only to a host the person chose to send it to: the built-in host (the app's own process on
 * this machine) always; any other profile's host (another machine, Orgo's cloud, the
 * environment's ORGO_API_BASE_URL) only once allowed in the Agent panel. The yes is kept per
 * profile together with the address it was given for (model-key-hosts.json in the app's config
 * folder), so a profile that points somewhere else later asks again. Never over plain http to
 * another machine, even with a yes: the key would cross the network readable.
 */
import { join } from 'node:path';
import type { HostKeyView } from '../shared/ipc/channels.js';
import { isPlainHttpToAnotherMachine } from '../shared/ipc/plain-http.js';
import { readJson, writeJson } from './json-file.js';
import { LOCAL_ID, type Profile, type Profiles } from './profiles.js';

interface Allowed {
  profileId: string;
  baseUrl: string;
}

/** As the renderer is told it (shared/ipc/channels.ts). */
export type HostKeyStatus = HostKeyView;

export class ModelKeyHosts {
  private readonly file: string;

  constructor(
    configDir: string,
    private readonly profiles: Profiles,
  ) {
    this.file = join(configDir, 'model-key-hosts.json');
  }

  private stored(): Allowed[] {
    const list = readJson<Allowed[]>(this.file, []);
    return Array.isArray(list) ? list.filter((a) => typeof a?.profileId === 'string' && typeof a.baseUrl === 'string') : [];
  }

  status(profile: Profile): HostKeyStatus {
    const builtIn = profile.id === LOCAL_ID;
    const refusal = builtIn || !isPlainHttpToAnotherMachine(profile.baseUrl) ? null : `${profile.name} is reached over plain http on another machine: a model key sent there would cross the network readable. Use https to send it.`;
    const yes = this.stored().some((a) => a.profileId === profile.id && a.baseUrl === profile.baseUrl);
    return { profileId: profile.id, name: profile.name, baseUrl: profile.baseUrl, allowed: !refusal && (builtIn || yes), builtIn, refusal };
  }

  /** The person's yes for `profileId` at its current address. */
  allow(profileId: string): HostKeyStatus {
    const p = this.profiles.get(profileId);
    const s = this.status(p);
    if (s.refusal) throw new Error(s.refusal);
    if (!s.allowed) writeJson(this.file, [...this.stored().filter((a) => a.profileId !== p.id), { profileId: p.id, baseUrl: p.baseUrl }]);
    return this.status(p);
  }

  revoke(profileId: string): void {
    writeJson(this.file, this.stored().filter((a) => a.profileId !== profileId));
  }

  /** The hosts allowed now (profiles still there, at the address they were allowed for). */
  list(): HostKeyStatus[] {
    return this.stored()
      .map((a) => this.profiles.find(a.profileId))
      .filter((p): p is Profile => !!p)
      .map((p) => this.status(p))
      .filter((s) => s.allowed);
  }
}
