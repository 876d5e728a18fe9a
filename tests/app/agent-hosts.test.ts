/**
 * The app's agent (what the Agent panel calls) against two real hosts, each a profile of the
 * app: runs, threads and the live feed go to the active profile's host with that profile's key,
 * and the person's model key (in a real keychain) goes only to a host they allowed, only with a
 * run's request. "Home" is reached through a recording forwarder, so every request the app
 * sends it is seen with its headers; "Lab" has a model key of its own behind its own stand-in
 * for Anthropic's API, which flags any other key it is sent.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { AgentError } from '../../app/agent.js';
import { loadKeytar } from '../../app/credentials.js';
import { startAnthropicDouble, type AnthropicDouble } from '../helpers/anthropic-double.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { eventually, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { startKeyring, type Keyring } from '../helpers/keyring.js';

const USER_KEY = 'sk-ant-user-own-key-0123456789';
const LAB_KEY = 'sk-ant-lab-host-key-9876543210';

let keyring: Keyring;
let userModel: AnthropicDouble;
let labModel: AnthropicDouble;
let home: TestHost;
let lab: TestHost;
let homePc: Computer;
let labPc: Computer;
let forwarder: Server;
const seenAtHome: Array<{ method: string; path: string; headers: IncomingHttpHeaders }> = [];
let app: TestApp;
let homeId: string;
let labId: string;

/** Passes every request on to `target` unchanged (streams included), noting it first. */
function forward(target: string): Promise<Server> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    seenAtHome.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const done = { text: 'Nothing to change here.' };

beforeAll(async () => {
  keyring = await startKeyring();
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address; // before keytar first connects
  userModel = await startAnthropicDouble(() => done, USER_KEY);
  labModel = await startAnthropicDouble(() => done, LAB_KEY);
  [home, lab] = await Promise.all([
    startTestHost({ agents: { anthropicBaseUrl: userModel.url, maxRetries: 0 } }),
    startTestHost({ agents: { anthropicBaseUrl: labModel.url, anthropicKey: LAB_KEY, maxRetries: 0 } }),
  ]);
  const [wa, wb] = await Promise.all([home.client.createWorkspace('home'), lab.client.createWorkspace('lab')]);
  [homePc, labPc] = await Promise.all([
    home.client.createComputer({ workspace_id: wa.id, name: 'home-pc', resolution: '1024x768x24' }),
    lab.client.createComputer({ workspace_id: wb.id, name: 'lab-pc', resolution: '1024x768x24' }),
  ]);
  forwarder = await forward(home.host.url);
  app = startTestApp({ keychain: loadKeytar });
  const s = app.services;
  homeId = s.profiles.add('Home', `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`).id;
  labId = s.profiles.add('Lab', lab.host.url).id;
  await s.credentials.set(homeId, TEST_KEY);
  await s.credentials.set(labId, TEST_KEY);
  await s.agent.setKey(USER_KEY);
}, 120_000);

afterAll(async () => {
  app?.close();
  await new Promise((r) => (forwarder ? forwarder.close(r) : r(null)));
  await Promise.all([home?.close(), lab?.close()]);
  await Promise.all([userModel?.close(), labModel?.close()]);
  await keyring?.close();
});

const finished = (id: string) => eventually(() => app.services.agent.thread(id), (t) => t.status !== 'running', 20_000, 'the run to finish');
const modelKeysSent = () => seenAtHome.filter((r) => r.headers['x-anthropic-key'] !== undefined);

it('a host not allowed yet does not get the key; a run there without a key of its own says so in words', async () => {
  app.services.profiles.select(homeId);
  const status = await app.services.agent.keyStatus();
  expect(status.host).toMatchObject({ profileId: homeId, name: 'Home', allowed: false, builtIn: false, refusal: null });
  expect(status.held).toBe(true);
  expect(status.anthropic).toMatchObject({ set: true, source: 'keychain', hint: '…6789' });
  const err = await app.services.agent.run({ computerId: homePc.id, model: 'claude-sonnet-4-6', task: 'look' }).catch((e: AgentError) => e);
  expect(err).toBeInstanceOf(AgentError);
  expect((err as AgentError).code).toBe('model_key_not_sent');
  expect((err as AgentError).message).toMatch(/^Home has no model key of its own .*only sent to hosts you allow, and Home \(http:\/\/127\.0\.0\.1:\d+\/api\) is not one yet/);
  // It reached Home with Home's key (the run was refused by Home, not by the app), and without the model key.
  expect(seenAtHome.some((r) => r.method === 'POST' && r.path === '/api/v1/chat/completions' && r.headers.authorization === `Bearer ${TEST_KEY}`)).toBe(true);
  expect(modelKeysSent()).toEqual([]);
  expect(userModel.requests.length).toBe(0);
});

it('once allowed, the key goes to that host with runs only: never with threads, controls or the live feed', async () => {
  await app.services.agent.watch(homePc.id, 'window-1');
  await eventually(async () => seenAtHome.some((r) => r.path.startsWith('/api/v1/agent/events')), (x) => x, 10_000, 'the live feed to connect');
  const allowed = await app.services.agent.allowHost(homeId, true);
  expect(allowed.host.allowed).toBe(true);
  expect(allowed.hosts.map((h) => h.name)).toEqual(['Home']);
  const { threadId } = await app.services.agent.run({ computerId: homePc.id, model: 'claude-sonnet-4-6', task: 'look at home' });
  expect((await finished(threadId)).status).toBe('done');
  expect(userModel.requests.length).toBe(1);
  expect(userModel.problems).toEqual([]); // the user's key, as the SDK sends it
  // The feed brought the run's end to the watching window.
  await app.next('agent.event', (p) => p.computerId === homePc.id && p.event.type === 'run_end');
  expect((await app.services.agent.threads(homePc.id)).map((t) => t.id)).toContain(threadId);
  await app.services.agent.deleteThread(threadId);
  app.services.agent.unwatch(homePc.id, 'window-1');
  const carrying = modelKeysSent();
  expect(carrying.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/chat/completions']);
  expect(carrying[0]!.headers['x-anthropic-key']).toBe(USER_KEY);
  // The other requests did reach Home: threads, the thread, its deletion, the feed.
  expect(seenAtHome.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/threads')).length).toBeGreaterThan(0);
  expect(seenAtHome.some((r) => r.path.startsWith('/api/v1/agent/events'))).toBe(true);
  expect(seenAtHome.some((r) => r.method === 'DELETE')).toBe(true);
});

it('a second profile is another host: its runs use its profile key and its own model key, not the one allowed for Home', async () => {
  app.services.profiles.select(labId);
  const status = await app.services.agent.keyStatus();
  expect(status.host).toMatchObject({ profileId: labId, name: 'Lab', allowed: false });
  const before = seenAtHome.length;
  const { threadId } = await app.services.agent.run({ computerId: labPc.id, model: 'claude-sonnet-4-6', task: 'look at the lab' });
  expect((await finished(threadId)).status).toBe('done');
  // Lab's stand-in saw Lab's own key only (any other key would be a problem it lists).
  expect(labModel.requests.length).toBe(1);
  expect(labModel.problems).toEqual([]);
  expect(userModel.requests.length).toBe(1); // still only Home's run
  expect((await app.services.agent.threads(labPc.id)).map((t) => t.id)).toEqual([threadId]);
  // Nothing of it went to Home.
  expect(seenAtHome.length).toBe(before);
  // Home's computer is not Lab's: asking Lab for it is Lab's 404, not Home's answer.
  const wrong = await app.services.agent.run({ computerId: homePc.id, model: 'claude-sonnet-4-6', task: 'x' }).catch((e: AgentError) => e);
  expect((wrong as AgentError).code).toBe('computer_not_found');
});

it('allowing is taken back; and plain http to another machine can never be allowed', async () => {
  app.services.profiles.select(homeId);
  const back = await app.services.agent.allowHost(homeId, false);
  expect(back.host.allowed).toBe(false);
  expect(back.hosts).toEqual([]);
  const sent = modelKeysSent().length;
  await app.services.agent.run({ computerId: homePc.id, model: 'claude-sonnet-4-6', task: 'again' }).catch(() => {});
  expect(modelKeysSent().length).toBe(sent);
  const far = app.services.profiles.add('Far', 'http://192.0.2.10:7391', true);
  app.services.profiles.select(far.id);
  const status = await app.services.agent.keyStatus();
  expect(status.host.refusal).toMatch(/plain http on another machine/);
  await expect(app.services.agent.allowHost(far.id, true)).rejects.toThrow(/would cross the network readable/);
  expect((await app.services.agent.keyStatus()).host.allowed).toBe(false);
});
