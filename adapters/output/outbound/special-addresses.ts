import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Kinds of addresses that are not the public internet. */
export type NonPublicKind = 'link-local' | 'loopback' | 'private' | 'unspecified' | 'shared';

/** Each kind as it reads after "host 'x' is" or "host 'x' resolves to y,". */
export const NON_PUBLIC_DESCRIPTIONS: Record<NonPublicKind, string> = {
  'link-local': 'a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer)',
  loopback: 'a loopback address (127.0.0.0/8 or ::1)',
  private: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or fc00::/7)',
  unspecified: 'an unspecified address (0.0.0.0/8 or ::), which reaches this machine',
  shared: 'a shared address (100.64.0.0/10, carrier-grade NAT)',
};

/** The ranges of each kind. BlockList also matches IPv4-mapped IPv6 forms such as ::ffff:127.0.0.1. */
const RANGES: [NonPublicKind, BlockList][] = [
  ['link-local', ranges(['169.254.0.0', 16], ['fe80::', 10])],
  ['loopback', ranges(['127.0.0.0', 8], ['::1', 128])],
  ['private', ranges(['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['fc00::', 7])],
  ['unspecified', ranges(['0.0.0.0', 8], ['::', 128])],
  ['shared', ranges(['100.64.0.0', 10])],
];

function ranges(...subnets: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, isIPv6(network) ? 'ipv6' : 'ipv4');
  return list;
}

/** What kind of non-public address `address` is (an IP literal, IPv6 with or without brackets); undefined otherwise. */
export function nonPublicKind(address: string): NonPublicKind | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIPv6(bare) ? 'ipv6' : isIPv4(bare) ? 'ipv4' : undefined;
  if (family === undefined) return undefined;
  return RANGES.find(([, list]) => list.check(bare, family))?.[0];
}

/** Whether `address` is link-local; false for host names. */
export function isLinkLocal(address: string): boolean {
  return nonPublicKind(address) === 'link-local';
}

/** `localhost` and its subdomains name loopback (RFC 6761), whatever DNS says. */
export function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}
