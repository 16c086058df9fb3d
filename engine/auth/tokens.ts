import { SignJWT, jwtVerify, errors } from 'jose';

export const ROLES = ['reader', 'librarian', 'supplier', 'search-proxy', 'administrator', 'adapter'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an account of a member library (or of the centre) in a role. */
export interface Caller {
  subject: string;
  role: Role;
  libraryId: string;
}

const ISSUER = 'calis-ill';

export class TokenError extends Error {}

export class TokenAuthority {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(caller: Caller, expiresIn = '12h'): Promise<string> {
    return new SignJWT({ role: caller.role, library: caller.libraryId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(caller.subject)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.key);
  }

  async verify(token: string): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || typeof payload.library !== 'string' || !ROLES.includes(role as Role)) {
        throw new TokenError('token lacks a subject, a library or a known role');
      }
      return { subject: payload.sub, role: role as Role, libraryId: payload.library };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('token has expired');
      throw new TokenError('token is not valid');
    }
  }
}
