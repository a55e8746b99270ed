// The panel's pipeline picture (an anywidget front end; no network, no library).
//
// Python sends the SVG once per layout or selection change, then only `statuses` (vertex id ->
// run status) as a run goes on, so a 500-node run never re-parses a large SVG. Zoom and pan are
// a CSS transform on the stage; hovering a box highlights its neighbours; a click on a node
// reports it in `selected`, a click on a collapsed namespace expands it and a double click on a
// node collapses its namespace (both through `collapsed`).

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 8;

function button(label, title, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = title;
  b.setAttribute("aria-label", title);
  b.className = `kip-picture-button ${cls}`;
  b.addEventListener("click", onClick);
  return b;
}

function render({ model, el }) {
  el.classList.add("kip-picture");
  const bar = document.createElement("div");
  bar.className = "kip-picture-bar";
  const viewport = document.createElement("div");
  viewport.className = "kip-picture-viewport";
  viewport.setAttribute("role", "region");
  viewport.setAttribute("aria-label", "pipeline picture: drag to pan, wheel to zoom");
  const stage = document.createElement("div");
  stage.className = "kip-picture-stage";
  viewport.append(stage);
  el.append(bar, viewport);

  let zoom = 1;
  let x = 0;
  let y = 0;
  let userMoved = false;
  let neighbours = new Map(); // vertex id -> Set of vertex ids and edge elements
  let boxes = new Map(); // vertex id -> <g>

  const apply = () => {
    stage.style.transform = `translate(${x}px, ${y}px) scale(${zoom})`;
    el.dataset.zoom = zoom.toFixed(3);
  };
  const svg = () => stage.querySelector("svg");
  const fit = () => {
    const s = svg();
    if (!s || !viewport.clientWidth) return;
    const width = s.viewBox.baseVal.width || s.getBoundingClientRect().width;
    zoom = Math.min(1, viewport.clientWidth / width);
    x = Math.max(0, (viewport.clientWidth - width * zoom) / 2);
    y = 0;
    userMoved = false;
    apply();
  };
  const zoomAt = (factor, cx, cy) => {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
    x = cx - ((cx - x) * next) / zoom;
    y = cy - ((cy - y) * next) / zoom;
    zoom = next;
    userMoved = true;
    apply();
  };
  const centre = () => [viewport.clientWidth / 2, viewport.clientHeight / 2];
  bar.append(
    button("+", "zoom in", "kip-zoom-in", () => zoomAt(1.25, ...centre())),
    button("\u2212", "zoom out", "kip-zoom-out", () => zoomAt(0.8, ...centre())),
    button("fit", "fit the picture to the width", "kip-zoom-fit", fit),
  );

  const index = () => {
    neighbours = new Map();
    boxes = new Map();
    for (const g of stage.querySelectorAll("g.kip-node, g.kip-dataset")) {
      boxes.set(g.dataset.id, g);
      neighbours.set(g.dataset.id, new Set());
      if (g.dataset.state) g.dataset.baseState = g.dataset.state;
    }
    for (const edge of stage.querySelectorAll("path.kip-edge")) {
      const { from, to } = edge.dataset;
      neighbours.get(from)?.add(to).add(edge);
      neighbours.get(to)?.add(from).add(edge);
    }
  };
  const applyStatuses = () => {
    const statuses = model.get("statuses") || {};
    for (const [id, g] of boxes) {
      if (!g.dataset.baseState) continue;
      const state = statuses[id] || g.dataset.baseState;
      if (g.dataset.state === state) continue;
      g.dataset.state = state;
      const what = g.classList.contains("kip-namespace") ? "namespace" : "node";
      const label = `${what} ${g.dataset.name}: ${state}`;
      g.setAttribute("aria-label", label);
      const title = g.querySelector("title");
      if (title) title.textContent = label;
    }
  };
  const draw = () => {
    stage.innerHTML = model.get("svg");
    index();
    applyStatuses();
    if (!userMoved) requestAnimationFrame(fit);
  };

  // Hover: the box, its datasets and the nodes across them stand out; the rest fades.
  const highlight = (id, on) => {
    const root = svg();
    if (!root) return;
    root.classList.toggle("kip-hovering", on);
    const lit = new Set([id]);
    for (const item of neighbours.get(id) || []) {
      if (typeof item === "string") {
        lit.add(item);
        if (id.startsWith("node:") || id.startsWith("namespace:")) {
          for (const far of neighbours.get(item) || []) if (typeof far === "string") lit.add(far);
        }
      }
    }
    for (const key of lit) boxes.get(key)?.classList.toggle("kip-hl", on);
    for (const edge of stage.querySelectorAll("path.kip-edge")) {
      const touches = lit.has(edge.dataset.from) && lit.has(edge.dataset.to);
      edge.classList.toggle("kip-hl", on && touches);
    }
  };
  const boxOf = (event) => event.target.closest?.("g.kip-node, g.kip-dataset");
  stage.addEventListener("mouseover", (event) => {
    const g = boxOf(event);
    if (g) highlight(g.dataset.id, true);
  });
  stage.addEventListener("mouseout", (event) => {
    const g = boxOf(event);
    if (g) highlight(g.dataset.id, false);
  });

  // Click and double click on boxes; drag anywhere to pan.
  let drag = null;
  let dragged = false;
  viewport.addEventListener("pointerdown", (event) => {
    drag = { px: event.clientX, py: event.clientY, x, y };
    dragged = false;
  });
  const onMove = (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.px;
    const dy = event.clientY - drag.py;
    if (Math.abs(dx) + Math.abs(dy) > 3) dragged = true;
    if (!dragged) return;
    x = drag.x + dx;
    y = drag.y + dy;
    userMoved = true;
    viewport.classList.add("kip-panning");
    apply();
  };
  window.addEventListener("pointermove", onMove);
  const endDrag = () => {
    drag = null;
    viewport.classList.remove("kip-panning");
  };
  window.addEventListener("pointerup", endDrag);
  stage.addEventListener("click", (event) => {
    const g = boxOf(event);
    if (!g || dragged || !g.classList.contains("kip-node")) return;
    if (g.classList.contains("kip-namespace")) {
      const collapsed = (model.get("collapsed") || []).filter((ns) => ns !== g.dataset.name);
      model.set("collapsed", collapsed);
    } else {
      for (const old of stage.querySelectorAll(".kip-picked")) old.classList.remove("kip-picked");
      g.classList.add("kip-picked");
      model.set("selected", g.dataset.name);
    }
    model.save_changes();
  });
  stage.addEventListener("dblclick", (event) => {
    const g = boxOf(event);
    const namespace = g?.dataset.namespace;
    if (!namespace) return;
    const collapsed = model.get("collapsed") || [];
    if (!collapsed.includes(namespace)) {
      model.set("collapsed", [...collapsed, namespace]);
      model.save_changes();
    }
  });
  viewport.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const r = viewport.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - r.left, event.clientY - r.top);
    },
    { passive: false },
  );
  const resize = new ResizeObserver(() => {
    if (!userMoved) fit();
  });
  resize.observe(viewport);

  model.on("change:svg", draw);
  model.on("change:statuses", applyStatuses);
  draw();
  return () => {
    resize.disconnect();
    window.removeEventListener("pointerup", endDrag);
    window.removeEventListener("pointermove", onMove);
  };
}

export default { render };
