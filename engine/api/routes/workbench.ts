import Router from '@koa/router';
import { CENTRE } from '../../../domain/request-state';
import type { Library } from '../../../rules/types';
import type { Caller, Role, TokenAuthority } from '../../auth/tokens';
import type { NetworkHolder } from '../../network';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';

/** What the workbench needs to know of the service before anyone signs in. */
export interface WorkbenchSettings {
  /** Whether ready-made identities are handed out (embedded defaults, or `ILL_DEV_SIGN_IN=on`). */
  devSignIn: boolean;
  /** The Temporal web UI, for links to requests' workflows. */
  temporalUiUrl?: string;
  temporalNamespace: string;
}

export interface DevIdentity extends Caller {
  token: string;
}

const requesting = (library: Library) => library.role !== 'service';
const supplying = (library: Library) => library.role !== 'user';

/**
 * One account of each role, at libraries of the configuration in force: a reader and a librarian
 * of a requesting library, a supplier desk at another library that supplies, and the centre's staff:
 * search-proxy staff sit at the centre, whose queue hard-to-find requests are assigned to.
 */
function devCallers(libraries: Library[]): Caller[] {
  const home = libraries.find((library) => library.id === 'pku' && requesting(library)) ?? libraries.find(requesting);
  if (!home) return [];
  const lender = libraries.find((library) => library.id !== home.id && supplying(library));
  const at = (role: Role, library: Library, subject: string): Caller => ({ role, libraryId: library.id, subject });
  return [
    at('reader', home, `reader-${home.id}`),
    at('librarian', home, `librarian-${home.id}`),
    ...(lender ? [at('supplier', lender, `supplier-${lender.id}`)] : []),
    { role: 'search-proxy', libraryId: CENTRE.libraryId, subject: 'search-proxy' },
    at('administrator', home, 'administrator'),
  ];
}

/** `GET /api/workbench`: the settings the workbench shows, and in development the identities to sign in with. */
export function workbenchRoutes(deps: { settings: WorkbenchSettings; tokens: TokenAuthority; network: NetworkHolder }): Routes {
  return new Routes(new Router<AuthState>()).add(
    {
      method: 'get',
      path: '/api/workbench',
      summary: 'What the workbench shows before sign-in: the Temporal web UI, and in development identities to sign in with',
      responses: {
        '200': {
          description:
            '{"temporalUi"?: {"url", "namespace"}, "devIdentities"?: [{"role", "libraryId", "subject", "token"}]}; identities only where the service runs on embedded defaults or ILL_DEV_SIGN_IN=on',
        },
      },
    },
    async (ctx) => {
      const { settings } = deps;
      const devIdentities = settings.devSignIn
        ? await Promise.all(devCallers(deps.network.current().config.libraries).map(async (caller): Promise<DevIdentity> => ({ ...caller, token: await deps.tokens.issue(caller) })))
        : undefined;
      ctx.set('cache-control', 'no-store');
      ctx.body = {
        ...(settings.temporalUiUrl ? { temporalUi: { url: settings.temporalUiUrl, namespace: settings.temporalNamespace } } : {}),
        ...(devIdentities ? { devIdentities } : {}),
      };
    },
  );
}
