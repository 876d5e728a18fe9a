/**
 * The layer rules in eslint.config.js fire: each forbidden import, linted as if it stood in the
 * folder it would break, fails with a message naming the layer rule; the allowed ones pass.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: resolve(root, file) });
  return r!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const forbidden: Array<[string, string, RegExp]> = [
  ['app/example.ts', "import { x } from '../host/errors.js';", /only host\/ imports host\//],
  ['electron/main/example.ts', "import { x } from '../../host/x11/session.js';", /only host\/ imports host\//],
  ['electron/browser-mode/example.ts', "import { x } from '../../host/http/app.js';", /only host\/ imports host\//],
  ['cli/example.ts', "import { x } from '../host/store/db.js';", /only host\/ imports host\//],
  ['host/services/example.ts', "import { x } from '../http/request.js';", /never import host\/http/],
  ['host/runtime/example.ts', "import { x } from '../http/services.js';", /never import host\/http/],
  ['host/files/example.ts', "import { x } from '../http/scope.js';", /never import host\/http/],
  ['host/services/example.ts', "import { x } from '../../app/handlers.js';", /app core is for its transports/],
  ['shared/api/example.ts', "import { x } from '../node/log.js';", /shared\/node is Node code/],
  ['shared/api/example.ts', "import { x } from '../../host/errors.js';", /only host\/ imports host\//],
  ['renderer/src/views/Example.tsx', "import { x } from '../../../shared/node/log.js';", /imports only shared\/api and shared\/ipc/],
  ['renderer/src/views/Example.tsx', "import { x } from '../../../app/handlers.js';", /imports only shared\/api and shared\/ipc/],
  ['renderer/src/views/Example.tsx', "import { x } from '../../../host/errors.js';", /imports only shared\/api and shared\/ipc/],
  ['electron/main/windows-example.ts', "import { ipcMain as x } from 'electron';", /electron\/main\/ipc\.ts/],
];

const allowed: Array<[string, string]> = [
  ['app/example.ts', "import { x } from '../shared/api/client.js';"],
  ['electron/main/example.ts', "import { x } from '../../app/handlers.js';"],
  ['host/services/example.ts', "import { x } from '../errors.js';"],
  ['host/http/routes/example.ts', "import { x } from '../request.js';"],
  ['renderer/src/views/Example.tsx', "import { x } from '../../../shared/ipc/api.js';"],
  ['renderer/src/views/Example.tsx', "import { x } from '../components/Icon';"],
  ['electron/main/ipc.ts', "import { ipcMain as x } from 'electron';"],
];

describe('layer rules (eslint.config.js)', () => {
  it.each(forbidden)('%s: %s is refused', async (file, code, why) => {
    const m = await messages(file, code);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(why);
  });

  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    expect(await messages(file, code)).toEqual([]);
  });
});
