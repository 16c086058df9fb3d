import { describe, expect, it } from 'vitest';
import { sendFailureOf } from './send-failures';

describe('the class of a failed call to a supplier', () => {
  it.each([
    ['POST http://nstl.example/ill/orders: no answer within 5000 ms', 'timeout'],
    ['Activity task timed out', 'timeout'],
    ['POST http://127.0.0.1:3100/vendor/cnki/orders: connect ECONNREFUSED 127.0.0.1:3100', 'refused'],
    ['POST https://vip.example/orders: getaddrinfo ENOTFOUND vip.example', 'unreachable'],
    ['cnki: the credential variable CNKI_TOKEN is not set', 'no-credentials'],
    ['cnki: POST https://cnki.example/orders: HTTP 401 bad token', 'credentials-refused'],
    ['cnki: no endpoint is configured', 'not-configured'],
    ["supplier 'gone' is not in the configuration", 'not-configured'],
    ['POST https://cnki.example/orders: HTTP 503', 'supplier-error'],
    ['keris answered with a message that is not valid ISO 18626 (Schema: bad)', 'supplier-error'],
    ['keris: POST https://keris.example/iso18626: HTTP 400 malformed', 'rejected'],
    ['keris: refused: UnrecognisedDataValue: we do not lend abroad', 'rejected'],
    ['something nobody foresaw', 'failed'],
  ])('%s is %s', (message, failure) => {
    expect(sendFailureOf(message)).toBe(failure);
  });

  it('is a refusal where the adapter judged the supplier would never take the call, in whatever words', () => {
    expect(sendFailureOf('the peer answered ERROR: UnrecognisedDataValue', true)).toBe('rejected');
    expect(sendFailureOf('the peer answered ERROR: UnrecognisedDataValue')).toBe('failed');
    expect(sendFailureOf('cnki: the credential variable CNKI_TOKEN is not set', true)).toBe('no-credentials');
  });
});
