// The directory's filters on phones: folded behind their «Filtres (n)» button, which opens
// and closes them (aria-expanded). The stylesheet folds them on narrow screens only, so the
// button is hidden and the filters shown on wider ones. Filters to correct stay open.
(function () {
  "use strict";
  var box = document.querySelector(".filters[data-foldable]");
  if (!box) return;
  var button = box.querySelector(".filters-toggle");
  function show(open) {
    box.classList.toggle("folded", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  box.classList.add("foldable");
  button.hidden = false;
  show(false);
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
})();
