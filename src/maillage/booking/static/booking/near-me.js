// «Près de moi»: fills the hidden lat/lon fields from the browser's geolocation, on request.
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("near-me-status");
  var form = button.form;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.elements.commune.value = "";
        status.textContent = "Position trouvée : les espaces les plus proches d'abord.";
        form.submit();
      },
      function () {
        status.textContent = "Position indisponible : choisissez une commune.";
      },
      { timeout: 10000, maximumAge: 60000 }
    );
  });
})();
