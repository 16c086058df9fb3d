import { h, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider } from 'preact-iso';

// preact-iso's router reads its location from a context; here the location is the fragment, so the
// OpenURL route's redirect to `/#/request/new?draft=...` opens the form whatever path serves the page.

const current = () => location.hash.replace(/^#/, '') || '/';

export function HashLocation({ children }: { children: ComponentChildren }) {
  const [url, setUrl] = useState(current);
  useEffect(() => {
    const changed = () => setUrl(current());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  const value = useMemo(() => {
    const parsed = new URL(url, location.origin);
    return {
      url,
      path: parsed.pathname.replace(/\/+$/, '') || '/',
      query: Object.fromEntries(parsed.searchParams),
      route: (to: string, replace?: boolean) => (replace ? location.replace(`#${to}`) : (location.hash = to)),
      back: () => history.back(),
      forward: () => history.forward(),
    };
  }, [url]);
  return h(LocationProvider.ctx.Provider, { value }, children);
}
