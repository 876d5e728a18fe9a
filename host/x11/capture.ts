/**
 * Screen pixels over a persistent X connection: MIT-SHM GetImage into a shared segment (about
 * 1 ms for 1280x720 here), or core GetImage where a segment cannot attach (the pixels then come
 * through the socket, which Xvnc serves in 30-200 ms). The segment is an unlinked /dev/shm file
 * of the host's whose descriptor travels over the socket, so the computer's own /dev/shm and IPC
 * namespace do not stand in the way. A segment unused for 30 s is given back: it is
 * the screen's size in memory (3.6 MB at 1280x720) that the X server would otherwise hold for
 * every computer that was ever screenshotted, idle or not; the next grab makes a new one (a
 * round trip).
 */
import type { Image, PixelFormat } from '../imaging/pixels.js';
import { logger } from '../../shared/node/log.js';
import { Z_PIXMAP, type Callback, type Shm, type ShmSegment, type XClient, type XDisplayInfo } from './wire.js';

const log = logger('x11');
/**
 * A shared segment up to this size is kept for the next capture (a 4K screen's is 33 MB); a
 * larger one (an 8K screen's is 133 MB) is given back once its image is encoded.
 */
const KEEP_BYTES = 40 * 1024 * 1024;

type Request = <T>(fn: (cb: Callback<T>) => void) => Promise<T>;

/** ORGO_X11_SHM_RELEASE_MS changes it (tests). */
const releaseAfterMs = () => Number(process.env.ORGO_X11_SHM_RELEASE_MS) || 30_000;

export class ScreenCapture {
  private shm?: Shm;
  private segment?: ShmSegment;
  private shmUsable: boolean | undefined;
  private releaseTimer?: NodeJS.Timeout;

  constructor(
    private readonly X: XClient,
    private readonly display: XDisplayInfo,
    private readonly size: () => { width: number; height: number },
    private readonly request: Request,
  ) {}

  private get root(): number {
    return this.display.screen[0]!.root;
  }

  /** The whole screen at its current size. The buffer is reused by the next grab. */
  async grab(): Promise<Image> {
    const { width, height } = this.size();
    const format = this.pixelFormat(width);
    const bytes = format.stride * height;
    const resized = () => this.size().width !== width || this.size().height !== height;
    if (this.shmUsable === undefined) this.shmUsable = await this.probeShm();
    if (this.shmUsable) {
      clearTimeout(this.releaseTimer); // not under a grab in flight
      try {
        // Too small, or more than twice too large (the screen got smaller): a new one.
        if (!this.segment || this.segment.size < bytes || this.segment.size > 2 * bytes) {
          this.segment?.detach();
          this.segment = undefined;
          this.segment = await this.request<ShmSegment>((cb) => this.shm!.createSegment(bytes, cb));
        }
        const seg = this.segment;
        await this.request((cb) => seg.getImage(this.root, 0, 0, width, height, 0xffffffff, Z_PIXMAP, 0, cb));
        this.releaseLater();
        return { pixels: seg.buffer.subarray(0, bytes), width, height, format };
      } catch (e) {
        // A resize between reading the size and the request answers BadMatch: once more.
        if (resized()) return this.grab();
        log.warn(`MIT-SHM capture failed, using GetImage from now on: ${(e as Error).message}`);
        this.shmUsable = false;
        this.segment = undefined;
      }
    }
    try {
      const img = await this.request<{ data: Buffer }>((cb) => this.X.GetImage(Z_PIXMAP, this.root, 0, 0, width, height, 0xffffffff, cb));
      return { pixels: img.data, width, height, format };
    } catch (e) {
      if (resized()) return this.grab();
      throw e;
    }
  }

  /** (Re)arms the idle release; the timer never keeps the host's process alive. */
  private releaseLater(): void {
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => {
      const seg = this.segment;
      this.segment = undefined;
      try {
        seg?.detach();
      } catch {
        /* the connection is gone: so is the segment */
      }
    }, releaseAfterMs());
    this.releaseTimer.unref();
  }

  /** After the last grab's image is used: a segment too large to keep goes back to the system. */
  release(): void {
    if (this.segment && this.segment.size > KEEP_BYTES) {
      this.segment.detach();
      this.segment = undefined;
    }
  }

  private pixelFormat(width: number): PixelFormat {
    const screen = this.display.screen[0]!;
    const depth = screen.root_depth;
    const fmt = this.display.format[depth] ?? { bits_per_pixel: 32, scanline_pad: 32 };
    const visual = screen.depths[depth]?.[screen.root_visual];
    const pad = fmt.scanline_pad;
    return {
      bitsPerPixel: fmt.bits_per_pixel,
      stride: Math.ceil((width * fmt.bits_per_pixel) / pad) * (pad / 8),
      redMask: visual?.red_mask ?? 0xff0000,
      greenMask: visual?.green_mask ?? 0xff00,
      blueMask: visual?.blue_mask ?? 0xff,
    };
  }

  private async probeShm(): Promise<boolean> {
    // ORGO_X11_SHM=0 forces the socket path (for tests and for diagnosing a display).
    if (process.env.ORGO_X11_SHM === '0') return false;
    try {
      this.shm = await this.request<Shm>((cb) => this.X.require('shm', cb));
      return await this.request<boolean>((cb) => this.shm!.usable(cb));
    } catch {
      return false;
    }
  }
}
