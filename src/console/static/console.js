// 童声工作台: small helpers on server-rendered pages. Every page works without them.
"use strict";
(() => {
  const body = document.body;
  const csrf = body.dataset.csrf;

  // The idle notice: warn two minutes before the session ends; "I am still here" counts as use.
  const idle = Number(body.dataset.idleMinutes || 0);
  const warning = document.getElementById("idle-warning");
  let timers = [];
  const arm = () => {
    timers.forEach(clearTimeout);
    if (!idle || !warning) return;
    warning.hidden = true;
    timers = [
      setTimeout(() => { warning.hidden = false; }, (idle - 2) * 60000),
      setTimeout(() => {
        warning.textContent = "已经自动退出了。请重新登录后再继续（没提交的内容请先复制保存）。";
      }, idle * 60000),
    ];
  };
  const stillHere = document.getElementById("still-here");
  if (stillHere) {
    stillHere.addEventListener("click", async () => {
      const response = await fetch("/console/still-here", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "csrf=" + encodeURIComponent(csrf),
      });
      if (response.ok) arm(); else location.href = "/console/sign-in";
    });
  }
  arm();

  // Confirmation only where a step cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // Keyboard: j/k or arrows move through a queue's rows; each decision has its key.
  const rows = [...document.querySelectorAll("[data-row]")];
  let current = -1;
  const focusRow = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    const link = rows[current].querySelector("a");
    (link || rows[current]).focus();
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select")) return;
    if (rows.length && (event.key === "j" || event.key === "ArrowDown")) {
      focusRow(current + 1); event.preventDefault(); return;
    }
    if (rows.length && (event.key === "k" || event.key === "ArrowUp")) {
      focusRow(current - 1); event.preventDefault(); return;
    }
    const action = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
    if (action) { event.preventDefault(); action.focus(); action.click(); }
  });

  // Redactions: the teacher sees the text as the public will read it, toggles applied.
  const previews = document.querySelectorAll("[data-preview-field]");
  const redrawPreviews = () => {
    previews.forEach((preview) => {
      const field = preview.dataset.previewField;
      const chars = [...preview.dataset.text];
      const spans = [...document.querySelectorAll("input[data-redact]:checked")]
        .filter((box) => box.dataset.field === field)
        .map((box) => [Number(box.dataset.start), Number(box.dataset.end)])
        .sort((a, b) => a[0] - b[0]);
      let out = "", until = 0;
      chars.forEach((c, i) => {
        const span = spans.find(([s, e]) => s <= i && i < e);
        if (!span) { out += c; return; }
        if (span[0] >= until) { out += "＊＊＊"; until = span[1]; }
      });
      preview.textContent = out;
    });
  };
  document.querySelectorAll("input[data-redact]").forEach((box) => box.addEventListener("change", redrawPreviews));
  if (previews.length) redrawPreviews();

  // What a child will read: its length for the youngest band and the words to put plainly.
  document.querySelectorAll("textarea[data-child-text]").forEach((area) => {
    const out = document.getElementById(area.dataset.childText);
    const limit = Number(area.dataset.limit);
    const jargon = JSON.parse(area.dataset.jargon || "[]");
    const check = () => {
      const length = [...area.value.trim()].length;
      const words = jargon.filter(([word]) => area.value.includes(word));
      out.replaceChildren();
      const count = document.createElement("span");
      count.textContent = `${length} / ${limit} 字`;
      if (length > limit) { count.className = "bad"; count.textContent += "（太长了）"; }
      out.append(count);
      words.forEach(([word, plain]) => {
        const note = document.createElement("span");
        note.className = "bad";
        note.textContent = ` · “${word}”孩子可能看不懂，可以说“${plain}”`;
        out.append(note);
      });
    };
    area.addEventListener("input", check);
    check();
  });

  // Answer templates fill both texts; the clerk edits them before sending.
  document.querySelectorAll("button[data-template-official]").forEach((button) => {
    button.addEventListener("click", () => {
      const form = button.closest("form") || document;
      form.querySelector("[name=officialText]").value = button.dataset.templateOfficial;
      const child = form.querySelector("[name=childText]");
      child.value = button.dataset.templateChild;
      child.dispatchEvent(new Event("input"));
    });
  });
})();
