import { Route, Router } from 'preact-iso';
import { useMessages } from './i18n';
import { KeptMailList, KeptMailPage } from './pages/KeptMail';
import { KnowledgeBase, SupplierKnowledgePage } from './pages/Knowledge';
import { Reports } from './pages/Reports';
import { Settlement } from './pages/Settlement';
import { ConfigFiles, ConfigVersions } from './pages/ConfigPages';

/** The centre's administrator's way around: the configuration, what it knows of suppliers, reports, settlement, mail. */
export function AdminNav() {
  const { t } = useMessages();
  return (
    <nav aria-label={t.nav}>
      <a href="#/reports">{t.admin.navReports}</a>
      <a href="#/knowledge">{t.admin.navKnowledge}</a>
      <a href="#/settlement">{t.admin.navSettlement}</a>
      <a href="#/mail">{t.admin.navMail}</a>
      <a href="#/config">{t.config.navFiles}</a>
      <a href="#/config/versions">{t.config.navVersions}</a>
    </nav>
  );
}

export function AdminPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={Reports} />
      <Route path="/reports" component={Reports} />
      <Route path="/knowledge" component={KnowledgeBase} />
      <Route path="/knowledge/:id" component={SupplierKnowledgePage} />
      <Route path="/settlement" component={Settlement} />
      <Route path="/mail" component={KeptMailList} />
      <Route path="/mail/:id" component={KeptMailPage} />
      <Route path="/config" component={ConfigFiles} />
      <Route path="/config/versions" component={ConfigVersions} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}
