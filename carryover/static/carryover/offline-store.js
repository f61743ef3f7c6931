// Answers typed with no signal, kept on this device until they can be sent: shared by the page (offline.js) and
// the service worker (sw.js, for Background Sync). Each activity's answers are one record in IndexedDB, encrypted
// with AES-GCM under a key made on this device that cannot be read out of it (non-extractable, kept in IndexedDB).
// The server applies a record once, by its key (homework/offline.py): sending it twice does no harm.
(function (scope) {
  "use strict";
  var DB = "carryover-offline";
  var ANSWERS = "answers";   // one record per activity: {url, owner, key, saved_at, finish, csrf, state, message, box}
  var NOTICES = "notices";   // what the server said about records sent while no page was open: {id, url, message}
  var SETTINGS = "settings"; // the device key, and whose records these are

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore(ANSWERS, { keyPath: "url" });
        db.createObjectStore(NOTICES, { keyPath: "id", autoIncrement: true });
        db.createObjectStore(SETTINGS);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function get(storeName, key) { return run(storeName, "readonly", function (s) { return s.get(key); }); }
  function put(storeName, value, key) {
    return run(storeName, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
  }
  function remove(storeName, key) { return run(storeName, "readwrite", function (s) { return s.delete(key); }); }
  function all(storeName) { return run(storeName, "readonly", function (s) { return s.getAll(); }); }

  function deviceKey() {
    return get(SETTINGS, "key").then(function (key) {
      if (key) return key;
      return scope.crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (made) { return put(SETTINGS, made, "key").then(function () { return made; }); });
    });
  }

  function seal(data) {
    var iv = scope.crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(data));
    return deviceKey().then(function (key) {
      return scope.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain);
    }).then(function (sealed) { return { iv: iv, data: sealed }; });
  }

  function unseal(box) {
    return deviceKey().then(function (key) {
      return scope.crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.data);
    }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  function newKey() {
    if (scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var b = scope.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // An activity's answers, decrypted: {values, bases, finish, state, message}, or null.
  function load(url, owner) {
    return get(ANSWERS, url).then(function (record) {
      if (!record || record.owner !== owner) return null;
      return unseal(record.box).then(function (data) {
        return { values: data.values, bases: data.bases, finish: record.finish, state: record.state, message: record.message };
      });
    });
  }

  // Keep what the form holds now: the newest value of each input, and the first value the page showed for it
  // (what the server had, as far as this phone knows). Every change gets a new key: a new submission.
  function keep(url, owner, csrf, values, bases, finish) {
    return load(url, owner).then(function (before) {
      var merged = { values: Object.assign({}, before ? before.values : {}, values),
                     bases: Object.assign({}, bases, before ? before.bases : {}) };
      return seal(merged).then(function (box) {
        return put(ANSWERS, { url: url, owner: owner, key: newKey(), saved_at: Date.now(), csrf: csrf,
                              finish: finish || (before ? before.finish : false), state: "waiting", message: "",
                              box: box });
      }).then(function () { return merged.values; });
    });
  }

  function waiting(owner) {
    return all(ANSWERS).then(function (records) {
      return records.filter(function (r) { return r.owner === owner; });
    });
  }

  // Send one record. The server's reply decides: applied (200) → the record goes, unless it changed meanwhile
  // (then what was sent is now the server's, so it becomes the base); held or unreadable (409, 400) → kept with
  // the server's words; anything else (no connection, signed out, a token gone stale) → kept to try again.
  function send(record, csrf, gone) {
    return unseal(record.box).then(function (data) {
      return fetch(record.url, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || record.csrf },
        body: JSON.stringify({ key: record.key, values: data.values, bases: data.bases, saved_at: record.saved_at,
                               finish: record.finish }),
      }).then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (result) { return settle(record, data, result); });
        }
        if (response.status === 409 || response.status === 400 || response.status === 404) {
          // 404: the activity is no longer open to this person (an unstarted one goes when it is paused).
          var reply = response.status === 404 ? Promise.resolve({ message: gone }) : response.json();
          return reply.then(function (result) {
            record.state = "held"; record.message = result.message;
            return put(ANSWERS, record).then(function () { return null; });
          });
        }
        return null;
      });
    }).catch(function () { return null; });
  }

  function settle(record, sent, result) {
    return get(ANSWERS, record.url).then(function (now) {
      if (now && now.key !== record.key) {
        return unseal(now.box).then(function (data) {
          data.bases = Object.assign({}, data.bases, sent.values);
          return seal(data).then(function (box) { now.box = box; return put(ANSWERS, now); });
        });
      }
      return remove(ANSWERS, record.url);
    }).then(function () {
      return put(NOTICES, { url: record.url, status: result.status, message: result.message, next: result.url || "" });
    }).then(function () { return result; });
  }

  function sendAll(owner, csrf, gone) {
    return waiting(owner).then(function (records) {
      return records.reduce(function (chain, record) {
        return chain.then(function () { return send(record, csrf, gone); });
      }, Promise.resolve());
    });
  }

  function notices() {
    return all(NOTICES).then(function (list) {
      return run(NOTICES, "readwrite", function (s) { s.clear(); }).then(function () { return list; });
    });
  }

  // Whose records these are. Someone else's page on this device: everything of the last person goes.
  function claim(owner) {
    return get(SETTINGS, "owner").then(function (last) {
      if (!owner || last === owner) return false;
      return Promise.all([run(ANSWERS, "readwrite", function (s) { s.clear(); }),
                          run(NOTICES, "readwrite", function (s) { s.clear(); }),
                          put(SETTINGS, owner, "owner")]).then(function () { return Boolean(last); });
    });
  }

  scope.CarryoverStore = { keep: keep, load: load, waiting: waiting, sendAll: sendAll, notices: notices,
                           claim: claim, remove: function (url) { return remove(ANSWERS, url); } };
})(self);
