import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { bashBody, clickBody, dragBody, execBody, keyBody, pointerMoveBody, screenshotQuery, scrollBody, typeBody, waitBody } from '../../../shared/api/schemas.js';
import { actionAnswers, bashAnswer, execAnswer, screenshotAnswer } from '../../../shared/api/responses.js';
import { encodeJpeg } from '../../imaging/jpeg.js';
import { encodePng } from '../../imaging/png.js';
import { actionsFor } from '../../services/actions.js';
import { parseKeySpec, UnknownKeyError, UntypeableError, untypeable } from '../../x11/keysyms.js';
import type { XSession } from '../../x11/session.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';
import type { ScreenshotLinks } from '../screenshot-links.js';
import { viaDoubledPrefix } from '../sdk-prefix.js';
import { ApiError, badRequest } from '../../errors.js';
import { computerRoute, onComputer } from './computers.js';

/** A point must lie on the screen as it is now (the VNC client may have resized it). */
function onScreen(s: XSession, points: Array<[string, number, string, number]>): void {
  const { width, height } = s.size;
  for (const [xName, x, yName, y] of points) {
    if (x > width - 1) throw badRequest(`${xName} must be between 0 and ${width - 1} (the screen is ${width}x${height})`);
    if (y > height - 1) throw badRequest(`${yName} must be between 0 and ${height - 1} (the screen is ${width}x${height})`);
  }
}

/**
 * The actions. Input and screenshots go through the computer's persistent X connection;
 * bash and exec through the guest (the program inside the computer). All of them queue per computer in arrival order.
 */
export function actionRoutes(app: FastifyInstance, s: HostServices, links: ScreenshotLinks): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const route = computerRoute(s);
  const actions = actionsFor(s.computers);

  // ?raw=1 (or an Accept for images only) answers the bytes themselves.
  const bytes = { schema: { type: 'string', format: 'binary' } };
  const shot = { ...route, config: { otherAnswers: { 'image/png': bytes, 'image/jpeg': bytes } } };
  api.get('/computers/:id/screenshot', { ...shot, schema: onComputer('Screenshot (base64 in JSON, or the image bytes)', { querystring: screenshotQuery, response: { 200: screenshotAnswer } }) }, async (req, reply) => {
    const row = req.computer;
    const q = req.query;
    const accept = req.headers.accept ?? '';
    // Orgo's SDK's AnthropicProvider fetches `image` as a link and tells the model it is a JPEG.
    const asLink = viaDoubledPrefix(req);
    const jpegAsked = asLink || (/image\/jpe?g/.test(accept) && !/image\/png/.test(accept));
    const format = q.format === undefined ? (jpegAsked ? 'jpeg' : 'png') : q.format === 'jpg' ? 'jpeg' : q.format;
    const raw = q.raw === '1' || q.raw === 'true' || (q.raw === undefined && /image\/(png|jpe?g)/.test(accept) && !/application\/json/.test(accept));
    const shot = await actions.run(row, async () => {
      const session = await actions.session(row);
      const img = await session.capture();
      // Encoded inside the computer's turn: the next capture reuses the pixel buffer.
      try {
        return { bytes: format === 'jpeg' ? encodeJpeg(img, q.quality) : encodePng(img), width: img.width, height: img.height };
      } finally {
        session.releaseCapture();
      }
    });
    const type = format === 'jpeg' ? 'image/jpeg' : 'image/png';
    if (raw) return sendImage(reply, type, shot.bytes);
    if (asLink) return { success: true as const, image: `${originOf(req)}/screenshots/${links.mint(shot.bytes, type)}`, width: shot.width, height: shot.height };
    // Bare base64, as Orgo documents it ("Returns base64 PNG"): its Python SDK b64-decodes `image`
    // as it comes, and a data: URL breaks that.
    return { success: true as const, image: shot.bytes.toString('base64'), width: shot.width, height: shot.height };
  });

  api.post('/computers/:id/click', { ...route, schema: onComputer('Click at a point', { body: clickBody, response: { 200: actionAnswers.click } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    await actions.run(row, async () => {
      const session = await actions.session(row);
      onScreen(session, [['x', b.x, 'y', b.y]]);
      await session.click(b.x, b.y, b.button, b.double);
    });
    return { success: true as const, action: 'click' as const, details: { x: b.x, y: b.y, button: b.button, double: b.double } };
  });

  // POST moves the pointer (what Orgo's SDK sends for the agent's `mouse_move`); PATCH on the same
  // path moves the computer to another workspace (manage.ts).
  api.post('/computers/:id/move', { ...route, schema: onComputer('Move the pointer to a point', { body: pointerMoveBody, response: { 200: actionAnswers.move } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    await actions.run(row, async () => {
      const session = await actions.session(row);
      onScreen(session, [['x', b.x, 'y', b.y]]);
      await session.pointerTo(b.x, b.y);
    });
    return { success: true as const, action: 'move' as const, details: { x: b.x, y: b.y } };
  });

  api.post('/computers/:id/drag', { ...route, schema: onComputer('Drag from a point to another', { body: dragBody, response: { 200: actionAnswers.drag } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    await actions.run(row, async () => {
      const session = await actions.session(row);
      onScreen(session, [['start_x', b.start_x, 'start_y', b.start_y], ['end_x', b.end_x, 'end_y', b.end_y]]);
      await session.drag({ x: b.start_x, y: b.start_y }, { x: b.end_x, y: b.end_y }, b.button, b.duration);
    });
    return { success: true as const, action: 'drag' as const, details: b };
  });

  api.post('/computers/:id/type', { ...route, schema: onComputer('Type text', { body: typeBody, response: { 200: actionAnswers.type } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    // Refused whole before any key goes out: an answer never counts characters that were dropped.
    const bad = untypeable(b.text);
    if (bad.length) throw badRequest(new UntypeableError(bad).message, 'untypeable_text');
    await actions.run(row, async () => (await actions.session(row)).type(b.text));
    return { success: true as const, action: 'type' as const, details: { text: b.text, characters: [...b.text].length } };
  });

  api.post('/computers/:id/key', { ...route, schema: onComputer('Press keys (e.g. "ctrl+c")', { body: keyBody, response: { 200: actionAnswers.key } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    let chords;
    try {
      chords = parseKeySpec(b.key);
    } catch (e) {
      if (e instanceof UnknownKeyError) throw badRequest(e.message, 'unknown_key');
      throw e;
    }
    await actions.run(row, async () => (await actions.session(row)).keys(chords));
    return { success: true as const, action: 'key' as const, details: { key: b.key } };
  });

  api.post('/computers/:id/scroll', { ...route, schema: onComputer('Scroll', { body: scrollBody, response: { 200: actionAnswers.scroll } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    const at = b.x !== undefined && b.y !== undefined ? { x: b.x, y: b.y } : undefined;
    await actions.run(row, async () => {
      const session = await actions.session(row);
      if (at) onScreen(session, [['x', at.x, 'y', at.y]]);
      await session.scroll(b.direction, b.amount, at);
    });
    return { success: true as const, action: 'scroll' as const, details: { direction: b.direction, amount: b.amount, ...(at ?? {}) } };
  });

  api.post('/computers/:id/wait', { ...route, schema: onComputer("Wait, holding the computer's turn", { body: waitBody, response: { 200: actionAnswers.wait } }) }, async (req) => {
    const row = req.computer;
    const b = req.body;
    // Waiting holds the computer's turn: actions sent meanwhile run after it, as they were sent.
    await actions.run(row, () => new Promise((r) => setTimeout(r, b.seconds * 1000)));
    return { success: true as const, action: 'wait' as const, details: { seconds: b.seconds } };
  });

  api.post('/computers/:id/bash', { ...route, schema: onComputer('Run a bash command', { body: bashBody, response: { 200: bashAnswer } }) }, async (req) => {
    const row = req.computer;
    const body = req.body;
    const a = await actions.run(row, () => s.computers.guest(row.id, 'bash', { command: body.command, timeout: body.timeout }, body.timeout * 1000 + 10_000));
    if (!a.ok) return { success: false, output: '', exit_code: -1, error: a.error };
    return {
      success: true,
      output: a.timed_out ? `${a.output}\n[timed out after ${body.timeout} s; the command's processes were killed]` : a.output,
      exit_code: a.exit_code,
      timed_out: a.timed_out,
    };
  });

  api.post('/computers/:id/exec', { ...route, schema: onComputer('Run Python code', { body: execBody, response: { 200: execAnswer } }) }, async (req) => {
    const row = req.computer;
    const body = req.body;
    const a = await actions.run(row, () => s.computers.guest(row.id, 'exec', { code: body.code, timeout: body.timeout }, body.timeout * 1000 + 10_000));
    if (!a.ok) return { success: false, output: '', exit_code: -1, error: a.error };
    const failed = a.exit_code !== 0;
    const output = String(a.output ?? '');
    return {
      success: !failed,
      output,
      exit_code: a.exit_code,
      timed_out: a.timed_out,
      error: a.timed_out ? `timed out after ${body.timeout} s` : failed ? pythonError(output) : null,
    };
  });
}

/**
 * The line of Python's traceback that names the error. Not simply the last line: stdout is
 * block-buffered into a pipe, so what the code printed can land after the traceback.
 */
export function pythonError(output: string): string {
  const lines = output.split('\n');
  const tb = lines.lastIndexOf('Traceback (most recent call last):');
  if (tb >= 0) for (const line of lines.slice(tb + 1)) if (line && !line.startsWith(' ')) return line;
  return lines.filter((l) => l.trim()).pop() ?? 'failed';
}

/** A screenshot handed out as a link (screenshot-links.ts): no key, the token is the credential. */
export function screenshotLinkRoute(app: FastifyInstance, links: ScreenshotLinks): void {
  app.get<{ Params: { token: string } }>('/screenshots/:token', async (req, reply) => {
    const held = /^[A-Za-z0-9_-]{43}$/.test(req.params.token) ? links.take(req.params.token) : undefined;
    if (!held) throw new ApiError(404, 'No such screenshot: a link is good for one fetch within a minute of the screenshot', 'not_found');
    return sendImage(reply.header('referrer-policy', 'no-referrer'), held.type, held.bytes);
  });
}

function sendImage(reply: FastifyReply, type: string, bytes: Buffer): FastifyReply {
  return reply.header('content-type', type).header('cache-control', 'no-store').send(bytes);
}
