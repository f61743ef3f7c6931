// Carryover service worker: shows reminders pushed by the server. It caches nothing: pages hold private data.
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
