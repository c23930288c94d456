/* The kiosk's offline queue in IndexedDB: ratings wait here, keyed by their client UUID, until
 * the server has answered "created" or "duplicate" for them; rejected ones are kept aside in
 * their own store and never retried. Loaded before kiosk.js, which uses window.KioskQueue. */
(function () {
  "use strict";

  var dbPromise = null;
  function db() {
    if (!dbPromise) dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open("erating-kiosk", 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("queue", { keyPath: "id" });
        req.result.createObjectStore("rejected", { keyPath: "id" });  // kept aside, never retried
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }
  // Runs fn(tx) in one transaction; resolves with the result of the request fn returns, once committed.
  function idb(stores, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(stores, mode);
        var req = fn(tx);
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function enqueue(item) { return idb("queue", "readwrite", function (tx) { tx.objectStore("queue").put(item); }); }
  function queued() { return idb("queue", "readonly", function (tx) { return tx.objectStore("queue").count(); }); }
  function peek(n) { return idb("queue", "readonly", function (tx) { return tx.objectStore("queue").getAll(null, n); }); }
  // Applies the server's per-item answers; returns how many items left the queue.
  function settle(items, results) {
    var byId = {};
    items.forEach(function (item) { byId[item.id] = item; });
    var settled = 0;
    return idb(["queue", "rejected"], "readwrite", function (tx) {
      (results || []).forEach(function (r) {
        var item = byId[r.id];
        if (!item) return;
        if (r.status === "rejected") {
          console.warn("eRating: rating rejected by the server", r.id, r.errors);
          tx.objectStore("rejected").put({ id: r.id, item: item, errors: r.errors || {}, at: new Date().toISOString() });
        } else if (r.status !== "created" && r.status !== "duplicate") {
          return;  // unknown answer: keep it queued
        }
        tx.objectStore("queue").delete(r.id);
        settled++;
      });
    }).then(function () { return settled; });
  }

  window.KioskQueue = { enqueue: enqueue, queued: queued, peek: peek, settle: settle };
})();
