import type { Middleware } from 'koa';
import type { Caller, TokenAuthority } from '../auth/tokens';

export interface AuthState {
  caller: Caller;
}

/** Requires a bearer token signed by the network and puts its caller on `ctx.state.caller`; a token refused is answered in errors.ts. */
export function authenticate(tokens: TokenAuthority): Middleware<AuthState> {
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match) return ctx.throw(401, 'missing bearer token (Authorization: Bearer <token>)', { headers: { 'WWW-Authenticate': 'Bearer' } });
    ctx.state.caller = await tokens.verify(match[1]!);
    await next();
  };
}
