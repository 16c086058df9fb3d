import { useEffect, useState } from 'preact/hooks';

/** How often open pages ask again: requests move in seconds when suppliers answer at once. */
export const POLL_MS = 3_000;

/** What `load` answers, asked again every few seconds while the page is open and whenever `key` changes. */
export function usePolled<T>(load: () => Promise<T | undefined>, key: string): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    const refresh = () => void load().then((next) => live && next !== undefined && setValue(next));
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return value;
}
