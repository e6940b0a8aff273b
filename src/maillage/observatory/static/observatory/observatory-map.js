// Observatory maps: communes coloured by the share of inhabitants within the threshold,
// open places, sites a scenario opens, under-served zones. No tiles needed.
(function () {
  "use strict";

  var SHARE_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
  var SITE_STYLES = {
    existing: { radius: 5, color: "#ffffff", weight: 1.5, fillColor: "#1b7a3a", fillOpacity: 1 },
    candidate: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#0b5fa5", fillOpacity: 1 },
    project: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#0b5fa5", fillOpacity: 1 },
  };
  var UNDERSERVED_STYLE = { color: "#6a1b9a", weight: 2, dashArray: "4 3", fill: false };

  function percent(share) {
    return (share * 100).toFixed(1).replace(".", ",") + " %";
  }

  function shareColour(share) {
    return SHARE_COLOURS[Math.min(4, Math.floor(share * 5))];
  }

  function describe(properties) {
    if (properties.kind === "commune") {
      var text = properties.name + " : " + percent(properties.share_within);
      if (properties.share_within_before !== undefined) {
        text += " (aujourd'hui " + percent(properties.share_within_before) + ")";
      }
      return text;
    }
    if (properties.kind === "underserved") {
      return "Zone sous-desservie : " + Math.round(properties.population) + " habitants";
    }
    return properties.name;
  }

  function initMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 18, zoomControl: false });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.setView([48.85, 2.25], 11);
    fetch(element.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var communes = L.geoJSON(data, {
          filter: function (f) { return f.properties.kind === "commune"; },
          style: function (f) {
            return { color: "#4a4a4a", weight: 1, fillColor: shareColour(f.properties.share_within), fillOpacity: 0.75 };
          },
          onEachFeature: function (f, layer) { layer.bindTooltip(describe(f.properties)); },
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
          onEachFeature: function (f, layer) { layer.bindTooltip(describe(f.properties)); },
        }).addTo(map);
        map.fitBounds(communes.getBounds(), { padding: [8, 8] });
        element.dataset.features = String(data.features.length);
        element.dataset.ready = "true";
      })
      .catch(function (error) { element.dataset.error = String(error); });
  }

  document.querySelectorAll("#observatory-map").forEach(initMap);
})();
