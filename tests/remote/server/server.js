// Loaded by `cds-serve` from this directory (before the server starts).
// - Binds the server to 127.0.0.1 only: CAP listens on every interface by default.
// - Points the OData V2 adapter's proxy at 127.0.0.1: the adapter proxies V2 requests to
//   the V4 endpoint at the `url` of the 'listening' event, which CAP sets to
//   http://localhost:<port> (and localhost may resolve to ::1, where nothing listens).
//   This handler is registered before the adapter's (which is added during 'bootstrap'),
//   so the adapter sees the corrected url.
//
// It also makes the pinned CAP 8 stack (which runs on Node.js 18) answer as CAP 9 does where
// the tests look (scripts/install-deps, package.json):
// - a duplicate key is SQLite's own error (500, code SQLITE_CONSTRAINT_PRIMARYKEY): CAP 8's
//   @cap-js/sqlite 1 rewrites it to 400 ENTITY_ALREADY_EXISTS, @cap-js/sqlite 2 doesn't;
// - the operations of one $batch changeset run one after another, in their order: CAP 8 starts
//   them all at once in the changeset's transaction, so a later PATCH of a row could land
//   before an earlier one's If-Match check (a 412 for a write the client sent first).
// (Also for CAP 8: package.json's cds.runtime.allow_upsert false (a PATCH of a missing key is
// 404, not a create) and db/schema.cds's @cds.collate: false (strings sort as SQLite's BINARY,
// not NOCASE), CAP 9's defaults.)
const cds = require('@sap/cds');
const SQLiteService = require('@cap-js/sqlite');

delete SQLiteService.prototype.onINSERT; // the SQLService's own, without the rewrite
delete SQLiteService.prototype.onUPDATE;

cds.on('serving', (srv) => {
  if (!(srv instanceof cds.ApplicationService)) return;
  const queues = new WeakMap(); // transaction context -> its last request's turn
  const handle = srv.handle;
  srv.handle = function (req) {
    const ctx = cds.context; // one per changeset (and one per request outside a $batch)
    if (!ctx) return handle.call(this, req);
    const turn = (queues.get(ctx) ?? Promise.resolve()).then(() => handle.call(this, req));
    queues.set(ctx, turn.catch(() => {}));
    return turn;
  };
});

cds.on('bootstrap', (app) => {
  const listen = app.listen.bind(app);
  app.listen = (port, ...rest) => listen(port, '127.0.0.1', ...rest);
});

cds.on('listening', (info) => {
  info.url = `http://127.0.0.1:${info.server.address().port}`;
  cds.server.url = info.url;
});

module.exports = cds.server;
