/**
 * The computer-use tool's actions on one computer, through the host's own action code: the
 * computer's persistent X connection and its action queue (services/actions.ts), never a spawned
 * xdotool or scrot. Coordinates arrive in the screenshot's space (scaled down when the screen is
 * over the model's image limit) and are mapped back to the screen's. After an input action the
 * screenshot is taken once the screen is still (X DAMAGE, settle.ts: as soon as a redraw has
 * ended, at most 2 s) instead of after the reference loop's fixed 2 s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Image } from '../imaging/pixels.js';
import { encodePng } from '../imaging/png.js';
import { resample, thumbnail } from '../imaging/scale.js';
import type { Actions } from '../services/actions.js';
import type { ComputerRow } from '../store/computers.js';
import { parseKeySpec, UnknownKeyError } from '../x11/keysyms.js';
import type { Button, ScrollDirection, XSession } from '../x11/session.js';
import { modelScreen, type ImageLimit } from './models.js';
import { markStart, SETTLE, settledShot, type SettleRule } from './settle.js';

/** The reference loop sleeps this long after every action; the bench compares against it. */
export const REFERENCE_DELAY_MS = 2000;

export interface Shot {
  png: Buffer;
  width: number;
  height: number;
  /** A small picture of the same screen, for the thread's step record; encoded to PNG off the step's path. */
  thumb?: Image;
}

const THUMB_WIDTH = 240;

export interface ToolOutput {
  text?: string;
  image?: Shot;
  /** The action failed in a way the model should read and recover from. */
  error?: string;
  /** Where on the screen (screen pixels) a click or drag landed, for the step record and the viewer's marker. */
  at?: { x: number; y: number };
  to?: { x: number; y: number };
}

/** A model's mistake in the action it asked for: told back to it as an error tool_result. */
export class ToolInputError extends Error {}

export type ComputerInput = {
  action: string;
  coordinate?: [number, number];
  start_coordinate?: [number, number];
  text?: string;
  scroll_direction?: ScrollDirection;
  scroll_amount?: number;
  duration?: number;
  region?: [number, number, number, number];
};

const CLICKS: Record<string, { button: Button; clicks: number }> = {
  left_click: { button: 'left', clicks: 1 },
  right_click: { button: 'right', clicks: 1 },
  middle_click: { button: 'middle', clicks: 1 },
  double_click: { button: 'left', clicks: 2 },
  triple_click: { button: 'left', clicks: 3 },
};

export class ComputerTool {
  /** The screen size the model was last told, to map its coordinates back. */
  private screen = { width: 0, height: 0, scale: 1 };
  /** How long the last screenshot took (capture and encoding): how early a speculative one starts. */
  private shotMs = 25;

  constructor(
    private readonly actions: Actions,
    private readonly row: ComputerRow,
    private readonly limit: ImageLimit,
    /** Read at every action (the bench compares rules within one run). */
    private readonly rule: SettleRule = SETTLE,
  ) {}

  /** The display size to declare in the tool definition (the screenshot's, after scaling). */
  async display(): Promise<{ width: number; height: number }> {
    const session = await this.actions.session(this.row);
    this.screen = modelScreen(session.size, this.limit);
    return { width: this.screen.width, height: this.screen.height };
  }

  async run(input: ComputerInput, signal?: AbortSignal): Promise<ToolOutput> {
    const a = input.action;
    if (a === 'screenshot') return { image: await this.screenshot() };
    if (a === 'cursor_position') {
      const p = await this.queued((s) => s.pointerAt());
      const m = this.toModel(p);
      return { text: `X=${m.x},Y=${m.y}` };
    }
    if (a === 'wait') {
      const seconds = Math.min(Math.max(Number(input.duration ?? 1), 0), 30);
      await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
      return { image: await this.screenshot() };
    }
    if (a === 'zoom') return { image: await this.zoom(input.region) };

    let at: { x: number; y: number } | undefined;
    let to: { x: number; y: number } | undefined;
    const watch = await (await this.actions.session(this.row)).drawing();
    const draws = watch ? await markStart(watch) : 0;
    const end = await this.queued(async (s) => {
      if (a in CLICKS) {
        const { button, clicks } = CLICKS[a]!;
        if (input.coordinate) await s.pointerTo(...this.point(s, (at = this.toScreen(input.coordinate))));
        else at = await s.pointerAt();
        await this.withModifiers(s, input.text, () => s.button(button, undefined, clicks));
      } else if (a === 'left_mouse_down' || a === 'left_mouse_up') {
        if (input.coordinate) await s.pointerTo(...this.point(s, (at = this.toScreen(input.coordinate))));
        await s.button('left', a === 'left_mouse_down');
      } else if (a === 'mouse_move') {
        at = this.toScreen(this.need(input.coordinate, 'coordinate'));
        await s.pointerTo(...this.point(s, at));
      } else if (a === 'left_click_drag') {
        at = this.toScreen(this.need(input.start_coordinate, 'start_coordinate'));
        to = this.toScreen(this.need(input.coordinate, 'coordinate'));
        this.point(s, at);
        this.point(s, to);
        await s.drag(at, to, 'left', 0.3);
      } else if (a === 'scroll') {
        const direction = input.scroll_direction;
        if (!direction || !['up', 'down', 'left', 'right'].includes(direction)) throw new ToolInputError('scroll_direction must be up, down, left or right');
        const amount = Math.min(Math.max(Math.round(Number(input.scroll_amount ?? 3)), 1), 50);
        if (input.coordinate) at = this.toScreen(input.coordinate);
        if (at) this.point(s, at);
        await this.withModifiers(s, input.text, () => s.scroll(direction, amount, at));
      } else if (a === 'type') {
        await s.type(this.need(input.text, 'text'));
      } else if (a === 'key') {
        await s.keys(this.keys(this.need(input.text, 'text')));
      } else if (a === 'hold_key') {
        const chords = this.keys(this.need(input.text, 'text'));
        const seconds = Math.min(Math.max(Number(input.duration ?? 1), 0), 10);
        for (const c of chords) await s.holdKeys(c, true);
        await sleep(seconds * 1000);
        for (const c of [...chords].reverse()) await s.holdKeys(c, false);
      } else {
        throw new ToolInputError(`unknown action ${JSON.stringify(a)}`);
      }
      return performance.now();
    });
    const { shot } = await settledShot(watch, { draws, end }, this.rule, () => this.screenshot(), this.shotMs, (ms) => (this.shotMs = Math.min(ms, 60)));
    return { image: shot, at, to };
  }

  /** The screen as the model sees it: at its own size within the model's limit, else scaled down. */
  async screenshot(): Promise<Shot> {
    return this.queued(async (s) => {
      const img = await s.capture();
      this.screen = modelScreen({ width: img.width, height: img.height }, this.limit);
      const sized = this.screen.scale === 1 ? img : resample(img, this.screen.width, this.screen.height);
      return { png: encodePng(sized), width: sized.width, height: sized.height, thumb: thumbnail(img, THUMB_WIDTH) };
    });
  }

  /** A region of the screen (in the screenshot's coordinates) at the screen's full detail, within the limit. */
  private async zoom(region: ComputerInput['region']): Promise<Shot> {
    if (!Array.isArray(region) || region.length !== 4 || region.some((v) => !Number.isFinite(v))) throw new ToolInputError('zoom needs region: [x0, y0, x1, y1]');
    return this.queued(async (s) => {
      const img = await s.capture();
      const p0 = this.clamp(s, this.toScreen([region[0], region[1]]));
      const p1 = this.clamp(s, this.toScreen([region[2], region[3]]));
      const r = { x: Math.min(p0.x, p1.x), y: Math.min(p0.y, p1.y), width: Math.abs(p1.x - p0.x) + 1, height: Math.abs(p1.y - p0.y) + 1 };
      // Shown as large as the model's screenshots are (zoom is for reading small things), within its limit.
      const fit = Math.min(this.screen.width / r.width, this.screen.height / r.height);
      const out = modelScreen({ width: Math.max(1, Math.round(r.width * fit)), height: Math.max(1, Math.round(r.height * fit)) }, this.limit);
      const sized = resample(img, out.width, out.height, r);
      return { png: encodePng(sized), width: sized.width, height: sized.height };
    });
  }

  private queued<T>(op: (s: XSession) => Promise<T>): Promise<T> {
    return this.actions.run(this.row, async () => op(await this.actions.session(this.row)));
  }

  private async withModifiers<T>(s: XSession, text: string | undefined, op: () => Promise<T>): Promise<T> {
    if (!text) return op();
    const chords = this.keys(text);
    for (const c of chords) await s.holdKeys(c, true);
    try {
      return await op();
    } finally {
      for (const c of [...chords].reverse()) await s.holdKeys(c, false);
    }
  }

  private keys(spec: string) {
    try {
      return parseKeySpec(spec);
    } catch (e) {
      if (e instanceof UnknownKeyError) throw new ToolInputError(e.message);
      throw e;
    }
  }

  private need<T>(v: T | undefined, name: string): T {
    if (v === undefined || v === null) throw new ToolInputError(`this action needs ${name}`);
    return v;
  }

  private toScreen(c: [number, number]): { x: number; y: number } {
    if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new ToolInputError('coordinate must be [x, y]');
    return { x: Math.round(c[0] / this.screen.scale), y: Math.round(c[1] / this.screen.scale) };
  }

  private toModel(p: { x: number; y: number }): { x: number; y: number } {
    return { x: Math.round(p.x * this.screen.scale), y: Math.round(p.y * this.screen.scale) };
  }

  /** A point that must be on the screen; answers it as an argument pair. */
  private point(s: XSession, p: { x: number; y: number }): [number, number] {
    const { width, height } = s.size;
    if (p.x < 0 || p.y < 0 || p.x >= width || p.y >= height) {
      const m = this.toModel({ x: width, y: height });
      throw new ToolInputError(`coordinate is off the screen (it is ${m.x}x${m.y})`);
    }
    return [p.x, p.y];
  }

  private clamp(s: XSession, p: { x: number; y: number }) {
    return { x: Math.min(Math.max(p.x, 0), s.size.width - 1), y: Math.min(Math.max(p.y, 0), s.size.height - 1) };
  }
}
