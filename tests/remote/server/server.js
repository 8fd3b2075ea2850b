// Loaded by `cds-serve` from this directory (before the server starts).
// - Binds the server to 127.0.0.1 only: CAP listens on every interface by default.
// - Points the OData V2 adapter's proxy at 127.0.0.1: the adapter proxies V2 requests to
//   the V4 endpoint at the `url` of the 'listening' event, which CAP sets to
//   http://localhost:<port> (and localhost may resolve to ::1, where nothing listens).
//   This handler is registered before the adapter's (which is added during 'bootstrap'),
//   so the adapter sees the corrected url.
const cds = require('@sap/cds');

cds.on('bootstrap', (app) => {
  const listen = app.listen.bind(app);
  app.listen = (port, ...rest) => listen(port, '127.0.0.1', ...rest);
});

cds.on('listening', (info) => {
  info.url = `http://127.0.0.1:${info.server.address().port}`;
  cds.server.url = info.url;
});

module.exports = cds.server;
