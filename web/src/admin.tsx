import { Route, Router } from 'preact-iso';
import { useMessages } from './i18n';
import { ConfigFiles, ConfigVersions } from './pages/ConfigPages';

/** The centre's administrator's way around: the configuration, what it knows of suppliers, reports, settlement, mail. */
export function AdminNav() {
  const { t } = useMessages();
  return (
    <nav aria-label={t.nav}>
      <a href="#/config">{t.config.navFiles}</a>
      <a href="#/config/versions">{t.config.navVersions}</a>
    </nav>
  );
}

export function AdminPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={ConfigFiles} />
      <Route path="/config" component={ConfigFiles} />
      <Route path="/config/versions" component={ConfigVersions} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}
