/**
 * The lint rules that hold Electron's doors bite: what each forbids fails `npm run lint` with a
 * message naming the rule, in the files it covers; the one file allowed the door passes.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/app.js';

const eslint = new ESLint({ cwd: projectRoot });
async function messages(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${projectRoot}/${filePath}` });
  return r!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('lint: ipcRenderer', () => {
  it('is refused by name, alias or string key outside the preload', async () => {
    for (const code of [
      "import { ipcRenderer } from 'electron';\nipcRenderer.send('x');",
      "import { ipcRenderer as r } from 'electron';\nr.send('x');",
      "import * as e from 'electron';\nconst r = e.ipcRenderer;\nr.send('x');",
      "import * as e from 'electron';\nconst r = e['ipcRenderer'];\nr.send('x');",
      "const { ipcRenderer: r } = require('electron');\nr.send('x');",
    ]) {
      for (const file of ['renderer/src/x.ts', 'electron/main/x.ts', 'shared/ipc/x.ts']) expect(await messages(code, file), `${file}: ${code}`).toEqual(expect.arrayContaining([expect.stringMatching(/not ipcRenderer/)]));
    }
  });

  it('in the preload: calls are fine, handing it to the page or an alias is not', async () => {
    const file = 'electron/preload/index.ts';
    expect(await messages("import { ipcRenderer } from 'electron';\nvoid ipcRenderer.invoke('orgo:invoke', 'a', 1);", file)).toEqual([]);
    expect(await messages("import { contextBridge, ipcRenderer } from 'electron';\ncontextBridge.exposeInMainWorld('x', ipcRenderer);", file)).toEqual(
      expect.arrayContaining([expect.stringMatching(/never reaches the page/)]),
    );
    expect(await messages("import { contextBridge, ipcRenderer } from 'electron';\ncontextBridge.exposeInMainWorld('x', { send: ipcRenderer.send });", file)).toEqual(
      expect.arrayContaining([expect.stringMatching(/never reaches the page/)]),
    );
    expect(await messages("import { contextBridge, ipcRenderer } from 'electron';\nconst r = ipcRenderer;\ncontextBridge.exposeInMainWorld('x', r);", file)).toEqual([expect.stringMatching(/never pass it on/)]);
  });

  it('passes the preload as it is, and the whole electron/ folder', async () => {
    const results = await eslint.lintFiles(['electron/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});

describe('lint: shell.openExternal', () => {
  it('only in electron/main/windows.ts (behind the http(s) gate)', async () => {
    const code = "import { shell } from 'electron';\nvoid shell.openExternal('https://x');";
    expect(await messages(code, 'electron/main/tray.ts')).toEqual([expect.stringMatching(/AppWindows\.openExternal/)]);
    expect(await messages(code, 'electron/main/windows.ts')).toEqual([]);
  });
});
