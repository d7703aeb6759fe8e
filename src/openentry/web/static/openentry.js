/* openentry's pages: what applies in the form, share links, charts. No build step. */
(function () {
  "use strict";

  // --- Questions that apply (web/forms.py declares the conditions; the server applies them too)
  function fieldValue(form, path) {
    var inputs = form.querySelectorAll('[name="' + path.replace(/"/g, '\\"') + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked && !input.disabled) return input.value;
      } else if (!input.disabled) {
        return (input.value || "").trim();
      }
    }
    return "";
  }

  function holds(form, condition) {
    for (var i = 0; i < condition.length; i++) {
      var path = condition[i][0], allowed = condition[i][1], value = fieldValue(form, path);
      if (allowed === null ? value === "" : allowed.indexOf(value) < 0) return false;
    }
    return true;
  }

  function applyConditions(form) {
    // Outer conditions first, so an inner field reads the state its container left.
    var elements = form.querySelectorAll("[data-shown-when]");
    for (var pass = 0; pass < 2; pass++) {
      for (var i = 0; i < elements.length; i++) {
        var element = elements[i];
        var shown = holds(form, JSON.parse(element.getAttribute("data-shown-when")));
        element.hidden = !shown;
        var controls = element.querySelectorAll("input, select, textarea");
        for (var j = 0; j < controls.length; j++) {
          var hiddenAbove = controls[j].closest("[hidden]");
          controls[j].disabled = hiddenAbove !== null;
        }
      }
    }
  }

  function setUpForms(root) {
    var forms = root.querySelectorAll("form.profile");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      applyConditions(form);
      if (!form.dataset.watched) {
        form.dataset.watched = "yes";
        form.addEventListener("change", function (event) { applyConditions(event.currentTarget); });
      }
    }
  }

  // --- A profile carried in the address's fragment (#profile=base64url(JSON)): never sent to
  // the server by the browser; the page puts it in the paste box and submits it.
  function decodeFragment() {
    var match = /^#profile=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!match) return null;
    var text = match[1].replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) text += "=";
    try {
      var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
      return new TextDecoder("utf-8").decode(bytes);
    } catch (error) {
      return null;
    }
  }

  function loadFragment() {
    var json = decodeFragment();
    var form = document.querySelector("form.profile");
    if (json === null || !form) return;
    var box = form.querySelector('textarea[name="profile_json"]');
    var button = form.querySelector('button[name="action"][value="paste"]');
    if (!box || !button) return;
    box.value = json;
    box.closest("details").open = true;
    form.requestSubmit(button);
  }

  // --- Charts: a Vega-Lite specification in <script type="application/json" id=…> beside each
  // <div class="chart" data-chart=…>, drawn by vega-embed (served from the package).
  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") return;
    var locale = document.getElementById("chart-locale");
    var conventions = locale ? JSON.parse(locale.textContent) : null;
    var charts = root.querySelectorAll("div.chart[data-chart]");
    for (var i = 0; i < charts.length; i++) {
      var element = charts[i];
      if (element.dataset.drawn) continue;
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) continue;
      element.dataset.drawn = "yes";
      var options = { actions: false, renderer: "svg", mode: "vega-lite" };
      if (conventions) {
        options.formatLocale = conventions.number;
        options.timeFormatLocale = conventions.time;
      }
      window.vegaEmbed(element, JSON.parse(source.textContent), options).then(function (result) {
        result.view.container().setAttribute("data-rendered", "yes");
      }).catch(function (error) {
        console.error(error);
      });
    }
  }

  function focusAfterSwap(root) {
    var target = root.querySelector("#error-summary") || root.querySelector("#result h2[tabindex]");
    if (target) target.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpForms(document);
    drawCharts(document);
    loadFragment();
  });
  window.addEventListener("load", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    setUpForms(document);
    drawCharts(document);
    if (event.detail && event.detail.elt && event.detail.elt.id === "page-main") {
      focusAfterSwap(document.getElementById("page-main"));
    }
  });
})();
