/**
 * The viewer's terminal panel: several tabs, each a shell in the computer through main's relay
 * (xterm.js with fit and web-links). Copy with Ctrl+Shift+C (or the button), paste with
 * Ctrl+Shift+V, the button, or the browser's own paste. Tabs keep their shells while hidden; a
 * tab reconnects by itself and says so in its own output.
 */
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
// Before any terminal opens: the element xterm's styles are built into (see vite-xterm-csp.ts).
import './css-sheet';
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../components/Icon';
import { CHANNEL_LABEL, useChannel } from '../hooks/useChannel';
import { orgo } from '../orgo';

interface Tab {
  id: number;
  title: string;
}

export function TerminalPanel({ computerId, running }: { computerId: string; running: boolean }) {
  const [tabs, setTabs] = useState<Tab[]>([{ id: 1, title: 'Shell 1' }]);
  const [active, setActive] = useState(1);
  const next = useRef(2);
  const add = () => {
    const id = next.current++;
    setTabs((t) => [...t, { id, title: `Shell ${id}` }]);
    setActive(id);
  };
  const close = (id: number) => {
    setTabs((t) => {
      const rest = t.filter((x) => x.id !== id);
      if (active === id && rest.length) setActive(rest[rest.length - 1]!.id);
      return rest;
    });
  };
  return (
    <div className="panel-body terminal-panel">
      <div className="term-tabs" role="tablist">
        {tabs.map((t) => (
          <div key={t.id} role="tab" aria-selected={active === t.id} className={`term-tab${active === t.id ? ' active' : ''}`} onClick={() => setActive(t.id)} data-testid="terminal-tab">
            <span>{t.title}</span>
            <button className="term-tab-close" aria-label={`Close ${t.title}`} onClick={(e) => (e.stopPropagation(), close(t.id))}>
              <Icon name="x" size={12} />
            </button>
          </div>
        ))}
        <button className="term-tab-add" title="New terminal tab" aria-label="New terminal tab" onClick={add} data-testid="terminal-new-tab">
          <Icon name="plus" size={14} />
        </button>
      </div>
      {tabs.map((t) => (
        <TerminalTab key={t.id} computerId={computerId} running={running} visible={active === t.id} />
      ))}
      {!tabs.length && <p className="panel-empty muted">No terminals. Open one with +.</p>}
    </div>
  );
}

function TerminalTab({ computerId, running, visible }: { computerId: string; running: boolean; visible: boolean }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const channel = useChannel(computerId, 'terminal', running, {
    params: () => ({ cols: termRef.current?.cols ?? 80, rows: termRef.current?.rows ?? 24 }),
    onOpen: (again) => {
      const term = termRef.current;
      if (!term) return;
      // The size may have changed while connecting (the first fit): the shell learns it now.
      sendRef.current({ type: 'resize', cols: term.cols, rows: term.rows });
      if (again) term.write('\r\n\x1b[2m[reconnected: a new shell]\x1b[0m\r\n');
    },
    onMessage: (data) => {
      if (typeof data !== 'string') return;
      const m = JSON.parse(data) as { type: string; data?: string; code?: number; message?: string };
      if (m.type === 'output') termRef.current?.write(m.data ?? '');
      else if (m.type === 'exit') termRef.current?.write(`\r\n\x1b[2m[the shell exited with code ${m.code}]\x1b[0m\r\n`);
      else if (m.type === 'error') termRef.current?.write(`\r\n\x1b[31m${m.message}\x1b[0m\r\n`);
    },
  });
  const sendRef = useRef(channel.send);
  sendRef.current = channel.send;

  const copy = () => {
    const text = termRef.current?.getSelection();
    if (text) void navigator.clipboard.writeText(text).catch(() => {});
  };
  const paste = () => {
    void navigator.clipboard
      .readText()
      .then((t) => t && termRef.current?.paste(t))
      .catch(() => {});
  };

  useEffect(() => {
    const term = new Terminal({
      fontFamily: "'DejaVu Sans Mono', ui-monospace, monospace",
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: { background: '#0b0d12', foreground: '#e7e9ef', cursor: '#bdb4ff', selectionBackground: 'rgba(124,108,255,0.35)' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon((_e, uri) => void orgo.external.open({ url: uri }).catch(() => {})));
    term.open(hostRef.current!);
    termRef.current = term;
    fitRef.current = fit;
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') {
        copy();
        return false;
      }
      // Ctrl+Shift+V: the browser's own paste event reaches xterm; only keep xterm from typing a key.
      if (e.code === 'KeyV') return false;
      return true;
    });
    const input = term.onData((data) => sendRef.current({ type: 'input', data }));
    const resize = term.onResize(({ cols, rows }) => sendRef.current({ type: 'resize', cols, rows }));
    const observer = new ResizeObserver(() => {
      if (hostRef.current && hostRef.current.offsetWidth > 0) fit.fit();
    });
    observer.observe(hostRef.current!);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      term.dispose();
      termRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (!visible) return;
    requestAnimationFrame(() => {
      fitRef.current?.fit();
      termRef.current?.focus();
    });
  }, [visible]);

  return (
    <div className="term-pane" style={{ display: visible ? 'flex' : 'none' }} data-testid={visible ? 'terminal-active' : undefined}>
      <div className="term-status">
        <span className={`chip chip-${channel.state}`} data-testid="terminal-state" data-state={channel.state}>
          {CHANNEL_LABEL[channel.state]}
        </span>
        {channel.state !== 'open' && channel.detail && <span className="muted term-detail">{channel.detail}</span>}
        <span className="grow" />
        {channel.state === 'ended' && (
          <button className="tool" onClick={() => (termRef.current?.reset(), channel.restart())}>
            <Icon name="refresh" size={14} /> New shell
          </button>
        )}
        <button className="tool" title="Copy the selection (Ctrl+Shift+C)" onClick={copy}>
          <Icon name="copy" size={14} /> Copy
        </button>
        <button className="tool" title="Paste (Ctrl+Shift+V)" onClick={paste}>
          Paste
        </button>
      </div>
      <div className="term-host" ref={hostRef} data-testid="terminal" />
    </div>
  );
}
