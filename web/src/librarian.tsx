import { Route, Router } from 'preact-iso';
import { useMessages } from './i18n';
import { Inbox } from './pages/Inbox';
import { LibrarySearch } from './pages/LibrarySearch';
import { RequestPage } from './pages/RequestPage';
import { KnowledgeBase, SupplierKnowledgePage } from './pages/Knowledge';
import { Reports } from './pages/Reports';
import { Settlement } from './pages/Settlement';

/** The requesting librarian's way around: their tasks first, then the library's requests. */
export function LibrarianNav() {
  const { t } = useMessages();
  return (
    <nav aria-label={t.nav}>
      <a href="#/tasks">{t.librarian.navInbox}</a>
      <a href="#/search">{t.librarian.navSearch}</a>
      <a href="#/reports">{t.admin.navReports}</a>
      <a href="#/settlement">{t.admin.navSettlement}</a>
      <a href="#/knowledge">{t.admin.navKnowledge}</a>
    </nav>
  );
}

export function LibrarianPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={Inbox} />
      <Route path="/tasks" component={Inbox} />
      <Route path="/search" component={LibrarySearch} />
      <Route path="/request/:id" component={RequestPage} />
      <Route path="/reports" component={Reports} />
      <Route path="/settlement" component={Settlement} />
      <Route path="/knowledge" component={KnowledgeBase} />
      <Route path="/knowledge/:id" component={SupplierKnowledgePage} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}
