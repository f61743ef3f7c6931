// Turns on Web Push for this device: registers the root service worker, subscribes with the server's VAPID key
// and sends the subscription to Carryover. Only loaded on the reminder settings page.
(function () {
  const box = document.getElementById("push");
  const button = document.getElementById("push-enable");
  if (!box || !button) return;
  const status = document.getElementById("push-status");
  const say = (text) => { status.textContent = text; };
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    button.disabled = true;
    say(box.dataset.unsupported || "This browser cannot show notifications from Carryover. Email or the calendar still work.");
    return;
  }
  const toKey = (base64) => {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  button.addEventListener("click", async () => {
    try {
      const registration = await navigator.serviceWorker.register("/sw.js", {scope: "/"});
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: toKey(box.dataset.vapidKey),
      });
      const response = await fetch(box.dataset.subscribeUrl, {
        method: "POST",
        headers: {"Content-Type": "application/json",
                  "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content},
        body: JSON.stringify({subscription: subscription.toJSON(),
                              show_titles: document.getElementById("push-titles").checked}),
      });
      const data = await response.json();
      say(response.ok ? (box.dataset.on || "Notifications are on for this device.") : data.error);
    } catch (error) {
      const failed = box.dataset.failed || "Notifications could not be turned on ({error}). You may need to allow them in the browser.";
      say(failed.replace("{error}", error.name));
    }
  });
})();
