import { Route, Router } from 'preact-iso';
import { useMessages } from './i18n';
import { Inbox } from './pages/Inbox';
import { LibrarySearch } from './pages/LibrarySearch';
import { RequestPage } from './pages/RequestPage';

/** The requesting librarian's way around: their tasks first, then the library's requests. */
export function LibrarianNav() {
  const { t } = useMessages();
  return (
    <nav aria-label={t.nav}>
      <a href="#/tasks">{t.librarian.navInbox}</a>
      <a href="#/search">{t.librarian.navSearch}</a>
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
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}
