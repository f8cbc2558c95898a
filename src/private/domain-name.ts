/**
 * Checks a domain name for a CloudFront alternate domain name (CNAME) and returns what is wrong, or
 * `undefined` when it is valid. A leading `*.` wildcard label is allowed.
 */
export function domainNameProblem(domain: string): string | undefined {
  if (domain.length === 0) {
    return 'it is empty';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(domain)) {
    return 'it has a URL scheme; a domain name is only the host';
  }
  if (domain.includes('/')) {
    return 'it has a path; a domain name is only the host';
  }
  if (domain.includes(':')) {
    return 'it has a port; CloudFront serves HTTPS on 443 only';
  }
  if (domain.length > 253) {
    return `domain names are at most 253 characters, this one has ${domain.length}`;
  }
  const labels = domain.split('.');
  if (labels.length < 2) {
    return 'it needs at least two labels, such as example.com';
  }
  for (const [i, label] of labels.entries()) {
    if (label.length === 0) {
      return 'it has an empty label (a leading, trailing or doubled dot)';
    }
    if (label === '*' && i === 0) {
      continue;
    }
    if (label.length > 63) {
      return `the label "${label.slice(0, 20)}..." is longer than 63 characters`;
    }
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(label)) {
      return `the label "${label}" may only have letters, digits and inner hyphens`;
    }
  }
  return undefined;
}

/** True when `domain` is `zone` or a subdomain of it (case-insensitive, trailing dots ignored). */
export function isInZone(domain: string, zone: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/\.$/, '');
  return d === z || d.endsWith(`.${z}`);
}
