import { describe, expect, it } from 'vitest';
import { OutboundCredentials } from '../../adapters/output/outbound/outbound-credentials.js';
import { OutboundPolicy, parseAllowedOrigins } from '../../adapters/output/outbound/outbound-policy.js';

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
    expect(policy.addressRefusal(new URL('http://repo.example/a.jar'), '169.254.169.254')).toBe(
      "host 'repo.example' resolves to 169.254.169.254, a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer), which is never allowed",
    );
    expect(policy.addressRefusal(new URL('http://repo.example/a.jar'), 'fe80::1')).toContain('link-local');
    expect(policy.addressRefusal(new URL('http://repo.example/a.jar'), '10.0.0.7')).toBeUndefined();
  });

  it('allows nothing with an empty allowlist', () => {
    const none = new OutboundPolicy({ allowed: [], allowedSetting: 'HOOK_HOSTS', credentialsSetting: 'HOOK_CREDENTIALS_FILE' });
    expect(none.refusalFor(new URL('http://repo.example/'))).toBe("host 'repo.example' is not in HOOK_HOSTS (empty)");
  });
});

describe('OutboundPolicy with * (any public host)', () => {
  const policy = new OutboundPolicy({
    allowed: ['*', '127.0.0.1:8090', 'hooks.internal', '169.254.169.254'],
    acceptsAnyPublicHost: true,
    allowedSetting: 'WEBHOOK_ALLOWED_HOSTS',
  });
  const list = '(*, 127.0.0.1:8090, hooks.internal, 169.254.169.254)';

  it.each([
    ['a public host name', 'https://receiver.example/hooks'],
    ['a public host name on any port', 'http://receiver.example:8443/hooks'],
    ['a public IPv4 address', 'http://93.184.216.34/hooks'],
    ['a public IPv6 address', 'https://[2606:4700::1111]/hooks'],
    ['just above the private 172.16.0.0/12', 'http://172.32.0.1/'],
    ['just above the shared 100.64.0.0/10', 'http://100.128.0.1/'],
    ['listed loopback on its port', 'http://127.0.0.1:8090/hooks'],
  ])('allows %s: %s', (_case, url) => {
    expect(policy.refusalFor(new URL(url))).toBeUndefined();
  });

  it.each([
    ['loopback', 'http://127.0.0.1/hooks', "host '127.0.0.1:80' is a loopback address"],
    ['listed loopback on another port', 'http://127.0.0.1:8091/hooks', "host '127.0.0.1:8091' is a loopback address"],
    ['another loopback address', 'http://127.1.2.3/', "host '127.1.2.3' is a loopback address"],
    ['loopback in decimal', 'http://2130706433:9000/', "host '127.0.0.1:9000' is a loopback address"],
    ['IPv6 loopback', 'http://[::1]:8090/', "host '[::1]' is a loopback address"],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/', "host '[::ffff:7f00:1]' is a loopback address"],
    ['localhost', 'http://localhost:8090/', "host 'localhost' is a loopback name"],
    ['a subdomain of localhost', 'http://api.localhost/', "host 'api.localhost' is a loopback name"],
    ['10.0.0.0/8', 'http://10.1.2.3/', "host '10.1.2.3' is a private address"],
    ['172.16.0.0/12', 'http://172.31.255.254/', "host '172.31.255.254' is a private address"],
    ['192.168.0.0/16', 'https://192.168.1.10/', "host '192.168.1.10' is a private address"],
    ['fc00::/7', 'http://[fd12:3456::1]/', "host '[fd12:3456::1]' is a private address"],
    ['0.0.0.0', 'http://0.0.0.0:8090/', "host '0.0.0.0' is an unspecified address"],
    ['::', 'http://[::]/', "host '[::]' is an unspecified address"],
    ['carrier-grade NAT', 'http://100.64.0.1/', "host '100.64.0.1' is a shared address (100.64.0.0/10"],
    ['the metadata address, although listed', 'http://169.254.169.254/latest', 'which is never allowed'],
    ['IPv6 link-local', 'http://[fe80::1]/', 'link-local'],
    ['a scheme other than http(s)', 'ftp://receiver.example/', "scheme 'ftp' is not supported"],
  ])('refuses %s: %s', (_case, url, reason) => {
    expect(policy.refusalFor(new URL(url))).toContain(reason);
  });

  it('names the reason and the setting in one sentence, never the path or query', () => {
    const reason = policy.refusalFor(new URL('http://10.0.0.7:9000/hooks/tok-SECRET?key=SECRET'));
    expect(reason).toBe(
      "host '10.0.0.7' is a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or fc00::/7), " +
        `which is allowed only when listed in WEBHOOK_ALLOWED_HOSTS ${list}`,
    );
  });

  it('refuses credentials in the URL without pointing to a credentials setting it does not have', () => {
    expect(policy.refusalFor(new URL('https://user:SECRET@receiver.example/'))).toBe(
      'credentials in the URL (user:password@) are not accepted',
    );
  });

  it('refuses a public name that resolves to a non-public address, unless that origin is listed', () => {
    const at = (url: string, address: string) => policy.addressRefusal(new URL(url), address);
    expect(at('https://receiver.example/hooks/SECRET?k=SECRET', '127.0.0.1')).toBe(
      "host 'receiver.example' resolves to 127.0.0.1, a loopback address (127.0.0.0/8 or ::1), " +
        `which is allowed only when listed in WEBHOOK_ALLOWED_HOSTS ${list}`,
    );
    expect(at('https://receiver.example/', '::1')).toContain('a loopback address');
    expect(at('https://receiver.example/', '::ffff:10.0.0.1')).toContain('a private address');
    expect(at('https://receiver.example/', '192.168.0.1')).toContain('a private address');
    expect(at('https://receiver.example/', '0.0.0.0')).toContain('an unspecified address');
    expect(at('https://receiver.example/', '100.100.0.1')).toContain('a shared address');
    expect(at('https://receiver.example/', '93.184.216.34')).toBeUndefined();
    expect(at('https://receiver.example/', '2606:4700::1111')).toBeUndefined();
    expect(at('http://hooks.internal/', '10.0.0.7'), 'a listed origin may be private').toBeUndefined();
    expect(at('http://hooks.internal:8080/', '10.0.0.7'), 'not on another port of it').toContain('a private address');
    expect(at('http://hooks.internal/', '169.254.169.254'), 'link-local, listed or not').toContain('never allowed');
  });

  it('lists * first and allows no non-public host when * is alone', () => {
    const any = new OutboundPolicy({ allowed: ['*'], acceptsAnyPublicHost: true, allowedSetting: 'WEBHOOK_ALLOWED_HOSTS' });
    expect(any.refusalFor(new URL('http://localhost/'))).toBe(
      "host 'localhost' is a loopback name, which is allowed only when listed in WEBHOOK_ALLOWED_HOSTS (*)",
    );
    expect(any.refusalFor(new URL('https://receiver.example/'))).toBeUndefined();
  });

  it('reads * as a host name in a policy that does not accept it, as JAR_ALLOWED_HOSTS always has', () => {
    const jar = new OutboundPolicy({ allowed: ['*'], allowedSetting: 'JAR_ALLOWED_HOSTS', credentialsSetting: 'X' });
    expect(jar.refusalFor(new URL('https://repo.example/a.jar'))).toBe("host 'repo.example' is not in JAR_ALLOWED_HOSTS (*)");
    expect(jar.addressRefusal(new URL('https://repo.example/a.jar'), '127.0.0.1')).toBeUndefined();
  });

  it('keeps * when parsing a list that accepts it', () => {
    expect(parseAllowedOrigins(' * , Hooks.Example:8443,*', 'WEBHOOK_ALLOWED_HOSTS', true)).toEqual(['*', 'hooks.example:8443']);
    expect(() => parseAllowedOrigins('*,a b', 'WEBHOOK_ALLOWED_HOSTS', true)).toThrow("WEBHOOK_ALLOWED_HOSTS entry 'a b'");
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
