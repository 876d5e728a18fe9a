/** The window's full-screen state, following the document (Esc leaves it without our button). */
import { useEffect, useState } from 'react';

export function useFullscreen(onError: (e: Error) => void): { fullscreen: boolean; toggle: () => void } {
  const [fullscreen, setFullscreen] = useState(false);
  useEffect(() => {
    const on = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);
  const toggle = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch(onError);
  };
  return { fullscreen, toggle };
}
