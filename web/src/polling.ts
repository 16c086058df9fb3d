import { useEffect, useState } from 'preact/hooks';

/** How often open pages ask again: requests move in seconds when suppliers answer at once. */
export const POLL_MS = 3_000;

/** What `load` answers, asked whenever `key` changes and, unless `every` is null, again every few seconds while the page is open. */
export function usePolled<T>(load: () => Promise<T | undefined>, key: string, every: number | null = POLL_MS): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    const refresh = () => void load().then((next) => live && next !== undefined && setValue(next));
    refresh();
    const timer = every === null ? undefined : setInterval(refresh, every);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return value;
}
