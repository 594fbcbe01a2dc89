// The page of `hnn gui`: a view of the server's state. Every action posts a form; the
// server checks it, turns it into Rhai statements and runs them in its session.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const $ = (sel, el = document) => el.querySelector(sel);
const $$ = (sel, el = document) => [...el.querySelectorAll(sel)];
let S = null;          // the server's state
let forms = null;      // the forms being edited (sim, drives, network)
let hidden = new Set(); // figures closed on this page

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  for (const c of kids.flat()) if (c != null) el.append(c);
  return el;
}

async function api(path, body, raw) {
  const opts = { headers: { "X-HNN-Token": TOKEN } };
  if (body !== undefined) {
    opts.method = "POST";
    if (raw) opts.body = body;
    else { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  }
  const r = await fetch(path, opts);
  const text = await r.text();
  let data = null;
  try { data = JSON.parse(text); } catch { data = { error: text.trim() || r.statusText }; }
  return { ok: r.ok, status: r.status, data };
}

// ---- field messages -------------------------------------------------------------------
function clearErrors() {
  $$(".invalid").forEach(e => e.classList.remove("invalid"));
  $$(".err").forEach(e => e.remove());
}
function showErrors(errors) {
  clearErrors();
  let first = null;
  for (const [key, msg] of Object.entries(errors)) {
    let el = $(`[data-field="${CSS.escape(key)}"]`);
    if (!el) {
      // a per-target value of a drive: fall back to the drive's row
      const parts = key.split(".");
      while (!el && parts.length > 1) { parts.pop(); el = $(`[data-field="${CSS.escape(parts.join("."))}"]`); }
    }
    if (!el) { log(`${key}: ${msg}`); continue; }
    el.classList.add("invalid");
    const m = h("div", { class: "err", "data-testid": `err-${key}`, text: msg });
    el.after(m);
    const det = el.closest("details"); if (det) det.open = true;
    first = first || el;
  }
  if (first) {
    const tab = first.closest(".tab");
    if (tab) showTab(tab.id.slice(4));
    first.focus?.();
  }
  setStatus("Fix the marked fields: nothing was run", "failed");
}

function log(line) {
  const el = $("#log");
  el.textContent += line + "\n";
  el.scrollTop = el.scrollHeight;
}
function setStatus(text, cls) {
  const s = $("#status"); s.textContent = text; s.className = cls || "";
}

// ---- tabs -------------------------------------------------------------------------------
function showTab(name) {
  $$("#tabs button").forEach(b => b.classList.toggle("active", b.dataset.tab === name));
  $$(".tab").forEach(t => t.classList.toggle("hidden", t.id !== "tab-" + name));
  if (name === "opt") renderOpt();
}
$$("#tabs button").forEach(b => b.addEventListener("click", () => showTab(b.dataset.tab)));

// ---- Simulation tab ---------------------------------------------------------------------
function bindSim() {
  for (const el of $$("#tab-sim [data-field^='sim.']")) {
    const k = el.dataset.field.slice(4);
    el.value = forms.sim[k] ?? "";
    el.oninput = () => { forms.sim[k] = el.value; };
  }
}
$("#run").onclick = async () => {
  clearErrors();
  const r = await api("/api/run", forms);
  if (!r.ok) return r.data.errors ? showErrors(r.data.errors) : setStatus(r.data.error, "failed");
  setStatus(`Run ${r.data.run} queued`, "running");
};
$("#stop").onclick = async () => {
  const r = await api("/api/stop", {});
  if (r.ok) setStatus(r.data.stopped ? "Stopping…" : "Nothing to stop", "");
};
$("#load-data").onchange = e => upload(e.target, "data", $("#data-msg"), r => {
  $("#data-msg").textContent = `loaded as data_${r.data}`; $("#data-msg").className = "msg ok";
});
$("#save").onclick = async () => {
  const run = Number($("#save-run").value);
  const r = await api("/api/save", { run });
  const m = $("#save-msg");
  m.className = r.ok ? "msg ok" : "msg";
  m.textContent = r.ok ? `saving run ${run} into outputs/ of the project folder` : r.data.error;
};
$("#export").onclick = async e => {
  e.preventDefault();
  const r = await fetch("/api/export", { headers: { "X-HNN-Token": TOKEN } });
  const text = await r.text();
  const a = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/plain" })), download: "session.rhai" });
  document.body.append(a); a.click(); a.remove();
  $("#save-msg").className = "msg ok";
  $("#save-msg").textContent = "exported session.rhai (also written to the project folder)";
};

async function removeData(n) {
  const r = await api("/api/data/remove", { data: n });
  const m = $("#data-msg");
  m.className = r.ok ? "msg ok" : "msg";
  m.textContent = r.ok ? `data_${n} removed` : r.data.error;
}

async function upload(input, kind, msgEl, onOk) {
  const file = input.files[0];
  if (!file) return;
  msgEl.className = "msg"; msgEl.textContent = `reading ${file.name}…`;
  if (file.size > 16 * 1024 * 1024) { msgEl.textContent = `${file.name}: larger than 16 MB`; input.value = ""; return; }
  const body = await file.arrayBuffer();
  const r = await api(`/api/upload?kind=${kind}&name=${encodeURIComponent(file.name)}`, body, true);
  input.value = "";
  if (!r.ok) { msgEl.className = "msg"; msgEl.textContent = r.data.error || `${file.name}: refused (${r.status})`; return; }
  msgEl.textContent = "";
  onOk(r.data);
}

// ---- External drives tab ----------------------------------------------------------------
const FIELD_LABELS = {
  mu: "Mean time (ms)", sigma: "Std dev time (ms)", numspikes: "No. spikes", n_drive_cells: "No. drive cells",
  event_seed: "Seed", conn_seed: "Connection seed", space_constant: "Space constant",
  tstart: "Start time (ms)", tstart_std: "Start time dev (ms)", tstop: "Stop time (ms)", burst_rate: "Burst rate (Hz)",
  burst_std: "Burst std dev (ms)", spike_isi: "Spike ISI (ms)", t0: "Start time (ms)",
};
const ROW_LABELS = {
  weights_ampa: "AMPA weight (µS)", weights_nmda: "NMDA weight (µS)", synaptic_delays: "Delay (ms)",
  probability: "Probability", rate_constant: "Rate (Hz)", amplitude: "Amplitude (nA)",
};
const KIND_NAMES = { evoked: "Evoked", poisson: "Poisson", bursty: "Rhythmic", tonic: "Tonic" };
const FIELD_ORDER = {
  evoked: ["mu", "sigma", "numspikes", "n_drive_cells", "event_seed", "conn_seed", "space_constant"],
  poisson: ["tstart", "tstop", "n_drive_cells", "event_seed", "conn_seed", "space_constant"],
  bursty: ["tstart", "tstart_std", "tstop", "burst_rate", "burst_std", "numspikes", "spike_isi", "n_drive_cells", "event_seed", "conn_seed", "space_constant"],
  tonic: ["t0", "tstop"],
};
const CELLS = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"];

function renderDrives() {
  const box = $("#drives"); box.replaceChildren();
  forms.drives.forEach((d, i) => box.append(driveEl(d, i)));
}
function driveEl(d, i) {
  const key = f => `drive.${i}.${f}`;
  const title = `${d.name} (${d.kind === "tonic" ? "tonic" : d.location})`;
  const el = h("details", { class: "drive" + (d.enabled ? "" : " off"), "data-testid": `drive-${d.name}` },
    h("summary", { text: `${title} — ${KIND_NAMES[d.kind] || d.kind}` }));
  const head = h("div", { class: "head" },
    h("label", {}, "Name ", input(d.name, v => { d.name = v; }, key("name"), `drive-${i}-name`)),
    h("label", {}, h("input", { type: "checkbox", checked: d.enabled, "data-testid": `drive-${i}-enabled`,
      onchange: e => { d.enabled = e.target.checked; el.classList.toggle("off", !d.enabled); } }), "on"),
    d.kind === "tonic" ? null : h("label", {}, h("input", { type: "checkbox", checked: d.cell_specific, "data-testid": `drive-${i}-cell-specific`,
      onchange: e => { d.cell_specific = e.target.checked; renderDrives(); $$("#drives details")[i].open = true; } }), "cell-specific"),
    h("button", { class: "danger", "data-testid": `drive-${i}-delete`, onclick: () => { forms.drives.splice(i, 1); renderDrives(); } }, "Delete"));
  el.append(head);
  const grid = h("div", { class: "grid2" });
  for (const f of FIELD_ORDER[d.kind] || []) {
    const inp = input(d.fields[f] ?? "", v => { d.fields[f] = v; }, key(f), `drive-${i}-${f}`);
    if (f === "n_drive_cells" && d.cell_specific) inp.disabled = true;
    grid.append(h("label", {}, FIELD_LABELS[f] || f, inp));
  }
  el.append(grid);
  const ROW_ORDER = ["weights_ampa", "weights_nmda", "synaptic_delays", "probability", "rate_constant", "amplitude"];
  const rows = ROW_ORDER.filter(r => r in (d.targets || {}));
  const cells = CELLS.filter(c => rows.some(r => c in d.targets[r]));
  if (rows.length) {
    const t = h("table", {}, h("tr", {}, h("th"), cells.map(c => h("th", { text: c }))));
    for (const r of rows) {
      t.append(h("tr", { "data-field": key(r) }, h("td", { text: ROW_LABELS[r] || r }),
        cells.map(c => h("td", {}, input(d.targets[r][c] ?? "", v => { d.targets[r][c] = v; }, key(`${r}.${c}`), `drive-${i}-${r}-${c}`)))));
    }
    el.append(h("div", { class: "scroll" }, t));
  }
  return el;
}
function input(value, set, field, testid) {
  const el = h("input", { value, "data-field": field, "data-testid": testid });
  el.addEventListener("input", () => set(el.value));
  return el;
}
$("#add-drive").onclick = async () => {
  const kind = $("#drive-kind").value;
  if (kind === "tonic" && forms.drives.some(d => d.kind === "tonic")) { $("#drives-msg").textContent = "only one tonic drive"; return; }
  const r = await api("/api/drive_template", { kind, location: $("#drive-location").value, index: forms.drives.length + 1, tstop: forms.sim.tstop });
  if (!r.ok) { $("#drives-msg").textContent = r.data.error; return; }
  $("#drives-msg").textContent = "";
  forms.drives.push(r.data); renderDrives();
  const all = $$("#drives details"); all[all.length - 1].open = true;
};
$("#drive-kind").onchange = () => { $("#drive-location").disabled = $("#drive-kind").value === "tonic"; };
$("#delete-drives").onclick = () => { forms.drives = []; renderDrives(); };
$("#load-drives").onchange = e => upload(e.target, "drives", $("#drives-msg"), r => {
  forms.drives = r.drives; renderDrives();
  $("#drives-msg").className = "msg ok"; $("#drives-msg").textContent = `${r.drives.length} drives loaded`;
});

// ---- Network tab ------------------------------------------------------------------------
// the weight each shown connection gets in a run (the statements' order: global gains set
// every connection's gain of their kind, then a connection's own changed gain)
let finals = [];
function updateFinals() {
  const g = forms.network.gains, num = x => (String(x ?? "").trim() === "" ? NaN : Number(x));
  const global = ["e_e", "e_i", "i_e", "i_i"].some(k => num(g[k] ?? "1") !== 1);
  for (const [c, td] of finals) {
    const w = num(c.weight), own = num(c.gain);
    const kind = `${c.src.includes("pyramidal") ? "e" : "i"}_${c.target.includes("pyramidal") ? "e" : "i"}`;
    const gain = own !== c.base_gain ? own : global ? num(g[kind] ?? "1") : own;
    const f = w * gain;
    td.textContent = Number.isFinite(f) ? String(Number(f.toPrecision(6))) : "—";
  }
}
function renderNetwork() {
  const n = forms.network;
  finals = [];
  $("#network-base").textContent = n.base
    ? `Runs start from the network of ${n.base} (without its drives).`
    : "Runs start from jones_2009_model().";
  $("#gains").replaceChildren(...["e_e", "e_i", "i_e", "i_i"].map(g => h("label", {},
    { e_e: "Exc-to-Exc", e_i: "Exc-to-Inh", i_e: "Inh-to-Exc", i_i: "Inh-to-Inh" }[g],
    input(n.gains[g] ?? "1", v => { n.gains[g] = v; updateFinals(); }, `net.gain.${g}`, `gain-${g}`))));
  const filter = $("#conn-filter").value.trim();
  const t = h("table", {}, h("tr", {}, h("th", { text: "Source → target (location)" }), h("th", { text: "Receptor" }), h("th", { text: "Weight" }), h("th", { text: "Gain" }),
    h("th", { text: "Final weight", title: "weight × the gain the run uses: the connection's own gain when changed here, else the global gain of its kind when any global gain is not 1" })));
  n.connections.forEach((c, i) => {
    const label = `${c.src} → ${c.target} (${c.loc})`;
    if (filter && !`${label} ${c.receptor}`.includes(filter)) return;
    const fin = h("td", { class: "final", "data-testid": `conn-${c.src}-${c.target}-${c.loc}-${c.receptor}-final` });
    finals.push([c, fin]);
    t.append(h("tr", {}, h("td", { text: label }), h("td", { text: c.receptor }),
      h("td", {}, input(c.weight, v => { c.weight = v; updateFinals(); }, `net.conn.${i}.weight`, `conn-${c.src}-${c.target}-${c.loc}-${c.receptor}-weight`)),
      h("td", {}, input(c.gain, v => { c.gain = v; updateFinals(); }, `net.conn.${i}.gain`, `conn-${c.src}-${c.target}-${c.loc}-${c.receptor}-gain`)), fin));
  });
  $("#connections").replaceChildren(t);
  updateFinals();
  const cell = $("#cell-type").value, group = $("#cell-group").value;
  const ct = h("table", {}, h("tr", {}, h("th", { text: group === "synapse" ? "Receptor" : "Section" }), h("th", { text: group === "biophysics" ? "Mechanism.parameter" : "Parameter" }), h("th", { text: "Value" })));
  const mechUnit = p => { const q = p.split(".")[1] || ""; return q.startsWith("g") ? "S/cm²" : q.startsWith("e") ? "mV" : ""; };
  n.cells.forEach((c, i) => {
    if (c.cell !== cell || c.group !== group) return;
    const unit = group === "biophysics" ? mechUnit(c.param) : ({ L: "µm", diam: "µm", cm: "µF/cm²", Ra: "Ω·cm", e: "mV", tau1: "ms", tau2: "ms" }[c.param] || "");
    ct.append(h("tr", {}, h("td", { text: c.owner }), h("td", { text: unit ? `${c.param} (${unit})` : c.param }),
      h("td", {}, input(c.value, v => { c.value = v; }, `net.cell.${i}`, `cell-${c.cell}-${c.owner}-${c.param}`))));
  });
  $("#cells").replaceChildren(ct);
}
$("#load-network").onchange = e => upload(e.target, "network", $("#network-msg"), r => {
  forms.network = r.network; renderNetwork();
  $("#network-msg").className = "msg ok";
  $("#network-msg").textContent = `${r.network.connections.length} connections loaded; runs start from ${r.path}`;
});
$("#conn-filter").oninput = renderNetwork;
$("#cell-type").onchange = renderNetwork;
$("#cell-group").onchange = renderNetwork;

// ---- Optimization tab -------------------------------------------------------------------
const OPTIMISABLE = ["mu", "sigma", "burst_rate", "burst_std"];
const OPT_ROWS = ["weights_ampa", "weights_nmda", "synaptic_delays", "rate_constant", "amplitude"];
let optChoice = {};  // "drive.field" -> {on, min, max}
function renderOpt() {
  const box = $("#opt-params"); box.replaceChildren();
  forms.drives.forEach((d, i) => {
    if (!d.enabled) return;
    const fields = OPTIMISABLE.filter(f => f in d.fields);
    for (const r of OPT_ROWS) for (const c of Object.keys(d.targets[r] || {})) if ((d.targets[r][c] || "").trim()) fields.push(`${r}.${c}`);
    const t = h("table", {}, h("tr", {}, h("th", { text: d.name }), h("th", { text: "value" }), h("th", { text: "Min %" }), h("th", { text: "Max %" })));
    for (const f of fields) {
      const id = `${d.name}.${f}`;
      const ch = optChoice[id] = optChoice[id] || { on: false, min: "50", max: "150", drive: i, field: f };
      ch.drive = i;
      const [row, cell] = f.split(".");
      const value = cell ? d.targets[row][cell] : d.fields[f];
      t.append(h("tr", {},
        h("td", {}, h("label", { class: "tick" }, h("input", { type: "checkbox", checked: ch.on, "data-testid": `opt-${d.name}-${f}`, onchange: e => { ch.on = e.target.checked; } }), f)),
        h("td", { text: value }),
        h("td", {}, input(ch.min, v => { ch.min = v; }, `opt.param.${id}.min`, `opt-${d.name}-${f}-min`)),
        h("td", {}, input(ch.max, v => { ch.max = v; }, `opt.param.${id}.max`, `opt-${d.name}-${f}-max`))));
    }
    box.append(t);
  });
}
function optVisibility() {
  const psd = $("#opt-obj").value === "maximize_psd";
  $("#opt-psd").classList.toggle("hidden", !psd);
  $("#opt-target").classList.toggle("hidden", psd);
  $("#opt-cma").classList.toggle("hidden", $("#opt-solver").value !== "cma");
  for (const id of ["#opt-band2-lo", "#opt-band2-hi", "#opt-prop2"]) $(id).disabled = !$("#opt-band2").checked;
}
$("#opt-obj").onchange = optVisibility;
$("#opt-solver").onchange = optVisibility;
$("#opt-band2").onchange = optVisibility;
// a fit's best parameters written back into the drives (as hnn-core's GUI does)
let fitApplied = 0;
function applyFit(res) {
  if (!res || !res.fit || res.fit <= fitApplied) return;
  fitApplied = res.fit;
  const done = [];
  for (const p of res.params || []) {
    const d = forms.drives.find(x => x.name === p.name);
    if (!d || typeof p.value !== "number") continue;
    const v = String(p.value);
    const [row, cell] = p.field.split(".");
    if (cell) { if (d.targets[row]) d.targets[row][cell] = v; } else d.fields[p.field] = v;
    done.push(`${p.name}.${p.field} = ${v}`);
  }
  if (done.length) {
    renderDrives(); renderOpt();
    log(`fit ${res.fit}: best parameters written into the drives: ${done.join(", ")}`);
    $("#opt-progress").textContent = `fit ${res.fit} done; drives updated: ${done.join(", ")}`;
  }
}
$("#optimize").onclick = async () => {
  clearErrors();
  const chosen = Object.values(optChoice).filter(c => c.on && forms.drives[c.drive]);
  const body = {
    run: forms, solver: $("#opt-solver").value, obj_fun: $("#opt-obj").value, max_iter: $("#opt-iter").value,
    data: $("#opt-data").value ? Number($("#opt-data").value) : null,
    params: chosen.map(c => ({ drive: c.drive, field: c.field, min_pct: c.min, max_pct: c.max })),
    band1: [$("#opt-band1-lo").value, $("#opt-band1-hi").value], prop1: $("#opt-prop1").value,
    use_band2: $("#opt-band2").checked,
    band2: [$("#opt-band2-lo").value, $("#opt-band2-hi").value], prop2: $("#opt-prop2").value,
    cma_seed: $("#opt-cma-seed").value, popsize: $("#opt-popsize").value, sigma0: $("#opt-sigma0").value,
  };
  const r = await api("/api/optimize", body);
  if (!r.ok) {
    if (r.data.errors) {
      // name the parameter rows by their page keys
      const errs = {};
      for (const [k, v] of Object.entries(r.data.errors)) {
        const m = k.match(/^opt\.param\.(\d+)(.*)$/);
        if (m) { const c = chosen[Number(m[1])]; errs[`opt.param.${forms.drives[c.drive].name}.${c.field}${m[2] || ".min"}`] = v; }
        else errs[k] = v;
      }
      return showErrors(errs);
    }
    return setStatus(r.data.error, "failed");
  }
  setStatus(`Optimization queued (its result will be run ${r.data.run})`, "running");
};

// ---- Visualization tab ------------------------------------------------------------------
function plotOptions() {
  return {
    smooth: $("#fig-smooth").value, scale: $("#fig-scale").value,
    data_smooth: $("#fig-data-smooth").value, data_scale: $("#fig-data-scale").value,
    fmin: $("#fig-fmin").value, fmax: $("#fig-fmax").value, cmap: $("#fig-cmap").value,
    marker_size: $("#fig-marker-size").value, hide_legend: $("#fig-hide-legend").checked,
  };
}
$("#make-figure").onclick = async () => {
  clearErrors();
  const runs = $$("#fig-runs input:checked").map(e => Number(e.value));
  const body = {
    template: $("#fig-template").value, runs, data: $("#fig-data").value ? Number($("#fig-data").value) : null,
    ...plotOptions(),
  };
  const r = await api("/api/figure", body);
  if (!r.ok) return r.data.errors ? showErrors(r.data.errors) : setStatus(r.data.error, "failed");
  setStatus(`Figure ${r.data.figure} queued`, "");
  pendingEdit = r.data.figure;
};
let pendingEdit = null;  // a figure to select in the editor once drawn
async function axisAction(action) {
  clearErrors();
  const body = {
    figure: Number($("#ax-figure").value || 0), axis: Number($("#ax-axis").value || 0), action,
    plot: $("#ax-plot").value, run: $("#ax-run").value ? Number($("#ax-run").value) : null,
    data: $("#fig-data").value ? Number($("#fig-data").value) : null, ...plotOptions(),
  };
  const r = await api("/api/axis", body);
  if (!r.ok) {
    if (!r.data.errors) return setStatus(r.data.error, "failed");
    const errs = {};
    for (const [k, v] of Object.entries(r.data.errors)) errs[k === "ax.data" ? "fig.data" : k] = v;
    return showErrors(errs);
  }
  setStatus(action === "clear" ? `Clearing ax${body.axis} of figure ${body.figure}` : `Adding ${body.plot} to figure ${body.figure}`, "");
}
$("#ax-add").onclick = () => axisAction("add");
$("#ax-clear").onclick = () => axisAction("clear");
function renderAxisEditor() {
  const figs = S.figures.filter(f => f.var && f.plots && f.plots.length);
  fill($("#ax-figure"), figs.map(f => [f.id, f.title]), true);
  if (pendingEdit != null && figs.some(f => f.id === pendingEdit)) { $("#ax-figure").value = String(pendingEdit); pendingEdit = null; }
  const f = figs.find(x => String(x.id) === $("#ax-figure").value);
  const cols = f ? f.grid[1] : 1;
  fill($("#ax-axis"), f ? f.plots.map((_, i) => [i, `ax${i} (row ${Math.floor(i / cols) + 1}, column ${i % cols + 1})`]) : [], true);
  const present = f ? (f.plots[Number($("#ax-axis").value || 0)] || []) : [];
  $("#ax-present").textContent = f ? (present.length ? `On this axis: ${present.join("; ")}` : "This axis is empty.") : "Make a figure first.";
}
$("#ax-figure").onchange = renderAxisEditor;
$("#ax-axis").onchange = renderAxisEditor;
function editFigure(id) {
  showTab("viz");
  $("#ax-figure").value = String(id);
  renderAxisEditor();
  $("#ax-figure").scrollIntoView({ block: "center" });
}

// ---- rendering the server's state --------------------------------------------------------
function fill(select, items, keep) {
  const old = select.value;
  select.replaceChildren(...items.map(([v, t]) => h("option", { value: v, text: t })));
  if (keep && items.some(([v]) => String(v) === old)) select.value = old;
}
function fmt(x, d = 3) { return typeof x === "number" ? x.toFixed(d) : "—"; }

function render() {
  const done = S.runs.filter(r => r.status === "done");
  // runs table
  $("#runs tbody").replaceChildren(...S.runs.map(r => h("tr", { "data-testid": `run-${r.n}` },
    h("td", { text: r.n }), h("td", { text: r.name }), h("td", { class: `status-${r.status}`, text: r.status }),
    h("td", { text: r.tstop }), h("td", { text: r.n_trials }), h("td", { text: r.wall_ms == null ? "" : (r.wall_ms / 1000).toFixed(2) }))));
  fill($("#save-run"), done.map(r => [r.n, `${r.n}: ${r.name}`]), true);
  const dataItems = S.data.map(d => [d.n, `data_${d.n}: ${d.name}`]);
  fill($("#fig-data"), [["", "(none)"], ...dataItems], true);
  fill($("#opt-data"), [["", "(none)"], ...dataItems], true);
  $("#data-list").replaceChildren(...S.data.map(d => h("tr", { "data-testid": `data-${d.n}` },
    h("td", { text: `data_${d.n}: ${d.name}` }), h("td", { class: "note", text: d.path }),
    h("td", {}, h("button", { class: "danger", "data-testid": `remove-data-${d.n}`, onclick: () => removeData(d.n) }, "Remove")))));
  if (!$("#fig-template").options.length) {
    fill($("#fig-template"), [...S.templates.map(t => [t, t]), ...S.plot_types.map(t => [t, `[single] ${t}`])]);
    fill($("#ax-plot"), S.plot_types.map(t => [t, t]));
    fill($("#fig-cmap"), S.colormaps.map(c => [c, c]));
  }
  fill($("#ax-run"), done.slice().reverse().map(r => [r.n, `${r.n}: ${r.name}`]), true);
  $("#saved").replaceChildren(...(S.saved || []).map(f => h("li", {},
    h("a", { href: `/api/outputs/${encodeURIComponent(f)}?token=${TOKEN}`, download: f, "data-testid": `saved-${f}`, text: `outputs/${f}` }))));
  renderAxisEditor();
  const checked = new Set($$("#fig-runs input:checked").map(e => e.value));
  const last = done.length ? String(done[done.length - 1].n) : null;
  $("#fig-runs").replaceChildren(...done.map(r => h("label", {}, h("input", { type: "checkbox", value: r.n, "data-testid": `fig-run-${r.n}`,
    checked: checked.size ? checked.has(String(r.n)) : String(r.n) === last }), `${r.n}: ${r.name}`)));
  // figures, newest first
  const figs = S.figures.filter(f => !hidden.has(f.id)).slice().reverse();
  const box = $("#figures");
  const have = new Set($$(".figure", box).map(e => Number(e.dataset.id)));
  if (figs.length === 0) box.replaceChildren(h("p", { class: "placeholder", text: "Run a simulation to see its figures here." }));
  else {
    box.replaceChildren(...figs.map(f => figureEl(f, have.has(f.id))));
  }
  // metrics of every overlay
  const rows = S.figures.flatMap(f => Array.isArray(f.metrics) ? f.metrics.map(m => ({ ...m, fig: f.id })) : []);
  $("#metrics").replaceChildren(rows.length ? h("table", { "data-testid": "metrics-table" },
    h("tr", {}, h("th", { text: "Figure" }), h("th", { text: "Run" }), h("th", { text: "Data" }), h("th", { text: "RMSE" }), h("th", { text: "Corr" })),
    rows.map(m => h("tr", {}, h("td", { text: m.fig }), h("td", { text: m.run }), h("td", { text: m.data }),
      h("td", { class: "rmse", text: fmt(m.rmse) }), h("td", { text: fmt(m.corr) })))) : "");
  // script
  $("#script").replaceChildren(...S.entries.map(e => h("div", { class: `entry ${e.status}`, "data-testid": `entry-${e.id}` },
    h("div", { class: "label", text: `[${e.id}] ${e.label} — ${e.status}${e.wall_ms != null ? ` (${(e.wall_ms / 1000).toFixed(2)} s)` : ""}${e.exported ? "" : " (not exported)"}` }),
    h("pre", { text: e.code }), e.message ? h("pre", { class: "msg", text: e.message }) : null)));
  // status
  const running = S.entries.find(e => e.status === "running");
  const queued = S.entries.filter(e => e.status === "queued").length;
  if (running) setStatus(`Running: ${running.label}${queued ? ` (+${queued} queued)` : ""}`, "running");
  else {
    const lastEntry = S.entries[S.entries.length - 1];
    if (!lastEntry) setStatus("Not running", "");
    else if (lastEntry.status === "failed") setStatus(`Failed: ${lastEntry.label}`, "failed");
    else if (lastEntry.status === "stopped" || lastEntry.status === "cancelled") setStatus("Stopped", "failed");
    else if ($("#status").className === "running" || !$("#status").textContent.startsWith("Fix")) setStatus("Simulation finished", "done");
    $("#progress-bar").style.width = "0";
  }
}
function figureEl(f, seen) {
  const el = h("div", { class: "figure", "data-id": f.id, "data-testid": `figure-${f.id}` },
    h("div", { class: "title" }, h("span", { text: f.title }),
      h("span", {}, h("a", { href: `/api/figures/${f.id}.svg?token=${TOKEN}&v=${f.rev || 0}`, target: "_blank", text: "SVG" }), " ",
        f.plots && f.plots.length ? h("button", { "data-testid": `edit-figure-${f.id}`, onclick: () => editFigure(f.id) }, "Edit") : null, " ",
        h("button", { "data-testid": `close-figure-${f.id}`, onclick: () => { hidden.add(f.id); render(); } }, "Close"))),
    h("img", { src: `/api/figures/${f.id}.png?token=${TOKEN}&v=${f.rev || 0}`, alt: f.title, "data-rev": f.rev || 0, loading: seen ? "eager" : "lazy" }));
  if (Array.isArray(f.metrics) && f.metrics.length) {
    el.append(h("table", {}, f.metrics.map(m => h("tr", {}, h("td", { text: `${m.run} vs ${m.data}` }),
      h("td", { "data-testid": `rmse-${f.id}`, text: `RMSE ${fmt(m.rmse)}` }), h("td", { text: `corr ${fmt(m.corr)}` })))));
  }
  return el;
}

let pending = null;
async function refresh() {
  const r = await api("/api/state");
  if (!r.ok) { setStatus(r.data.error || "the server refused the page", "failed"); return; }
  S = r.data;
  if (!forms) {
    forms = JSON.parse(JSON.stringify(S.forms));
    bindSim(); renderDrives(); renderNetwork();
    for (const l of S.log) log(l);
  }
  if (S.forms && S.forms.fit_result) applyFit(S.forms.fit_result);
  render();
}
function refreshSoon() { if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 80); }

function listen() {
  const es = new EventSource(`/api/events?token=${TOKEN}`);
  es.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.type === "state") refreshSoon();
    else if (m.type === "log") log(m.line);
    else if (m.type === "progress") {
      $("#progress-bar").style.width = `${Math.round(100 * (m.fraction || 0))}%`;
      if (m.fraction < 1) setStatus(`Running… ${Math.round(100 * m.fraction)}% of ${m.tstop} ms`, "running");
    } else if (m.type === "fit") {
      $("#opt-progress").textContent = `evaluation ${m.done} of ${m.planned}, best ${m.best == null ? "—" : m.best.toFixed(4)}`;
      $("#progress-bar").style.width = `${Math.round(100 * m.done / Math.max(1, m.planned))}%`;
      setStatus(`Optimization running: ${m.done}/${m.planned}`, "running");
    }
  };
  es.onerror = () => setStatus("Connection to the server lost; retrying…", "failed");
  es.onopen = () => refresh();
}

document.addEventListener("keydown", e => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("#run").click();
  if (e.key === "Escape") $("#stop").click();
});
refresh().then(listen);
