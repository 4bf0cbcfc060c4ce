// The topic map: a tap or click on a paper shows its title, authors and links below the
// map (hover titles do not exist on touch screens). Without this script every mark is a
// link and carries a <title>.
"use strict";

(() => {
  const svg = document.getElementById("topic-map");
  const card = document.getElementById("map-card");
  const source = document.getElementById("map-data");
  if (!svg || !card || !source) return;
  const points = JSON.parse(source.textContent);
  const marks = new Map();
  for (const mark of svg.querySelectorAll("[data-i]")) marks.set(Number(mark.dataset.i), mark);
  const REACH = 24; // screen pixels: a tap this close to a paper picks it
  const PREFER = { pick: 10, own: 5, excluded: 5, context: 0 };
  let chosen = null;

  function toMap(event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function nearest(event) {
    const at = toMap(event);
    const scale = svg.getScreenCTM().a || 1; // map units to screen pixels
    let best = null;
    let bestScore = Infinity;
    points.forEach((p, i) => {
      const pixels = Math.hypot(p.x - at.x, p.y - at.y) * scale;
      const score = pixels - PREFER[p.kind];
      if (pixels <= REACH && score < bestScore) {
        best = i;
        bestScore = score;
      }
    });
    return best;
  }

  function line(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function link(href, text, external) {
    const a = line("a", "", text);
    a.href = href;
    if (external) a.rel = "noopener noreferrer";
    return a;
  }

  function what(p) {
    if (p.kind === "pick") return `Your pick #${p.rank}` + (p.interest ? ` · ${p.interest}` : "");
    if (p.kind === "own") return "Your paper" + (p.interest ? ` · ${p.interest}` : "");
    if (p.kind === "excluded") return "Your paper, left out of ranking";
    return "Listed the same day";
  }

  function show(i) {
    const p = points[i];
    if (chosen !== null && marks.has(chosen)) marks.get(chosen).classList.remove("chosen");
    chosen = i;
    if (marks.has(i)) marks.get(i).classList.add("chosen");
    card.replaceChildren();
    card.append(line("p", "kind", what(p)));
    const title = line("h3");
    title.append(p.link ? link(p.link, p.title, true) : document.createTextNode(p.title));
    card.append(title);
    if (p.authors) card.append(line("p", "authors", p.authors));
    const more = line("p", "more");
    if (p.kind === "pick") more.append(link(`/#p-${p.id}`, "In today's list"), " · ");
    more.append(link(`/search?like=${encodeURIComponent(p.id)}`, "Similar papers"));
    card.append(more);
    const close = line("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", () => { card.hidden = true; });
    card.append(close);
    card.hidden = false;
    card.scrollIntoView({ block: "nearest" });
  }

  // Marks and labels keep their screen size on a narrow screen (style.css scales them by
  // --k), and each label is moved to the nearest place around its spot where it covers no
  // pick, no paper of yours and no other label: the interests first, then the day's
  // regions, which give way (hidden) where there is no room for them.
  const labels = [...svg.querySelectorAll(".ilabel"), ...svg.querySelectorAll(".rlabel")];
  const home = labels.map((label) => [Number(label.getAttribute("x")), Number(label.getAttribute("y"))]);
  const RADIUS = { pick: 11, own: 6.5, excluded: 6.5 };
  const view = svg.viewBox.baseVal;

  function overlap(a, b) {
    const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
    const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    return w > 0 && h > 0 ? w * h : 0;
  }

  function fit() {
    const width = svg.getBoundingClientRect().width;
    if (!width) return;
    const k = Math.min(Math.max(view.width / width, 1), 2.2);
    svg.style.setProperty("--k", k.toFixed(3));
    const marks = points.filter((p) => p.kind in RADIUS).map((p) => {
      const r = RADIUS[p.kind] * k;
      return { x1: p.x - r, y1: p.y - r, x2: p.x + r, y2: p.y + r };
    });
    const placed = [];
    labels.forEach((label, n) => {
      const [hx, hy] = home[n];
      const region = label.classList.contains("rlabel");
      label.setAttribute("x", hx);
      label.setAttribute("y", hy);
      label.style.display = "";
      const box = label.getBBox();
      const w = box.width * k;
      const h = box.height * k;
      let best = null;
      for (let ring = 0; ring < (region ? 4 : 7); ring += 1) {
        for (let a = 0; a < (ring ? 12 : 1); a += 1) {
          const angle = (a * Math.PI) / 6 - Math.PI / 2; // upwards first
          const cx = hx + Math.cos(angle) * ring * h * 1.1;
          const cy = hy + Math.sin(angle) * ring * h * 0.9;
          const r = { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 };
          if (r.x1 < 2 || r.y1 < 2 || r.x2 > view.width - 2 || r.y2 > view.height - 2) continue;
          const covered = marks.reduce((sum, m) => sum + overlap(r, m), 0)
            + placed.reduce((sum, o) => sum + 50 * overlap(r, o), 0);
          const score = covered + ring * h * 2;
          if (best === null || score < best.score) best = { score, cx, cy, r };
        }
        if (best && best.score <= ring * h * 2) break; // nothing covered: nearest ring wins
      }
      const crowded = best && placed.some((o) => overlap(best.r, o) > 0);
      if (!best || (region && crowded)) {
        label.style.display = "none";
        return;
      }
      label.setAttribute("x", best.cx.toFixed(1));
      label.setAttribute("y", (best.cy + (h / 2) * 0.7).toFixed(1)); // y is the baseline
      placed.push(best.r);
    });
  }
  fit();
  window.addEventListener("resize", fit);

  svg.addEventListener("click", (event) => {
    const i = nearest(event);
    if (i === null) return;
    event.preventDefault(); // show the paper here instead of leaving the page
    show(i);
  });
  svg.addEventListener("focusin", (event) => {
    const mark = event.target.closest("[data-i]");
    if (mark) show(Number(mark.dataset.i));
  });
})();
