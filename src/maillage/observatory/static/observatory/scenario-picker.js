// Composing a scenario on the map: a click on a candidate site or a project toggles its
// checkbox in the form, which stays the source of truth (and the keyboard's way); a checked
// box shows its marker as retained. Needs observatory-map.js (loaded first) for the markers.
(function () {
  "use strict";

  // The form field of each kind of key ("candidate:7", "place:12").
  var FIELDS = { candidate: "candidate_sites", place: "project_places" };

  function checkbox(form, key) {
    var parts = key.split(":");
    var name = FIELDS[parts[0]];
    if (!name) return null;
    return form.querySelector('input[type="checkbox"][name="' + name + '"][value="' + parts[1] + '"]');
  }

  function show(marker, chosen) {
    var icon = marker.getElement();
    if (!icon) return;
    icon.classList.toggle("site-new", chosen);
    icon.classList.toggle("site-candidate", !chosen);
    icon.dataset.chosen = chosen ? "true" : "false";
  }

  function bind(element) {
    var form = document.getElementById(element.dataset.picker);
    var markers = element.observatoryMarkers;
    if (!form || !markers) return;
    Object.keys(markers).forEach(function (key) {
      var box = checkbox(form, key);
      var marker = markers[key];
      if (!box) return;
      var icon = marker.getElement();
      if (icon) icon.dataset.key = key;
      show(marker, box.checked);
      box.addEventListener("change", function () { show(marker, box.checked); });
      marker.on("click", function () {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    element.dataset.picking = "true";
  }

  document.querySelectorAll("#observatory-map[data-picker]").forEach(function (element) {
    if (element.dataset.ready === "true") bind(element);
  });
})();
