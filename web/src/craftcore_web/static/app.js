// The craftcore-web page: plain JavaScript over the JSON API, no build step. The game's title and its rules (how many
// concepts a combination takes) come from the server. All text from the server is put in the page with textContent,
// never as HTML.

const TOKEN_KEY = "craftweb-token";
let MAX_INPUTS = 4; // replaced by the server's rule at start

const $ = (selector) => document.querySelector(selector);

let token = localStorage.getItem(TOKEN_KEY);
let catalog = null; // packs, categories, concept names, paths
let state = null; // the game: score, level, discovered concepts
let tray = []; // concept ids picked for the next combination
let lastPlan = null;
let busy = false;
const names = new Map(); // concept id -> name (every concept: plans and paths show names of undiscovered ones)
const hues = new Map(); // category id -> hue
const openPaths = new Set();
const details = new Map(); // concept id -> details (cleared whenever the game is replaced or undone)

// ------------------------------------------------------------------------------------------------- helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "hue") node.style.setProperty("--hue", String(value));
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiProblem(0, "offline", "cannot reach the server: is it running?");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiProblem(response.status, error.code || "error", error.message || response.statusText);
  }
  return data;
}

function toast(message) {
  const node = $("#toast");
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, 6000);
}

async function act(work) {
  if (busy) return;
  busy = true;
  document.body.classList.add("busy");
  try {
    await work();
  } catch (error) {
    toast(error.message || String(error));
  } finally {
    busy = false;
    document.body.classList.remove("busy");
    renderTray();
  }
}

const nameOf = (id) => names.get(id) || id;
const isDiscovered = (id) => state && state.concepts.some((c) => c.id === id);

// ------------------------------------------------------------------------------------------------- rendering

function setState(next, highlight = []) {
  state = next;
  tray = tray.filter(isDiscovered);
  renderStats();
  renderBoard(highlight);
  renderTray();
  renderPlan();
  refreshPaths();
  const available = $("#available");
  if (available.open) refreshAvailable();
  else $("#available-count").textContent = `(${state.available})`;
}

function renderStats() {
  $("#score").textContent = String(state.score);
  $("#level").textContent = String(state.level);
  $("#level").title = `next level at ${state.next_level_at} points`;
  $("#count").textContent = `${state.discovered} / ${state.total}`;
  $("#undo").disabled = !state.can_undo;
}

function renderBoard(highlight = []) {
  const focused = document.activeElement && document.activeElement.closest("#board .card");
  const focusId = focused ? focused.dataset.id : null;
  const board = $("#board");
  const byCategory = new Map();
  for (const concept of state.concepts) {
    if (!byCategory.has(concept.category)) byCategory.set(concept.category, []);
    byCategory.get(concept.category).push(concept);
  }
  const sections = [];
  for (const category of catalog.categories) {
    const concepts = byCategory.get(category.id);
    if (!concepts) continue;
    concepts.sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
    sections.push(el("section", { class: "category", "data-category": category.id, hue: hues.get(category.id) },
      el("h2", { title: category.description }, category.name, el("span", { class: "muted", text: ` ${concepts.length}` })),
      el("div", { class: "cards" }, concepts.map((c) => card(c, highlight.includes(c.id))))));
  }
  board.replaceChildren(...sections);
  if (focusId) focusCard(focusId); // the board was redrawn under the keyboard: keep the focus where it was
}

function focusCard(id) {
  const node = id ? document.querySelector(`#board .card[data-id="${CSS.escape(id)}"]`) : null;
  (node || document.querySelector("#board .card"))?.focus();
}

function card(concept, fresh) {
  const node = el("button", {
    type: "button",
    class: `card${fresh ? " fresh" : ""}${concept.final ? " final" : ""}`,
    draggable: "true",
    "data-id": concept.id,
    "aria-pressed": tray.includes(concept.id) ? "true" : "false",
    onclick: () => { addToTray(concept.id); showDetails(concept.id); },
    ondragstart: (event) => {
      event.dataTransfer.setData("text/plain", concept.id);
      event.dataTransfer.effectAllowed = "copy";
    },
    ondragover: (event) => { event.preventDefault(); node.classList.add("drop"); },
    ondragleave: () => node.classList.remove("drop"),
    ondrop: (event) => {
      event.preventDefault();
      node.classList.remove("drop");
      const dragged = event.dataTransfer.getData("text/plain");
      if (dragged) combine([dragged, concept.id]);
    },
  }, el("span", { class: "name", text: concept.name }), el("span", { class: "stars", text: concept.stars }),
  concept.final ? el("span", { class: "final-note", text: "nothing new can come from it" }) : null);
  return node;
}

function renderTray() {
  const slots = $("#slots");
  if (tray.length === 0) {
    slots.replaceChildren(el("span", { class: "placeholder", text: "Click or drag concepts here" }));
  } else {
    slots.replaceChildren(...tray.map((id, index) => el("button", {
      type: "button",
      class: "chip",
      "data-id": id,
      "aria-label": `Remove ${nameOf(id)}`,
      onclick: () => { tray.splice(index, 1); renderTray(); },
    }, nameOf(id), el("span", { class: "x", text: "×", "aria-hidden": "true" }))));
  }
  $("#combine").disabled = busy || tray.length === 0;
  $("#clear").disabled = busy || tray.length === 0;
  for (const node of document.querySelectorAll("#board .card")) {
    node.setAttribute("aria-pressed", tray.includes(node.dataset.id) ? "true" : "false");
  }
}

function addToTray(id) {
  if (tray.length >= MAX_INPUTS) {
    say("failure", `A combination takes at most ${MAX_INPUTS} concepts. `, "Press Combine, or remove one from the bar.");
    return;
  }
  tray.push(id);
  renderTray();
}

function say(kind, strong, rest = "") {
  const message = $("#message");
  message.className = `message ${kind}`;
  message.replaceChildren(el("strong", { text: strong }), rest);
}

function renderDetails(concept, heading) {
  const discovery = concept.discovery;
  const parts = [];
  if (heading) parts.push(el("p", { class: "kicker", text: heading }));
  parts.push(el("header", { class: "detail-head" },
    el("h3", { text: concept.name }),
    el("span", { class: "stars", title: `level ${concept.level}`, text: concept.stars }),
    el("span", { class: "tag", hue: hues.get(concept.category), text: concept.category_name })));
  parts.push(el("p", { class: "description", text: concept.description }));
  if (discovery.why) {
    parts.push(el("div", { class: "why" }, el("h4", { text: "Why" }), el("p", { text: discovery.why })));
  }
  if (discovery.source === "start") parts.push(el("p", { class: "muted", text: "A starting concept." }));
  else if (discovery.inputs.length) {
    parts.push(el("p", { class: "muted" },
      `Discovered in step ${discovery.step} from ${discovery.inputs.map((c) => c.name).join(" + ")}`,
      discovery.points ? ` (+${discovery.points} points).` : "."));
  } else parts.push(el("p", { class: "muted", text: `Unlocked in step ${discovery.step}.` }));
  const properties = Object.entries(concept.properties);
  if (properties.length) {
    parts.push(el("h4", { text: "Properties" }), el("dl", { class: "properties" },
      properties.map(([key, value]) => [
        el("dt", { text: key.replaceAll("_", " ") }),
        el("dd", { text: Array.isArray(value) ? value.join(", ") : String(value) }),
      ])));
  }
  if (concept.resources.length) {
    parts.push(el("h4", { text: "Resources" }), el("ul", { class: "resources" }, concept.resources.map((r) =>
      el("li", {}, el("span", { class: "kind", text: r.kind }), " ",
        /^https?:\/\//.test(r.url)
          ? el("a", { href: r.url, target: "_blank", rel: "noopener noreferrer", text: r.title })
          : el("span", { text: r.title })))));
  }
  if (concept.final) parts.push(el("p", { class: "muted", text: "Nothing new can come from it any more." }));
  return el("article", { class: "detail", "data-id": concept.id }, parts);
}

async function showDetails(id) {
  try {
    if (!details.has(id)) details.set(id, await api("GET", `/api/game/concepts/${encodeURIComponent(id)}`));
    $("#details").replaceChildren(renderDetails(details.get(id)));
  } catch (error) {
    toast(error.message);
  }
}

function planError(text) {
  const box = $("#plan-error");
  box.textContent = text || "";
  box.hidden = !text;
}

function renderPlan() {
  const box = $("#plan");
  if (!lastPlan) {
    box.replaceChildren();
    return;
  }
  const plan = lastPlan;
  const have = new Set(state.concepts.map((c) => c.id));
  const head = have.has(plan.target.id) && plan.steps.length === 0
    ? `You have already discovered ${plan.target.name}.`
    : `${plan.steps.length} combination${plan.steps.length === 1 ? "" : "s"} to ${plan.target.name}` +
      (plan.optimal ? " (the fewest possible)" : ` (best found; at least ${plan.lower_bound} needed)`);
  const steps = plan.steps.map((step, index) => {
    const done = step.outputs.length > 0 && step.outputs.every((o) => have.has(o.id));
    const ready = step.inputs.every((i) => have.has(i.id)) && step.requires.every((r) => have.has(r.id));
    return el("li", {
      class: `step${done ? " done" : ""}${ready && !done ? " ready" : ""}`,
      "data-step": index + 1,
      "data-inputs": step.inputs.map((i) => i.id).join(" "),
      "data-outputs": step.outputs.map((o) => o.id).join(" "),
    },
    el("span", { class: "inputs", text: step.inputs.map((i) => i.name).join(" + ") }),
    el("span", { class: "arrow", text: " → " }),
    el("strong", { text: step.outputs.map((o) => o.name).join(", ") }),
    step.requires.length ? el("span", { class: "muted", text: ` (needs ${step.requires.map((r) => r.name).join(", ")})` }) : null,
    done ? el("span", { class: "check", text: " ✓" })
      : el("button", {
        type: "button", class: "small", disabled: !ready, text: "Use",
        onclick: () => { tray = step.inputs.map((i) => i.id); renderTray(); },
      }));
  });
  box.replaceChildren(el("p", { class: "plan-head", text: head }), el("ol", { id: "plan-steps" }, steps));
}

async function planFor(target) {
  await act(async () => {
    try {
      lastPlan = await api("GET", `/api/game/plan?target=${encodeURIComponent(target)}`);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status === 0) throw error;
      planError(error.message); // in place, where the player looks, until the next plan
      return;
    }
    planError("");
    renderPlan();
  });
}

async function refreshPaths() {
  let data;
  try {
    data = await api("GET", "/api/game/paths");
  } catch (error) {
    toast(error.message);
    return;
  }
  const nodes = data.paths.map((path) => {
    const body = el("ol", { class: "path-steps" }, path.steps.map((step) => {
      const next = path.next && path.next.id === step.id;
      return el("li", { class: step.done ? "done" : next ? "next" : "todo", "data-id": step.id },
        step.done
          ? el("button", { type: "button", class: "link", text: step.name, onclick: () => showDetails(step.id) })
          : el("span", { text: step.name }),
        next ? el("button", {
          type: "button", class: "small", text: "Plan",
          onclick: () => { $("#plan-target").value = step.name; planFor(step.id); },
        }) : null);
    }));
    const node = el("details", { class: `path${path.complete ? " complete" : ""}`, "data-path": path.id,
      open: openPaths.has(path.id),
      ontoggle: () => { if (node.open) openPaths.add(path.id); else openPaths.delete(path.id); } },
    el("summary", {},
      el("span", { class: "path-name", text: path.name }),
      el("span", { class: "path-count", text: `${path.done}/${path.total}` }),
      el("progress", { max: path.total, value: path.done, "aria-label": `${path.name} progress` })),
    el("p", { class: "muted", text: path.description }), body);
    return node;
  });
  $("#paths").replaceChildren(...nodes);
}

async function refreshAvailable() {
  try {
    const data = await api("GET", "/api/game/available");
    $("#available-count").textContent = `(${data.count})`;
    $("#available-list").replaceChildren(...data.combinations.map((combo) => el("li", {},
      el("button", { type: "button", class: "link", text: combo.names.join(" + "),
        onclick: () => { tray = [...combo.inputs]; renderTray(); } }))));
  } catch (error) {
    toast(error.message);
  }
}

// ------------------------------------------------------------------------------------------------- actions

async function combine(ids, body = { concepts: ids }) {
  let focus = null;
  await act(async () => {
    let data;
    try {
      data = await api("POST", "/api/game/combine", body);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status === 0) throw error;
      tray = [];
      say("failure", "Cannot combine: ", error.message);
      return;
    }
    const result = data.result;
    const tried = result.inputs.map((c) => c.name).join(" + ");
    tray = []; // whatever happened, the next clicks start a new combination
    if (result.new.length) {
      for (const concept of result.new) details.set(concept.id, concept);
      setState(data.game, result.new.map((c) => c.id));
      const found = result.new.map((c) => c.name).join(", ");
      say("success", `New: ${found}`, ` +${result.points} points.`);
      if (result.level_up) {
        $("#message").append(el("span", { class: "level-up", text: ` Level up: you reached level ${result.level_up}!` }));
      }
      $("#details").replaceChildren(...result.new.map((c, i) => renderDetails(c, i === 0 ? "New discovery" : null)));
      focus = result.new[0].id;
    } else if (result.success) {
      setState(data.game);
      say("repeat", "Already discovered: ", `${tried} makes ${result.outputs.map((c) => c.name).join(", ")}, which you have.`);
      focus = result.outputs[0] ? result.outputs[0].id : null;
    } else {
      setState(data.game);
      say("failure", `${tried} makes nothing. `, result.hint || "Try other concepts.");
    }
  });
  focusCard(focus); // back to the cards, for the next combination
}

async function hint() {
  await act(async () => {
    const data = await api("GET", "/api/game/hint");
    if (!data.hint) {
      say("repeat", "No hint: ", data.message);
      return;
    }
    tray = data.hint.inputs.map((c) => c.id);
    renderTray();
    say("hint", `Hint: try ${data.hint.inputs.map((c) => c.name).join(" + ")}. `,
      "They are in the bar: press Combine.");
  });
}

async function undo() {
  await act(async () => {
    const data = await api("POST", "/api/game/undo");
    details.clear();
    setState(data.game);
    const message = $("#message");
    message.className = "message";
    message.textContent = `Took back ${data.undone.inputs.map((c) => c.name).join(" + ")} → ` +
      `${data.undone.new.map((c) => c.name).join(", ")}.`;
  });
}

async function newGame() {
  if (!window.confirm("Start a new game? Your discoveries will be lost (export a save first to keep them).")) return;
  await act(async () => {
    const fresh = await api("POST", "/api/game/reset");
    details.clear();
    lastPlan = null;
    tray = [];
    setState(fresh);
    $("#message").textContent = "A new game: combine the three start concepts.";
  });
}

async function exportSave() {
  await act(async () => {
    const save = await api("GET", "/api/game/save");
    const blob = new Blob([JSON.stringify(save, null, 1)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "craftcore-save.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
}

async function importSave(file) {
  await act(async () => {
    let save;
    try {
      save = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a JSON save file.`);
    }
    const next = await api("PUT", "/api/game/save", save);
    details.clear();
    tray = [];
    setState(next);
    $("#message").textContent = `Loaded ${file.name}: ${next.discovered} concepts discovered.`;
  });
}

// ------------------------------------------------------------------------------------------------- start

async function start() {
  catalog = await api("GET", "/api/catalog");
  MAX_INPUTS = catalog.rules.max_inputs;
  document.title = catalog.game.title;
  $("#game-title").textContent = catalog.game.title;
  $("#game-intro").textContent = catalog.game.intro;
  catalog.categories.forEach((category, index) => hues.set(category.id, Math.round((index * 137.508) % 360)));
  for (const concept of catalog.concepts) names.set(concept.id, concept.name);
  $("#concept-names").replaceChildren(...catalog.concepts.map((c) => el("option", { value: c.name })));

  let game = null;
  let expired = false;
  if (token) {
    try {
      game = await api("GET", "/api/game");
      // a new token on every visit: the old one stops working, and tokens only expire for games left alone
      token = (await api("POST", "/api/game/token")).token;
      localStorage.setItem(TOKEN_KEY, token);
    } catch (error) {
      if (error.status !== 401) throw error;
      expired = error.code === "token_expired";
      token = null; // the server does not know this token (e.g. a new database), or it expired: start over
    }
  }
  if (!token) {
    const created = await api("POST", "/api/games");
    token = created.token;
    localStorage.setItem(TOKEN_KEY, token);
    game = created.game;
  }
  setState(game);
  if (expired) say("repeat", "Your last game's token expired: ", "this is a new game (import a save to go on with one).");
  document.body.classList.add("ready");
}

function wire() {
  $("#combine").addEventListener("click", () => combine([...tray]));
  $("#hint").addEventListener("click", hint);
  $("#type-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("#type-text").value.trim();
    if (text) combine(null, { text }).then(() => { $("#type-text").value = ""; });
  });
  $("#clear").addEventListener("click", () => { tray = []; renderTray(); });
  $("#undo").addEventListener("click", undo);
  $("#new-game").addEventListener("click", newGame);
  $("#export").addEventListener("click", exportSave);
  $("#import").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) importSave(file);
  });
  $("#plan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const target = $("#plan-target").value.trim();
    if (target) planFor(target);
  });
  $("#available").addEventListener("toggle", (event) => { if (event.target.open) refreshAvailable(); });
  const trayBox = $("#tray");
  trayBox.addEventListener("dragover", (event) => { event.preventDefault(); trayBox.classList.add("drop"); });
  trayBox.addEventListener("dragleave", () => trayBox.classList.remove("drop"));
  trayBox.addEventListener("drop", (event) => {
    event.preventDefault();
    trayBox.classList.remove("drop");
    const id = event.dataTransfer.getData("text/plain");
    if (id && isDiscovered(id)) addToTray(id);
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea")) return;
    if (event.key === "Enter" && tray.length && event.target === document.body) combine([...tray]);
    if (event.key === "Escape") { tray = []; renderTray(); }
  });
}

wire();
renderTray();
start().catch((error) => toast(`Cannot start the game: ${error.message}`));
