/* The workspace's small behaviours (no inline script: the Content-Security-Policy forbids it).
   - Placeholder toolbars: a button inserts its placeholder at the cursor of its box; one Tab stop per
     toolbar, the arrow keys move between its buttons (the ARIA toolbar pattern).
   - A refused save: the error summary takes the focus, so it is read first.
   - A box or button focused under its group's sticky Save bar is scrolled up above it (WCAG 2.4.11: the
     browser scrolls a focused element into view, but not out from under a sticky bar). */
(function () {
  "use strict";

  function insert(box, text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number") { start = end = box.value.length; }
    box.focus();
    box.setRangeText(text, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toolbar(bar) {
    var box = document.getElementById(bar.getAttribute("data-target"));
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-insert]"));
    if (!box) { return; }
    box.addEventListener("blur", function () {
      box.dataset.start = box.selectionStart; box.dataset.end = box.selectionEnd;
    });
    buttons.forEach(function (button, i) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the cursor
      button.addEventListener("click", function () {
        if (document.activeElement !== box && box.dataset.start !== undefined) {
          box.setSelectionRange(Number(box.dataset.start), Number(box.dataset.end));
        }
        insert(box, button.getAttribute("data-insert"));
      });
      button.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") { next = buttons[(i + 1) % buttons.length]; }
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { next = buttons[(i - 1 + buttons.length) % buttons.length]; }
        else if (event.key === "Home") { next = buttons[0]; }
        else if (event.key === "End") { next = buttons[buttons.length - 1]; }
        if (next) {
          event.preventDefault();
          buttons.forEach(function (b) { b.tabIndex = -1; });
          next.tabIndex = 0;
          next.focus();
        }
      });
    });
  }

  function clearOfSaveBar(event) {
    var target = event.target;
    var group = target.closest ? target.closest(".field-group") : null;
    var bar = group ? group.querySelector(".save-bar") : null;
    if (!bar || bar.contains(target)) { return; }
    var box = target.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    if (box.bottom > top && box.top < window.innerHeight) { window.scrollBy(0, box.bottom - top + 8); }
  }

  function ready() {
    document.addEventListener("focusin", clearOfSaveBar);
    Array.prototype.forEach.call(document.querySelectorAll("[role=toolbar][data-target]"), toolbar);
    var summary = document.getElementById("save-problems");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
