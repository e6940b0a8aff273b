// Maps of the public pages: département and commune outlines, places as clustered markers.
// Tiles are optional: without them the outlines and markers still draw.
(function () {
  "use strict";

  var MAX_ZOOM = 19;
  var OUTLINE_STYLE = { color: "#1d3557", weight: 3, fill: false };
  var COMMUNE_STYLE = { color: "#5c6b80", weight: 1, fillColor: "#e9eef5", fillOpacity: 0.5 };

  function popupContent(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    var details = document.createElement("p");
    details.textContent = properties.commune + " — " + properties.status_label +
      (properties.fictional ? " — exemple fictif" : "");
    box.appendChild(details);
    return box;
  }

  function placeMarker(feature, latlng) {
    var p = feature.properties;
    var label = p.name + " (" + p.status_label + ", " + p.commune + ")";
    return L.marker(latlng, {
      icon: L.divIcon({ className: "place-marker status-" + p.status, iconSize: [18, 18] }),
      title: label,
      alt: label,
      keyboard: true,
    }).bindPopup(popupContent(p));
  }

  // Marker clusters are focusable but have no name and ignore the keyboard: name them
  // («Groupe de 4 lieux», or what the page counts: data-cluster-noun) and zoom in on Enter
  // or Space, as a click does.
  function labelClusters(element) {
    var noun = element.dataset.clusterNoun || "lieux";
    element.querySelectorAll(".marker-cluster").forEach(function (icon) {
      var count = icon.textContent.trim();
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-label", "Groupe de " + count + " " + noun + " : Entrée pour zoomer");
      icon.setAttribute("title", "Groupe de " + count + " " + noun);
    });
  }

  function makeClustersKeyboardFriendly(element, map, cluster) {
    labelClusters(element);
    map.on("zoomend moveend", function () { labelClusters(element); });
    cluster.on("animationend", function () { labelClusters(element); });
    element.addEventListener("keydown", function (event) {
      var icon = event.target;
      if (!icon.classList.contains("marker-cluster")) return;
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      var markers = cluster.getLayers();
      for (var i = 0; i < markers.length; i += 1) {
        var parent = cluster.getVisibleParent(markers[i]);
        if (parent && parent !== markers[i] && parent.getElement() === icon) {
          parent.zoomToBounds({ padding: [20, 20] });
          return;
        }
      }
    });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + " : " + response.status);
      return response.json();
    });
  }

  // The page embeds its places when it has them at hand (json_script), else gives their URL.
  function placesOf(element) {
    if (element.dataset.placesData) {
      var embedded = document.getElementById(element.dataset.placesData);
      return Promise.resolve(JSON.parse(embedded.textContent));
    }
    return getJSON(element.dataset.placesUrl);
  }

  function initMap(element) {
    var map = L.map(element, {
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      maxZoom: MAX_ZOOM,
      zoomControl: false,
    });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.setView([48.85, 2.35], 10);
    if (element.dataset.tilesUrl) {
      L.tileLayer(element.dataset.tilesUrl, {
        attribution: element.dataset.tilesAttribution,
        maxZoom: MAX_ZOOM,
      }).addTo(map);
    }
    var territory = getJSON(element.dataset.territoryUrl).then(function (data) {
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function (feature) {
          return feature.properties.kind === "departement" ? OUTLINE_STYLE : COMMUNE_STYLE;
        },
      }).addTo(map);
      layer.eachLayer(function (item) {
        if (item.feature.properties.kind === "departement") item.bringToFront();
      });
      return layer;
    });
    var places = placesOf(element).then(function (data) {
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
      L.geoJSON(data, { pointToLayer: placeMarker }).eachLayer(function (marker) {
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      makeClustersKeyboardFriendly(element, map, cluster);
      element.dataset.markerCount = String(data.features.length);
      return data.features;
    });
    Promise.all([territory, places]).then(function (results) {
      var features = results[1];
      if (features.length === 1 && element.classList.contains("map--small")) {
        var coordinates = features[0].geometry.coordinates;
        map.setView([coordinates[1], coordinates[0]], 15);
      } else if (features.length && element.dataset.fit === "places") {
        // Results of a search: show them, not the whole territory.
        var bounds = L.latLngBounds(features.map(function (feature) {
          var point = feature.geometry.coordinates;
          return [point[1], point[0]];
        }));
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
      } else {
        map.fitBounds(results[0].getBounds(), { padding: [8, 8] });
      }
      element.dataset.zoom = String(map.getZoom());
      element.dataset.ready = "true";
    }).catch(function (error) {
      element.dataset.error = String(error);
    });
  }

  document.querySelectorAll("#map").forEach(initMap);
})();
