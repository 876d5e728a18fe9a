/** What a channel (VNC, terminal, events, audio) gets once the router (desktops.ts) has let the connection in. */
import type { WebSocket } from 'ws';
import type { Desktop } from '../../runtime/desktop.js';
import type { ComputerPaths } from '../../runtime/paths.js';
import type { ComputerRow } from '../../store/computers.js';
import type { HostServices } from '../services.js';
import type { EventHubs } from '../../runtime/event-hub.js';
import type { Limits } from './rfb-gate.js';

export interface ChannelContext {
  ws: WebSocket;
  url: URL;
  row: ComputerRow;
  desk: Desktop;
  paths: ComputerPaths;
  services: HostServices;
  hubs: EventHubs;
  /**
   * Set when a VNC viewer came with neither token nor API key: the host's RFB gate checks the VNC
   * password first (channels/rfb-gate.ts), with failed attempts limited per computer and address.
   */
  rfbGate?: { address: string; limits: Limits };
  /** Runs once when the connection ends, however it ends (viewer left, computer stopped). */
  onEnd(fn: () => void): void;
}
