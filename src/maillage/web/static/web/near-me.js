// «Près de moi» (button #near-me, status #near-me-status), on request only: the browser's
// position then either fills the search form's hidden lat and lon fields and sends it (the
// free-space search: nearest first, the map centred on the person), or, on a page without
// them (the directory), centres the map (#map, event «maillage:centre») on the person.
// Refused or unavailable, the status says so in French and what to do instead.
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  if (!button) return;
  var status = document.getElementById("near-me-status");
  var form = button.form;
  var map = document.getElementById("map");
  var searches = form && form.elements.lat && form.elements.lon;
  if (!searches && !map) return;
  var instead = searches ? "choisissez une commune." : "cherchez par code postal ou commune.";
  var shown = button.closest("[hidden]") || button;
  shown.hidden = false;

  function found(position) {
    var lat = position.coords.latitude;
    var lon = position.coords.longitude;
    if (searches) {
      form.elements.lat.value = lat.toFixed(5);
      form.elements.lon.value = lon.toFixed(5);
      form.elements.commune.value = "";
      status.textContent = "Position trouvée : les espaces les plus proches d'abord.";
      form.submit();
      return;
    }
    map.dispatchEvent(new CustomEvent("maillage:centre", { detail: { lat: lat, lon: lon } }));
    status.textContent = "Position trouvée : la carte est centrée sur vous, les lieux proches autour.";
  }

  function failed(error) {
    if (error && error.code === 1) {
      status.textContent = "Position refusée : autorisez la localisation pour ce site dans votre navigateur, ou " + instead;
    } else {
      status.textContent = "Position indisponible : " + instead;
    }
  }

  button.addEventListener("click", function () {
    if (!("geolocation" in navigator)) {
      status.textContent = "Votre navigateur ne donne pas votre position : " + instead;
      return;
    }
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(found, failed, { timeout: 10000, maximumAge: 60000 });
  });
})();
