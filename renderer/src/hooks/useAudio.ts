/**
 * The desktop's sound: the audio channel through main's relay, 20 ms s16le frames played with
 * Web Audio. Frames are scheduled back to back on the audio clock with a small lead (60 ms), so
 * network jitter does not click; a late frame restarts the lead rather than piling up delay.
 */
import { useEffect, useRef } from 'react';
import { useChannel } from './useChannel';

const LEAD_S = 0.06;

export function useAudio(computerId: string, enabled: boolean) {
  const ctxRef = useRef<AudioContext | null>(null);
  const format = useRef({ rate: 24000, channels: 1 });
  const nextAt = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    // Created on the toggle's click, so the browser lets it play.
    const ctx = new AudioContext();
    ctxRef.current = ctx;
    nextAt.current = 0;
    return () => {
      ctxRef.current = null;
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
      for (let c = 0; c < channels; c++) {
        const out = buf.getChannelData(c);
        for (let i = 0; i < frames; i++) out[i] = pcm[i * channels + c]! / 32768;
      }
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      const now = ctx.currentTime;
      if (nextAt.current < now + 0.005) nextAt.current = now + LEAD_S;
      src.start(nextAt.current);
      nextAt.current += buf.duration;
    },
  });
  return channel;
}
