// 童声: the reference children's app. It uses only the public GraphQL API (POST /graphql), its
// WebSocket (/graphql/ws, graphql-transport-ws) and POST /media, as any school app would.
"use strict";

const screen = document.getElementById("screen");
const network = document.getElementById("network");
const TOKEN = "tongsheng.token";
const CHILD = "tongsheng.child";
const QUEUE = "tongsheng.queue";

// ---------- the API ----------
const token = () => localStorage.getItem(TOKEN);

// Persisted queries: once the server has an operation's text, the app sends only its SHA-256,
// which saves a school network the text of every request. (Hashing needs a secure context; on
// plain HTTP the app sends the text, as it always may.)
const hashes = new Map();
async function hashOf(query) {
  if (!(window.crypto && crypto.subtle)) return null;
  if (!hashes.has(query)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(query));
    hashes.set(query, Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""));
  }
  return hashes.get(query);
}
const persisted = new Set();

async function post(payload) {
  const headers = { "content-type": "application/json" };
  if (token()) headers.authorization = `Bearer ${token()}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(payload) });
  return response.json();
}

async function gql(query, variables = {}) {
  const sha256Hash = await hashOf(query);
  const extensions = sha256Hash ? { persistedQuery: { version: 1, sha256Hash } } : undefined;
  let body;
  if (sha256Hash && persisted.has(sha256Hash)) {
    body = await post({ variables, extensions });
    const missing = body.errors && body.errors[0].extensions && body.errors[0].extensions.code === "PERSISTED_QUERY_NOT_FOUND";
    if (missing) body = null;
  }
  if (!body) {
    body = await post({ query, variables, extensions });
    if (sha256Hash && !(body.errors && body.errors[0].extensions && body.errors[0].extensions.code === "BAD_REQUEST")) {
      persisted.add(sha256Hash);
    }
  }
  if (body.errors && body.errors.length) {
    const error = new Error(body.errors[0].message);
    error.code = body.errors[0].extensions && body.errors[0].extensions.code;
    error.fields = (body.errors[0].extensions && body.errors[0].extensions.fields) || [];
    throw error;
  }
  return body.data;
}

async function upload(blob, name) {
  const form = new FormData();
  form.append("file", blob, name);
  const response = await fetch("/media", { method: "POST", headers: { authorization: `Bearer ${token()}` }, body: form });
  const body = await response.json();
  if (!response.ok) {
    const error = new Error((body.errors && body.errors[0].message) || "图片没有传上去");
    error.code = body.errors && body.errors[0].extensions && body.errors[0].extensions.code;
    throw error;
  }
  return body.id;
}

// ---------- words for each band ----------
const child = () => JSON.parse(localStorage.getItem(CHILD) || "null");
const band = () => (child() && child().ageBand) || "C";
const young = () => band() === "A" || band() === "B";
const WORDS = {
  newIdea: { A: "说一个想法", B: "我有一个想法", C: "提一条建议", D: "提一条建议" },
  mine: { A: "我的想法", B: "我的想法", C: "我的建议", D: "我的建议" },
  wall: { A: "大家的想法", B: "大家的想法", C: "建议墙", D: "建议墙" },
  send: { A: "送出去", B: "送出去", C: "提交", D: "提交" },
  saved: {
    A: "存好了！等连上网，就会自动送给老师。",
    B: "已经存好了，连上网就会自动送出去。",
    C: "已保存在这台设备上，联网后会自动提交。",
    D: "已保存在这台设备上，联网后会自动提交。",
  },
  sent: { A: "送到啦！老师会先看一看。", B: "送出去啦！老师会先看一看。", C: "已提交，老师审核后会送到负责的部门。", D: "已提交，老师审核后会送到负责的部门。" },
  none: { A: "你还没有说过想法。点上面的按钮说一个吧！", B: "你还没有提过想法。", C: "你还没有提过建议。", D: "你还没有提过建议。" },
  pickTopic: { A: "你想说哪件事？点一张图", B: "你想说哪方面的事？", C: "选一个主题", D: "选一个主题" },
};
const say = (key) => WORDS[key][band()] || WORDS[key].C;

// Read aloud, for the youngest: the browser's own voice, in Chinese.
function speak(text) {
  if (!("speechSynthesis" in window)) return;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = "zh-CN";
  speechSynthesis.speak(utterance);
}

// ---------- small helpers for building screens ----------
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "onclick" || key === "oninput" || key === "onsubmit" || key === "onchange") node[key] = value;
    else if (value === true) node.setAttribute(key, "");
    else if (value !== false && value != null) node.setAttribute(key, value);
  }
  for (const c of children.flat()) if (c != null) node.append(c.nodeType ? c : document.createTextNode(String(c)));
  return node;
}
// A speaker drawn in SVG (no emoji font needed), on a button that reads `text` aloud.
function speaker(text, name = `读出来：${text}`) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "22");
  svg.setAttribute("height", "22");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M4 9h4l5-4v14l-5-4H4zM16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return el("button", { type: "button", class: "speak", "aria-label": name, onclick: () => speak(text) }, svg);
}

function label(text, forId) {
  const speak = young() ? speaker(text) : null;
  return el("label", { for: forId }, text, speak);
}
function show(...children) {
  screen.replaceChildren(...children.filter((c) => c != null));
  window.scrollTo(0, 0);
}
function nav(active) {
  const link = (hash, text) => el("a", { href: hash, class: active === hash ? "tab current" : "tab", "aria-current": active === hash ? "page" : null }, text);
  return el("nav", { class: "tabs", "aria-label": "菜单" },
    link("#mine", say("mine")), link("#new", say("newIdea")), link("#wall", say("wall")), link("#notices", "消息"));
}

// ---------- the queue: ideas that wait for the network ----------
// Each idea belongs to the child who made it: on a shared tablet another child's session never
// sends it. An idea the server refuses for good stays, with the reason, until its child deletes
// it: nothing a child made is dropped without them seeing why.
const queue = () => JSON.parse(localStorage.getItem(QUEUE) || "[]");
const saveQueue = (items) => localStorage.setItem(QUEUE, JSON.stringify(items));
const mineWaiting = () => queue().filter((q) => child() && q.owner === child().id);
const sameItem = (a) => (b) => a.input.clientSubmissionId === b.input.clientSubmissionId;
const updateItem = (item) => saveQueue(queue().map((q) => (sameItem(item)(q) ? item : q)));
const TRY_AGAIN = ["UNAUTHENTICATED", "RATE_LIMITED", "UNAVAILABLE", "INTERNAL", "TIMEOUT"];
let flushing = false;

async function flush() {
  if (flushing || !token() || !navigator.onLine) return;
  flushing = true;
  try {
    for (const item of mineWaiting().filter((q) => !q.refused)) {
      try {
        if (item.drawing && !item.mediaId) {
          const blob = await (await fetch(item.drawing)).blob();
          item.mediaId = await upload(blob, "drawing.png");
          updateItem(item);
        }
        const input = structuredClone(item.input);
        if (item.mediaId) input.answers.push({ key: item.mediaKey, media: [item.mediaId] });
        await gql("mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }", { i: input });
        saveQueue(queue().filter((q) => !sameItem(item)(q)));
      } catch (error) {
        // Still offline, or the server cannot take it now: try again later.
        if (error instanceof TypeError || TRY_AGAIN.includes(error.code)) break;
        item.refused = error.message;
        updateItem(item);
      }
    }
  } finally {
    flushing = false;
    if (location.hash === "#mine" || location.hash === "") route();
  }
}
function updateNetwork() {
  network.hidden = navigator.onLine;
  if (navigator.onLine) flush();
}
window.addEventListener("online", updateNetwork);
window.addEventListener("offline", updateNetwork);
setInterval(flush, 15000);

// ---------- live updates ----------
let socket = null;
function listen() {
  if (socket || !token()) return;
  socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql/ws`, "graphql-transport-ws");
  socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token()}` } }));
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "connection_ack") {
      socket.send(JSON.stringify({ id: "mine", type: "subscribe", payload: { query: "subscription { proposalUpdated { id } }" } }));
    } else if (data.type === "next" && (location.hash === "#mine" || location.hash === "")) {
      route();
    } else if (data.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    }
  };
  socket.onclose = () => { socket = null; if (token()) setTimeout(listen, 5000); };
}

// ---------- sign in: class code and PIN on a number pad ----------
function signIn(problem) {
  let pin = "";
  const dots = el("p", { class: "pin", "aria-live": "polite" }, "○○○○○○");
  const code = el("input", { id: "class-code", autocomplete: "off", autocapitalize: "characters", inputmode: "latin", placeholder: "例如 K7Q2MP" });
  const draw = () => { dots.textContent = "●".repeat(pin.length) + "○".repeat(6 - pin.length); };
  const press = (digit) => { if (pin.length < 6) pin += digit; draw(); };
  const pad = el("div", { class: "pad" },
    ..."123456789".split("").map((d) => el("button", { type: "button", "data-digit": d, onclick: () => press(d) }, d)),
    el("button", { type: "button", class: "muted", "aria-label": "删掉一个", onclick: () => { pin = pin.slice(0, -1); draw(); } }, "⌫"),
    el("button", { type: "button", "data-digit": "0", onclick: () => press("0") }, "0"),
    el("button", { type: "submit", class: "go", "aria-label": "登录" }, "✓"));
  const form = el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const data = await gql(
        "mutation($c: String!, $p: String!) { signInChild(classCode: $c, pin: $p) { token viewer { childId child { pseudonym ageBand classLabel schoolName needsGuardianConsent } } } }",
        { c: code.value.trim(), p: pin });
      localStorage.setItem(TOKEN, data.signInChild.token);
      localStorage.setItem(CHILD, JSON.stringify({ ...data.signInChild.viewer.child, id: data.signInChild.viewer.childId }));
      listen();
      flush();
      location.hash = "#mine";
      route();
    } catch (error) {
      signIn(error.code === "RATE_LIMITED" ? "试了太多次，请过一会儿再试。" : "班级码或密码不对，再试一次，或者问问老师。");
    }
  } },
    el("h1", {}, "你好！"),
    problem ? el("p", { class: "problem", role: "alert" }, problem) : null,
    el("label", { for: "class-code" }, "班级码（在你的卡片上）"), code,
    el("p", { class: "label" }, "你的 6 位密码"), dots, pad);
  show(form);
}

// ---------- my ideas ----------
const MINE = "{ myProposals(first: 50) { nodes { id reference topicLabel status statusLabel submittedAt expectedAnswerBy canRate answer { text outcome } progress { text at } } } }";

async function mine() {
  const waiting = mineWaiting();
  let nodes = [];
  try {
    nodes = (await gql(MINE)).myProposals.nodes;
  } catch (error) {
    if (error.code === "UNAUTHENTICATED") return signOut();
  }
  const me = child();
  show(nav("#mine"),
    el("h1", {}, say("mine")),
    me && me.needsGuardianConsent ? el("p", { class: "problem" }, "要先请爸爸妈妈（或其他监护人）同意，你才能送出想法。请告诉老师。") : null,
    ...waiting.map((item) => el("article", { class: "idea waiting", "data-waiting": item.input.clientSubmissionId },
      el("p", { class: "status" }, item.refused ? `没有送出去：${item.refused}` : "等网络"), el("p", {}, item.summary),
      item.refused ? el("button", { type: "button", class: "muted", onclick: () => {
        saveQueue(queue().filter((q) => !sameItem(item)(q)));
        mine();
      } }, "删掉这个想法") : null)),
    nodes.length || waiting.length ? null : el("p", { class: "empty" }, say("none")),
    ...nodes.map(ideaCard));
}

function ideaCard(p) {
  const card = el("article", { class: "idea", "data-proposal": p.id },
    el("p", { class: "topic" }, p.topicLabel, p.reference ? el("span", { class: "ref" }, ` ${p.reference}`) : null),
    el("p", { class: "status" }, p.statusLabel),
    p.expectedAnswerBy && !p.answer ? el("p", { class: "hint" }, `大约 ${p.expectedAnswerBy} 前会有回复`) : null,
    p.answer ? el("div", { class: "answer" }, el("p", {}, p.answer.text), young() ? speaker(p.answer.text, "读出回复") : null) : null,
    ...(p.progress || []).map((step) => el("p", { class: "hint" }, `后来：${step.text}`)));
  if (p.canRate) card.append(rating(p));
  return card;
}

function rating(p) {
  const comment = el("textarea", { id: `comment-${p.id}`, maxlength: "200", placeholder: "还有哪里不好？（可以不写）" });
  const rate = async (value) => {
    try {
      await gql("mutation($p: ID!, $r: AnswerRating!, $c: String) { rateAnswer(proposalId: $p, rating: $r, comment: $c) { id } }",
        { p: p.id, r: value, c: comment.value.trim() || null });
      route();
    } catch (error) { alert(error.message); }
  };
  return el("div", { class: "rate" },
    el("p", {}, young() ? "这个回复你满意吗？" : "你对这个回复满意吗？"),
    el("div", { class: "choices" },
      el("button", { type: "button", "data-rating": "SATISFIED", onclick: () => rate("SATISFIED") }, "满意"),
      el("button", { type: "button", "data-rating": "PARTLY", onclick: () => rate("PARTLY") }, "有一点满意"),
      el("button", { type: "button", "data-rating": "NOT_SATISFIED", onclick: () => rate("NOT_SATISFIED") }, "不满意")),
    label("还有哪里不好？", `comment-${p.id}`), comment);
}

// ---------- a new idea, with the band's form ----------
async function newIdea() {
  let campaigns;
  try {
    campaigns = (await gql("{ openCampaigns { id title standing topics { key labelZh picture pictureAlt } forms { band fields { key label type required maxLength options { key label } } } } }")).openCampaigns;
  } catch (error) {
    if (error instanceof TypeError) return show(nav("#new"), el("p", { class: "problem" }, "现在没有网络，先不能打开新的表格。已经写好的想法会自动送出。"));
    if (error.code === "UNAUTHENTICATED") return signOut();
    throw error;
  }
  if (!campaigns.length) return show(nav("#new"), el("p", { class: "empty" }, "现在没有可以说想法的活动，过几天再来看看吧。"));
  const campaign = campaigns.find((c) => !c.standing) || campaigns[0];
  ideaForm(campaign);
}

// What the child has typed so far, kept on the device until it is sent (or they sign out).
const DRAFT = "tongsheng.draft";
const loadDraft = (campaign) => {
  const saved = JSON.parse(localStorage.getItem(DRAFT) || "null");
  return saved && saved.campaign === campaign ? saved.fields : {};
};
const saveDraft = (campaign, fields) => localStorage.setItem(DRAFT, JSON.stringify({ campaign, fields }));

function ideaForm(campaign, problem) {
  const form = campaign.forms[0];
  const draft = loadDraft(campaign.id);
  let topic = null;
  let drawing = null;
  const topics = el("div", { class: "topics", role: "radiogroup", "aria-label": say("pickTopic") },
    ...campaign.topics.map((t) => el("button", { type: "button", class: "topic-pick", "data-topic": t.key, role: "radio", "aria-checked": "false",
      onclick: (event) => {
        topic = t.key;
        topics.querySelectorAll(".topic-pick").forEach((b) => b.setAttribute("aria-checked", String(b === event.currentTarget)));
        if (young()) speak(t.labelZh);
      } },
      young() ? el("img", { src: t.picture, alt: "" }) : null, el("span", {}, t.labelZh))));
  // The youngest see at most three pictures at once, and can turn to the next three.
  const perPage = band() === "A" ? 3 : campaign.topics.length;
  let page = 0;
  const showPage = () => {
    [...topics.children].forEach((b, i) => { b.hidden = Math.floor(i / perPage) !== page; });
  };
  showPage();
  const more = campaign.topics.length > perPage
    ? el("button", { type: "button", class: "muted", "data-more-topics": true, onclick: () => {
        page = (page + 1) % Math.ceil(campaign.topics.length / perPage);
        showPage();
      } }, "换几张图看看")
    : null;
  const fields = [];
  for (const field of form.fields) {
    const id = `field-${field.key}`;
    if (field.type === "TOPIC") continue;
    if (field.type === "ATTACHMENT") {
      if (band() === "A" || band() === "B") {
        drawing = canvas(field);
        fields.push(el("div", { class: "field" }, label(field.label, id), drawing.node));
      } else {
        fields.push(el("div", { class: "field" }, label(field.label, id), el("input", { id, type: "file", accept: "image/*", capture: "environment", "data-attachment": field.key })));
      }
      continue;
    }
    if (field.type === "SINGLE_CHOICE" || field.type === "MULTIPLE_CHOICE") {
      const kind = field.type === "SINGLE_CHOICE" ? "radio" : "checkbox";
      fields.push(el("fieldset", { class: "field" }, el("legend", {}, field.label),
        ...field.options.map((o) => el("label", { class: "choice" }, el("input", { type: kind, name: field.key, value: o.key }), o.label))));
      continue;
    }
    const input = field.type === "PLACE" || field.type === "SHORT_TEXT"
      ? el("input", { id, "data-key": field.key, "data-type": field.type, maxlength: field.maxLength })
      : el("textarea", { id, "data-key": field.key, "data-type": field.type, maxlength: field.maxLength, rows: young() ? 2 : 4 });
    const count = el("p", { class: "count", "aria-live": "polite" });
    const counted = () => { count.textContent = field.maxLength ? `${[...input.value].length} / ${field.maxLength} 字` : ""; };
    input.value = draft[field.key] || "";
    input.oninput = () => { counted(); draft[field.key] = input.value; saveDraft(campaign.id, draft); };
    counted();
    fields.push(el("div", { class: "field" }, label(field.label + (field.required ? "" : "（可以不写）"), id), input, count,
      el("p", { class: "problem", "data-error-for": field.key, hidden: true })));
  }
  const share = el("input", { type: "checkbox", id: "share", checked: true });
  const status = el("p", { class: "status", role: "status" });
  const submit = el("button", { type: "submit", class: "go big" }, say("send"));
  // One thing per screen: the topic, then the idea, then sending it.
  const steps = [
    el("section", { "data-step": "1" }, el("p", { class: "label" }, say("pickTopic"), young() ? speaker(say("pickTopic")) : null), topics, more),
    el("section", { "data-step": "2" }, ...fields),
    el("section", { "data-step": "3" },
      el("label", { class: "choice" }, share, young() ? "可以给大家看（不会写你的名字）" : "同意公开（不会显示姓名）"),
      status, submit),
  ];
  const progress = el("p", { class: "progress", "aria-live": "polite" });
  let step = 0;
  const go = (to) => {
    if (to > 0 && !topic) { progress.textContent = say("pickTopic"); return; }
    step = to;
    steps.forEach((section, i) => { section.hidden = i !== step; });
    progress.textContent = `第 ${step + 1} 步，共 ${steps.length} 步`;
    back.hidden = step === 0;
    next.hidden = step === steps.length - 1;
    window.scrollTo(0, 0);
  };
  const back = el("button", { type: "button", class: "muted", "data-back-step": true, onclick: () => go(step - 1) }, "上一步");
  const next = el("button", { type: "button", class: "go", "data-next": true, onclick: () => go(step + 1) }, "下一步");
  const element = el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    if (!topic) { go(0); return; }
    submit.disabled = true;
    const answers = [];
    element.querySelectorAll("[data-key]").forEach((i) => {
      if (i.value.trim() === "") return;
      if (i.dataset.type === "PLACE") return;
      answers.push({ key: i.dataset.key, text: i.value.trim() });
    });
    for (const set of element.querySelectorAll("fieldset.field")) {
      const picked = [...set.querySelectorAll("input:checked")].map((i) => i.value);
      if (picked.length) answers.push({ key: set.querySelector("input").name, choices: picked });
    }
    const place = element.querySelector("[data-type=PLACE]");
    const input = {
      campaignId: campaign.id, clientSubmissionId: crypto.randomUUID(), topic,
      consentToPublish: share.checked, answers, place: place && place.value.trim() ? place.value.trim() : null,
    };
    const summary = answers.map((a) => a.text).filter(Boolean).join(" ").slice(0, 40) || "我的画";
    const photo = element.querySelector("input[type=file]");
    try {
      if (photo && photo.files.length) {
        const id = await upload(photo.files[0], photo.files[0].name);
        input.answers.push({ key: photo.dataset.attachment, media: [id] });
      }
      const item = { input, summary };
      if (drawing && drawing.used()) { item.drawing = drawing.dataUrl(); item.mediaKey = drawing.key; }
      if (!navigator.onLine) throw new TypeError("offline");
      if (item.drawing) {
        const blob = await (await fetch(item.drawing)).blob();
        input.answers.push({ key: item.mediaKey, media: [await upload(blob, "drawing.png")] });
      }
      await gql("mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }", { i: input });
      localStorage.removeItem(DRAFT);
      show(nav("#new"), el("p", { class: "done big" }, say("sent")), el("a", { href: "#mine", class: "button" }, `看看${say("mine")}`));
    } catch (error) {
      if (error instanceof TypeError) {
        // No network: keep it on this device and send it when the network returns.
        const item = { input, summary, owner: child().id };
        if (drawing && drawing.used()) { item.drawing = drawing.dataUrl(); item.mediaKey = drawing.key; }
        saveQueue([...queue(), item]);
        localStorage.removeItem(DRAFT);
        show(nav("#new"), el("p", { class: "done big", role: "status" }, say("saved")), el("a", { href: "#mine", class: "button" }, `看看${say("mine")}`));
        return;
      }
      submit.disabled = false;
      status.textContent = error.message;
      let refusedField = false;
      for (const f of error.fields || []) {
        const key = f.path[f.path.length - 1];
        const place = element.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
        if (place) { place.hidden = false; place.textContent = f.message; refusedField = true; }
      }
      if (refusedField) go(1);
    }
  } },
    el("h1", {}, say("newIdea")),
    campaign.standing ? null : el("p", { class: "hint" }, campaign.title),
    problem ? el("p", { class: "problem" }, problem) : null,
    progress, ...steps, el("div", { class: "step-buttons" }, back, next));
  show(nav("#new"), element);
  go(0);
}

// A drawing pad: a few colours, drawn with a finger or a mouse, sent as a PNG.
function canvas(field) {
  const pad = el("canvas", { width: 600, height: 400, class: "pad-canvas", "aria-label": "在这里画画", "data-drawing": field.key });
  const context = pad.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, pad.width, pad.height);
  context.lineWidth = 8; context.lineCap = "round"; context.strokeStyle = "#222";
  let down = false, used = false;
  const at = (event) => {
    const r = pad.getBoundingClientRect();
    return [(event.clientX - r.left) * (pad.width / r.width), (event.clientY - r.top) * (pad.height / r.height)];
  };
  pad.addEventListener("pointerdown", (event) => { down = true; used = true; context.beginPath(); context.moveTo(...at(event)); event.preventDefault(); });
  pad.addEventListener("pointermove", (event) => { if (!down) return; context.lineTo(...at(event)); context.stroke(); });
  pad.addEventListener("pointerup", () => { down = false; });
  const colours = ["#222", "#d93025", "#1a73e8", "#188038", "#f9ab00"];
  const names = ["黑色", "红色", "蓝色", "绿色", "黄色"];
  const node = el("div", {}, pad, el("div", { class: "colours" },
    ...colours.map((c, i) => el("button", { type: "button", class: "colour", style: `background:${c}`, "aria-label": names[i], onclick: () => { context.strokeStyle = c; } })),
    el("button", { type: "button", class: "muted", onclick: () => { context.fillStyle = "#fff"; context.fillRect(0, 0, pad.width, pad.height); used = false; } }, "擦掉重画")));
  return { node, key: field.key, used: () => used, dataUrl: () => pad.toDataURL("image/png") };
}

// ---------- the wall, for children ----------
async function wall() {
  let nodes = [];
  try {
    nodes = (await gql("{ publishedProposals(first: 20) { nodes { id topicLabel backers backedByMe texts { key text } answer { childText } proposer { label school } } } }")).publishedProposals.nodes;
  } catch (error) { if (error.code === "UNAUTHENTICATED") return signOut(); }
  show(nav("#wall"), el("h1", {}, say("wall")),
    nodes.length ? null : el("p", { class: "empty" }, "还没有公开的想法。"),
    ...nodes.map((p) => el("article", { class: "idea" },
      el("p", { class: "topic" }, p.topicLabel, el("span", { class: "ref" }, ` ${p.proposer.label}${p.proposer.school ? " · " + p.proposer.school : ""}`)),
      ...p.texts.map((t) => el("p", {}, t.text)),
      p.answer ? el("div", { class: "answer" }, el("p", {}, p.answer.childText)) : null,
      el("button", { type: "button", class: p.backedByMe ? "back done" : "back", "data-back": p.id, disabled: p.backedByMe,
        onclick: async () => { try { await gql("mutation($p: ID!) { backProposal(id: $p) { id } }", { p: p.id }); wall(); } catch (error) { alert(error.message); } } },
        p.backedByMe ? `你也这么想（${p.backers}）` : `我也这么想（${p.backers}）`))));
}

async function notices() {
  let nodes = [];
  try { nodes = (await gql("{ myNotifications(first: 30) { nodes { id text at } } }")).myNotifications.nodes; } catch (error) { if (error.code === "UNAUTHENTICATED") return signOut(); }
  show(nav("#notices"), el("h1", {}, "消息"),
    nodes.length ? null : el("p", { class: "empty" }, "还没有消息。"),
    ...nodes.map((n) => el("p", { class: "notice" }, n.text)),
    el("button", { type: "button", class: "muted", onclick: signOut }, "退出（用完共用的平板请点这里）"));
}

// On a shared tablet nothing of the child stays after signing out, except ideas still waiting.
async function signOut() {
  try { if (token()) await gql("mutation { signOut }"); } catch (_) { /* ended already */ }
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(CHILD);
  localStorage.removeItem(DRAFT);
  if (socket) socket.close();
  location.hash = "";
  signIn();
}

function route() {
  if (!token()) return signIn();
  const hash = location.hash || "#mine";
  if (hash === "#new") return newIdea();
  if (hash === "#wall") return wall();
  if (hash === "#notices") return notices();
  return mine();
}

window.addEventListener("hashchange", route);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
updateNetwork();
listen();
route();
