/* Pantry's one script: the offline outbox. Every form works without it; with it, a tap at
   the fridge ("Took 1", "I added 6") is first kept on this phone (IndexedDB), then sent, and
   sent again when the connection returns, until the server has it; a report sent without
   signal waits there too, with its photo. Each entry keeps its idempotency key, so a resend
   is never counted twice. The service worker loads this file
   too (importScripts) to send the outbox by Background Sync: the page part needs a document. */
"use strict";

const Outbox = (() => {
  const NAME = "pantry", OUTBOX = "outbox", SENT = "sent";
  const SENT_KEPT_MS = 7 * 24 * 3600 * 1000; // keys already sent, so a page kept from before never reuses one
  const FIELDS = ["key", "kind", "item", "quantity", "best_before"];
  const TIMEOUT_MS = 20000;
  let opened;

  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(OUTBOX, { keyPath: "key" });
        request.result.createObjectStore(SENT, { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => { opened = null; reject(request.error); };
    });
    return opened;
  }

  async function run(store, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = work(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request && request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  const put = (entry) => run(OUTBOX, "readwrite", (store) => store.put(entry));
  const count = () => run(OUTBOX, "readonly", (store) => store.count());
  const waiting = async () => (await run(OUTBOX, "readonly", (store) => store.getAll())).sort((a, b) => a.at - b.at);

  async function used(key) {
    return Boolean(await run(OUTBOX, "readonly", (store) => store.get(key)) ||
                   await run(SENT, "readonly", (store) => store.get(key)));
  }

  async function settle(key, sent) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction([OUTBOX, SENT], "readwrite");
      transaction.objectStore(OUTBOX).delete(key);
      if (sent) transaction.objectStore(SENT).put({ key, at: Date.now() });
      transaction.oncomplete = resolve;
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  function forget() {
    const before = Date.now() - SENT_KEPT_MS;
    return run(SENT, "readwrite", (store) => {
      store.openCursor().onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        if (cursor.value.at < before) cursor.delete();
        cursor.continue();
      };
    });
  }

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* One entry from a log form and the button that sent it: what the JSON endpoint takes. */
  function entryFrom(form, submitter, key, tokenUrl) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    data.set("key", key);
    const body = {};
    for (const name of FIELDS) if (data.has(name)) body[name] = String(data.get(name));
    return { key, url: form.action, body, token: String(data.get("csrf_token") || ""), tokenUrl, at: Date.now() };
  }

  /* A report from its form: the fields as text and the photo as it will be sent (a Blob keeps
     in IndexedDB), posted as the same multipart form the page sends without JavaScript. */
  function reportFrom(form, key, photo, tokenUrl) {
    const data = new FormData(form), fields = {};
    for (const [name, value] of data) if (typeof value === "string") fields[name] = value;
    fields.key = key;
    return { key, url: form.action, fields, photo: photo || null, token: String(fields.csrf_token || ""), tokenUrl, at: Date.now() };
  }

  function bodyOf(entry) {
    if (!entry.fields) return { body: JSON.stringify(entry.body), type: { "Content-Type": "application/json" } };
    const data = new FormData();
    for (const [name, value] of Object.entries(entry.fields)) data.set(name, name === "csrf_token" ? entry.token : value);
    if (entry.photo) data.set("photo", entry.photo, entry.photo.name || "photo.jpg");
    return { body: data, type: {} }; // the browser writes the multipart boundary
  }

  async function post(entry) {
    const signal = self.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
    const { body, type } = bodyOf(entry);
    try {
      const response = await fetch(entry.url, {
        method: "POST", credentials: "same-origin", signal, body,
        headers: { ...type, Accept: "application/json", "X-CSRFToken": entry.token },
      });
      let json = null;
      if ((response.headers.get("Content-Type") || "").includes("json")) json = await response.json().catch(() => null);
      return { status: response.status, json, retryAfter: response.headers.get("Retry-After") };
    } catch (error) {
      return null; // offline, a lost connection or a lost answer: the entry stays, and its key with it
    }
  }

  async function freshToken(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
      return response.ok ? (await response.json()).csrf_token : null;
    } catch (error) {
      return null;
    }
  }

  function seconds(retryAfter) {
    const number = Number(retryAfter);
    const wait = Number.isFinite(number) ? number : (Date.parse(retryAfter) - Date.now()) / 1000;
    return Math.min(Math.max(Number.isFinite(wait) ? wait : 5, 1), 300);
  }

  function refusal(entry, answer) {
    const json = answer.json;
    const details = Object.values(json.fields || {}).flat();
    return { key: entry.key, sent: false, status: answer.status, fields: Boolean(json.fields),
             message: [json.message, ...details].filter(Boolean).join(" ") };
  }

  /* Send what waits, oldest first. Returns {results: [{key, sent, message}], left, wait}:
     left when something still waits (offline, busy, the server failed), wait in seconds. */
  async function send() {
    const results = [];
    for (const entry of await waiting()) {
      let answer = await post(entry);
      if (answer && answer.status === 400 && answer.json && answer.json.code === "csrf_failed") {
        const token = await freshToken(entry.tokenUrl); // the token expired while the entry waited
        if (token) {
          entry.token = token;
          await put(entry);
          answer = await post(entry);
        }
      }
      if (!answer) return { results, left: true, wait: 0 };
      if (answer.status === 201 && answer.json) {
        await settle(entry.key, true);
        results.push({ key: entry.key, sent: true, message: answer.json.message });
        continue;
      }
      if (answer.status === 429 || answer.status === 503) return { results, left: true, wait: seconds(answer.retryAfter) };
      const refused = answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.json &&
        answer.json.code && answer.json.code !== "csrf_failed";
      if (!refused) return { results, left: true, wait: 30 }; // a failure on our side, or a stranger answered
      await settle(entry.key, false); // refused for good: nothing was written; say why
      results.push(refusal(entry, answer));
    }
    return { results, left: false, wait: 0 };
  }

  /* One sender at a time, across tabs and the service worker, where the browser can say so. */
  function flush() {
    if (self.navigator && navigator.locks) return navigator.locks.request("pantry-outbox", send);
    return send();
  }

  return { SYNC_TAG: "pantry-outbox", database, put, count, used, forget, newKey, entryFrom, reportFrom, flush };
})();

if (self.document) (() => {
  const LOG_ACTION = /\/t\/[^/]+\/log$/;
  const script = document.currentScript;
  const texts = document.getElementById("outbox"); // the words, in the page's language (scan pages)
  const tapped = new Map(); // key -> {form, submitter}: taps from this page, for a refusal to show
  let ready = false, timer = 0, backoff = 15;

  function isLogForm(form) {
    return form.method === "post" && LOG_ACTION.test(new URL(form.action, location.href).pathname);
  }

  function region() {
    return document.querySelector("main .messages");
  }

  function say(kind, lines) {
    const status = region();
    if (!status || !texts) return;
    for (const old of status.querySelectorAll(`[data-outbox="${kind}"]`)) old.remove();
    for (const line of lines) {
      const note = document.createElement("p");
      note.className = "note " + (kind === "waiting" ? "warning" : kind);
      note.dataset.outbox = kind;
      // The page itself lists what was just logged (with Undo): say it to screen readers only.
      if (kind === "logged" && document.getElementById("recent-title")) note.classList.add("visually-hidden");
      note.textContent = line;
      status.append(note);
    }
  }

  function waitingText(number) {
    const category = new Intl.PluralRules(document.documentElement.lang || undefined).select(number);
    const name = "waiting" + category[0].toUpperCase() + category.slice(1);
    return (texts.dataset[name] || texts.dataset.waitingOther || "").replace("{n}", number.toLocaleString(document.documentElement.lang || undefined));
  }

  async function showWaiting() {
    if (!texts) return;
    const number = await Outbox.count();
    say("waiting", number ? [waitingText(number)] : []);
  }

  /* A tap: keep the entry on this phone first, then try to send it. The form's key is used
     once; the form gets a fresh one at once, so the next tap (even a quick second one) is
     another entry, and a key this phone already sent (a page kept from before) is replaced. */
  async function submit(form, submitter) {
    const field = form.elements.key;
    const entry = Outbox.entryFrom(form, submitter, (field && field.value) || Outbox.newKey(), script.dataset.token);
    if (field) field.value = Outbox.newKey();
    try {
      if (await Outbox.used(entry.key)) entry.key = entry.body.key = Outbox.newKey();
      await Outbox.put(entry);
    } catch (error) {
      return native(form, submitter); // no storage on this phone: the plain form still works
    }
    tapped.set(entry.key, { form, submitter });
    const slow = setTimeout(showWaiting, navigator.onLine ? 1500 : 0);
    await sendNow();
    clearTimeout(slow);
  }

  /* A photo from the camera is often 4000 px and several MB: on a weak signal that may never
     arrive. Drawn again at most 1600 px on its long side (what the server keeps anyway) as a
     JPEG, it is a tenth of that, and carries no EXIF. What this browser cannot draw (HEIC, or
     not a picture at all) goes as it is: the server reads it, or says why it cannot. */
  async function shrunk(file, longest = 1600) {
    if (!file || !file.size || !self.createImageBitmap) return file;
    try {
      const picture = await createImageBitmap(file, { imageOrientation: "from-image" });
      const scale = Math.min(1, longest / Math.max(picture.width, picture.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(picture.width * scale);
      canvas.height = Math.round(picture.height * scale);
      canvas.getContext("2d").drawImage(picture, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      return blob && blob.size < file.size ? new File([blob], "photo.jpg", { type: "image/jpeg" }) : file;
    } catch (error) {
      return file;
    }
  }

  function photoChosen(form) {
    const input = form.elements.photo;
    return Boolean(input && input.files && input.files.length);
  }

  /* A report: with signal, the plain form goes (its answer is the site's page), its photo
     shrunk first; without, it waits in the outbox with that photo and goes when signal returns. */
  async function sendReport(form, submitter) {
    const input = form.elements.photo;
    const file = input && input.files && input.files[0];
    const photo = await shrunk(file);
    if (navigator.onLine) {
      if (photo !== file && self.DataTransfer) {
        const chosen = new DataTransfer();
        chosen.items.add(photo);
        input.files = chosen.files;
      }
      // In a task of its own: a form submitted again while its submit event is still being fired is ignored.
      return setTimeout(() => native(form, submitter));
    }
    const field = form.elements.key;
    const entry = Outbox.reportFrom(form, (field && field.value) || Outbox.newKey(), photo, script.dataset.token);
    try {
      await Outbox.put(entry);
    } catch (error) {
      return native(form, submitter); // no storage on this phone: the plain form still works
    }
    if (field) field.value = Outbox.newKey();
    tapped.set(entry.key, { form, submitter });
    await sendNow();
  }

  function native(form, submitter) {
    if (!form.isConnected) return;
    form.dataset.native = "1";
    if (form.requestSubmit) return form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    if (submitter && submitter.name) form.append(Object.assign(document.createElement("input"), { type: "hidden", name: submitter.name, value: submitter.value }));
    form.submit();
  }

  async function sendNow() {
    clearTimeout(timer);
    if (!navigator.onLine) return showWaiting().then(background);
    const outcome = await Outbox.flush();
    await report(outcome.results);
    if (outcome.left) {
      await showWaiting();
      if (!outcome.wait) background(); // the network failed: the browser may send it later; a busy server said when
      const wait = outcome.wait || backoff;
      backoff = Math.min(backoff * 2, 300);
      timer = setTimeout(sendNow, wait * 1000);
    } else {
      backoff = 15;
    }
  }

  async function report(results) {
    if (!results.length) return;
    for (const result of results) {
      const tap = tapped.get(result.key);
      tapped.delete(result.key);
      // A tap just made and refused for what was typed: the plain form shows the server's page with its errors.
      if (!result.sent && result.fields && tap && tap.form.isConnected) return native(tap.form, tap.submitter);
    }
    if (results.some((result) => result.sent)) await refresh();
    await showWaiting();
    say("logged", results.filter((result) => result.sent).map((result) => result.message));
    say("error", results.filter((result) => !result.sent).map((result) => result.message));
  }

  /* Counts and the Undo list changed: take the page again and put its content in place,
     keeping the status region (so what it says next is announced) and where focus was. */
  async function refresh() {
    if (!texts) return;
    let url = location.href, fresh;
    if (LOG_ACTION.test(location.pathname)) { // the page a refused plain form answered: its label's page
      const item = document.querySelector("[name=back_item]");
      url = location.pathname.slice(0, -"/log".length) + (item ? "?item=" + encodeURIComponent(item.value) : "");
    }
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      if (url !== location.href) history.replaceState(null, "", url);
      fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main");
    } catch (error) {
      return;
    }
    const main = document.querySelector("main"), status = region();
    if (!fresh || !main || !status) return;
    const focusable = "a, button, input, select, textarea";
    const focused = [...main.querySelectorAll(focusable)].indexOf(document.activeElement);
    const freshStatus = fresh.querySelector(".messages");
    for (const node of [...main.childNodes]) if (node !== status) node.remove();
    let before = true;
    for (const node of [...fresh.childNodes]) {
      if (node === freshStatus) { before = false; continue; }
      if (before) status.before(node); else main.append(node);
    }
    if (focused >= 0) {
      const again = main.querySelectorAll(focusable)[focused];
      if (again) again.focus({ preventScroll: true });
    }
  }

  function background() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then((registration) => registration.sync && registration.sync.register(Outbox.SYNC_TAG)).catch(() => {});
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!ready || form.dataset.native) return;
    if (isLogForm(form)) {
      event.preventDefault();
      submit(form, event.submitter);
    } else if (form.hasAttribute("data-report") && (!navigator.onLine || photoChosen(form))) {
      event.preventDefault(); // with signal and no photo, the plain form goes as it is
      sendReport(form, event.submitter);
    }
  });

  window.addEventListener("online", sendNow);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") sendNow(); });

  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && Array.isArray(event.data.outbox)) report(event.data.outbox);
    });
    const worker = script.dataset.worker;
    if (worker) {
      window.addEventListener("load", () => {
        const wasControlled = Boolean(navigator.serviceWorker.controller);
        navigator.serviceWorker.register(worker, { scope: "/" })
          .then(() => navigator.serviceWorker.ready)
          .then((registration) => { if (texts && !wasControlled) registration.active.postMessage({ keep: location.href }); })
          .catch(() => {});
      });
    }
  }

  Outbox.database().then(() => {
    ready = true;
    document.documentElement.dataset.outbox = "ready"; // taps are kept on this phone from now on
    Outbox.forget().catch(() => {});
    return sendNow();
  }).catch(() => {});
})();
