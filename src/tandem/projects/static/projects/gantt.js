/* The Gantt chart of a project (projects/gantt/gantt.html).

   Data comes from GET /api/v1/projects/{id}/gantt. The chart is one SVG the size of the visible
   area, redrawn on every scroll with only the rows and days in view (a few hundred elements
   whatever the plan's size), so a 5,000-task plan scrolls and drags as smoothly as a small one.
   The project's manager (or an administrator) drags a bar to move its task or its right end to
   change the duration; the change is saved with PATCH /api/v1/tasks/{id} carrying the task's
   version, then the whole chart is fetched again so the successors show their new dates.
   Nothing here writes inline styles as markup (the CSP forbids them): only CSSOM and attributes. */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var ROW = 26;
  var HEAD = 44;
  var LEFT = 320;
  var BAR = 14;
  var HANDLE = 8;
  var ZOOMS = { day: 26, week: 7, month: 2 };

  function dayNumber(iso) {
    if (!iso) {
      return null;
    }
    return Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS);
  }

  function isoOf(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function weekdayOf(day) { // 0 = Monday, as the calendar's working weekdays
    return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
  }

  function node(name, attrs, parent) {
    var el = document.createElementNS(NS, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        el.setAttribute(key, attrs[key]);
      }
    }
    if (parent) {
      parent.appendChild(el);
    }
    return el;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    }).replace(/%%/g, "%");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function Gantt(root) {
    this.root = root;
    this.url = root.getAttribute("data-url");
    this.taskUrl = root.getAttribute("data-task-url");
    this.canEdit = root.getAttribute("data-can-edit") === "true";
    this.viewport = root.querySelector("[data-viewport]");
    this.spacer = root.querySelector("[data-spacer]");
    this.svg = root.querySelector("[data-svg]");
    this.status = root.querySelector("[data-status]");
    this.baselineSelect = root.querySelector("[data-baseline]");
    this.messages = JSON.parse(root.querySelector("[data-messages]").textContent);
    var lang = document.documentElement.lang || "en";
    this.monthFormat = new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" });
    this.monthShort = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });
    this.dateFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    this.zoom = "week";
    this.dayWidth = ZOOMS.week;
    this.showBaseline = true;
    this.baseline = null;
    this.drag = null;
    this.saving = false;
    this.renders = 0;
    this.data = null;
    this.bind();
    this.load(true);
  }

  Gantt.prototype.say = function (text) {
    this.status.textContent = text;
  };

  Gantt.prototype.load = function (first) {
    var self = this;
    var started = performance.now();
    var url = this.url + (this.baseline !== null ? "?baseline=" + encodeURIComponent(this.baseline) : "");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        self.index(data);
        if (first) {
          self.viewport.scrollLeft = 0;
        }
        self.draw();
        self.renders += 1;
        self.root.setAttribute("data-state", "ready");
        self.root.setAttribute("data-renders", String(self.renders));
        self.root.setAttribute("data-render-ms", String(Math.round(performance.now() - started)));
        if (first) {
          self.say(self.tasks.length ? format(self.messages.tasks, {
            count: self.tasks.length.toLocaleString(document.documentElement.lang || "en"),
            critical: self.criticalCount.toLocaleString(document.documentElement.lang || "en")
          }) : self.messages.empty);
        }
      })
      .catch(function () {
        self.root.setAttribute("data-state", "error");
        self.say(self.messages.loadFailed);
      });
  };

  // Turn the answer into what drawing needs: day numbers, rows by id, links by task.
  Gantt.prototype.index = function (data) {
    this.data = data;
    this.tasks = data.tasks;
    this.byId = new Map();
    this.rowOf = new Map();
    this.criticalCount = 0;
    var min = dayNumber(data.project.start);
    var max = dayNumber(data.project.finish) || min;
    var i;
    for (i = 0; i < this.tasks.length; i++) {
      var t = this.tasks[i];
      t.s = dayNumber(t.start);
      t.f = dayNumber(t.finish);
      if (t.s !== null && t.s < min) { min = t.s; }
      if (t.f !== null && t.f > max) { max = t.f; }
      if (t.critical && !t.summary) { this.criticalCount += 1; }
      this.byId.set(t.id, t);
      this.rowOf.set(t.id, i);
    }
    this.links = new Map();
    for (i = 0; i < data.dependencies.length; i++) {
      var d = data.dependencies[i];
      this.linkOf(d.predecessor).push(d);
      this.linkOf(d.successor).push(d);
    }
    this.baselineOf = new Map();
    for (i = 0; i < data.baseline_bars.length; i++) {
      var b = data.baseline_bars[i];
      var bs = dayNumber(b.start);
      var bf = dayNumber(b.finish);
      this.baselineOf.set(b.task, { s: bs, f: bf });
      if (bs !== null && bs < min) { min = bs; }
      if (bf !== null && bf > max) { max = bf; }
    }
    this.today = dayNumber(data.today);
    this.weekdays = data.project.working_weekdays || [0, 1, 2, 3, 4];
    this.origin = min - 7;
    this.end = Math.max(max, this.today) + 21;
    this.baseline = data.baseline;
    this.fillBaselines(data);
    this.layout();
  };

  Gantt.prototype.linkOf = function (id) {
    var list = this.links.get(id);
    if (!list) {
      list = [];
      this.links.set(id, list);
    }
    return list;
  };

  Gantt.prototype.fillBaselines = function (data) {
    var select = this.baselineSelect;
    while (select.options.length > 1) {
      select.remove(1);
    }
    data.baselines.forEach(function (b) {
      var option = document.createElement("option");
      option.value = String(b.number);
      option.textContent = b.name;
      select.appendChild(option);
    });
    select.value = this.showBaseline && data.baseline !== null ? String(data.baseline) : "";
    select.disabled = data.baselines.length === 0;
  };

  Gantt.prototype.layout = function () {
    this.spacer.style.width = (LEFT + (this.end - this.origin + 1) * this.dayWidth) + "px";
    this.spacer.style.height = (HEAD + this.tasks.length * ROW) + "px";
  };

  Gantt.prototype.x = function (day) {
    return LEFT + (day - this.origin) * this.dayWidth - this.viewport.scrollLeft;
  };

  // Dates of a task as drawn: moved or stretched while it is being dragged.
  Gantt.prototype.span = function (t) {
    var s = t.s;
    var f = t.f;
    if (this.drag && this.drag.id === t.id) {
      if (this.drag.mode === "move") {
        s += this.drag.delta;
        f += this.drag.delta;
      } else {
        f = Math.max(s, f + this.drag.delta);
      }
    }
    return { s: s, f: f };
  };

  Gantt.prototype.draw = function () {
    if (!this.data) {
      return;
    }
    var vp = this.viewport;
    var width = vp.clientWidth;
    var height = vp.clientHeight;
    var top = vp.scrollTop;
    var svg = this.svg;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.style.transform = "translate(" + vp.scrollLeft + "px, " + top + "px)";
    svg.textContent = "";
    this.defs(svg, width, height);
    var first = Math.max(0, Math.floor(top / ROW));
    var last = Math.min(this.tasks.length - 1, Math.ceil((top + height - HEAD) / ROW));
    var dayFrom = this.origin + Math.floor(vp.scrollLeft / this.dayWidth) - 1;
    var dayTo = this.origin + Math.ceil((vp.scrollLeft + width - LEFT) / this.dayWidth) + 1;
    var chart = node("g", { "clip-path": "url(#gantt-chart-clip)" }, svg);
    this.drawGrid(chart, first, last, dayFrom, dayTo, height, top);
    this.drawLinks(chart, first, last, top);
    this.drawBars(chart, first, last, top);
    if (this.today >= dayFrom && this.today <= dayTo) {
      var tx = this.x(this.today);
      node("line", { x1: tx, x2: tx, y1: HEAD, y2: height, "class": "gantt__today" }, chart);
    }
    this.drawHeader(svg, dayFrom, dayTo, width);
    this.drawNames(svg, first, last, top, height);
  };

  Gantt.prototype.defs = function (svg, width, height) {
    var defs = node("defs", {}, svg);
    var clip = node("clipPath", { id: "gantt-chart-clip" }, defs);
    node("rect", { x: LEFT, y: HEAD, width: Math.max(0, width - LEFT), height: Math.max(0, height - HEAD) }, clip);
    var headClip = node("clipPath", { id: "gantt-head-clip" }, defs);
    node("rect", { x: LEFT, y: 0, width: Math.max(0, width - LEFT), height: HEAD }, headClip);
    var nameClip = node("clipPath", { id: "gantt-name-clip" }, defs);
    node("rect", { x: 0, y: HEAD, width: LEFT - 8, height: Math.max(0, height - HEAD) }, nameClip);
    ["", "--critical"].forEach(function (variant) {
      var marker = node("marker", {
        id: "gantt-arrow" + variant, viewBox: "0 0 8 8", refX: "7", refY: "4",
        markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"
      }, defs);
      node("path", { d: "M0,0 L8,4 L0,8 z", "class": "gantt__arrowhead" + (variant ? " gantt__arrowhead" + variant : "") }, marker);
    });
  };

  Gantt.prototype.drawGrid = function (g, first, last, dayFrom, dayTo, height, top) {
    var i;
    for (i = first; i <= last; i++) {
      if (i % 2 === 1) {
        node("rect", { x: LEFT, y: HEAD + i * ROW - top, width: "100%", height: ROW, "class": "gantt__stripe" }, g);
      }
    }
    var dw = this.dayWidth;
    for (var d = dayFrom; d <= dayTo; d++) {
      var wd = weekdayOf(d);
      if (this.zoom === "day" && this.weekdays.indexOf(wd) === -1) {
        node("rect", { x: this.x(d), y: HEAD, width: dw, height: height - HEAD, "class": "gantt__off" }, g);
      }
      var date = new Date(d * DAY_MS);
      var tick = this.zoom === "day" ? wd === 0 : this.zoom === "week" ? wd === 0 : date.getUTCDate() === 1;
      if (tick) {
        node("line", { x1: this.x(d), x2: this.x(d), y1: HEAD, y2: height, "class": "gantt__tick" }, g);
      }
    }
  };

  Gantt.prototype.drawHeader = function (svg, dayFrom, dayTo, width) {
    var g = node("g", { "class": "gantt__head" }, svg);
    node("rect", { x: 0, y: 0, width: width, height: HEAD, "class": "gantt__head-bg" }, g);
    var scale = node("g", { "clip-path": "url(#gantt-head-clip)" }, g);
    var dw = this.dayWidth;
    for (var d = dayFrom; d <= dayTo; d++) {
      var date = new Date(d * DAY_MS);
      var x = this.x(d);
      var dom = date.getUTCDate();
      var wd = weekdayOf(d);
      if (this.zoom === "month") {
        if (date.getUTCMonth() === 0 && dom === 1 || d === dayFrom) {
          this.label(scale, Math.max(x, LEFT) + 4, 16, String(date.getUTCFullYear()), "gantt__head-upper");
        }
        if (dom === 1) {
          node("line", { x1: x, x2: x, y1: 22, y2: HEAD, "class": "gantt__tick" }, scale);
          this.label(scale, x + 3, 37, this.monthShort.format(date), "gantt__head-lower");
        }
      } else {
        if (dom === 1 || d === dayFrom) {
          node("line", { x1: x, x2: x, y1: 0, y2: 22, "class": "gantt__tick" }, scale);
          this.label(scale, Math.max(x, LEFT) + 4, 16, this.monthFormat.format(date), "gantt__head-upper");
        }
        if (this.zoom === "day") {
          this.label(scale, x + dw / 2, 37, String(dom), "gantt__head-lower gantt__head-day");
        } else if (wd === 0) {
          node("line", { x1: x, x2: x, y1: 22, y2: HEAD, "class": "gantt__tick" }, scale);
          this.label(scale, x + 3, 37, String(dom), "gantt__head-lower");
        }
      }
    }
    if (this.today >= dayFrom && this.today <= dayTo) {
      var tx = this.x(this.today);
      node("line", { x1: tx, x2: tx, y1: 22, y2: HEAD, "class": "gantt__today" }, scale);
    }
    node("line", { x1: 0, x2: width, y1: HEAD - 0.5, y2: HEAD - 0.5, "class": "gantt__rule" }, g);
  };

  Gantt.prototype.label = function (parent, x, y, text, cls) {
    var t = node("text", { x: x, y: y, "class": cls }, parent);
    t.textContent = text;
    return t;
  };

  Gantt.prototype.drawNames = function (svg, first, last, top, height) {
    var g = node("g", { "class": "gantt__names" }, svg);
    node("rect", { x: 0, y: 0, width: LEFT, height: height, "class": "gantt__names-bg" }, g);
    this.label(g, 10, 28, this.messages.name, "gantt__head-upper");
    var rows = node("g", { "clip-path": "url(#gantt-name-clip)" }, g);
    for (var i = first; i <= last; i++) {
      var t = this.tasks[i];
      var y = HEAD + i * ROW - top;
      if (i % 2 === 1) {
        node("rect", { x: 0, y: y, width: LEFT, height: ROW, "class": "gantt__stripe" }, rows);
      }
      var text = this.label(rows, 10 + (t.level - 1) * 14, y + ROW / 2 + 4, "",
        "gantt__name" + (t.summary ? " gantt__name--summary" : "") + (t.critical && !t.summary ? " gantt__name--critical" : ""));
      var code = node("tspan", { "class": "gantt__wbs" }, text);
      code.textContent = t.wbs + " ";
      var name = node("tspan", {}, text);
      name.textContent = t.name;
    }
    node("line", { x1: LEFT - 0.5, x2: LEFT - 0.5, y1: 0, y2: height, "class": "gantt__rule" }, g);
  };

  Gantt.prototype.drawBars = function (g, first, last, top) {
    var dw = this.dayWidth;
    for (var i = first; i <= last; i++) {
      var t = this.tasks[i];
      if (t.s === null || t.f === null) {
        continue;
      }
      var y = HEAD + i * ROW - top;
      var span = this.span(t);
      var x1 = this.x(span.s);
      var x2 = this.x(span.f + 1);
      var classes = "gantt__task" + (t.critical ? " is-critical" : "") + (t.summary ? " is-summary" : "") +
        (t.milestone ? " is-milestone" : "") + (this.drag && this.drag.id === t.id ? " is-dragging" : "") +
        (this.canEdit && !t.summary ? " is-editable" : "");
      var bar = node("g", { "class": classes, "data-task-id": t.id, "data-start": isoOf(span.s), "data-finish": isoOf(span.f) }, g);
      var base = this.showBaseline ? this.baselineOf.get(t.id) : null;
      if (base && base.s !== null && base.f !== null) {
        if (t.milestone) {
          var bx = this.x(base.s);
          node("polygon", { points: this.diamond(bx, y + ROW - 6, 4), "class": "gantt__baseline" }, bar);
        } else {
          node("rect", { x: this.x(base.s), y: y + ROW - 7, width: Math.max(2, (base.f - base.s + 1) * dw), height: 4, "class": "gantt__baseline" }, bar);
        }
      }
      var title = node("title", {}, bar);
      title.textContent = this.describe(t, span, base);
      var mid = y + (ROW - 6) / 2;
      if (t.milestone) {
        node("polygon", { points: this.diamond(x1, mid, 7), "class": "gantt__milestone" }, bar);
      } else if (t.summary) {
        var sy = mid - 3;
        node("path", {
          d: "M" + x1 + "," + (sy + 9) + " V" + sy + " H" + x2 + " V" + (sy + 9) + " L" + (x2 - 5) + "," + (sy + 5) +
            " H" + (x1 + 5) + " Z",
          "class": "gantt__summary"
        }, bar);
      } else {
        var by = mid - BAR / 2;
        var w = Math.max(2, x2 - x1);
        node("rect", { x: x1, y: by, width: w, height: BAR, rx: 3, "class": "gantt__bar" }, bar);
        if (t.percent_complete > 0) {
          node("rect", { x: x1, y: by + BAR - 4, width: w * t.percent_complete / 100, height: 4, "class": "gantt__progress" }, bar);
        }
        if (this.canEdit) {
          node("rect", { x: x1 + w - HANDLE / 2, y: by, width: HANDLE, height: BAR, "class": "gantt__handle", "data-handle": "resize" }, bar);
        }
      }
    }
  };

  Gantt.prototype.diamond = function (x, y, r) {
    return x + "," + (y - r) + " " + (x + r) + "," + y + " " + x + "," + (y + r) + " " + (x - r) + "," + y;
  };

  Gantt.prototype.describe = function (t, span, base) {
    var m = this.messages;
    var lines = [t.wbs + " " + t.name,
      this.dateFormat.format(new Date(span.s * DAY_MS)) + " – " + this.dateFormat.format(new Date(span.f * DAY_MS))];
    if (!t.milestone) {
      lines.push(format(m.days, { count: t.duration }));
    }
    lines.push(format(m.float, { count: t.total_float }));
    if (t.percent_complete) {
      lines.push(format(m.complete, { count: t.percent_complete }));
    }
    if (base && base.s !== null) {
      lines.push(format(m.baselineWas, {
        start: this.dateFormat.format(new Date(base.s * DAY_MS)),
        finish: this.dateFormat.format(new Date(base.f * DAY_MS))
      }));
    }
    if (t.assignee) {
      lines.push(t.assignee);
    }
    return lines.join("\n");
  };

  // Links with at least one end in view; the other end may be far above or below.
  Gantt.prototype.drawLinks = function (g, first, last, top) {
    var seen = new Set();
    for (var i = first; i <= last; i++) {
      var list = this.links.get(this.tasks[i].id);
      if (!list) {
        continue;
      }
      for (var j = 0; j < list.length; j++) {
        var d = list[j];
        if (seen.has(d.id)) {
          continue;
        }
        seen.add(d.id);
        this.drawLink(g, d, top);
      }
    }
  };

  Gantt.prototype.drawLink = function (g, d, top) {
    var a = this.byId.get(d.predecessor);
    var b = this.byId.get(d.successor);
    if (!a || !b || a.s === null || b.s === null) {
      return;
    }
    var sa = this.span(a);
    var sb = this.span(b);
    var fromFinish = d.type === "FS" || d.type === "FF";
    var toStart = d.type === "FS" || d.type === "SS";
    var x1 = fromFinish ? this.x(sa.f + 1) : this.x(sa.s);
    var x2 = toStart ? this.x(sb.s) : this.x(sb.f + 1);
    if (a.milestone) { x1 = this.x(sa.s) + (fromFinish ? 7 : -7); }
    if (b.milestone) { x2 = this.x(sb.s) + (toStart ? -7 : 7); }
    var y1 = HEAD + this.rowOf.get(a.id) * ROW - top + (ROW - 6) / 2;
    var y2 = HEAD + this.rowOf.get(b.id) * ROW - top + (ROW - 6) / 2;
    var out = fromFinish ? 1 : -1;
    var into = toStart ? 1 : -1;
    var p1 = x1 + 6 * out;
    var p2 = x2 - 6 * into;
    var path;
    if ((into > 0 && p2 >= p1) || (into < 0 && p2 <= p1)) {
      path = "M" + x1 + "," + y1 + " H" + p1 + " V" + y2 + " H" + x2;
    } else {
      var ymid = y2 + (y2 > y1 ? -ROW / 2 : ROW / 2);
      path = "M" + x1 + "," + y1 + " H" + p1 + " V" + ymid + " H" + p2 + " V" + y2 + " H" + x2;
    }
    var critical = a.critical && b.critical && !a.summary && !b.summary;
    node("path", {
      d: path,
      "class": "gantt__link" + (critical ? " is-critical" : ""),
      "marker-end": "url(#gantt-arrow" + (critical ? "--critical" : "") + ")",
      "data-link": d.predecessor + "-" + d.successor
    }, g);
  };

  // Working days a finish gains (positive) or loses (negative) when it moves from ``from`` to ``to``.
  Gantt.prototype.workingDaysBetween = function (from, to) {
    var low = Math.min(from, to);
    var high = Math.max(from, to);
    var count = 0;
    for (var d = low + 1; d <= high; d++) {
      if (this.weekdays.indexOf(weekdayOf(d)) !== -1) {
        count += 1;
      }
    }
    return to >= from ? count : -count;
  };

  Gantt.prototype.bind = function () {
    var self = this;
    var frame = null;
    this.viewport.addEventListener("scroll", function () {
      self.draw();
    }, { passive: true });
    window.addEventListener("resize", function () {
      if (frame === null) {
        frame = window.requestAnimationFrame(function () {
          frame = null;
          self.draw();
        });
      }
    });
    this.root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        self.setZoom(button.getAttribute("data-zoom"));
      });
    });
    this.root.querySelector("[data-today]").addEventListener("click", function () {
      if (self.data) {
        self.viewport.scrollLeft = Math.max(0, (self.today - self.origin) * self.dayWidth - (self.viewport.clientWidth - LEFT) / 3);
        self.draw();
      }
    });
    this.baselineSelect.addEventListener("change", function () {
      var value = self.baselineSelect.value;
      self.showBaseline = value !== "";
      if (value !== "" && Number(value) !== self.baseline) {
        self.baseline = Number(value);
        self.load(false);
      } else {
        self.draw();
      }
    });
    this.svg.addEventListener("pointerdown", function (event) { self.pointerDown(event); });
    this.svg.addEventListener("pointermove", function (event) { self.pointerMove(event); });
    this.svg.addEventListener("pointerup", function (event) { self.pointerUp(event); });
    this.svg.addEventListener("pointercancel", function () {
      self.drag = null;
      self.draw();
    });
  };

  Gantt.prototype.setZoom = function (zoom) {
    if (!ZOOMS[zoom] || zoom === this.zoom) {
      return;
    }
    var vp = this.viewport;
    var centre = this.data ? this.origin + (vp.scrollLeft + (vp.clientWidth - LEFT) / 2) / this.dayWidth : 0;
    this.zoom = zoom;
    this.dayWidth = ZOOMS[zoom];
    this.root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-zoom") === zoom ? "true" : "false");
    });
    this.root.setAttribute("data-zoom-level", zoom);
    if (this.data) {
      this.layout();
      vp.scrollLeft = Math.max(0, (centre - this.origin) * this.dayWidth - (vp.clientWidth - LEFT) / 2);
      this.draw();
    }
  };

  Gantt.prototype.pointerDown = function (event) {
    if (!this.canEdit || this.saving || event.button !== 0) {
      return;
    }
    var target = event.target instanceof Element ? event.target : null;
    var group = target ? target.closest("[data-task-id]") : null;
    if (!group) {
      return;
    }
    var task = this.byId.get(Number(group.getAttribute("data-task-id")));
    if (!task || task.summary) {
      return;
    }
    var resize = target.getAttribute("data-handle") === "resize" && !task.milestone;
    this.drag = { id: task.id, mode: resize ? "resize" : "move", x0: event.clientX, delta: 0, pointer: event.pointerId };
    this.svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  };

  Gantt.prototype.pointerMove = function (event) {
    if (!this.drag || event.pointerId !== this.drag.pointer) {
      return;
    }
    var delta = Math.round((event.clientX - this.drag.x0) / this.dayWidth);
    if (delta !== this.drag.delta) {
      this.drag.delta = delta;
      this.draw();
    }
  };

  Gantt.prototype.pointerUp = function (event) {
    var drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) {
      return;
    }
    this.svg.releasePointerCapture(event.pointerId);
    var task = this.byId.get(drag.id);
    if (!task || drag.delta === 0) {
      this.drag = null;
      this.draw();
      return;
    }
    var body = { version: task.version };
    if (drag.mode === "move") {
      body.start = isoOf(task.s + drag.delta);
    } else {
      var newFinish = Math.max(task.s, task.f + drag.delta);
      body.duration = Math.max(1, task.duration + this.workingDaysBetween(task.f, newFinish));
      if (body.duration === task.duration) {
        this.drag = null;
        this.draw();
        return;
      }
    }
    this.save(task, body);
  };

  Gantt.prototype.save = function (task, body) {
    var self = this;
    var messages = this.messages;
    this.saving = true;
    this.root.setAttribute("data-state", "saving");
    this.say(messages.saving);
    fetch(this.taskUrl + encodeURIComponent(task.id), {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) {
          self.say(format(messages.saved, {
            name: answer.name || task.name,
            start: answer.start ? self.dateFormat.format(new Date(dayNumber(answer.start) * DAY_MS)) : "",
            finish: answer.finish ? self.dateFormat.format(new Date(dayNumber(answer.finish) * DAY_MS)) : ""
          }));
        } else if (response.status === 409) {
          self.say(messages.conflict);
        } else {
          self.say(format(messages.failed, { detail: answer.detail || response.statusText }));
        }
      });
    }).catch(function () {
      self.say(format(messages.failed, { detail: "network" }));
    }).then(function () {
      self.drag = null;
      return self.load(false);
    }).then(function () {
      self.saving = false;
      if (self.root.getAttribute("data-state") !== "error") {
        self.root.setAttribute("data-state", "ready");
      }
    });
  };

  function start() {
    document.querySelectorAll("[data-gantt]").forEach(function (root) {
      if (!root.ganttChart) {
        root.ganttChart = new Gantt(root);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
