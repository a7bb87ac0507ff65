/*
 * portal.js – small progressive enhancements for the recruitment portal.
 *
 * - Prevents double submits of forms (unless the form has
 *   data-allow-resubmit). Buttons are only marked aria-disabled, never
 *   disabled, so the clicked button's name/value is still submitted.
 * - Moves focus to #error-summary after page load and after htmx swaps.
 * - Keeps aria-invalid in step with field errors refilled out of band.
 *
 * No inline handlers, no eval: works with CSP script-src 'self'.
 */
(function () {
  "use strict";

  if (typeof document === "undefined" || !document.addEventListener) {
    return;
  }

  var LOCK_MS = 10000;
  var LOCKED_CLASS = "is-submitting";
  var locks = typeof WeakMap === "function" ? new WeakMap() : null;

  function isForm(el) {
    return !!el && el.nodeType === 1 && el.tagName === "FORM";
  }

  function allowsResubmit(form) {
    return form.hasAttribute("data-allow-resubmit");
  }

  function submitButtons(form) {
    var result = [];
    var elements = form.elements || [];
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var type = (el.type || "").toLowerCase();
      if ((el.tagName === "BUTTON" || el.tagName === "INPUT") &&
          (type === "submit" || type === "image")) {
        result.push(el);
      }
    }
    return result;
  }

  function isLocked(form) {
    return !!(locks && locks.get(form));
  }

  function unlock(form) {
    if (!locks || !isForm(form)) {
      return;
    }
    var state = locks.get(form);
    if (!state) {
      return;
    }
    locks.delete(form);
    window.clearTimeout(state.timer);
    window.clearTimeout(state.markTimer);
    form.classList.remove(LOCKED_CLASS);
    form.removeAttribute("aria-busy");
    for (var i = 0; i < state.buttons.length; i++) {
      var item = state.buttons[i];
      if (item.previous === null) {
        item.button.removeAttribute("aria-disabled");
      } else {
        item.button.setAttribute("aria-disabled", item.previous);
      }
    }
  }

  function lock(form) {
    if (!locks || !isForm(form) || allowsResubmit(form) || isLocked(form)) {
      return;
    }
    var state = { buttons: [], timer: null, markTimer: null };
    locks.set(form, state);
    // Mark the buttons after the submission has been dispatched so that
    // nothing can interfere with the submitter's name/value.
    state.markTimer = window.setTimeout(function () {
      if (locks.get(form) !== state) {
        return;
      }
      form.classList.add(LOCKED_CLASS);
      form.setAttribute("aria-busy", "true");
      var buttons = submitButtons(form);
      for (var i = 0; i < buttons.length; i++) {
        state.buttons.push({
          button: buttons[i],
          previous: buttons[i].getAttribute("aria-disabled")
        });
        buttons[i].setAttribute("aria-disabled", "true");
      }
    }, 0);
    state.timer = window.setTimeout(function () {
      if (locks.get(form) === state) {
        unlock(form);
      }
    }, LOCK_MS);
  }

  // Capture phase: runs before any handler on the form itself (including
  // htmx), so a repeated submit is stopped completely.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (isForm(form) && !allowsResubmit(form) && isLocked(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Bubble phase: only lock when the browser will really submit the form.
  // If something cancelled the event (htmx, client-side checks), the htmx
  // request events below take care of locking instead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (isForm(form) && !event.defaultPrevented) {
      lock(form);
    }
  });

  function formForHtmxEvent(event) {
    var detail = event.detail || {};
    var elt = detail.elt || event.target;
    if (isForm(elt)) {
      return elt;
    }
    if (elt && elt.form && isForm(elt.form)) {
      var type = (elt.type || "").toLowerCase();
      if (type === "submit" || type === "image") {
        return elt.form;
      }
    }
    return null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formForHtmxEvent(event);
    if (!form) {
      return;
    }
    var detail = event.detail || {};
    var config = detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    // Only lock for real submissions (not e.g. live checks on change).
    if (!trigger || trigger.type === "submit" || trigger.type === "click") {
      lock(form);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formForHtmxEvent(event);
    if (form) {
      unlock(form);
    }
  });

  // Coming back via the back/forward cache must not leave forms locked.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !locks) {
      return;
    }
    var forms = document.forms || [];
    for (var i = 0; i < forms.length; i++) {
      unlock(forms[i]);
    }
  });

  // --- Error summary focus -------------------------------------------------

  function focusErrorSummary(summary) {
    if (!summary || typeof summary.focus !== "function") {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    try {
      summary.focus();
    } catch (e) {
      // ignore – focusing is an enhancement only
    }
  }

  function findErrorSummary(root) {
    if (!root || root.nodeType !== 1) {
      return null;
    }
    if (root.id === "error-summary") {
      return root;
    }
    return typeof root.querySelector === "function"
      ? root.querySelector("#error-summary")
      : null;
  }

  var pendingFocus = false;
  document.addEventListener("htmx:afterSwap", function (event) {
    var summary = findErrorSummary(event.target);
    if (!summary || pendingFocus) {
      return;
    }
    // One swap can fire several afterSwap events; focus once.
    pendingFocus = true;
    window.setTimeout(function () {
      pendingFocus = false;
      if (document.documentElement.contains(summary)) {
        focusErrorSummary(summary);
      } else {
        focusErrorSummary(document.getElementById("error-summary"));
      }
    }, 0);
  });

  // --- Errors refilled out of band ------------------------------------------
  // A form that htmx does not replace (the results filters) gets its field errors in
  // slots refilled out of band; the field's aria-invalid and error style follow here.

  function syncErrorSlots() {
    var slots = document.querySelectorAll("[data-error-for]");
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i];
      var input = document.getElementById(slot.getAttribute("data-error-for"));
      var hasError = !!slot.querySelector(".field-error");
      if (input) {
        if (hasError) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
      var wrapper = slot.closest(".field");
      if (wrapper) {
        wrapper.classList.toggle("has-error", hasError);
      }
    }
  }

  document.addEventListener("htmx:oobAfterSwap", syncErrorSlots);

  function onReady() {
    focusErrorSummary(document.getElementById("error-summary"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();
