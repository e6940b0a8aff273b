// Observatory maps: communes coloured by their mean walking time to a place, open places,
// sites a scenario opens and the other candidates, under-served zones. No tiles needed.
// A scenario's map switches between today and with the scenario (radio buttons).
(function () {
  "use strict";

  // Upper bounds (minutes) of the classes, and their colours from near to far.
  var MINUTE_CLASSES = [5, 10, 15, 20, 30];
  var MINUTE_COLOURS = ["#f7fcf5", "#c7e9c0", "#74c476", "#fdae6b", "#e6550d", "#7f2704"];
  // Markers wear the legend's own classes (maillage.css): the same shapes by construction.
  var MARKER_CLASSES = {
    existing: "status-open",
    preparing: "status-preparing",
    candidate: "site-new",
    project: "site-new",
    other_candidate: "site-candidate",
  };
  // Sites a scenario opens: absent from today's map.
  var OPENED_KINDS = { candidate: true, project: true };

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

  function communeStyle(feature, phase) {
    var minutes = phase === "before" ? feature.properties.mean_minutes_before : feature.properties.mean_minutes;
    return { color: "#4a4a4a", weight: 1, fillColor: minutesColour(minutes), fillOpacity: 0.8 };
  }

  function initMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 18, zoomControl: false });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    // The page embeds the map's data (json_script): the report is computed once.
    var data = JSON.parse(document.getElementById(element.dataset.mapData).textContent);
    var communes = L.geoJSON(data, {
      filter: function (f) { return f.properties.kind === "commune"; },
      style: function (f) { return communeStyle(f, "after"); },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltipContent(f.properties)); },
    }).addTo(map);
    // The territory fills the map, whatever its place on Earth.
    map.fitBounds(communes.getBounds(), { padding: [8, 8] });
    var zones = { before: L.layerGroup(), after: L.layerGroup().addTo(map) };
    L.geoJSON(data, {
      filter: function (f) { return f.properties.kind === "underserved"; },
      // The legend's swatch is drawn with the same class (maillage.css).
      style: { className: "underserved-outline", fill: false },
      interactive: false,
      onEachFeature: function (f, layer) { zones[f.properties.phase || "after"].addLayer(layer); },
    });
    var opened = L.layerGroup().addTo(map);
    var kept = L.layerGroup().addTo(map);
    // Markers of choosable sites, by key ("candidate:7"), for scenario-picker.js.
    var choosable = {};
    L.geoJSON(data, {
      filter: function (f) { return f.geometry.type === "Point"; },
      pointToLayer: function (f, latlng) {
        var marker = L.marker(latlng, {
          keyboard: false,
          icon: L.divIcon({
            className: "legend-dot map-marker " + (MARKER_CLASSES[f.properties.kind] || MARKER_CLASSES.existing),
            iconSize: null,
          }),
        });
        (OPENED_KINDS[f.properties.kind] ? opened : kept).addLayer(marker);
        if (f.properties.key) choosable[f.properties.key] = marker;
        return marker;
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltipContent(f.properties)); },
    });

    function show(phase) {
      communes.setStyle(function (f) { return communeStyle(f, phase); });
      var hidden = phase === "before" ? "after" : "before";
      map.removeLayer(zones[hidden]);
      map.addLayer(zones[phase]);
      if (phase === "before") map.removeLayer(opened); else map.addLayer(opened);
      element.dataset.phase = phase;
    }

    var switcher = element.dataset.switch && document.getElementById(element.dataset.switch);
    if (switcher) {
      switcher.hidden = false;
      switcher.addEventListener("change", function (event) { show(event.target.value); });
      var checked = switcher.querySelector("input:checked");
      show(checked ? checked.value : "after");
    } else {
      element.dataset.phase = "after";
    }
    element.observatoryMarkers = choosable;
    element.dataset.features = String(data.features.length);
    element.dataset.ready = "true";
  }

  document.querySelectorAll("#observatory-map").forEach(function (element) {
    try {
      initMap(element);
    } catch (error) {
      element.dataset.error = String(error);
    }
  });
})();
