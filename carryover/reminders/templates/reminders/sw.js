{% load static i18n %}// Carryover service worker: shows reminders pushed by the server, and keeps what a signed-in client needs with no
// signal (Today, the steps of their open activities, the safety plan, the crisis lines), network first.
// A page is kept only when the server says whose it is (X-Carryover-Owner, lib/devicecache.py), in that person's
// own cache; a page for anyone else empties it, and so does the sign-in page (offline.js). Signing out clears it all
// (Clear-Site-Data).
importScripts("{% static 'carryover/offline-store.js' %}");
const OWNER_HEADER = "X-Carryover-Owner";
const PAGES = "carryover-pages-";
const STATIC = "carryover-static";
const PRECACHE = [
  "{% static 'carryover/app.css' %}", "{% static 'carryover/app.js' %}", "{% static 'carryover/offline.js' %}",
  "{% static 'carryover/offline-store.js' %}", "{% static 'django_htmx/htmx-2.min.js' %}",
  "{% static 'carryover/icon.svg' %}",
];
const NO_COPY = "{% translate 'This page isn’t saved on this phone. Open it again when you’re online.' %}";
const GONE = "{% translate 'This activity is no longer open, so what you typed offline was not sent. It is kept on this phone.' %}";
const TODAY = "{% translate 'Today' %}";
const HELP = "{% translate 'Need help now?' %}";

self.addEventListener("install", (event) => {
  // One file missing must not stop the worker installing: reminders come through it too.
  event.waitUntil(caches.open(STATIC).then((cache) => Promise.allSettled(PRECACHE.map((url) => cache.add(url))))
    .then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

async function pageCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PAGES));
}

// Pages for `owner` from now on: any other person's copies (and answers kept for them) are wiped first.
async function claim(owner) {
  for (const name of await pageCaches()) {
    if (name !== PAGES + owner) await caches.delete(name);
  }
  await self.CarryoverStore.claim(owner);
}

async function forgetPages() {
  for (const name of await pageCaches()) await caches.delete(name);
}

async function remember(request, response) {
  const owner = response.headers.get(OWNER_HEADER);
  if (!owner) return;  // not a page to keep (a redirect to sign in: that page's script forgets every kept one)
  await claim(owner);
  await (await caches.open(PAGES + owner)).put(request.url, response);
}

async function kept(url) {
  const names = await pageCaches();
  return names.length ? (await caches.open(names[0])).match(url) : undefined;
}

function noCopy() {
  const body = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>Carryover</title></head><body><main><p>${NO_COPY}</p><p><a href="{% url 'client_home' %}">${TODAY}</a> · <a href="{% url 'help' %}">${HELP}</a></p></main></body></html>`;
  return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (request.mode === "navigate" && response.ok) await remember(request, response.clone());
    else if (response.ok) await (await caches.open(STATIC)).put(request, response.clone());
    return response;
  } catch (error) {
    const copy = request.mode === "navigate" ? await kept(request.url) : await caches.match(request, {cacheName: STATIC});
    return copy || (request.mode === "navigate" ? noCopy() : Response.error());
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" || url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(networkFirst(request));
  }
});

// The page asks for its owner's copies to be brought up to date: Today's list (homework/views.py offline_urls).
// Pages missing from the copy are fetched at once; the rest at most every half hour, since every page the client
// visits online is kept fresh as they go (each fetch is a read in the audit log too).
const REFRESH_MS = 30 * 60 * 1000;
let refreshedAt = 0;
async function keepPages(owner, urls) {
  await claim(owner);
  const cache = await caches.open(PAGES + owner);
  const refresh = Date.now() - refreshedAt > REFRESH_MS;
  if (refresh) refreshedAt = Date.now();
  for (const request of await cache.keys()) {  // an activity sent, paused or ended is no longer kept
    const path = new URL(request.url);
    if (!urls.includes(path.pathname + path.search) && path.pathname !== "{% url 'client_home' %}") await cache.delete(request);
  }
  for (const url of urls) {
    if (!refresh && await cache.match(new URL(url, self.location.origin).href)) continue;
    try {
      // Not following a redirect: a page that sends elsewhere (signed out, say) is not kept, and the page it would
      // lead to is not rendered for nobody (the sign-in page would spend its "why you were signed out").
      const response = await fetch(url, {credentials: "same-origin", headers: {"X-Carryover-Offline": "keep"}, redirect: "manual"});
      if (response.ok && !response.redirected && response.headers.get(OWNER_HEADER) === owner) {
        await cache.put(new URL(url, self.location.origin).href, response);
      }
    } catch (error) { return; }  // the connection went: what is kept stays
  }
}

async function tellPages(message) {
  for (const client of await self.clients.matchAll({type: "window"})) client.postMessage(message);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && data.owner) event.waitUntil(keepPages(data.owner, data.urls || []));
  if (data.type === "forget") event.waitUntil(forgetPages());
});

// Background Sync: the answers kept on this phone go as soon as the connection is back, page open or not.
self.addEventListener("sync", (event) => {
  if (event.tag !== "carryover-send") return;
  event.waitUntil((async () => {
    const names = await pageCaches();
    if (!names.length) return;
    await self.CarryoverStore.sendAll(names[0].slice(PAGES.length), "", GONE);
    await tellPages({type: "sent"});
  })());
});

self.addEventListener("push", (event) => {
  let data = {title: "Carryover", body: "You have something for today.", url: "/today/"};
  try { data = Object.assign(data, event.data ? event.data.json() : {}); } catch (e) { /* keep the default */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, data: {url: data.url, later: data.later}, tag: "carryover-reminder",
    actions: data.later ? [{action: "later", title: "Remind me later"}] : [],
  }));
});
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = event.action === "later" && data.later ? data.later : (data.url || "/today/");
  event.waitUntil(self.clients.openWindow(target));
});
