/**
 * The desktop's sound: the audio channel through main's relay, 20 ms s16le frames played with
 * Web Audio. Frames are scheduled back to back on the audio clock with a small lead (60 ms), so
 * network jitter does not click; a late frame restarts the lead rather than piling up delay.
 */
import { useEffect, useRef, useState } from 'react';
import { useChannel } from './useChannel';

const LEAD_S = 0.06;

export function useAudio(computerId: string, enabled: boolean) {
  const ctxRef = useRef<AudioContext | null>(null);
  const format = useRef({ rate: 24000, channels: 1 });
  const nextAt = useRef(0);
  // What is arriving, for the toolbar (and tests): frames so far and the loudest sample lately.
  const meter = useRef({ frames: 0, peak: 0 });
  const [level, setLevel] = useState({ frames: 0, peak: 0, playing: 'off' as AudioContextState | 'off' });

  useEffect(() => {
    if (!enabled) return;
    // Created on the toggle's click, so the browser lets it play.
    const ctx = new AudioContext();
    void ctx.resume().catch(() => {});
    ctxRef.current = ctx;
    nextAt.current = 0;
    const t = setInterval(() => {
      setLevel({ frames: meter.current.frames, peak: meter.current.peak, playing: ctx.state });
      meter.current.peak = 0;
    }, 250);
    return () => {
      clearInterval(t);
      ctxRef.current = null;
      setLevel({ frames: 0, peak: 0, playing: 'off' });
      void ctx.close();
    };
  }, [enabled]);

  const channel = useChannel(computerId, 'audio', enabled, {
    onMessage: (data) => {
      if (typeof data === 'string') {
        const m = JSON.parse(data) as { type: string; sample_rate?: number; channels?: number };
        if (m.type === 'started') format.current = { rate: m.sample_rate ?? 24000, channels: m.channels ?? 1 };
        return;
      }
      const ctx = ctxRef.current;
      if (!ctx) return;
      const { rate, channels } = format.current;
      const pcm = new Int16Array(data);
      const frames = Math.floor(pcm.length / channels);
      if (!frames) return;
      const buf = ctx.createBuffer(channels, frames, rate);
      let peak = meter.current.peak;
      for (let c = 0; c < channels; c++) {
        const out = buf.getChannelData(c);
        for (let i = 0; i < frames; i++) {
          const v = pcm[i * channels + c]! / 32768;
          out[i] = v;
          if (v > peak) peak = v;
        }
      }
      meter.current.frames++;
      meter.current.peak = peak;
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      const now = ctx.currentTime;
      if (nextAt.current < now + 0.005) nextAt.current = now + LEAD_S;
      src.start(nextAt.current);
      nextAt.current += buf.duration;
    },
  });
  return { ...channel, level };
}
