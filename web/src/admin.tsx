import { Route, Router } from 'preact-iso';
import { useMessages } from './i18n';

/** The centre's administrator's way around: the configuration, what it knows of suppliers, reports, settlement, mail. */
export function AdminNav() {
  const { t } = useMessages();
  return <nav aria-label={t.nav}></nav>;
}

export function AdminPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={() => <p>{t.noPagesForRole}</p>} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}
