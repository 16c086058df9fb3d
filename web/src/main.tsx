import { render } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { Route, Router } from 'preact-iso';
import './style.css';
import { HashLocation } from './location';
import { keepLanguage, LanguageContext, storedLanguage, useMessages } from './i18n';
import type { Language } from './messages';
import { keepSession, SessionContext, storedSession, useSession, type Session } from './session';
import { SignIn } from './pages/SignIn';
import { RequestForm } from './pages/RequestForm';
import { MyRequests } from './pages/MyRequests';
import { RequestPage } from './pages/RequestPage';
import { LibrarianNav, LibrarianPages } from './librarian';
import { AdminNav, AdminPages } from './admin';
import { SupplierInbox } from './pages/SupplierInbox';
import { PullSlips } from './pages/PullSlips';
import { SearchProxyQueue, SearchProxyRequest } from './pages/SearchProxyQueue';
import { Settlement } from './pages/Settlement';
import { OwnSupplierKnowledge } from './pages/Knowledge';

function Header() {
  const { t } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  const { session, signIn } = useSession();
  return (
    <header class="top">
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        {t.skipToContent}
      </a>
      <p class="brand">{t.appTitle}</p>
      {session?.role === 'reader' && (
        <nav aria-label={t.nav}>
          <a href="#/request/new">{t.navNewRequest}</a>
          <a href="#/requests">{t.navMyRequests}</a>
        </nav>
      )}
      {session?.role === 'librarian' && <LibrarianNav />}
      {session?.role === 'administrator' && <AdminNav />}
      {session?.role === 'supplier' && (
        <nav aria-label={t.nav}>
          <a href="#/">{t.staff.navInbox}</a>
          <a href="#/settlement">{t.admin.navSettlement}</a>
          <a href="#/knowledge">{t.staff.navOwnKnowledge}</a>
        </nav>
      )}
      {session?.role === 'search-proxy' && (
        <nav aria-label={t.nav}>
          <a href="#/">{t.staff.navSearchProxy}</a>
        </nav>
      )}
      <div class="account">
        <button type="button" lang={t.otherLanguageCode} onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
          {t.otherLanguage}
        </button>
        {session && (
          <>
            <span>{t.signedInAs(session.subject, t.roles[session.role] ?? session.role, session.libraryId)}</span>
            <button type="button" onClick={() => signIn(undefined)}>
              {t.signOut}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

function Pages() {
  const { t } = useMessages();
  const { session } = useSession();
  if (!session) return <SignIn />;
  if (session.role === 'librarian') return <LibrarianPages />;
  if (session.role === 'supplier') return <SupplierPages />;
  if (session.role === 'search-proxy') return <SearchProxyPages />;
  if (session.role === 'administrator') return <AdminPages />;
  if (session.role !== 'reader') return <p>{t.noPagesForRole}</p>;
  return (
    <Router>
      <Route path="/" component={MyRequests} />
      <Route path="/requests" component={MyRequests} />
      <Route path="/request/new" component={RequestForm} />
      <Route path="/request/:id" component={RequestPage} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}

function SupplierPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={SupplierInbox} />
      <Route path="/pull-slips" component={PullSlips} />
      <Route path="/settlement" component={Settlement} />
      <Route path="/knowledge" component={OwnSupplierKnowledge} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}

function SearchProxyPages() {
  const { t } = useMessages();
  return (
    <Router>
      <Route path="/" component={SearchProxyQueue} />
      <Route path="/search-proxy/:id" component={SearchProxyRequest} />
      <Route default component={() => <p>{t.notFound}</p>} />
    </Router>
  );
}

function App() {
  const [language, setLanguageState] = useState(storedLanguage);
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const setLanguage = (next: Language) => {
    keepLanguage(next);
    setLanguageState(next);
  };
  useEffect(() => {
    // The page's language tells screen readers how to speak it, and the browser which fonts to use.
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  const signIn = (next: Session | undefined) => {
    keepSession(next);
    setSession(next);
  };
  return (
    <LanguageContext.Provider value={{ language, setLanguage }}>
      <SessionContext.Provider value={{ session, signIn }}>
        <HashLocation>
          <Header />
          <main id="main" tabIndex={-1}>
            <Pages />
          </main>
        </HashLocation>
      </SessionContext.Provider>
    </LanguageContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
