import { useEffect, useState } from 'preact/hooks';
import { call, type WorkbenchInfo } from '../api';
import { useMessages } from '../i18n';
import { sessionOf, useSession } from '../session';
import { Heading } from './Heading';

export function SignIn() {
  const { t } = useMessages();
  const { signIn } = useSession();
  const [info, setInfo] = useState<WorkbenchInfo>();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    void call<WorkbenchInfo>(undefined, 'GET', '/api/workbench').then((answer) => answer.ok && setInfo(answer.body));
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    const session = sessionOf(token);
    if (session) signIn(session);
    else setProblem(t.tokenInvalid);
  };
  return (
    <>
      <Heading>{t.signIn}</Heading>
      {info?.devIdentities && (
        <section aria-labelledby="dev-identities">
          <h2 id="dev-identities">{t.devIdentities}</h2>
          <p>{t.devIdentitiesHint}</p>
          <ul class="identities">
            {info.devIdentities.map((identity) => (
              <li key={identity.token}>
                <button type="button" onClick={() => signIn(sessionOf(identity.token))}>
                  {t.roles[identity.role as keyof typeof t.roles] ?? identity.role} · {identity.libraryId} · {identity.subject}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form onSubmit={submit} aria-labelledby="token-sign-in" noValidate>
        <h2 id="token-sign-in">{t.tokenSignIn}</h2>
        <div class="field">
          <label for="token">{t.token}</label>
          <textarea id="token" rows={3} value={token} onInput={(event) => setToken(event.currentTarget.value)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'token-problem' : undefined} />
          {problem && (
            <p class="problem" id="token-problem">
              {problem}
            </p>
          )}
        </div>
        <button type="submit">{t.signIn}</button>
      </form>
    </>
  );
}
