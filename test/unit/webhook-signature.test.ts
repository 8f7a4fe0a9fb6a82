import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSecret, signature, signatureHeader } from '../../adapters/output/webhooks/standard-webhooks.js';

/** A receiver's check, written from the spec: some `v1` entry of the header is the HMAC of `id.timestamp.body`. */
function verifies(secret: string, id: string, timestamp: number, body: string, header: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, value = ''] = entry.split(',');
    const given = Buffer.from(value, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('Standard Webhooks signatures', () => {
  // The test vector published with the Standard Webhooks reference libraries (and Svix's).
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    expected: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('reproduces the published test vector', () => {
    expect(signature(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.expected);
    expect(signatureHeader({ current: vector.secret, previous: null }, vector.id, vector.timestamp, vector.body)).toBe(
      vector.expected,
    );
  });

  it.each([
    ['another id', { id: 'msg_other' }],
    ['another timestamp', { timestamp: vector.timestamp + 1 }],
    ['another body', { body: '{"test": 2432232315}' }],
    ['another secret', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx' }],
  ])('signs %s differently', (_case, change) => {
    const { secret, id, timestamp, body } = { ...vector, ...change };
    expect(signature(secret, id, timestamp, body)).not.toBe(vector.expected);
  });

  it('signs with both secrets during a rotation, the current one first, space-separated', () => {
    const previous = newSecret();
    const header = signatureHeader({ current: vector.secret, previous }, vector.id, vector.timestamp, vector.body);
    const [first, second, ...rest] = header.split(' ');

    expect(first).toBe(vector.expected);
    expect(second).toBe(signature(previous, vector.id, vector.timestamp, vector.body));
    expect(rest).toEqual([]);
    expect(verifies(previous, vector.id, vector.timestamp, vector.body, header)).toBe(true);
    expect(verifies(vector.secret, vector.id, vector.timestamp, vector.body, header)).toBe(true);
    expect(verifies(newSecret(), vector.id, vector.timestamp, vector.body, header)).toBe(false);
  });

  it('makes new secrets of whsec_ and the base64 of 32 random bytes, which sign verifiably', () => {
    const secrets = Array.from({ length: 20 }, () => newSecret());

    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      const header = signatureHeader({ current: secret, previous: null }, 'evt_1', 1_700_000_000, '{"a":1}');
      expect(verifies(secret, 'evt_1', 1_700_000_000, '{"a":1}', header)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('refuses a secret with no key rather than sign with an empty one', () => {
    expect(() => signature('whsec_', 'evt_1', 1, '{}')).toThrow('a webhook secret must hold a base64 key after whsec_');
  });
});
