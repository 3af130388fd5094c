// app.js - the search page: searches as you type, shows each episode in the
// reader's language with the matched words marked, and an episode's
// synopses side by side. Text from the server is only ever set as text
// (textContent, text nodes), never parsed as HTML.
"use strict";

const LANGUAGES = [
  ["en", "English"], ["de", "Deutsch"], ["fr", "Français"], ["es", "Español"],
  ["it", "Italiano"], ["pt", "Português"], ["pt-BR", "Português (Brasil)"],
  ["nl", "Nederlands"], ["sv", "Svenska"], ["da", "Dansk"], ["nb", "Norsk"],
  ["fi", "Suomi"], ["hu", "Magyar"], ["pl", "Polski"], ["cs", "Čeština"],
  ["sk", "Slovenčina"], ["el", "Ελληνικά"], ["ru", "Русский"], ["tr", "Türkçe"],
  ["ja", "日本語"], ["zh", "中文"], ["ko", "한국어"],
];
const PAGE = 10;
const DEBOUNCE_MS = 200;

const $ = (id) => document.getElementById(id);
const els = {
  q: $("q"), form: $("search-form"), lang: $("lang"), fallback: $("fallback"),
  langSummary: $("lang-summary"), status: $("status"), results: $("results"),
  more: $("more"), searchView: $("search-view"), episodeView: $("episode-view"),
  title: $("episode-title"), meta: $("episode-meta"), synopses: $("synopses"),
};

// ---- preferences, remembered in localStorage ----

const store = {
  get(k) { try { return localStorage.getItem(k) || ""; } catch (e) { return ""; } },
  set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } },
};

function prefs() {
  return { lang: els.lang.value, fallback: els.fallback.value.replace(/\s+/g, "") };
}

function langParams(p) {
  const u = new URLSearchParams();
  if (p.lang) u.set("lang", p.lang);
  if (p.fallback) u.set("fallback", p.fallback);
  return u;
}

function showPrefs() {
  const p = prefs();
  const parts = [p.lang || "auto"].concat(p.fallback ? p.fallback.split(",") : []);
  els.langSummary.textContent = parts.filter(Boolean).join(" → ");
}

for (const [code, name] of LANGUAGES) {
  const o = document.createElement("option");
  o.value = code;
  o.textContent = `${name} (${code})`;
  els.lang.append(o);
}
els.lang.value = store.get("plotline.lang");
els.fallback.value = store.get("plotline.fallback");
showPrefs();

function prefsChanged() {
  store.set("plotline.lang", els.lang.value);
  store.set("plotline.fallback", els.fallback.value.trim());
  showPrefs();
  route(true);
}
els.lang.addEventListener("change", prefsChanged);
els.fallback.addEventListener("change", prefsChanged);

// ---- talking to the API ----

let inflight = null;

async function api(path, params) {
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const url = params && [...params].length ? `${path}?${params}` : path;
  const res = await fetch(url, { signal: inflight.signal, headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : `HTTP ${res.status}`;
    throw new Error(msg);
  }
  return body;
}

// ---- rendering helpers ----

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// A snippet marks matched words as [word]: those become <mark>, the rest text.
function snippetNodes(text) {
  const out = [];
  const re = /\[([^\[\]]*)\]/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(el("mark", null, m[1]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

function episodeName(e) {
  const parts = [];
  if (e.series) parts.push(e.series);
  if (e.season != null || e.number != null) {
    const s = e.season != null ? `S${String(e.season).padStart(2, "0")}` : "";
    const n = e.number != null ? `E${String(e.number).padStart(2, "0")}` : "";
    parts.push(s + n);
  }
  if (e.title) parts.push(e.title);
  return parts.length ? parts.join(" · ") : `Episode ${e.id}`;
}

function badge(lang) {
  return el("span", { class: "badge", lang: "en", title: `language: ${lang}` }, lang);
}

function setStatus(text) { els.status.textContent = text; }

// ---- search ----

let timer = null;
let shown = 0;
let lastQuery = null;

function resultItem(r) {
  const a = el("a", { href: `#/episode/${r.episode.id}`, class: "result-link" });
  a.append(el("h3", null, episodeName(r.episode)));
  const snip = el("p", { class: "snippet", lang: r.snippet.lang });
  snip.append(badge(r.snippet.lang), ...snippetNodes(r.snippet.text));
  a.append(snip);
  // The reader's language, when the match was in another one.
  if (r.synopsis && r.synopsis.id !== r.snippet.synopsis_id) {
    const p = el("p", { class: "shown", lang: r.synopsis.lang });
    p.append(badge(r.synopsis.lang), r.synopsis.text);
    a.append(p);
  }
  return el("li", { class: "result", "data-episode": String(r.episode.id) }, a);
}

async function search(q, append) {
  const params = langParams(prefs());
  params.set("q", q);
  params.set("limit", String(PAGE));
  params.set("offset", String(append ? shown : 0));
  setStatus("Searching…");
  let data;
  try {
    data = await api("/v1/search", params);
  } catch (err) {
    if (err.name === "AbortError") return;
    setStatus(`Search failed: ${err.message}`);
    return;
  }
  if (!append) {
    els.results.replaceChildren();
    shown = 0;
  }
  for (const r of data.results) els.results.append(resultItem(r));
  shown += data.results.length;
  els.more.hidden = !data.more;
  setStatus(shown === 0 ? `No episode matches “${q}”.`
    : `${shown}${data.more ? "+" : ""} episode${shown === 1 ? "" : "s"} for “${q}”`);
}

function runSearch(force) {
  const q = els.q.value.trim();
  if (!force && q === lastQuery) return;
  lastQuery = q;
  const hash = q ? `#/search/${encodeURIComponent(q)}` : "#/";
  history.replaceState(null, "", hash);
  $("back").href = hash;
  if (!q) {
    if (inflight) inflight.abort();
    els.results.replaceChildren();
    els.more.hidden = true;
    setStatus("");
    return;
  }
  search(q, false);
}

els.q.addEventListener("input", () => {
  clearTimeout(timer);
  showView("search");
  timer = setTimeout(() => runSearch(false), DEBOUNCE_MS);
});
els.form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(timer);
  runSearch(true);
});
els.more.addEventListener("click", () => { if (lastQuery) search(lastQuery, true); });

// ---- an episode, all its synopses side by side ----

async function openEpisode(id) {
  showView("episode");
  els.title.textContent = "…";
  els.meta.textContent = "";
  els.synopses.replaceChildren();
  let ep, all;
  try {
    ep = await api(`/v1/episodes/${id}`, langParams(prefs()));
    all = await api(`/v1/episodes/${id}/synopses`);
  } catch (err) {
    if (err.name === "AbortError") return;
    els.title.textContent = "Episode not found";
    els.meta.textContent = err.message;
    return;
  }
  els.title.textContent = episodeName(ep);
  const langs = ep.languages.length ? ep.languages.join(", ") : "none";
  els.meta.textContent = `Shown in ${ep.lang || "—"} · languages: ${langs}`;
  // The chosen synopsis first, then the others in the order they were added.
  const list = all.synopses.slice().sort((a, b) =>
    (b.id === (ep.synopsis && ep.synopsis.id)) - (a.id === (ep.synopsis && ep.synopsis.id)));
  for (const s of list) {
    const chosen = ep.synopsis && s.id === ep.synopsis.id;
    const cls = "synopsis" + (chosen ? " chosen" : "") + (s.placeholder ? " placeholder" : "");
    const head = el("h3", null, badge(s.lang), chosen ? "your language" : s.placeholder
      ? "placeholder" : "");
    const art = el("article", { class: cls, lang: s.lang, "data-lang": s.lang },
      head, el("p", null, s.text || "(empty)"),
      s.source ? el("p", { class: "source" }, s.source) : null);
    els.synopses.append(art);
  }
  els.title.focus();
}

// ---- views, routing, keyboard ----

function showView(which) {
  els.searchView.hidden = which !== "search";
  els.episodeView.hidden = which !== "episode";
}

function route(force) {
  const h = decodeURIComponent(location.hash.slice(1));
  let m;
  if ((m = /^\/episode\/(\d+)$/.exec(h))) {
    openEpisode(m[1]);
  } else {
    showView("search");
    if ((m = /^\/search\/(.*)$/s.exec(h)) && els.q.value.trim() !== m[1]) els.q.value = m[1];
    runSearch(force);
  }
}

window.addEventListener("hashchange", () => route(false));

function resultLinks() { return [...els.results.querySelectorAll("a.result-link")]; }

document.addEventListener("keydown", (ev) => {
  const t = ev.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement ||
    t instanceof HTMLTextAreaElement;
  if (ev.key === "/" && !typing) {
    ev.preventDefault();
    showView("search");
    els.q.focus();
    els.q.select();
  } else if (ev.key === "Escape" && !els.episodeView.hidden) {
    ev.preventDefault();
    location.hash = $("back").getAttribute("href");
    setTimeout(() => els.q.focus(), 0);
  } else if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && !els.searchView.hidden &&
             (t === els.q || t.classList.contains("result-link"))) {
    const links = resultLinks();
    if (!links.length) return;
    ev.preventDefault();
    const i = links.indexOf(t);
    const next = ev.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : i - 1;
    if (next < 0) els.q.focus();
    else links[next].focus();
  }
});

route(true);
