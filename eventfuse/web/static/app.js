// The eventfuse page: a map, a timeline and a list of events, and the event view with its evidence.
// Everything shown comes from the API and is untrusted: the DOM is built with createElement and
// textContent only, never innerHTML with data; links are followed only for http(s) URLs.
"use strict";

(function () {
  const TYPE_CLASSES = {
    "Battles": "t-battles",
    "Explosions/Remote violence": "t-explosions",
    "Violence against civilians": "t-civilians",
    "Protests": "t-protests",
    "Riots": "t-riots",
    "Strategic developments": "t-strategic",
  };
  const STATUS_WORDS = {
    "corroborated": "two or more independent sources give the same value",
    "compatible": "sources word it differently but agree",
    "single-source": "one independent origin",
    "disputed": "sources give incompatible values",
    "updated": "the figure rose as reports came in; the latest leads",
  };
  const CREDIBILITY_WORDS = {
    1: "confirmed", 2: "probably true", 3: "possibly true", 4: "doubtful", 5: "improbable", 6: "cannot be judged",
  };
  const DAY_MS = 86400000;
  const PAGE = 1000;

  const state = {
    config: null,
    events: [],         // events matching every filter (list and map)
    timelineEvents: [], // events matching every filter but the dates (timeline)
    total: 0,
    selected: null,
    articles: new Map(), // article id -> Promise of the article
    map: null,
    markerLayer: null,
    markers: new Map(),
    requestSeq: 0,
  };

  // --- small DOM helpers -----------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) append(node, child);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach((c) => append(node, c));
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  function escapeText(text) {
    // Only for Leaflet's attribution, which Leaflet writes as HTML.
    const map = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    return String(text).replace(/[&<>"']/g, (c) => map[c]);
  }

  function typeClass(eventType) {
    return TYPE_CLASSES[eventType] || "t-other";
  }

  async function api(path) {
    const response = await fetch(path, { headers: { "Accept": "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error((body && body.message) || `${response.status} ${response.statusText}`);
    }
    return body;
  }

  // --- filters ----------------------------------------------------------------------------------

  const form = document.getElementById("filters");

  function filterParams(withDates) {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const name of ["q", "event_type", "country", "actor"]) {
      const value = (data.get(name) || "").trim();
      if (value) params.set(name, value);
    }
    if (withDates) {
      for (const name of ["date_from", "date_to"]) {
        const value = data.get(name);
        if (value) params.set(name, value);
      }
    }
    if (data.get("in_view") && state.map) {
      const b = state.map.getBounds();
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      params.set("bbox", [
        clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
      ].map((v) => v.toFixed(4)).join(","));
    }
    params.set("limit", String(PAGE));
    return params;
  }

  let reloadTimer = null;
  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(reload, 200);
  }

  async function reload() {
    const seq = ++state.requestSeq;
    const status = document.getElementById("list-status");
    try {
      const [filtered, undated] = await Promise.all([
        api("/api/events?" + filterParams(true)),
        api("/api/events?" + filterParams(false)),
      ]);
      if (seq !== state.requestSeq) return;
      state.events = filtered.events;
      state.total = filtered.total;
      state.timelineEvents = undated.events;
      renderList();
      renderMarkers();
      renderTimeline();
    } catch (err) {
      status.textContent = "Cannot load events: " + err.message;
    }
  }

  async function fillFilterChoices() {
    const all = await api("/api/events?limit=" + PAGE);
    const types = new Set();
    const countries = new Set();
    for (const ev of all.events) {
      if (ev.event_type) types.add(ev.event_type);
      if (ev.sub_event_type) types.add(ev.sub_event_type);
      if (ev.country) countries.add(ev.country);
    }
    const typeSelect = form.elements.namedItem("event_type");
    for (const type of [...types].sort()) typeSelect.appendChild(el("option", { value: type, text: type }));
    const countrySelect = form.elements.namedItem("country");
    for (const code of [...countries].sort()) countrySelect.appendChild(el("option", { value: code, text: code }));
    return all.events;
  }

  form.addEventListener("input", scheduleReload);
  form.addEventListener("change", scheduleReload);
  form.addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  form.addEventListener("reset", () => setTimeout(reload, 0));

  // --- list ---------------------------------------------------------------------------------------

  function renderList() {
    const list = document.getElementById("event-list");
    const status = document.getElementById("list-status");
    clear(list);
    const shown = state.events.length;
    status.textContent = state.total > shown
      ? `${shown} of ${state.total} events (narrow the filters to see the rest)`
      : `${state.total} event${state.total === 1 ? "" : "s"}`;
    for (const ev of state.events) {
      const where = ev.location ? ev.location.name : (ev.country || "place unknown");
      const item = el("li", { class: "event-item" + (state.selected === ev.id ? " selected" : ""), "data-id": ev.id },
        el("button", { type: "button", class: "event-link", onclick: () => selectEvent(ev.id) },
          el("span", { class: "swatch " + typeClass(ev.event_type), "aria-hidden": "true" }),
          el("span", { class: "event-date", text: ev.date || "undated" }),
          el("span", { class: "event-title", text: ev.sub_event_type || ev.event_type || ev.title }),
          el("span", { class: "event-where", text: where }),
          el("span", { class: "event-meta" },
            `${ev.sources} source${ev.sources === 1 ? "" : "s"}`,
            ev.disputed.length ? el("span", { class: "badge disputed", text: `${ev.disputed.length} disputed` }) : null)));
      list.appendChild(item);
    }
  }

  // --- map ----------------------------------------------------------------------------------------

  function initMap() {
    const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomSnap: 0.5 });
    map.attributionControl.setPrefix(false);
    map.setView([15, 30], 2);
    const renderer = L.svg({ padding: 0.5 });
    const offline = L.layerGroup();
    const layers = { "Offline map (Natural Earth)": offline };
    offline.addTo(map);
    loadBasemap(map, offline, renderer);
    if (state.config && state.config.tile_url) {
      const tiles = L.tileLayer(state.config.tile_url, {
        attribution: escapeText(state.config.tile_attribution || "map tiles"),
        maxZoom: 18,
      });
      layers["Online tiles"] = tiles;
      L.control.layers(layers, null, { collapsed: true }).addTo(map);
    }
    map.attributionControl.addAttribution("Natural Earth");
    state.markerLayer = L.layerGroup().addTo(map);
    state.arrowRenderer = L.svg({ padding: 0.5 });
    map.on("moveend", () => {
      if (form.elements.namedItem("in_view").checked) scheduleReload();
    });
    addLegend(map);
    addShowAll(map);
    state.map = map;
  }

  async function loadBasemap(map, group, renderer) {
    const style = { className: "land", renderer: renderer, interactive: false };
    try {
      const world = await api("/static/vendor/world-atlas/countries-110m.json");
      const coarse = L.geoJSON(topojson.feature(world, world.objects.countries), style).addTo(group);
      let fine = null;
      const pick = async () => {
        if (map.getZoom() < 5) {
          if (fine && group.hasLayer(fine)) { group.removeLayer(fine); group.addLayer(coarse); }
          return;
        }
        if (!fine) {
          const detailed = await api("/static/vendor/world-atlas/countries-50m.json");
          fine = L.geoJSON(topojson.feature(detailed, detailed.objects.countries), style);
        }
        if (map.getZoom() >= 5 && !group.hasLayer(fine)) { group.removeLayer(coarse); group.addLayer(fine); }
      };
      map.on("zoomend", pick);
      pick();
    } catch (err) {
      document.getElementById("map").classList.add("no-basemap");
    }
  }

  function addLegend(map) {
    const legend = L.control({ position: "topright" });
    legend.onAdd = () => {
      const box = el("div", { class: "legend" });
      for (const [type, cls] of Object.entries(TYPE_CLASSES)) {
        box.appendChild(el("div", null, el("span", { class: "swatch " + cls }), type));
      }
      box.appendChild(el("div", null, el("span", { class: "arrow-key" }), "origin → target"));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  function fitAll() {
    const points = [];
    for (const ev of state.events) {
      if (ev.location) points.push([ev.location.lat, ev.location.lon]);
      if (ev.origin) points.push([ev.origin.lat, ev.origin.lon]);
    }
    if (points.length) state.map.fitBounds(points, { padding: [40, 40], maxZoom: 6 });
  }

  function addShowAll(map) {
    const control = L.control({ position: "topleft" });
    control.onAdd = () => {
      const box = el("div", { class: "leaflet-bar" },
        el("button", { type: "button", class: "show-all", title: "Show all events", "aria-label": "Show all events", text: "all", onclick: fitAll }));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function ensureArrowhead(svg) {
    if (svg.querySelector("#arrowhead")) return;
    const ns = "http://www.w3.org/2000/svg";
    const defs = document.createElementNS(ns, "defs");
    const marker = document.createElementNS(ns, "marker");
    marker.setAttribute("id", "arrowhead");
    marker.setAttribute("viewBox", "0 0 10 10");
    marker.setAttribute("refX", "9");
    marker.setAttribute("refY", "5");
    marker.setAttribute("markerWidth", "7");
    marker.setAttribute("markerHeight", "7");
    marker.setAttribute("orient", "auto-start-reverse");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M 0 0 L 10 5 L 0 10 z");
    path.setAttribute("class", "arrowhead");
    marker.appendChild(path);
    defs.appendChild(marker);
    svg.insertBefore(defs, svg.firstChild);
  }

  function renderMarkers() {
    if (!state.map) return;
    state.markerLayer.clearLayers();
    state.markers.clear();
    const atPlace = new Map();
    const bounds = [];
    for (const ev of state.events) {
      if (!ev.location) continue;
      const key = ev.location.lat.toFixed(3) + "," + ev.location.lon.toFixed(3);
      const index = atPlace.get(key) || 0;
      atPlace.set(key, index + 1);
      if (ev.origin) {
        const arrow = L.polyline([[ev.origin.lat, ev.origin.lon], [ev.location.lat, ev.location.lon]], {
          className: "ev-arrow", renderer: state.arrowRenderer, interactive: false,
        }).addTo(state.markerLayer);
        ensureArrowhead(state.arrowRenderer._container);
        L.circleMarker([ev.origin.lat, ev.origin.lon], {
          radius: 3, className: "ev-origin", renderer: state.arrowRenderer, interactive: false,
        }).addTo(state.markerLayer);
        bounds.push([ev.origin.lat, ev.origin.lon]);
        void arrow;
      }
      // Events at the same place sit side by side instead of hiding each other.
      const dx = index * 14;
      const icon = L.divIcon({
        className: "ev-marker " + typeClass(ev.event_type) + (state.selected === ev.id ? " selected" : ""),
        iconSize: [16, 16],
        iconAnchor: [8 - dx, 8],
        html: el("span", { class: "ev-marker-dot" }),
      });
      const marker = L.marker([ev.location.lat, ev.location.lon], {
        icon: icon, title: `${ev.date || "undated"}: ${ev.title}`, alt: ev.title, riseOnHover: true,
      });
      marker.on("click", () => selectEvent(ev.id));
      marker.on("add", () => {
        const node = marker.getElement();
        if (node) node.setAttribute("data-id", ev.id);
      });
      marker.addTo(state.markerLayer);
      state.markers.set(ev.id, marker);
      bounds.push([ev.location.lat, ev.location.lon]);
    }
    if (bounds.length && !state.fitted) {
      fitAll();
      state.fitted = true;
    }
  }

  // --- timeline -----------------------------------------------------------------------------------

  function dayOf(date) {
    if (!date || !/^\d{4}-\d{2}-\d{2}/.test(date)) return null;
    return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  }

  function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function renderTimeline() {
    const svg = document.getElementById("timeline");
    const ns = "http://www.w3.org/2000/svg";
    clear(svg);
    const width = svg.clientWidth || 600;
    const height = svg.clientHeight || 90;
    const axis = 16;
    const days = state.timelineEvents.map((e) => dayOf(e.date)).filter((d) => d !== null);
    if (!days.length) {
      const t = document.createElementNS(ns, "text");
      t.setAttribute("x", "8");
      t.setAttribute("y", String(height / 2));
      t.setAttribute("class", "tl-empty");
      t.textContent = "no dated events";
      svg.appendChild(t);
      return;
    }
    const first = Math.min(...days) - DAY_MS;
    const last = Math.max(...days) + DAY_MS;
    const span = Math.max(1, (last - first) / DAY_MS + 1);
    const x = (ms) => ((ms - first) / DAY_MS) / span * width;
    const barWidth = Math.max(2, width / span - 1);
    const counts = new Map();
    for (const ev of state.timelineEvents) {
      const d = dayOf(ev.date);
      if (d === null) continue;
      if (!counts.has(d)) counts.set(d, []);
      counts.get(d).push(ev);
    }
    const most = Math.max(...[...counts.values()].map((v) => v.length));
    const unit = (height - axis - 6) / most;
    const from = dayOf(form.elements.namedItem("date_from").value);
    const to = dayOf(form.elements.namedItem("date_to").value);
    for (const [d, evs] of counts) {
      evs.forEach((ev, i) => {
        const rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", String(x(d)));
        rect.setAttribute("y", String(height - axis - (i + 1) * unit));
        rect.setAttribute("width", String(barWidth));
        rect.setAttribute("height", String(Math.max(1, unit - 1)));
        const outside = (from !== null && d < from) || (to !== null && d > to);
        rect.setAttribute("class", "tl-bar " + typeClass(ev.event_type) + (outside ? " outside" : ""));
        const title = document.createElementNS(ns, "title");
        title.textContent = `${isoDay(d)}: ${evs.length} event${evs.length === 1 ? "" : "s"}`;
        rect.appendChild(title);
        svg.appendChild(rect);
      });
    }
    // Month ticks along the bottom.
    const start = new Date(first);
    let tick = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
    const everyDay = span <= 20;
    if (everyDay) tick = first + DAY_MS;
    let lastLabel = -Infinity;
    while (tick < last) {
      const px = x(tick);
      if (px - lastLabel > 60) {
        const line = document.createElementNS(ns, "line");
        line.setAttribute("x1", String(px));
        line.setAttribute("x2", String(px));
        line.setAttribute("y1", String(height - axis));
        line.setAttribute("y2", String(height - axis + 4));
        line.setAttribute("class", "tl-tick");
        svg.appendChild(line);
        const label = document.createElementNS(ns, "text");
        label.setAttribute("x", String(px + 2));
        label.setAttribute("y", String(height - 3));
        label.setAttribute("class", "tl-label");
        label.textContent = isoDay(tick).slice(0, everyDay ? 10 : 7);
        svg.appendChild(label);
        lastLabel = px;
      }
      tick = everyDay ? tick + DAY_MS : Date.UTC(new Date(tick).getUTCFullYear(), new Date(tick).getUTCMonth() + 1, 1);
    }
    const baseline = document.createElementNS(ns, "line");
    baseline.setAttribute("x1", "0");
    baseline.setAttribute("x2", String(width));
    baseline.setAttribute("y1", String(height - axis));
    baseline.setAttribute("y2", String(height - axis));
    baseline.setAttribute("class", "tl-tick");
    svg.appendChild(baseline);
    if (from !== null || to !== null) {
      const brush = document.createElementNS(ns, "rect");
      const left = from !== null ? x(from) : 0;
      const right = to !== null ? x(to) + barWidth : width;
      brush.setAttribute("x", String(left));
      brush.setAttribute("y", "0");
      brush.setAttribute("width", String(Math.max(2, right - left)));
      brush.setAttribute("height", String(height - axis));
      brush.setAttribute("class", "tl-brush");
      svg.appendChild(brush);
    }
    state.timelineScale = { first, span, width };
    const range = document.getElementById("timeline-range");
    clear(range);
    if (from !== null || to !== null) {
      range.appendChild(document.createTextNode(
        `${from !== null ? isoDay(from) : "…"} to ${to !== null ? isoDay(to) : "…"} `));
      range.appendChild(el("button", { type: "button", class: "link", text: "clear dates", onclick: () => setDates(null, null) }));
    }
  }

  function setDates(from, to) {
    form.elements.namedItem("date_from").value = from || "";
    form.elements.namedItem("date_to").value = to || "";
    reload();
  }

  function initBrush() {
    const svg = document.getElementById("timeline");
    const ns = "http://www.w3.org/2000/svg";
    let startX = null;
    let band = null;
    const dayAt = (px) => {
      const s = state.timelineScale;
      return s.first + Math.floor(px / s.width * s.span) * DAY_MS;
    };
    svg.addEventListener("pointerdown", (e) => {
      if (!state.timelineScale) return;
      startX = e.offsetX;
      band = document.createElementNS(ns, "rect");
      band.setAttribute("class", "tl-brush");
      band.setAttribute("y", "0");
      band.setAttribute("height", String(svg.clientHeight - 16));
      band.setAttribute("x", String(startX));
      band.setAttribute("width", "1");
      svg.appendChild(band);
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", (e) => {
      if (startX === null) return;
      band.setAttribute("x", String(Math.min(startX, e.offsetX)));
      band.setAttribute("width", String(Math.abs(e.offsetX - startX)));
    });
    svg.addEventListener("pointerup", (e) => {
      if (startX === null) return;
      const a = Math.min(startX, e.offsetX);
      const b = Math.max(startX, e.offsetX);
      startX = null;
      if (b - a < 3) {
        // A click on a day picks that day; a click on an empty stretch clears the dates.
        const day = dayAt(a);
        const has = state.timelineEvents.some((ev) => dayOf(ev.date) === day);
        if (has) setDates(isoDay(day), isoDay(day));
        else setDates(null, null);
        return;
      }
      setDates(isoDay(dayAt(a)), isoDay(dayAt(b)));
    });
    window.addEventListener("resize", () => renderTimeline());
  }

  // --- event view ---------------------------------------------------------------------------------

  function getArticle(id) {
    if (!state.articles.has(id)) state.articles.set(id, api("/api/articles/" + encodeURIComponent(id)));
    return state.articles.get(id);
  }

  async function selectEvent(id) {
    state.selected = id;
    if (window.location.hash !== "#" + id) history.replaceState(null, "", "#" + id);
    for (const item of document.querySelectorAll(".event-item")) {
      item.classList.toggle("selected", item.getAttribute("data-id") === id);
    }
    for (const [eventId, marker] of state.markers) {
      const node = marker.getElement();
      if (node) node.classList.toggle("selected", eventId === id);
      marker.unbindTooltip();
    }
    const chosen = state.markers.get(id);
    const summary = state.events.find((e) => e.id === id);
    if (chosen && summary && summary.location) {
      // The label is a DOM node, so Leaflet never parses the place name as HTML.
      chosen.bindTooltip(el("span", { text: summary.location.name || "" }),
        { permanent: true, direction: "right", offset: [10, 0], className: "place-label" }).openTooltip();
    }
    const detail = document.getElementById("detail");
    clear(detail);
    detail.appendChild(el("p", { class: "empty", text: "Loading…" }));
    let ev;
    try {
      ev = await api("/api/events/" + encodeURIComponent(id));
    } catch (err) {
      clear(detail);
      detail.appendChild(el("p", { class: "error", text: "Cannot load the event: " + err.message }));
      return;
    }
    if (state.selected !== id) return;
    renderEvent(detail, ev);
    // Close enough to see the place and the origin arrow, without losing the view the user chose.
    const target = ev.fields.location && ev.fields.location.value;
    const origin = ev.fields.origin && ev.fields.origin.value;
    if (target && target.lat != null && target.lon != null && !form.elements.namedItem("in_view").checked) {
      const points = [[target.lat, target.lon]];
      if (origin && origin.lat != null && origin.lon != null) points.push([origin.lat, origin.lon]);
      state.map.fitBounds(points, { padding: [80, 80], maxZoom: Math.max(state.map.getZoom(), 6), animate: false });
    }
  }

  function sourceLabel(ev, articleId) {
    return (ev.display.sources && ev.display.sources[articleId]) || articleId;
  }

  function renderEvent(detail, ev) {
    clear(detail);
    // A big event comes in pages: its counts are the page's totals, not the length of the lists on this page.
    const totals = (ev.page && ev.page.totals) || { sources: ev.sources.length, claims: {} };
    const paged = totals.sources > ev.sources.length;
    const origins = new Set(ev.sources.map((s) => s.origin || s.article_id)).size;
    detail.appendChild(el("div", { class: "event-head" },
      el("h2", { text: ev.title }),
      el("div", { class: "event-sub" },
        el("span", { class: "swatch " + typeClass(ev.event_type), "aria-hidden": "true" }),
        [ev.event_type, ev.sub_event_type].filter(Boolean).join(" / ") || "type unknown",
        " · ", ev.date || "undated",
        ev.country ? " · " + ev.country : "",
        ` · ${totals.sources} source${totals.sources === 1 ? "" : "s"}, ` +
          (paged ? `${origins} independent among the first ${ev.sources.length}` : `${origins} independent`)),
      el("div", { class: "event-id", text: ev.id })));

    detail.appendChild(el("h3", { text: "Fields" }));
    detail.appendChild(el("p", { class: "hint", text: "Click a value to see what each source says, highlighted in its text." }));
    const table = el("table", { class: "fields" },
      el("thead", null, el("tr", null,
        el("th", { text: "field" }), el("th", { text: "value" }), el("th", { text: "status and credibility" }))));
    const body = el("tbody");
    for (const name of ev.display.field_order) {
      const fused = ev.fields[name];
      const evidenceRow = el("tr", { class: "evidence-row", hidden: true },
        el("td", { colspan: "3" }));
      const valueButton = el("button", {
        type: "button", class: "value", "aria-expanded": "false",
        text: ev.display.fields[name],
        onclick: () => toggleEvidence(ev, fused.claims, valueButton, evidenceRow.firstChild, evidenceRow),
      });
      body.appendChild(el("tr", { class: "field-row", "data-field": name },
        el("th", { scope: "row", text: name.replace(":", " ") }),
        el("td", null, valueButton, fused.hedged ? el("span", { class: "badge hedged", text: "hedged" }) : null,
          el("div", { class: "muted", text: `${totals.claims[name] ?? fused.claims.length} claim${(totals.claims[name] ?? fused.claims.length) === 1 ? "" : "s"}, ${fused.independent_sources} independent source${fused.independent_sources === 1 ? "" : "s"}` })),
        el("td", { class: "grade" },
          el("span", { class: "badge " + fused.status, title: STATUS_WORDS[fused.status] || "", text: fused.status }),
          el("div", { class: "credibility", title: fused.credibility_reason },
            el("span", { class: "cred cred-" + fused.credibility, text: String(fused.credibility) }),
            " " + (fused.credibility_reason || CREDIBILITY_WORDS[fused.credibility] || "")))));
      body.appendChild(evidenceRow);
    }
    table.appendChild(body);
    detail.appendChild(table);

    renderDisagreements(detail, ev);
    renderSources(detail, ev);
    renderHistory(detail, ev);
  }

  function renderDisagreements(detail, ev) {
    detail.appendChild(el("h3", { text: "Where sources disagree" }));
    if (!ev.discrepancies.length) {
      detail.appendChild(el("p", { class: "hint", text: "The sources agree on every field they share." }));
      return;
    }
    const table = el("table", { class: "disagreements" },
      el("thead", null, el("tr", null,
        el("th", { text: "field" }), el("th", { text: "value" }), el("th", { text: "held by" }), el("th", { text: "quote" }))));
    const body = el("tbody");
    ev.discrepancies.forEach((d, di) => {
      d.positions.forEach((position, pi) => {
        const outlets = [...new Set(position.claims.map((c) => sourceLabel(ev, c.article_id)))];
        const evidenceRow = el("tr", { class: "evidence-row", hidden: true }, el("td", { colspan: "4" }));
        const valueButton = el("button", {
          type: "button", class: "value", "aria-expanded": "false",
          text: ev.display.positions[di][pi],
          onclick: () => toggleEvidence(ev, position.claims, valueButton, evidenceRow.firstChild, evidenceRow),
        });
        const first = position.claims[0];
        body.appendChild(el("tr", { class: pi === 0 ? "position first" : "position" },
          el("th", { scope: "row", text: pi === 0 ? d.field.replace(":", " ") : "" }),
          el("td", null, valueButton),
          el("td", { text: outlets.join(", ") }),
          el("td", { class: "quote", text: first ? "“" + first.quote + "”" : "" })));
        body.appendChild(evidenceRow);
      });
    });
    table.appendChild(body);
    detail.appendChild(table);
    if (ev.discrepancies.some((d) => d.note)) {
      detail.appendChild(el("p", { class: "hint", text: ev.discrepancies.map((d) => `${d.field}: ${d.note}`).join(" · ") }));
    }
  }

  function renderSources(detail, ev) {
    detail.appendChild(el("h3", { text: "Sources" }));
    const labels = Object.fromEntries(ev.sources.map((s) => [s.article_id, sourceLabel(ev, s.article_id)]));
    const list = el("ul", { class: "sources" });
    for (const s of ev.sources) {
      const href = safeUrl(s.url);
      const title = s.title || "(untitled)";
      let independence;
      if (s.derived_from) {
        const original = labels[s.derived_from] || s.derived_from;
        independence = el("div", { class: "rewrite" },
          el("span", { class: "badge rewrite", text: "rewrite" }), ` of ${original}: ${s.derivation || ""}`);
      } else if (s.origin && s.origin !== s.article_id) {
        independence = el("div", { class: "rewrite" },
          el("span", { class: "badge rewrite", text: "counts as" }), " " + (labels[s.origin] || s.origin));
      } else {
        independence = el("div", null, el("span", { class: "badge independent", text: "independent" }));
      }
      list.appendChild(el("li", { "data-article": s.article_id },
        el("div", null,
          el("strong", { text: labels[s.article_id] }),
          " — ",
          href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: title }) : el("span", { text: title }),
          s.published ? el("span", { class: "muted", text: " (" + s.published + ")" }) : null),
        independence,
        s.cites && s.cites.length ? el("div", { class: "muted", text: "cites " + s.cites.join(", ") }) : null,
        el("button", { type: "button", class: "link", text: "read the text", onclick: () => openReader(ev, s.article_id, []) })));
    }
    detail.appendChild(list);
  }

  function renderHistory(detail, ev) {
    if (!ev.history || !ev.history.length) return;
    detail.appendChild(el("h3", { text: "History" }));
    const list = el("ol", { class: "history" });
    for (const h of ev.history) {
      const when = new Date(h.at * 1000).toISOString().replace("T", " ").slice(0, 16);
      const who = h.article_id ? sourceLabel(ev, h.article_id) : "";
      list.appendChild(el("li", null,
        el("strong", { text: h.action }), ` ${who} · ${when}`,
        h.score ? ` · score ${Number(h.score).toFixed(2)}` : "",
        h.reasons && h.reasons.length ? el("div", { class: "muted", text: h.reasons.join("; ") }) : null));
    }
    detail.appendChild(list);
    if (ev.related && ev.related.length) {
      detail.appendChild(el("h3", { text: "Reported with" }));
      detail.appendChild(el("p", null, ev.related.map((rid) =>
        el("button", { type: "button", class: "link", text: rid, onclick: () => selectEvent(rid) }))));
    }
  }

  // --- evidence: quotes highlighted in the article's text -----------------------------------------

  // Split the text at the claim's offsets and wrap the span in a <mark> made through the DOM API.
  function highlighted(text, spans) {
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const span of [...spans].sort((a, b) => a.start - b.start)) {
      const start = Math.max(at, Math.min(text.length, span.start));
      const end = Math.max(start, Math.min(text.length, span.end));
      frag.appendChild(document.createTextNode(text.slice(at, start)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      if (span.title) mark.title = span.title;
      frag.appendChild(mark);
      at = end;
    }
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  // The paragraph around a span, cut to a readable length.
  function context(text, start, end) {
    let from = text.lastIndexOf("\n", start - 1) + 1;
    let to = text.indexOf("\n", end);
    if (to < 0) to = text.length;
    const room = 240;
    let prefix = "", suffix = "";
    if (start - from > room) { from = text.lastIndexOf(" ", start - room) + 1; prefix = "… "; }
    if (to - end > room) { to = text.indexOf(" ", end + room); if (to < 0) to = text.length; suffix = " …"; }
    return { from, to, prefix, suffix };
  }

  async function toggleEvidence(ev, claims, button, cell, row) {
    const open = row.hidden;
    row.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (!open || cell.dataset.loaded) return;
    cell.dataset.loaded = "1";
    clear(cell);
    const list = el("ul", { class: "evidence" });
    cell.appendChild(list);
    for (const claim of claims) {
      const speaker = ev.display.speakers[`${claim.article_id}:${claim.start}:${claim.end}`]
        || (claim.attributed_to ? claim.attributed_to.name : "the outlet");
      const item = el("li", { class: "claim" },
        el("div", { class: "claim-head" },
          el("strong", { text: sourceLabel(ev, claim.article_id) }),
          " · according to " + speaker,
          claim.hedged ? el("span", { class: "badge hedged", text: "hedged" }) : null,
          claim.negated ? el("span", { class: "badge negated", text: "negated" }) : null));
      const excerpt = el("blockquote", { class: "excerpt" }, el("span", { class: "muted", text: "loading the article…" }));
      item.appendChild(excerpt);
      list.appendChild(item);
      getArticle(claim.article_id).then((article) => {
        clear(excerpt);
        const text = article.text || "";
        const c = context(text, claim.start, claim.end);
        excerpt.appendChild(document.createTextNode(c.prefix));
        excerpt.appendChild(highlighted(text.slice(c.from, c.to),
          [{ start: claim.start - c.from, end: claim.end - c.from }]));
        excerpt.appendChild(document.createTextNode(c.suffix));
        item.appendChild(el("button", {
          type: "button", class: "link", text: "show in the whole article",
          onclick: () => openReader(ev, claim.article_id, [claim]),
        }));
      }).catch((err) => {
        clear(excerpt);
        excerpt.appendChild(el("span", { class: "error", text: "Cannot load the article: " + err.message }));
        excerpt.appendChild(el("div", { text: "“" + claim.quote + "”" }));
      });
    }
  }

  async function openReader(ev, articleId, claims) {
    const dialog = document.getElementById("reader");
    const title = document.getElementById("reader-title");
    const body = document.getElementById("reader-body");
    clear(title);
    clear(body);
    body.appendChild(el("p", { class: "muted", text: "Loading…" }));
    if (!dialog.open) dialog.showModal();
    let article;
    try {
      article = await getArticle(articleId);
    } catch (err) {
      clear(body);
      body.appendChild(el("p", { class: "error", text: "Cannot load the article: " + err.message }));
      return;
    }
    const href = safeUrl(article.url);
    title.appendChild(el("strong", { text: sourceLabel(ev, articleId) }));
    title.appendChild(document.createTextNode(" — "));
    title.appendChild(href
      ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: article.title || "(untitled)" })
      : el("span", { text: article.title || "(untitled)" }));
    if (article.published) title.appendChild(el("span", { class: "muted", text: " (" + article.published + ")" }));
    clear(body);
    const text = el("div", { class: "article-text" });
    text.appendChild(highlighted(article.text || "", claims.map((c) => ({ start: c.start, end: c.end, title: c.field }))));
    body.appendChild(text);
    if (article.removed && article.removed.length) {
      body.appendChild(el("h4", { text: "Boilerplate removed from the text" }));
      const removed = el("ul", { class: "removed" });
      for (const r of article.removed) {
        removed.appendChild(el("li", null, el("span", { class: "badge", text: r.reason }), " ", el("span", { class: "removed-text", text: r.text })));
      }
      body.appendChild(removed);
    } else {
      body.appendChild(el("p", { class: "muted", text: "No boilerplate was removed from this article." }));
    }
    const mark = text.querySelector("mark");
    if (mark) mark.scrollIntoView({ block: "center" });
  }

  document.getElementById("reader-close").addEventListener("click", () => document.getElementById("reader").close());

  // --- start --------------------------------------------------------------------------------------

  async function start() {
    try {
      state.config = await api("/api/config");
    } catch (err) {
      state.config = {};
    }
    initMap();
    initBrush();
    try {
      await fillFilterChoices();
    } catch (err) {
      document.getElementById("list-status").textContent = "Cannot load events: " + err.message;
      return;
    }
    await reload();
    const wanted = decodeURIComponent(window.location.hash.slice(1));
    if (wanted) selectEvent(wanted);
    document.body.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
