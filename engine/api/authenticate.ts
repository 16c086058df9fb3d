import type { Middleware } from 'koa';
import { TokenError, type Caller, type TokenAuthority } from '../auth/tokens';
import { HttpError } from './http-error';

export interface AuthState {
  caller: Caller;
}

/** Requires a bearer token signed by the network and puts its caller on `ctx.state.caller`. */
export function authenticate(tokens: TokenAuthority): Middleware<AuthState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)');
    }
    try {
      ctx.state.caller = await tokens.verify(match[1]!);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, error.message);
    }
    await next();
  };
}
