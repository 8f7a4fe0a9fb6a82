import { OutboundPolicy, parseAllowedOrigins } from '../outbound/outbound-policy.js';

/** The setting webhook URLs are governed by, named in refusals. */
const ALLOWED_SETTING = 'WEBHOOK_ALLOWED_HOSTS';

/**
 * Parses a WEBHOOK_ALLOWED_HOSTS value: `*` (any public host) and `host` / `host:port` entries, which allow a
 * loopback or private receiver too. Throws an Error naming the first entry that is neither.
 */
export function parseWebhookAllowedHosts(list: string): string[] {
  return parseAllowedOrigins(list, ALLOWED_SETTING, true);
}

/** The outbound policy of webhook deliveries. Receivers verify signatures, so there are no per-host credentials. */
export function webhookOutboundPolicy(allowedHosts: readonly string[]): OutboundPolicy {
  return new OutboundPolicy({ allowed: allowedHosts, acceptsAnyPublicHost: true, allowedSetting: ALLOWED_SETTING });
}
