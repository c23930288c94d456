/* eRating tablet kiosk. Plain JS, no framework.
 *
 * Offline first: every rating is written to IndexedDB with a client UUID before anything else;
 * a sender flushes the queue to /api/v1/ratings in batches and deletes an item only when the
 * server answered "created" or "duplicate" for it, so a retry can never count a rating twice.
 * The device token, the last configuration and the officer on duty live in localStorage.
 */
(function () {
  "use strict";

  var API = "/api/v1/";
  var KEY = "erating.kiosk.";
  var STRINGS = JSON.parse(document.getElementById("kiosk-strings").textContent);
  var VERSION = document.body.dataset.version;
  var BATCH = 100;
  // Timings (ms); an installer may shorten them for a demo via localStorage "erating.kiosk.timing".
  var TIMING = Object.assign({ thanks: 4000, idle: 45000, flush: 15000, heartbeat: 60000, hold: 2000 },
    readJSON("timing") || {});

  var token = localStorage.getItem(KEY + "token");
  var config = readJSON("config");
  var officer = readJSON("officer");          // {id, name} while an officer is signed on
  // The counter of an "any counter" tablet, chosen once per shift (kept until the officer changes it,
  // signs on or signs off), so customers are not asked which counter after every rating.
  var counter = localStorage.getItem(KEY + "counter");
  var lang = "ms";
  var current = null;                         // the rating being made: {target, score, reasons}
  var screen = null;
  var thanksTimer = null, idleTimer = null;
  var flushing = false, batchSize = BATCH;
  // Set when a flush took items off the queue: once the queue is drained (or the flush stops) a
  // heartbeat reports the new figure at once, so the tablet list never shows a queue that is gone.
  var queueChanged = false;

  function $(id) { return document.getElementById(id); }
  function readJSON(name) { try { return JSON.parse(localStorage.getItem(KEY + name)); } catch (e) { return null; } }
  function save(name, value) {
    if (value === null || value === undefined) localStorage.removeItem(KEY + name);
    else localStorage.setItem(KEY + name, typeof value === "string" ? value : JSON.stringify(value));
  }
  function t(key) { return STRINGS[lang][key] || STRINGS.ms[key] || key; }
  function form() { return config && (config.form[lang] || config.form.ms); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var enqueue = KioskQueue.enqueue, queued = KioskQueue.queued, peek = KioskQueue.peek,
      settle = KioskQueue.settle;  // queue.js

  // ---- server ---------------------------------------------------------------------------
  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    // The server's messages follow the kiosk's on-screen language, not the browser's.
    return fetch(API + path + "?lang=" + lang, { method: method, headers: headers, cache: "no-store",
                               body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.ok) return data;
          var error = new Error(typeof data.detail === "string" ? data.detail : "HTTP " + r.status);
          error.status = r.status;
          throw error;
        });
      });
  }
  function failed(error) {
    if (error && error.status === 401) unpair(true);
    return null;
  }

  function flush() {
    // The browser knows it is offline: keep the queue and wait for its "online" event rather than
    // send requests that cannot arrive.
    if (flushing || !token || navigator.onLine === false) return Promise.resolve();
    flushing = true;
    return peek(batchSize).then(function (items) {
      if (!items.length) return 0;
      return api("POST", "ratings", { ratings: items }).then(function (answer) {
        batchSize = BATCH;
        return settle(items, answer.results);
      }, function (error) {
        // A whole batch refused for its shape: send one by one to find and set aside the bad item.
        if (error.status >= 400 && error.status < 500 && [401, 408, 429].indexOf(error.status) < 0) {
          if (items.length > 1) { batchSize = 1; return 1; }
          return settle(items, [{ id: items[0].id, status: "rejected", errors: { batch: error.message } }]);
        }
        throw error;
      });
    }).then(function (settled) {
      flushing = false;
      status();
      if (settled > 0) { queueChanged = true; return flush(); }
      reportQueue();
    }, function (error) {
      flushing = false;
      status();
      failed(error);
      reportQueue();
    });
  }

  function heartbeat() {
    if (!token) return Promise.resolve();
    return queued().then(function (n) {
      return api("POST", "kiosk/heartbeat", { queued: n, app_version: VERSION });
    }).catch(failed);
  }

  function reportQueue() {
    if (!queueChanged) return;
    queueChanged = false;
    heartbeat();
  }

  function refreshConfig() {
    if (!token) return;
    api("GET", "kiosk/config").then(function (data) {
      config = data;
      save("config", data);
      if (screen === "rate" || screen === "pick") start();
      header();
    }).catch(failed);
  }

  // ---- screens --------------------------------------------------------------------------
  function show(name) {
    screen = name;
    document.querySelectorAll(".k-screen").forEach(function (s) { s.hidden = s.id !== "screen-" + name; });
    var heading = document.querySelector("#screen-" + name + " h1");
    if (heading) heading.focus({ preventScroll: true });
    footer();
    idle();
  }

  function applyStrings() {
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : lang;
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = t(el.dataset.t); });
    // Every language but the current one is one tap away, each named in itself.
    document.querySelectorAll("#k-langs [data-lang]").forEach(function (b) { b.hidden = b.dataset.lang === lang; });
  }

  function header() {
    $("k-agency").textContent = config ? (config.agency[lang] || config.agency.ms) : "eRating";
    $("k-premise").textContent = config ? config.premise : "";
    // The agency's logo, as on its posters; hidden when there is none or it cannot load (offline).
    var logo = $("k-logo"), src = config && config.logo ? config.logo : "";
    if (logo.getAttribute("src") !== src) {
      logo.hidden = !src;
      if (src) { logo.src = src; } else { logo.removeAttribute("src"); }
    }
  }

  function officerFixed() {
    return !!(config && config.fixed && config.targets[0] && config.targets[0].kind === "officer");
  }
  function counterChoice() { return !!(config && !config.fixed && config.targets.length > 1); }

  function footer() {
    var paired = !!token && screen !== "pair";
    $("k-duty").hidden = !(paired && officer);
    $("k-duty-name").textContent = officer ? officer.name : "";
    // The staff menu has something to offer unless the tablet is fixed to one officer.
    $("k-staff").hidden = !paired || screen === "staff" || screen === "signon" || (officerFixed() && !counterChoice());
    status();
  }

  function staffMenu() {
    $("staff-duty").hidden = !officer;
    $("staff-duty-name").textContent = officer ? officer.name : "";
    $("k-signon").hidden = !!officer || officerFixed();
    $("k-signoff").hidden = !officer;
    $("k-counter").hidden = !counterChoice();
    show("staff");
  }

  function status() {
    queued().then(function (n) {
      var line = (navigator.onLine ? t("online") : t("offline"));
      if (n) line += " · " + n + " " + t("waiting");
      $("k-status").textContent = line;
      $("k-status").dataset.queued = n;
    });
  }

  function targetByCode(code) {
    return config && config.targets.filter(function (x) { return x.code === code; })[0];
  }

  // The start screen: the faces when the target is known (fixed, or picked by the officer on duty),
  // otherwise the counter list for the customer.
  function start() {
    clearTimeout(thanksTimer);
    current = null;
    if (!token || !config) return show("pair");
    header();
    var targets = config.targets;
    if (!targets.length) { $("pick-list").textContent = t("no_targets"); return show("pick"); }
    if (config.fixed || targets.length === 1) return rate(targets[0]);
    if (counter && targetByCode(counter)) return rate(targetByCode(counter));
    pick();
  }

  function pick() {
    var list = $("pick-list");
    list.textContent = "";
    config.targets.forEach(function (target) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "k-choice";
      b.textContent = target.name[lang] || target.name.ms;
      b.addEventListener("click", function () {
        counter = target.code;
        save("counter", counter);
        rate(target);
      });
      list.appendChild(b);
    });
    show("pick");
  }

  function face(smiley) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 48 48");
    svg.setAttribute("aria-hidden", "true");
    svg.innerHTML = '<circle cx="24" cy="24" r="22" fill="' + smiley.face.colour + '"/>' +
      '<circle cx="17" cy="19" r="3" fill="#fff"/><circle cx="31" cy="19" r="3" fill="#fff"/>' +
      '<path d="' + smiley.face.mouth + '" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>';
    return svg;
  }

  function rate(target) {
    current = { target: target.code, score: null, reasons: [] };
    $("rate-target").textContent = target.name[lang] || target.name.ms;
    var faces = $("faces");
    faces.textContent = "";
    form().smileys.forEach(function (smiley) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "k-face";
      b.dataset.score = smiley.score;
      b.setAttribute("aria-label", smiley.caption);
      b.appendChild(face(smiley));
      var caption = document.createElement("span");
      caption.textContent = smiley.caption;
      caption.setAttribute("aria-hidden", "true");
      b.appendChild(caption);
      b.addEventListener("click", function () { chose(smiley.score); });
      faces.appendChild(b);
    });
    show("rate");
  }

  function chose(score) {
    current.score = score;
    var f = form();
    if (f.reasons.length && score <= f.reasons_max_score) return reasons();
    submit();
  }

  function reasons() {
    var list = $("reason-list");
    list.textContent = "";
    form().reasons.forEach(function (reason) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "k-choice";
      b.textContent = reason.text;
      b.setAttribute("aria-pressed", String(current.reasons.indexOf(reason.id) >= 0));
      b.addEventListener("click", function () {
        var on = current.reasons.indexOf(reason.id) < 0;
        current.reasons = current.reasons.filter(function (id) { return id !== reason.id; });
        if (on) current.reasons.push(reason.id);
        b.setAttribute("aria-pressed", String(on));
      });
      list.appendChild(b);
    });
    show("reasons");
  }

  function submit() {
    var item = { id: uuid(), target: current.target, score: current.score, reasons: current.reasons, comment: "",
                 officer: officer ? officer.id : null, client_time: new Date().toISOString(), language: lang };
    current = null;
    // Stored first; the network is only ever a copy of the queue.
    enqueue(item).then(flush, function (error) { console.error("eRating: could not queue a rating", error); });
    $("thanks-title").textContent = (form() && form().thank_you) || t("thanks_default");
    show("thanks");
    thanksTimer = setTimeout(reset, TIMING.thanks);
  }

  // Back to the start for the next customer, in BM.
  function reset() {
    if (lang !== "ms") { lang = "ms"; applyStrings(); }
    start();
  }

  function idle() {
    clearTimeout(idleTimer);
    if (screen && screen !== "pair" && screen !== "thanks") idleTimer = setTimeout(reset, TIMING.idle);
  }

  // ---- pairing and sign-on --------------------------------------------------------------
  function unpair(revoked) {
    token = null; config = null; officer = null; counter = null;
    ["token", "config", "officer", "counter"].forEach(function (k) { save(k, null); });
    if (revoked) save("revoked", "1");  // still explained after a reload, until paired again
    $("pair-revoked").hidden = !localStorage.getItem(KEY + "revoked");
    header();
    show("pair");
  }

  $("pair-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("pair-code").value.trim();
    $("pair-error").textContent = "";
    api("POST", "kiosk/pair", { code: code }).then(function (data) {
      token = data.token; config = data.config;
      save("token", token); save("config", config);
      save("revoked", null);
      $("pair-revoked").hidden = true;
      $("pair-code").value = "";
      start();
      heartbeat();
      flush();
    }, function (error) {
      $("pair-error").textContent = error.status ? error.message : t("pair_offline");
    });
  });

  // Press and hold (pointer, or Enter/Space held) opens the staff menu; a tap only says how.
  (function () {
    var button = $("k-staff"), timer = null, hintTimer = null, opened = false;
    function begin(event) {
      if (timer || (event.type === "keydown" && event.key !== "Enter" && event.key !== " ")) return;
      if (event.type === "keydown") event.preventDefault();
      opened = false;
      button.classList.add("k-holding");
      timer = setTimeout(function () { opened = true; end(); staffMenu(); }, TIMING.hold);
    }
    function end() {
      clearTimeout(timer);
      timer = null;
      button.classList.remove("k-holding");
    }
    function released(event) {
      if (event.type === "keyup" && event.key !== "Enter" && event.key !== " ") return;
      var early = !!timer;
      end();
      if (early && !opened) {
        $("k-status").textContent = t("staff_hint");
        clearTimeout(hintTimer);
        hintTimer = setTimeout(status, 3000);
      }
    }
    button.addEventListener("pointerdown", begin);
    button.addEventListener("keydown", begin);
    ["pointerup", "pointercancel", "pointerleave", "keyup"].forEach(function (type) {
      button.addEventListener(type, released);
    });
    button.addEventListener("click", function (event) { event.preventDefault(); });
    button.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  })();
  $("staff-back").addEventListener("click", start);
  $("k-counter").addEventListener("click", pick);

  $("k-signon").addEventListener("click", function () {
    $("signon-error").textContent = "";
    $("signon-id").value = ""; $("signon-pin").value = "";
    show("signon");
  });
  $("signon-cancel").addEventListener("click", start);
  $("signon-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var pin = $("signon-pin").value;
    $("signon-error").textContent = "";
    api("POST", "kiosk/sign-on", { identifier: $("signon-id").value, pin: pin }).then(function (data) {
      officer = { id: data.officer, name: data.name };
      save("officer", officer);
      counter = null; save("counter", null);
      $("signon-pin").value = "";
      start();
    }, function (error) {
      $("signon-pin").value = "";
      if (error.status === 401) return failed(error);
      $("signon-error").textContent = error.status ? error.message : t("signon_offline");
    });
  });
  $("k-signoff").addEventListener("click", function () {
    officer = null; counter = null;
    save("officer", null); save("counter", null);
    start();
  });

  $("reasons-send").addEventListener("click", submit);
  $("thanks-again").addEventListener("click", reset);
  $("k-langs").addEventListener("click", function (event) {
    var button = event.target.closest("[data-lang]");
    if (!button) return;
    lang = button.dataset.lang;
    applyStrings();
    header();
    // Redraw the current screen in the new language without losing the customer's progress.
    if (screen === "rate" && current) rate(targetByCode(current.target));
    else if (screen === "reasons") reasons();
    else if (screen === "pick") pick();
    else footer();
  });
  ["pointerdown", "keydown"].forEach(function (type) { document.addEventListener(type, idle, true); });
  // Back online: send the queue, then report it (a heartbeat sent beside the flush would report
  // the queue from before it drained); the flush ends with that report.
  window.addEventListener("online", function () { status(); queueChanged = true; flush(); });
  window.addEventListener("offline", status);

  $("k-logo").addEventListener("error", function () { $("k-logo").hidden = true; });
  $("k-logo").addEventListener("load", function () { $("k-logo").hidden = false; });

  // ---- boot -----------------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: document.body.dataset.scope })
      .catch(function (error) { console.warn("eRating: service worker not registered", error); });
  }
  applyStrings();
  $("pair-revoked").hidden = !localStorage.getItem(KEY + "revoked");
  start();
  refreshConfig();
  heartbeat();
  flush();
  setInterval(flush, TIMING.flush);
  setInterval(heartbeat, TIMING.heartbeat);
})();
