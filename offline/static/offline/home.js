import { initShell } from "./register.js";

// Chromium offers to install the app (manifest + service worker): show our own button for it.
const button = document.querySelector("[data-install]");
let offer = null;
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  offer = event;
  button.hidden = false;
});
button.addEventListener("click", async () => {
  if (!offer) return;
  offer.prompt();
  await offer.userChoice;
  offer = null;
  button.hidden = true;
});
window.addEventListener("appinstalled", () => { button.hidden = true; });

initShell();
