import { describe, expect, it } from 'vitest';
import { ROLES, TokenAuthority, TokenError, type Role } from './tokens';

const tokens = new TokenAuthority('a-test-key-of-at-least-thirty-two-characters');

describe('API tokens', () => {
  it('carry the account, role and library they were signed for', async () => {
    for (const role of ROLES) {
      const caller = { subject: `${role}@pku`, role, libraryId: 'pku' };
      expect(await tokens.verify(await tokens.issue(caller))).toEqual(caller);
    }
  });

  it('naming a role this version does not know are refused, saying which roles there are', async () => {
    // As signed before the `adapter` role was withdrawn.
    const withdrawn = await tokens.issue({ subject: 'iso18626@centre', role: 'adapter' as Role, libraryId: 'centre' });
    const refusal = tokens.verify(withdrawn);
    await expect(refusal).rejects.toBeInstanceOf(TokenError);
    await expect(refusal).rejects.toThrow('token role "adapter" is not one of: reader, librarian, supplier, search-proxy, administrator');
  });

  it('signed with another key are refused', async () => {
    const forged = await new TokenAuthority('another-key-of-at-least-thirty-two-characters').issue({ subject: 'x', role: 'administrator', libraryId: 'centre' });
    await expect(tokens.verify(forged)).rejects.toThrow('token is not valid');
  });
});
