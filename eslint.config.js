import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house plan, held by lint: each folder may import only what the README's layout table says.
 * `no-restricted-imports` matches the import's specifier, so these patterns name the folders a
 * relative path would reach (`../../host/...`). tests/unit/layers.test.ts checks they bite.
 *
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

const rule = (folder, reason) => ({ regex: `(^|/)${folder}(/|$)`, message: `Layers (README "Layout"): ${reason}` });
const NOT_HOST = rule('host', 'only host/ imports host/; share the code through shared/ instead.');
const NOT_APP = rule('app', 'the app core is for its transports (electron/, cli/); the host and shared/ never import it.');
const NOT_ELECTRON = rule('electron', 'electron/ is a transport at the top; nothing imports it.');
const NOT_CLI = rule('cli', 'cli/ is a transport at the top; nothing imports it.');
const NOT_RENDERER = rule('renderer', 'the renderer is a web page; nothing in Node imports it.');
const NOT_HTTP = rule('http', 'the host\'s inner layers (services, files, store, runtime, x11, imaging, auth) never import host/http/; throw ApiError (host/errors.ts) instead.');
const NOT_SHARED_NODE = { regex: '(^|/)node(/|$)', message: 'Layers (README "Layout"): shared/node is Node code; the renderer and shared/api, shared/ipc stay browser-safe.' };
const RENDERER_ONLY_SHARED = { regex: '(^|/)(host|app|electron|cli|guest)/|(^|/)shared/(?!api/|ipc/)', message: 'Layers (README "Layout"): the renderer imports only shared/api and shared/ipc (and its own files).' };
const RAW_IPC_MAIN = { name: 'electron', importNames: ['ipcMain'], message: 'Use the one wrapper in electron/main/ipc.ts, which checks every sender.' };

const restrict = (patterns, paths = [RAW_IPC_MAIN]) => ({ 'no-restricted-imports': ['error', { patterns, paths }] });

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
  // The arrows: electron/, cli/ -> app/ -> shared/; host/ -> shared/; renderer -> shared/api, shared/ipc.
  { files: ['app/**/*.ts'], rules: restrict([NOT_HOST, NOT_ELECTRON, NOT_CLI, NOT_RENDERER]) },
  { files: ['electron/**/*.ts', 'cli/**/*.ts'], rules: restrict([NOT_HOST, NOT_RENDERER]) },
  { files: ['electron/main/ipc.ts'], rules: restrict([NOT_HOST, NOT_RENDERER], []) },
  { files: ['host/**/*.ts'], rules: restrict([NOT_APP, NOT_ELECTRON, NOT_CLI, NOT_RENDERER]) },
  {
    files: ['host/{services,files,store,runtime,x11,imaging,auth,agents}/**/*.ts', 'host/errors.ts'],
    rules: restrict([NOT_HTTP, NOT_APP, NOT_ELECTRON, NOT_CLI, NOT_RENDERER]),
  },
  { files: ['shared/**/*.ts'], rules: restrict([NOT_HOST, NOT_APP, NOT_ELECTRON, NOT_CLI, NOT_RENDERER]) },
  { files: ['shared/api/**/*.ts', 'shared/ipc/**/*.ts'], rules: restrict([NOT_SHARED_NODE, NOT_HOST, NOT_APP, NOT_ELECTRON, NOT_CLI, NOT_RENDERER]) },
  { files: ['renderer/src/**/*.{ts,tsx}'], rules: restrict([RENDERER_ONLY_SHARED]) },
  { files: ['electron/preload/index.ts'], rules: { 'no-restricted-syntax': ['error', ...IPC_RENDERER_EXPOSED, ...OPEN_EXTERNAL] } },
  { files: ['electron/main/windows.ts'], rules: { 'no-restricted-syntax': ['error', ...IPC_RENDERER] } },
  // Tests name it to check that no page holds it.
  { files: ['tests/**'], rules: { 'no-restricted-syntax': ['error', ...OPEN_EXTERNAL] } },
);
