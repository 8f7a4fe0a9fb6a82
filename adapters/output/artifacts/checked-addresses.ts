import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ArtifactError } from '../../../domain/errors.js';
import { downloadFailed, shown } from './download-errors.js';
import { isLinkLocal, LINK_LOCAL_REASON } from './host-policy.js';

/** All addresses of a host name, as `dns.lookup(hostname, { all: true })` gives them. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/** The addresses to connect to for `url`, none of them link-local. */
export async function checkedAddresses(url: URL, lookup: HostLookup): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    throw downloadFailed(url, error, error);
  }
  const linkLocal = addresses.find((candidate) => isLinkLocal(candidate.address));
  if (linkLocal) {
    throw new ArtifactError(
      'JAR_URL_NOT_ALLOWED',
      `${shown(url)} is not allowed: host '${host}' resolves to ${linkLocal.address}, and ${LINK_LOCAL_REASON}`,
    );
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
