import cf from 'cloudfront';

// SPA routing for SpaHosting: a CloudFront Function (runtime cloudfront-js-2.0) on viewer request of the
// default (S3) behaviour, with the hosting's KeyValueStore associated. SpaHosting fills in ROUTING (values of
// src/private/release-routing.ts) when it synthesizes the function.
//
// Hashed, content-addressed files (ROUTING.hashedPattern, over the path without its leading slash) are shared
// by every release at the bucket root: they pass unchanged. Every other path is a file of the release being
// served, `/releases/<id>/<path>`, and a path whose last segment has no extension is a client-side route
// (`/`, `/orders/42`) served the release's `/index.html`. `/.well-known/...` is a file like any other (its
// files often have no extension). The query string is separate from `request.uri` and left as it is. The
// rewritten URI is the cache key, so switching the live release needs no invalidation.
//
// <id> is the pinned release when the request carries a valid id in ROUTING.pinHeader and a token equal to
// the store's ROUTING.pinTokenKey (the deploy's smoke check opens a release before it is live), else the
// store's ROUTING.liveKey. Ids are checked against the release-id shape before they become part of a path.
//
// No live key (a bucket no release went live in yet): the layout before releases, routes -> `/index.html`.
// The store failing to answer, or naming an id of the wrong shape, throws: CloudFront answers 503 and counts
// a FunctionExecutionError, rather than silently serving whatever is at the bucket root.
var ROUTING = __ROUTING__;
var HASHED = new RegExp(ROUTING.hashedPattern);
var RELEASE_ID = /^[a-z0-9]{1,40}-(0|[1-9][0-9]{0,11})$/;
// The deploy program's tokens are 43 characters (32 random bytes, base64url); a short one is never trusted.
var MIN_TOKEN_LENGTH = 32;
var kvs = cf.kvs();

async function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (HASHED.test(uri.substring(1))) {
    return request;
  }
  var release = (await pinnedRelease(request.headers)) || (await liveRelease());
  var isFile = uri.indexOf('/.well-known/') === 0 || uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') !== -1;
  if (release === null) {
    if (!isFile) {
      request.uri = '/' + ROUTING.entryFile;
    }
    return request;
  }
  request.uri = '/' + ROUTING.releasesPrefix + release + (isFile ? uri : '/' + ROUTING.entryFile);
  return request;
}

// One read per request. get() rejects a missing key without saying why, so exists() tells "no release is
// live yet" from a failing store; it is only asked after get() failed.
async function liveRelease() {
  var id;
  try {
    id = await kvs.get(ROUTING.liveKey);
  } catch (error) {
    if (await kvs.exists(ROUTING.liveKey)) {
      throw error;
    }
    return null;
  }
  if (!RELEASE_ID.test(id)) {
    throw new Error('the KeyValueStore key ' + ROUTING.liveKey + ' does not hold a release id');
  }
  return id;
}

// The pin token is read only for a request that asks for a valid release with a token: a stranger's header
// costs no read. Anything wrong (no token stored, a read failure, a different token) serves the live release.
async function pinnedRelease(headers) {
  var id = headers[ROUTING.pinHeader];
  var token = headers[ROUTING.tokenHeader];
  if (!id || !token || !RELEASE_ID.test(id.value)) {
    return null;
  }
  var stored;
  try {
    stored = await kvs.get(ROUTING.pinTokenKey);
  } catch (error) {
    return null;
  }
  return typeof stored === 'string' && stored.length >= MIN_TOKEN_LENGTH && sameText(token.value, stored) ? id.value : null;
}

// Compares in time that depends only on the length, so response timing doesn't reveal a token's prefix.
function sameText(a, b) {
  if (typeof a !== 'string' || a.length !== b.length) {
    return false;
  }
  var difference = 0;
  for (var i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return difference === 0;
}
