// "Notify this phone" on a follow page: subscribe with the Push API, send the subscription.
(function () {
  "use strict";
  const button = document.querySelector("[data-push-key]");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  const status = document.getElementById("push-status");
  button.hidden = false;

  function keyBytes(text) {
    const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  button.addEventListener("click", async () => {
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(button.dataset.pushKey),
      });
      const kinds = Array.from(document.querySelectorAll("input[name=kinds]:checked"), (box) => box.value);
      const answer = await fetch(button.dataset.pushUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": button.dataset.token },
        body: JSON.stringify({ ...subscription.toJSON(), kinds }),
      });
      status.textContent = answer.ok ? button.dataset.done : button.dataset.failed;
    } catch (error) {
      status.textContent = button.dataset.failed;
    }
  });
})();
