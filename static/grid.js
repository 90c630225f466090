/* csapp — the entry grid works like a spreadsheet (UI.md). No framework, no inline handlers.
 *
 * Enter / ↓   the same column, next row (leaving the cell saves it: htmx posts on "change")
 * ↑           the same column, previous row
 * ← / →       the previous / next input of the row, only when the caret is at the start / end
 * Esc         put back the last saved value (data-saved) without saving
 * Tab         moves through inputs only: the row's links carry tabindex="-1"
 * skip link   [data-skip-grid] focuses the first input of the grid
 * after a swap  the erroneous field of the swapped cell takes focus (app.js); otherwise focus stays
 *             where the user moved
 */
(function () {
  "use strict";

  function gridOf(input) {
    return input.closest && input.closest("table.grid");
  }

  function inputs(row) {
    return Array.prototype.slice.call(row.querySelectorAll(".cell input:not([type=hidden])"));
  }

  function sameColumn(input, step) {
    var row = input.closest("tr");
    var column = input.dataset.col;
    var next = step > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (next) {
      var target = next.querySelector(".cell input[data-col='" + column + "']");
      if (target) { return target; }
      next = step > 0 ? next.nextElementSibling : next.previousElementSibling;
    }
    return null;
  }

  function sideways(input, step) {
    var row = inputs(input.closest("tr"));
    var index = row.indexOf(input) + step;
    return index >= 0 && index < row.length ? row[index] : null;
  }

  function move(target) {
    if (!target) { return false; }
    target.focus();
    target.select();
    return true;
  }

  function caretAt(input, end) {
    var length = input.value.length;
    if (input.selectionStart !== input.selectionEnd) {
      return input.selectionStart === 0 && input.selectionEnd === length;  // all selected: move on
    }
    return end ? input.selectionEnd === length : input.selectionStart === 0;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !gridOf(input) || !input.dataset.col) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var moved = false;
    switch (event.key) {
      case "Enter":
      case "ArrowDown":
        moved = move(sameColumn(input, 1));
        if (!moved && event.key === "Enter") { input.blur(); input.focus(); }  // last row: still save
        break;
      case "ArrowUp":
        moved = move(sameColumn(input, -1));
        break;
      case "ArrowLeft":
        if (caretAt(input, false)) { moved = move(sideways(input, -1)); }
        break;
      case "ArrowRight":
        if (caretAt(input, true)) { moved = move(sideways(input, 1)); }
        break;
      case "Escape":
        input.value = input.dataset.saved || "";
        input.select();
        moved = true;
        break;
      default:
        return;
    }
    if (moved || event.key === "Enter") { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-skip-grid]");
    if (!link) { return; }
    var first = document.querySelector("table.grid .cell input:not([readonly])");
    if (first) {
      event.preventDefault();
      move(first);
    }
  });

}());
