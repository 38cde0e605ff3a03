// Shared by every offline page: install the service worker, ask it to keep the pages, show the
// connection state and the outbox count, and send the outbox automatically.
import { config, t, flash } from "./i18n.js";
import * as store from "./store.js";
import { counts, startAutoSync } from "./outbox.js";

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(config.sw, { scope: "/" });
    const ready = await navigator.serviceWorker.ready;
    if (navigator.onLine !== false && ready.active) {
      const newUser = localStorage.getItem("congvu-offline-user") !== config.user;
      ready.active.postMessage({ type: "keep-pages", pages: config.keep, newUser });
      localStorage.setItem("congvu-offline-user", config.user);
    }
  } catch (error) {
    console.warn("CongVu: service worker not registered", error);
  }
}

function showNetwork() {
  const online = navigator.onLine !== false;
  for (const node of document.querySelectorAll("[data-net]")) {
    node.textContent = online ? t("online") : t("offline");
    node.classList.toggle("is-offline", !online);
  }
}

export async function refreshCount() {
  const c = await counts();
  const pending = c.waiting + c.sending + c.refused;
  for (const node of document.querySelectorAll("[data-outbox-count]")) node.textContent = String(pending);
}

export function initShell() {
  showNetwork();
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  store.onChange((change) => {
    if (change.type === "outbox") refreshCount();
    if (change.type === "round-stopped" && change.loginNeeded) flash(t("login_again"), "warn", "login");
  });
  refreshCount();
  registerWorker();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  startAutoSync();
}
