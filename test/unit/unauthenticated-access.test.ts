import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../infrastructure/config.js';
import { checkUnauthenticatedAccess, isLoopbackHost } from '../../infrastructure/unauthenticated-access.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', '127.255.255.255', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LocalHost'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '::', '128.0.0.1', '126.255.255.255', '10.0.0.1', '192.168.1.5', '::2', '::ffff:10.0.0.1', 'example.com', 'localhost.example.com', 'my-host'])(
    '%s is not loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('checkUnauthenticatedAccess', () => {
  const settings = (env: Record<string, string>) => loadConfig(env);

  it('lets the default (127.0.0.1, no keys) start quietly', () => {
    expect(settings({}).host).toBe('127.0.0.1');
    expect(checkUnauthenticatedAccess(settings({}))).toBeUndefined();
    expect(checkUnauthenticatedAccess(settings({ HOST: '::1' }))).toBeUndefined();
  });

  it('refuses a non-loopback HOST without API_KEYS_FILE with one line naming HOST and the ways out', () => {
    const refusal = () => checkUnauthenticatedAccess(settings({ HOST: '0.0.0.0' }));
    expect(refusal).toThrow(ConfigError);
    expect(refusal).toThrow(
      'Invalid HOST="0.0.0.0": without API_KEYS_FILE the service listens only on a loopback address (127.0.0.0/8, ::1, ' +
        'localhost); set API_KEYS_FILE (keys from npm run keys:create), or AUTH_DISABLED=true to serve without authentication',
    );
    expect(() => checkUnauthenticatedAccess(settings({ HOST: '10.1.2.3', AUTH_DISABLED: 'false' }))).toThrow(/^Invalid HOST="10.1.2.3"/);
  });

  it('serves on any address with API_KEYS_FILE, and without keys only when AUTH_DISABLED=true, with a warning', () => {
    expect(checkUnauthenticatedAccess(settings({ HOST: '0.0.0.0', API_KEYS_FILE: '/etc/keys' }))).toBeUndefined();
    expect(checkUnauthenticatedAccess(settings({ HOST: '0.0.0.0', AUTH_DISABLED: 'true' }))).toBe(
      'serving without authentication on HOST=0.0.0.0 because AUTH_DISABLED=true: anyone who reaches this port can change and run jobs',
    );
    expect(checkUnauthenticatedAccess(settings({ HOST: '127.0.0.1', AUTH_DISABLED: 'true' })), 'loopback needs no warning').toBeUndefined();
  });
});
