/**
 * Managing a computer as Orgo does: live resize with a result per field, move to another
 * workspace, and clone (a new computer with a copy of the whole disk, running).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldResult, ResizeAnswer, ResizeField, ResizeRequest } from '../../shared/api/manage.js';
import { logger } from '../../shared/node/log.js';
import { badRequest, conflict } from '../errors.js';
import { copyImage, growImage, isMounted, mountImage } from '../runtime/disk.js';
import { run } from '../runtime/run.js';
import type { ComputerRow, ComputerStore } from '../store/computers.js';
import type { Computers } from './computers.js';

const log = logger('manage');
/** What only a running computer can take: they are limits on its processes and its link. */
const LIVE_FIELDS: ResizeField[] = ['vcpus', 'mem_gb', 'bandwidth_limit_mbps'];

export class Manage {
  constructor(
    private readonly computers: Computers,
    private readonly store: ComputerStore,
  ) {}

  /** Applies what it can, field by field; the status is 200 (all), 207 (some) or 422 (none). */
  async resize(id: string, req: ResizeRequest): Promise<{ status: 200 | 207 | 422; answer: ResizeAnswer }> {
    const before = this.computers.get(id);
    if (req.disk_size_gb !== undefined && req.disk_size_gb < before.disk_size_gb) {
      throw badRequest(`disk_size_gb can only grow: it is ${before.disk_size_gb} GB now, ${req.disk_size_gb} was asked`, 'disk_shrink');
    }
    const fields = (Object.keys(req) as ResizeField[]).filter((f) => req[f] !== undefined);
    const live = fields.filter((f) => LIVE_FIELDS.includes(f));
    return this.computers.exclusive(id, async () => {
      const row = this.computers.get(id);
      const desk = this.computers.desktop(id);
      if (live.length && (row.status !== 'running' || !desk?.alive)) {
        throw conflict(`${live.join(', ')} can only change on a running computer (it is ${row.status}); start it first`, 'not_running');
      }
      const results: ResizeAnswer['results'] = {};
      const attempt = async (field: ResizeField, requested: number | null, current: number | null, apply: () => Promise<FieldResult['takes_effect'] | void>) => {
        try {
          const when = (await apply()) ?? 'now';
          results[field] = { requested, applied: requested, ok: true, error: null, takes_effect: when };
        } catch (e) {
          results[field] = { requested, applied: current, ok: false, error: (e as Error).message };
        }
      };

      if (req.vcpus !== undefined || req.mem_gb !== undefined) {
        // One cgroup write each; the two are reported apart.
        for (const field of ['vcpus', 'mem_gb'] as const) {
          const value = req[field];
          if (value === undefined) continue;
          const now = this.computers.get(id);
          const prev = { vcpus: now.cpu, memGb: now.ram };
          const next = { ...prev, [field === 'vcpus' ? 'vcpus' : 'memGb']: value };
          await attempt(field, value, field === 'vcpus' ? now.cpu : now.ram, async () => {
            const cg = this.computers.cgroups;
            if (!cg?.enforced) throw new Error('cpu and memory limits are not enforced on this host (no usable cgroups)');
            try {
              cg.apply(id, next, prev);
            } catch (e) {
              const code = (e as NodeJS.ErrnoException).code;
              if (field === 'mem_gb' && code === 'EBUSY') throw new Error(`the computer uses more than ${value} GB now; free memory inside it first`, { cause: e });
              throw e;
            }
            this.store.update(id, field === 'vcpus' ? { cpu: value } : { ram: value });
          });
        }
      }

      if (req.bandwidth_limit_mbps !== undefined) {
        const mbps = req.bandwidth_limit_mbps || null;
        await attempt('bandwidth_limit_mbps', mbps, row.bandwidth_limit_mbps, async () => {
          const net = this.computers.network;
          if (!net || !desk?.link || !desk.pid) throw new Error('this computer shares the host\'s network; no limit can be set on it');
          await net.setBandwidth(desk.pid, desk.link.hostIf, mbps);
          this.store.update(id, { bandwidth_limit_mbps: mbps });
        });
      }

      if (req.disk_size_gb !== undefined) {
        const gb = req.disk_size_gb;
        await attempt('disk_size_gb', gb, row.disk_size_gb, async () => {
          if (gb === row.disk_size_gb) return 'now';
          if (!row.disk_image) throw new Error('this computer\'s disk is a folder on the host (made before disk images), which has no size to grow');
          const p = this.computers.paths(row);
          // The image is mounted on the host whether the computer runs or not.
          await mountImage(p.image, p.disk);
          const when = await growImage(p.image, p.disk, gb, !!this.computers.desktop(id)?.alive);
          this.store.update(id, { disk_size_gb: gb });
          return when;
        });
      }

      if (req.auto_stop_minutes !== undefined) {
        const minutes = req.auto_stop_minutes;
        await attempt('auto_stop_minutes', minutes, row.auto_stop_minutes, async () => {
          this.computers.setAutoStop(id, minutes);
        });
      }

      const after = this.computers.get(id);
      const oks = Object.values(results).filter((r) => r!.ok).length;
      const status = oks === fields.length ? 200 : oks > 0 ? 207 : 422;
      return {
        status,
        answer: {
          success: status === 200,
          id,
          vcpus: after.cpu,
          mem_gb: after.ram,
          disk_size_gb: after.disk_size_gb,
          bandwidth_limit_mbps: after.bandwidth_limit_mbps,
          auto_stop_minutes: after.auto_stop_minutes,
          results,
        },
      };
    });
  }

  move(id: string, workspaceId: string): ComputerRow {
    const row = this.computers.get(id);
    if (row.workspace_id === workspaceId) throw badRequest('The computer is already in that workspace', 'already_there');
    return this.store.update(id, { workspace_id: workspaceId });
  }

  /** "X (clone)", then "X (clone 2)", ... : the first name no computer of the workspace has. */
  cloneName(source: ComputerRow, workspaceId: string): string {
    const taken = new Set(this.store.list(workspaceId).map((r) => r.name));
    const base = source.name.replace(/ \(clone(?: \d+)?\)$/, '');
    for (let n = 1; ; n++) {
      const name = `${base} (clone${n === 1 ? '' : ` ${n}`})`.slice(0, 100);
      if (!taken.has(name)) return name;
    }
  }

  /**
   * A new computer with a copy of the source's whole disk, booted. A running source keeps
   * running: its filesystem is frozen for the copy (one consistent moment, as a snapshot), or,
   * for a folder disk, copied as it is.
   */
  async clone(id: string, options: { name?: string; workspace_id?: string }): Promise<ComputerRow> {
    const source = this.computers.get(id);
    if (['creating', 'deleting'].includes(source.status)) throw conflict(`the computer is ${source.status}`, 'busy');
    const workspaceId = options.workspace_id ?? source.workspace_id;
    const name = options.name ?? this.cloneName(source, workspaceId);
    const spec = {
      workspace_id: workspaceId,
      name,
      os: source.os,
      ram: source.ram,
      cpu: source.cpu,
      disk_size_gb: source.disk_size_gb,
      resolution: source.resolution,
      auto_stop_minutes: source.auto_stop_minutes,
    };
    return this.computers.create(spec, {
      bandwidth_limit_mbps: source.bandwidth_limit_mbps,
      fillDisk: (row) =>
        // The copy is made in the source's turn, so no stop or delete of it runs meanwhile.
        this.computers.exclusive(id, async () => {
          const src = this.computers.paths(this.computers.get(id));
          const dst = this.computers.paths(row);
          const t0 = performance.now();
          let image = false;
          if (source.disk_image && existsSync(src.image)) {
            await copyImage(src.image, dst.image, isMounted(src.disk) ? src.disk : null);
            await mountImage(dst.image, dst.disk);
            image = true;
          } else {
            rmSync(dst.disk, { recursive: true, force: true });
            await run('cp', ['-a', '--reflink=auto', src.disk, dst.disk]);
          }
          forgetIdentity(dst.disk);
          log.info(`cloned ${id} into ${row.id} in ${Math.round(performance.now() - t0)} ms`);
          return image;
        }),
    });
  }
}

/** What must differ between a computer and its clone: the machine id, and the browser's claim on its profile. */
function forgetIdentity(disk: string): void {
  rmSync(join(disk, 'upper/etc/machine-id'), { force: true });
  for (const f of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) {
    rmSync(join(disk, 'home/.config/chromium', f), { force: true });
  }
}
