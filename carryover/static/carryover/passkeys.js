// allauth's WebAuthn script reports a failed or cancelled passkey ceremony only to the console. Say it on the page,
// in the #passkey-error box, so the person knows nothing happened and what to do instead.
(function () {
  "use strict";
  document.addEventListener("allauth.error", function (event) {
    var box = document.getElementById("passkey-error");
    if (!box) return;
    event.preventDefault();
    var name = event.detail && event.detail.exception && event.detail.exception.name;
    // The words come from the page, in the reader's language; English is the fallback.
    box.textContent = name === "NotAllowedError"
      ? box.dataset.cancelled || "The passkey was not used (it was cancelled, or timed out). You can try again, or use your password."
      : box.dataset.failed || "This device could not use a passkey here. You can try again, or use your password.";
    box.hidden = false;
  });
})();
