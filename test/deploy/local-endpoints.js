// Preloaded (`node --require`, through NODE_OPTIONS) into the deploy program when the deploy tests run it, so
// the real program reaches the local emulators by the names production gives them:
//
// - `<account>.localhost` -> 127.0.0.1. The KeyValueStore client's endpoint rules put the ARN's account in
//   front of a custom endpoint's host (`http://localhost:<port>` becomes `http://<account>.localhost:<port>`),
//   as they do for `<account>.cloudfront-kvs.global.api.aws`; glibc does not resolve `*.localhost`.
// - LOCAL_EDGE_SITES, a JSON object `{"<distribution domain>": "http://127.0.0.1:<port>"}` (not SPA_*: the
//   program warns about SPA_ variables it doesn't know): `fetch` of `https://<distribution domain>/...` goes
//   to that local edge emulator (edge.py) with `X-Forwarded-Proto: https`, the viewer's scheme, which the
//   emulator's redirect-to-https rule reads.
'use strict';
const dns = require('dns');

const lookup = dns.lookup;
dns.lookup = function localLookup(hostname, options, callback) {
  if (typeof hostname === 'string' && (hostname === 'localhost' || hostname.endsWith('.localhost'))) {
    const cb = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options !== null && options.all;
    process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return {};
  }
  return lookup.apply(this, arguments);
};

const sites = JSON.parse(process.env.LOCAL_EDGE_SITES || '{}');
if (Object.keys(sites).length > 0) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = function localFetch(input, init) {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const target = url.protocol === 'https:' ? sites[url.host] : undefined;
    if (target === undefined) {
      return realFetch(input, init);
    }
    const local = new URL(`${url.pathname}${url.search}`, target);
    const headers = new Headers(request.headers);
    headers.set('x-forwarded-proto', 'https');
    return realFetch(local, {
      method: request.method,
      headers,
      redirect: request.redirect,
      signal: request.signal,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      duplex: 'half',
    });
  };
}
