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

  // On a phone a table's rows stack: each cell is labelled with its column's heading.
  document.querySelectorAll("table.rows").forEach((table) => {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.children].forEach((cell, i) => { if (headings[i]) cell.dataset.label = headings[i]; });
    });
  });

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

  // Covering part of an image: drag a box; each box is a hidden `cover` field of the decision form.
  const decisionForm = document.querySelector("form[data-decisions]");
  document.querySelectorAll(".cover-tool").forEach((figure) => {
    const media = figure.dataset.media;
    const image = figure.querySelector("img");
    let start = null, box = null;
    const at = (event) => {
      const r = image.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (event.clientX - r.left) / r.width)),
              Math.min(1, Math.max(0, (event.clientY - r.top) / r.height))];
    };
    image.addEventListener("pointerdown", (event) => {
      start = at(event);
      box = document.createElement("div");
      box.className = "cover-box";
      figure.append(box);
      event.preventDefault();
    });
    image.addEventListener("pointermove", (event) => {
      if (!start) return;
      const [x, y] = at(event);
      Object.assign(box.style, {
        left: `${Math.min(x, start[0]) * 100}%`, top: `${Math.min(y, start[1]) * 100}%`,
        width: `${Math.abs(x - start[0]) * 100}%`, height: `${Math.abs(y - start[1]) * 100}%`,
      });
    });
    image.addEventListener("pointerup", (event) => {
      if (!start) return;
      const [x, y] = at(event);
      const region = [Math.min(x, start[0]), Math.min(y, start[1]), Math.abs(x - start[0]), Math.abs(y - start[1])];
      start = null;
      if (region[2] < 0.01 || region[3] < 0.01) { box.remove(); return; }
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "cover";
      input.value = `${media}:${region.map((n) => n.toFixed(4)).join(",")}`;
      input.dataset.coverOf = media;
      (decisionForm || figure).append(input);
    });
  });
  document.querySelectorAll("[data-clear-cover]").forEach((button) => {
    button.addEventListener("click", () => {
      const media = button.dataset.clearCover;
      document.querySelectorAll(`input[data-cover-of="${CSS.escape(media)}"]`).forEach((i) => i.remove());
      document.querySelectorAll(`.cover-tool[data-media="${CSS.escape(media)}"] .cover-box`).forEach((b) => b.remove());
    });
  });

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
