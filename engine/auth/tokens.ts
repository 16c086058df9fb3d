import { SignJWT, jwtVerify, errors } from 'jose';

export const ROLES = ['reader', 'librarian', 'supplier', 'search-proxy', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(name: unknown): name is Role {
  return ROLES.includes(name as Role);
}

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
      const { sub, library, role } = payload;
      if (typeof sub !== 'string' || typeof library !== 'string') throw new TokenError('token lacks a subject or a library');
      // A signed token can outlive its role: one naming a role this version does not know grants nothing.
      if (!isRole(role)) throw new TokenError(`token role ${JSON.stringify(role) ?? '(none)'} is not one of: ${ROLES.join(', ')}`);
      return { subject: sub, role, libraryId: library };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('token has expired');
      throw new TokenError('token is not valid');
    }
  }
}
