import { describe, expect, it } from 'vitest';
import { OutboundCredentials } from '../../adapters/output/outbound/outbound-credentials.js';
import { OutboundPolicy } from '../../adapters/output/outbound/outbound-policy.js';

describe('OutboundPolicy.refusalFor', () => {
  const policy = new OutboundPolicy({
    allowed: ['data-processor:8080', 'repo.example', '127.0.0.1:8090', '[::1]:8090', '169.254.169.254'],
    allowedSetting: 'JAR_ALLOWED_HOSTS',
    credentialsSetting: 'JAR_FETCH_CREDENTIALS_FILE',
  });
  const list = '(data-processor:8080, repo.example, 127.0.0.1:8090, [::1]:8090, 169.254.169.254)';

  it.each([
    ['a listed host:port', 'http://data-processor:8080/a.jar'],
    ['a listed host on http, port 80', 'http://repo.example/a.jar'],
    ['a listed host on https, port 443', 'https://REPO.example./a.jar'],
    ['listed loopback on its port', 'http://127.0.0.1:8090/a.jar'],
    ['listed loopback in another notation of the same address', 'http://2130706433:8090/a.jar'],
    ['listed IPv6 loopback on its port', 'http://[::1]:8090/a.jar'],
  ])('allows %s: %s', (_case, url) => {
    expect(policy.refusalFor(new URL(url))).toBeUndefined();
  });

  it.each([
    ['a listed host:port on its default port', 'http://data-processor/a.jar', `host 'data-processor:80' is not in JAR_ALLOWED_HOSTS ${list}`],
    ['a host listed without port, on another port', 'http://repo.example:8080/a.jar', "host 'repo.example:8080' is not in"],
    ['https on port 80 of a host listed without port', 'https://repo.example:80/a.jar', "host 'repo.example:80' is not in"],
    ['listed loopback on another port', 'http://127.0.0.1:8091/a.jar', "host '127.0.0.1:8091' is not in"],
    ['localhost, not listed', 'http://localhost:8090/a.jar', `host 'localhost' is not in JAR_ALLOWED_HOSTS ${list}`],
    ['another loopback address', 'http://127.0.0.2:8090/a.jar', "host '127.0.0.2' is not in"],
    ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:8090/a.jar', "host '[::ffff:7f00:1]' is not in"],
    ['the unspecified address', 'http://0.0.0.0:8090/a.jar', "host '0.0.0.0' is not in"],
    ['a scheme other than http(s)', 'file:///etc/passwd', "scheme 'file' is not supported, only http and https"],
    ['the metadata address, although listed', 'http://169.254.169.254/latest/meta-data', 'link-local'],
  ])('refuses %s: %s', (_case, url, reason) => {
    expect(policy.refusalFor(new URL(url))).toContain(reason);
  });

  it('says in one sentence why a link-local address is refused', () => {
    expect(policy.refusalFor(new URL('http://169.254.169.254/latest/meta-data'))).toBe(
      "host '169.254.169.254' is a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer), which is never allowed",
    );
  });

  it.each(['http://ci:hunter2@data-processor:8080/a.jar', 'http://hunter2@repo.example/a.jar', 'http://:hunter2@repo.example/'])(
    'refuses credentials in the URL without repeating them: %s',
    (url) => {
      const reason = policy.refusalFor(new URL(url));
      expect(reason).toBe(
        'credentials in the URL (user:password@) are not accepted; per-host credentials come from JAR_FETCH_CREDENTIALS_FILE',
      );
    },
  );

  it('refuses a link-local address a host resolves to, and nothing else', () => {
    expect(policy.addressRefusal('repo.example', '169.254.169.254')).toBe(
      "host 'repo.example' resolves to 169.254.169.254, a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer), which is never allowed",
    );
    expect(policy.addressRefusal('repo.example', 'fe80::1')).toContain('link-local');
    expect(policy.addressRefusal('repo.example', '10.0.0.7')).toBeUndefined();
  });

  it('allows nothing with an empty allowlist', () => {
    const none = new OutboundPolicy({ allowed: [], allowedSetting: 'HOOK_HOSTS', credentialsSetting: 'HOOK_CREDENTIALS_FILE' });
    expect(none.refusalFor(new URL('http://repo.example/'))).toBe("host 'repo.example' is not in HOOK_HOSTS (empty)");
  });
});

describe('OutboundCredentials.authorizationFor', () => {
  const credentials = OutboundCredentials.parse(
    ['repo.example bearer tok-1', 'jars.example:8443 basic ci:p@ss word', '[::1]:8090 bearer tok-3'].join('\n'),
  );

  it.each([
    ['http://repo.example/a.jar', 'Bearer tok-1'],
    ['https://repo.example/a.jar', 'Bearer tok-1'],
    ['https://jars.example:8443/a.jar', `Basic ${Buffer.from('ci:p@ss word').toString('base64')}`],
    ['http://[::1]:8090/a.jar', 'Bearer tok-3'],
    ['http://repo.example:8080/a.jar', undefined],
    ['https://jars.example/a.jar', undefined],
    ['http://other.example/a.jar', undefined],
    ['http://repo.example.evil/a.jar', undefined],
    ['http://127.0.0.1:8090/a.jar', undefined],
  ])('%s gets %s', (url, authorization) => {
    expect(credentials.authorizationFor(new URL(url))).toBe(authorization);
  });

  it('has none by default', () => {
    expect(OutboundCredentials.none.authorizationFor(new URL('http://repo.example/'))).toBeUndefined();
    expect(OutboundCredentials.none.hosts).toEqual([]);
  });
});
