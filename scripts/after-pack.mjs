// electron-builder afterPack hook (electron-builder.yml): flips Electron's fuses in the packaged
// binary before it is wrapped into a deb or AppImage.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * Every fuse of Electron 45's wire (9), by name, as the packaged app wants it; the packaging test
 * checks the packaged binary holds exactly these and that no fuse of @electron/fuses is left out.
 */
export const FUSES = {
  // Kept on, on purpose. The host (this computer's desktops) runs as Electron's own Node:
  // local-host.ts starts it with ELECTRON_RUN_AS_NODE=1 and so does the root systemd unit
  // (resources/linux/orgo-host.service). It cannot run on a system `node`: the packaged native
  // modules (better-sqlite3 above all, which is not N-API) are rebuilt for Electron's ABI, and a
  // user may have no node at all. The alternatives are worse: a headless Electron main process as
  // the root service starts Chromium's browser process as root (it then needs --no-sandbox and a
  // display or ozone headless) for a server that needs none of it; a second Node runtime with a
  // second build of every native module doubles what ships and what can go stale. What this fuse
  // guards against is borrowing the app's code-signing identity and entitlements (macOS) to run
  // arbitrary Node; a Linux deb or AppImage grants its binary nothing that plain node lacks, and
  // the binary is root-owned. Revisit if macOS builds are added.
  RunAsNode: true,
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone who can set the environment or the command line
  // of the app (or of the root host) inject code or attach a debugger.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Electron checks app.asar against the hash electron-builder embeds on macOS and Windows; on
  // Linux Electron has no such check yet, so this is on for when it does (and for other targets).
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // The app ships no browser-process V8 snapshot of its own: Electron's default.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // Off: file:// gets no privileges beyond a browser's. The pages come from app://orgo/
  // (electron/pages/app-scheme.ts), so nothing of the app needs them.
  GrantFileProtocolExtraPrivileges: false,
  // WebAssembly's out-of-bounds checks by signal handler (Electron's default); the pages run no wasm today.
  WasmTrapHandlers: true,
};

/** The Electron binary inside electron-builder's output folder for one platform. */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const config = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[name]] = value;
  await flipFuses(electronBinary(context), config);
}
