// The fact sheet. This script draws what the server describes and sends
// back what was typed: no rule of the program lives here. Every API call
// carries Telegram.WebApp.initData; the server verifies it.
"use strict";

(function () {
  const tg = (window.Telegram && window.Telegram.WebApp) || null;
  const root = document.getElementById("app");
  const notice = document.getElementById("notice");
  const icons = { eligible: "✅", not_eligible: "❌", incomplete: "❔" };
  let form = null, labels = {}, previewTimer = 0, previewSeq = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }

  function say(text, bad) {
    notice.textContent = text;
    notice.className = "notice" + (bad ? " bad" : "");
    notice.hidden = false;
    root.prepend(notice);
  }

  function userLang() {
    const u = tg && tg.initDataUnsafe && tg.initDataUnsafe.user;
    return u && /^ru/i.test(u.language_code || "") ? "ru" : "en";
  }

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { "Authorization": "tma " + ((tg && tg.initData) || ""), "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) {
      const m = data.message || {};
      throw Object.assign(new Error(m[form ? form.lang : userLang()] || m.en || "unauthorized"), { refused: true });
    }
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }

  // Theme: Telegram's script sets the --tg-theme-* variables itself; this
  // also covers a client that only passes themeParams.
  function applyTheme() {
    if (!tg || !tg.themeParams) return;
    for (const [k, v] of Object.entries(tg.themeParams)) {
      document.documentElement.style.setProperty("--tg-theme-" + k.replace(/_/g, "-"), v);
    }
  }

  function chosenSpecs() {
    return [...root.querySelectorAll("input.spec:checked")].map((i) => i.value);
  }

  function needed(specs) {
    const chosen = chosenSpecs();
    return (specs || []).some((s) => chosen.includes(s));
  }

  function fieldInput(f, value) {
    if (f.type === "bool") {
      const box = el("div", { class: "choices", role: "radiogroup" });
      for (const [v, label] of [["yes", labels.yes], ["no", labels.no], ["", labels.unknown]]) {
        box.append(el("label", {}, el("input", { type: "radio", name: f.key, value: v, checked: value === v }), label));
      }
      return box;
    }
    if (f.type === "enum") {
      const s = el("select", { name: f.key, "aria-label": f.label }, el("option", { value: "", text: "— " + labels.unknown }));
      for (const o of f.options) s.append(el("option", { value: o.id, text: o.label, selected: value === o.id }));
      return s;
    }
    return el("input", {
      type: "text", name: f.key, value: value || "", autocomplete: "off", "aria-label": f.label,
      inputmode: f.type === "count" ? "numeric" : "text",
    });
  }

  function fieldBlock(f, value) {
    return el("div", { class: "field", "data-key": f.key, "data-specs": f.specs.join(" ") },
      el("span", { class: "label", text: f.label }),
      el("div", { class: "help", text: f.question }),
      fieldInput(f, value),
      f.hint ? el("div", { class: "hint", text: f.hint }) : null,
      el("div", { class: "error", id: "err-" + f.key }));
  }

  function employeeRow(emp) {
    const row = el("div", { class: "employee" });
    const certs = el("div", { class: "certs" });
    const now = new Date();
    const thisMonth = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0");
    for (const c of form.certs) {
      const held = (emp.certs || []).includes(c.id);
      // The month earned, optional: the server reads it with the chat's
      // parser and refuses a month to come.
      const month = el("input", { type: "month", class: "emp-earned", "data-cert": c.id, value: (emp.earned || {})[c.id] || "",
        max: thisMonth, "aria-label": labels.earned + ": " + c.label, title: labels.earned });
      month.hidden = !held;
      const box = el("input", { type: "checkbox", class: "emp-cert", value: c.id, checked: held,
        onchange: () => { month.hidden = !box.checked; } });
      certs.append(el("label", { class: "cert", "data-specs": c.specs.join(" ") }, box, " " + c.label, " ", month));
    }
    row.append(
      el("div", { class: "row" },
        el("input", { type: "text", class: "emp-name", value: emp.name || "", placeholder: labels.employee_name, "aria-label": labels.employee_name }),
        el("button", { type: "button", class: "remove", text: "✖ " + labels.remove, onclick: () => { row.remove(); refresh(); } })),
      certs, el("div", { class: "error" }));
    return row;
  }

  function render(sheet) {
    form = sheet.form;
    labels = sheet.labels;
    const a = sheet.answers;
    document.documentElement.lang = sheet.lang;
    document.title = labels.title;
    root.replaceChildren();
    root.append(el("div", { id: "strip", "aria-live": "polite" }));
    root.append(el("h1", { text: labels.title }), el("p", { class: "intro", text: labels.intro }));

    const head = el("section", { class: "card" },
      el("div", { class: "field" }, el("span", { class: "label", text: labels.company }),
        el("input", { type: "text", name: "company", value: a.company || "", autocomplete: "organization", "aria-label": labels.company }),
        el("div", { class: "error", id: "err-company" })));
    const specs = el("div", { class: "choices" });
    for (const s of form.specs) {
      specs.append(el("label", {}, el("input", { type: "checkbox", class: "spec", value: s.id, checked: a.specs.includes(s.id) }), s.label));
    }
    head.append(el("div", { class: "field" }, el("span", { class: "label", text: labels.specs }), specs, el("div", { class: "error", id: "err-specs" })));
    root.append(head);

    const groups = [["", labels.common]].concat(form.specs.map((s) => [s.id, s.label]));
    for (const [spec, title] of groups) {
      const fields = form.fields.filter((f) => (f.spec || "") === spec);
      if (!fields.length) continue;
      const sec = el("section", { class: "card group", "data-specs": spec ? spec : form.specs.map((s) => s.id).join(" ") }, el("h2", { text: title }));
      for (const f of fields) sec.append(fieldBlock(f, a.answers[f.key]));
      root.append(sec);
    }

    const list = el("div", { id: "employees" });
    for (const e of a.employees) list.append(employeeRow(e));
    const none = el("label", { id: "no-employees-box" }, el("input", { type: "checkbox", id: "no-employees", checked: a.no_employees }), " " + labels.no_employees);
    root.append(el("section", { class: "card group", id: "register", "data-specs": form.employees_specs.join(" ") },
      el("h2", { text: labels.employees }), list,
      el("button", { type: "button", class: "secondary", id: "add-employee", text: "➕ " + labels.add_employee,
        onclick: () => { const r = employeeRow({}); list.append(r); refresh(); r.querySelector(".emp-name").focus(); } }),
      none, el("div", { class: "error", id: "err-employees" })));

    root.append(el("section", { class: "card", id: "live", "aria-live": "polite" },
      el("h2", { text: labels.live }), el("div", { id: "statuses" }), el("div", { class: "window", id: "window" })));
    root.append(el("div", { class: "error", id: "submit-error" }),
      el("button", { type: "button", id: "submit", text: labels.submit, onclick: submit }));

    root.addEventListener("input", refresh);
    root.addEventListener("change", refresh);
    visibility();
    showPreview(sheet.preview);
    root.setAttribute("aria-busy", "false");
  }

  // visibility shows the fields, certificates and sections the chosen
  // specializations need, as the server listed them.
  function visibility() {
    for (const e of root.querySelectorAll("[data-specs]")) e.hidden = !needed(e.dataset.specs.split(" "));
    const hasRows = root.querySelectorAll(".employee").length > 0;
    document.getElementById("no-employees-box").hidden = hasRows;
  }

  function collect() {
    const chosen = chosenSpecs();
    const answers = {};
    for (const f of form.fields) {
      if (!needed(f.specs)) continue;
      if (f.type === "bool") {
        const c = root.querySelector(`input[name="${f.key}"]:checked`);
        if (c && c.value) answers[f.key] = c.value;
      } else {
        const v = root.querySelector(`[name="${f.key}"]`).value.trim();
        if (v) answers[f.key] = v;
      }
    }
    const employees = [...root.querySelectorAll(".employee")].map((r) => {
      const certs = [...r.querySelectorAll(".emp-cert:checked")].filter((c) => !c.parentElement.hidden).map((c) => c.value);
      const earned = {};
      for (const m of r.querySelectorAll(".emp-earned")) {
        if (certs.includes(m.dataset.cert) && m.value.trim()) earned[m.dataset.cert] = m.value.trim();
      }
      return { name: r.querySelector(".emp-name").value, certs, earned };
    });
    return {
      company: root.querySelector('[name="company"]').value, specs: chosen, answers, employees,
      no_employees: employees.length === 0 && document.getElementById("no-employees").checked,
    };
  }

  function showErrors(errors) {
    for (const e of root.querySelectorAll(".error")) e.textContent = "";
    for (const e of root.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    const rows = root.querySelectorAll(".employee");
    for (const err of errors || []) {
      let box = document.getElementById("err-" + err.field), input = null;
      const m = /^employees\.(\d+)(?:\.earned\.(.+))?$/.exec(err.field);
      if (m && rows[+m[1]]) {
        box = rows[+m[1]].querySelector(".error");
        input = m[2] ? rows[+m[1]].querySelector(`.emp-earned[data-cert="${m[2]}"]`) : rows[+m[1]].querySelector(".emp-name");
      } else if (box) {
        input = box.parentElement.querySelector("input[type=text], select");
      }
      if (!box) box = document.getElementById("submit-error");
      box.textContent = err.message;
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  function showPreview(p) {
    const list = document.getElementById("statuses");
    const strip = document.getElementById("strip");
    list.replaceChildren();
    strip.replaceChildren();
    for (const s of p.statuses) {
      list.append(el("div", { class: "status", "data-spec": s.spec, "data-status": s.status, text: s.text }));
      strip.append(el("span", { "data-spec": s.spec, "data-status": s.status, text: (icons[s.status] || "") + " " + s.name }));
    }
    document.getElementById("window").textContent = p.window || "";
    showErrors(p.errors);
  }

  // refresh asks the server for the verdict of what is on screen, at most
  // every 250 ms while typing; an older answer never replaces a newer one.
  function refresh() {
    visibility();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const seq = ++previewSeq;
      try {
        const p = await call("POST", "api/preview", collect());
        if (seq === previewSeq) showPreview(p);
      } catch (e) {
        if (e.refused) say(e.message, true);
      }
    }, 250);
  }

  async function submit() {
    const btn = document.getElementById("submit");
    btn.disabled = true;
    clearTimeout(previewTimer);
    previewSeq++;
    try {
      const r = await call("POST", "api/submit", collect());
      if (!r.ok) {
        showErrors(r.errors);
        document.getElementById("submit-error").textContent = labels.fix;
        return;
      }
      say(labels.sent, false);
      document.body.dataset.submitted = "true";
      if (tg && tg.close) tg.close();
    } catch (e) {
      say(e.message, true);
    } finally {
      btn.disabled = false;
    }
  }

  async function start() {
    applyTheme();
    if (tg) {
      if (tg.ready) tg.ready();
      if (tg.expand) tg.expand();
    }
    try {
      render(await call("GET", "api/sheet"));
    } catch (e) {
      root.setAttribute("aria-busy", "false");
      say(e.message, true);
      document.body.dataset.refused = e.refused ? "true" : "false";
    }
  }

  start();
})();
