// Observatory maps: communes coloured by their mean walking time to a place, open places,
// sites a scenario opens and the other candidates, under-served zones. No tiles needed.
(function () {
  "use strict";

  // Upper bounds (minutes) of the classes, and their colours from near to far.
  var MINUTE_CLASSES = [5, 10, 15, 20, 30];
  var MINUTE_COLOURS = ["#f7fcf5", "#c7e9c0", "#74c476", "#fdae6b", "#e6550d", "#7f2704"];
  var SITE_STYLES = {
    existing: { radius: 5, color: "#ffffff", weight: 1.5, fillColor: "#1b7a3a", fillOpacity: 1 },
    preparing: { radius: 5, color: "#ffffff", weight: 1.5, fillColor: "#a05a00", fillOpacity: 1 },
    candidate: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#0b5fa5", fillOpacity: 1 },
    project: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#0b5fa5", fillOpacity: 1 },
    other_candidate: { radius: 4, color: "#0b5fa5", weight: 1.5, fillColor: "#ffffff", fillOpacity: 1 },
  };
  var UNDERSERVED_STYLE = { color: "#6a1b9a", weight: 2, dashArray: "4 3", fill: false };

  function percent(share) {
    return (share * 100).toFixed(1).replace(".", ",") + " %";
  }

  function minutesColour(minutes) {
    if (minutes === null) return MINUTE_COLOURS[MINUTE_COLOURS.length - 1];
    for (var i = 0; i < MINUTE_CLASSES.length; i += 1) {
      if (minutes < MINUTE_CLASSES[i]) return MINUTE_COLOURS[i];
    }
    return MINUTE_COLOURS[MINUTE_COLOURS.length - 1];
  }

  function minutesText(minutes) {
    return minutes === null ? "aucun lieu" : minutes.toFixed(1).replace(".", ",") + " min";
  }

  function describe(properties) {
    if (properties.kind === "commune") {
      var text = properties.name + " : " + minutesText(properties.mean_minutes) + " en moyenne, " +
        percent(properties.share_within) + " des habitants sous le seuil";
      if (properties.mean_minutes_before !== undefined) {
        text += " (aujourd'hui " + minutesText(properties.mean_minutes_before) + ", " +
          percent(properties.share_within_before) + ")";
      }
      return text;
    }
    if (properties.kind === "underserved") {
      return "Zone sous-desservie : " + Math.round(properties.population) + " habitants";
    }
    // Site names repeat across communes: say which.
    return properties.commune ? properties.name + " (" + properties.commune + ")" : properties.name;
  }

  // Names come from managers and imports: shown as text, never parsed as HTML (Leaflet reads a
  // string given to bindTooltip as HTML, an element as is).
  function tooltipContent(properties) {
    var box = document.createElement("span");
    box.textContent = describe(properties);
    return box;
  }

  function initMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 18, zoomControl: false });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.setView([48.85, 2.25], 11);
    // The page embeds the map's data (json_script): the report is computed once.
    Promise.resolve(JSON.parse(document.getElementById(element.dataset.mapData).textContent))
      .then(function (data) {
        var communes = L.geoJSON(data, {
          filter: function (f) { return f.properties.kind === "commune"; },
          style: function (f) {
            return { color: "#4a4a4a", weight: 1, fillColor: minutesColour(f.properties.mean_minutes), fillOpacity: 0.8 };
          },
          onEachFeature: function (f, layer) { layer.bindTooltip(tooltipContent(f.properties)); },
        }).addTo(map);
        L.geoJSON(data, {
          filter: function (f) { return f.properties.kind === "underserved"; },
          style: UNDERSERVED_STYLE,
          interactive: false,
        }).addTo(map);
        L.geoJSON(data, {
          filter: function (f) { return f.geometry.type === "Point"; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, SITE_STYLES[f.properties.kind] || SITE_STYLES.existing);
          },
          onEachFeature: function (f, layer) { layer.bindTooltip(tooltipContent(f.properties)); },
        }).addTo(map);
        map.fitBounds(communes.getBounds(), { padding: [8, 8] });
        element.dataset.features = String(data.features.length);
        element.dataset.ready = "true";
      })
      .catch(function (error) { element.dataset.error = String(error); });
  }

  document.querySelectorAll("#observatory-map").forEach(initMap);
})();
