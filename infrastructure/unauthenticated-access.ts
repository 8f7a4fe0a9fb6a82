import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { ConfigError, type AppConfig } from './config.js';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Whether HOST is a loopback address: 127.0.0.0/8 (also IPv4-mapped, ::ffff:127.0.0.1), ::1, or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIPv6(bare)) return loopback.check(bare, 'ipv6');
  return isIPv4(bare) && loopback.check(bare, 'ipv4');
}

/**
 * Without API keys the service is open to whoever reaches its port, so it listens only on a loopback address,
 * unless AUTH_DISABLED=true says otherwise. Throws ConfigError (one line naming HOST and the way out) when the
 * setting would expose the API without keys; returns the warning to log when AUTH_DISABLED=true allows that.
 */
export function checkUnauthenticatedAccess(
  config: Pick<AppConfig, 'host' | 'apiKeysFile' | 'authDisabled'>,
): string | undefined {
  if (config.apiKeysFile !== null || isLoopbackHost(config.host)) return undefined;
  if (config.authDisabled) {
    return `serving without authentication on HOST=${config.host} because AUTH_DISABLED=true: anyone who reaches this port can change and run jobs`;
  }
  throw new ConfigError(
    `Invalid HOST=${JSON.stringify(config.host)}: without API_KEYS_FILE the service listens only on a loopback ` +
      'address (127.0.0.0/8, ::1, localhost); set API_KEYS_FILE (keys from npm run keys:create), or AUTH_DISABLED=true ' +
      'to serve without authentication',
  );
}
