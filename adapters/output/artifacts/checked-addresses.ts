import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ArtifactError } from '../../../domain/errors.js';
import type { OutboundPolicy } from '../outbound/outbound-policy.js';
import { downloadFailed, shown } from './download-errors.js';

/** All addresses of a host name, as `dns.lookup(hostname, { all: true })` gives them. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/** The addresses to connect to for `url`, every one of them allowed by the policy. */
export async function checkedAddresses(url: URL, lookup: HostLookup, policy: OutboundPolicy): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    throw downloadFailed(url, error, error);
  }
  for (const { address } of addresses) {
    const refusal = policy.addressRefusal(host, address);
    if (refusal !== undefined) throw new ArtifactError('JAR_URL_NOT_ALLOWED', `${shown(url)} is not allowed: ${refusal}`);
  }
  if (addresses.length === 0) throw downloadFailed(url, `host '${host}' has no address`);
  return addresses;
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
