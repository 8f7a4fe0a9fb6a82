import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { OutboundPolicy } from './outbound-policy.js';

/** All addresses of a host name, as `dns.lookup(hostname, { all: true })` gives them. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * Why there is nothing to connect to for a URL: the policy refuses an address its host resolves to (`refused`), or
 * the host does not resolve. The message names the host, never the URL, so each caller words its own error.
 */
export class AddressCheckError extends Error {
  override readonly name = 'AddressCheckError';

  constructor(
    readonly refused: boolean,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The addresses to connect to for `url`, every one of them allowed by the policy; throws AddressCheckError. */
export async function checkedAddresses(url: URL, lookup: HostLookup, policy: OutboundPolicy): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    throw new AddressCheckError(false, describe(error), { cause: error });
  }
  for (const { address } of addresses) {
    const refusal = policy.addressRefusal(url, address);
    if (refusal !== undefined) throw new AddressCheckError(true, refusal);
  }
  if (addresses.length === 0) throw new AddressCheckError(false, `host '${host}' has no address`);
  return addresses;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
}

/** Answers the socket's own lookup with the addresses already checked, whatever DNS would say now. */
export function pinnedTo(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = { 4: 4, 6: 6, IPv4: 4, IPv6: 6 }[String(options.family)] ?? 0;
    const usable = wanted === 0 ? addresses : addresses.filter((candidate) => candidate.family === wanted);
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error(`no IPv${wanted} address among the checked ones`), { code: 'ENOTFOUND' }), '');
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}
