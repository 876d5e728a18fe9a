import { describe, expect, it } from 'vitest';
import { createComputerBody, firstIssue } from '../../shared/api/schemas.js';
import { hostnameFor } from '../../host/services/names.js';

function problem(body: unknown): string {
  const r = createComputerBody.safeParse(body);
  return r.success ? 'ok' : firstIssue(r.error);
}

describe('computer spec', () => {
  it('fills Orgo\'s defaults', () => {
    const r = createComputerBody.parse({ workspace_id: 'w', name: 'a' });
    expect(r).toMatchObject({ os: 'linux', ram: 4, cpu: 1, disk_size_gb: 8, resolution: '1280x720x24', auto_stop_minutes: 0 });
  });

  it('accepts the deprecated project_id alias', () => {
    expect(createComputerBody.parse({ project_id: 'p', name: 'a' }).workspace_id).toBe('p');
  });

  it('names the field that is wrong', () => {
    expect(problem({ workspace_id: 'w' })).toMatch(/^name is required/);
    expect(problem({ name: 'a' })).toMatch(/^workspace_id is required/);
    expect(problem({ workspace_id: 'w', name: 'a', ram: 3 })).toMatch(/^ram must be one of 1, 2, 4, 8, 16, 32, 64/);
    expect(problem({ workspace_id: 'w', name: 'a', cpu: 3 })).toMatch(/^cpu must be one of/);
    expect(problem({ workspace_id: 'w', name: 'a', cpu: '2' })).toMatch(/^cpu must be a number/);
    expect(problem({ workspace_id: 'w', name: 'a', resolution: '1280x720' })).toMatch(/^resolution must look like/);
    expect(problem({ workspace_id: 'w', name: 'a', resolution: '99999x720x24' })).toMatch(/^resolution/);
    expect(problem({ workspace_id: 'w', name: 'a', disk_size_gb: 0 })).toMatch(/^disk_size_gb/);
    expect(problem({ workspace_id: 'w', name: 'a', os: 'windows' })).toMatch(/^os must be "linux"/);
    expect(problem({ workspace_id: 'w', name: 'a', auto_stop_minutes: -1 })).toMatch(/^auto_stop_minutes/);
  });
});

describe('hostnames', () => {
  it('turn computer names into RFC 1123 labels', () => {
    expect(hostnameFor('Agent One')).toBe('agent-one');
    expect(hostnameFor('  Über_Rechner!! ')).toBe('uber-rechner');
    expect(hostnameFor('***')).toBe('computer');
    expect(hostnameFor('x'.repeat(80))).toHaveLength(63);
  });
});
