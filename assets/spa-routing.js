// SPA routing for SpaHosting: a CloudFront Function (runtime cloudfront-js-2.0) on viewer request of the
// default (S3) behaviour.
//
// A path whose last segment has no file extension is a client-side route (`/`, `/orders/42`, `/orders/42/`)
// and is served `/index.html`. A path whose last segment has an extension is a file and passes through, so a
// missing `/assets/app.js` stays a real 404 instead of an HTML 200. `/.well-known/` is never rewritten: its
// files (apple-app-site-association, security.txt) often have no extension. The query string is separate
// from `request.uri` in CloudFront Functions and is left as it is.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/.well-known/') === 0) {
    return request;
  }
  var lastSegment = uri.substring(uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
