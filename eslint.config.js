import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Electron's doors, held by lint (tests/unit/lint-rules.test.ts checks the rules bite):
 * - ipcRenderer, by name, alias or string key, only in the preload (electron/preload/index.ts),
 *   and even there never handed to the page through contextBridge;
 * - shell.openExternal only in electron/main/windows.ts, behind the http(s) gate.
 */
const IPC_RENDERER = [
  { selector: "Identifier[name='ipcRenderer']", message: 'Use the typed IPC contract in shared/ipc, not ipcRenderer (only electron/preload/index.ts wraps it).' },
  { selector: "Literal[value='ipcRenderer']", message: 'Use the typed IPC contract in shared/ipc, not ipcRenderer (only electron/preload/index.ts wraps it).' },
];
const IPC_RENDERER_EXPOSED = [
  {
    selector: "CallExpression[callee.property.name='exposeInMainWorld'] Identifier[name='ipcRenderer']",
    message: 'ipcRenderer never reaches the page: expose only the contract (buildApi).',
  },
  {
    // In the preload, ipcRenderer is only ever the object of a call (ipcRenderer.invoke(…)): not
    // assigned, aliased, returned or passed along.
    selector: "Identifier[name='ipcRenderer']:not(ImportSpecifier > Identifier, MemberExpression[object.name='ipcRenderer'] > Identifier)",
    message: 'ipcRenderer stays inside the preload: call its methods, never pass it on.',
  },
];
const OPEN_EXTERNAL = [{ selector: "MemberExpression[object.name='shell'][property.name='openExternal']", message: 'Open outside the app through AppWindows.openExternal (the http(s) gate), not shell.openExternal.' }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  {
    // Plain scripts run in Node; TypeScript files get their globals from the type checker.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ...IPC_RENDERER, ...OPEN_EXTERNAL],
    },
  },
  { files: ['electron/preload/index.ts'], rules: { 'no-restricted-syntax': ['error', ...IPC_RENDERER_EXPOSED, ...OPEN_EXTERNAL] } },
  { files: ['electron/main/windows.ts'], rules: { 'no-restricted-syntax': ['error', ...IPC_RENDERER] } },
  // Tests name it to check that no page holds it.
  { files: ['tests/**'], rules: { 'no-restricted-syntax': ['error', ...OPEN_EXTERNAL] } },
);
