// Maps of the public pages: département and commune outlines, places as clustered markers.
// Tiles are optional: without them the outlines and markers still draw.
(function () {
  "use strict";

  var MAX_ZOOM = 19;
  // Centred on a person's position («Près de moi»): a few kilometres around it.
  var POSITION_ZOOM = 13;
  // Views set by the page, not by the person, jump there: an animation still running when
  // the next one comes would end by moving the map back.
  var JUMP = { animate: false };
  var POSITION_STYLE = { radius: 8, color: "#fff", weight: 3, fillColor: "#b3261e", fillOpacity: 1, interactive: false };
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

  // The point the map is asked to centre on: the page's (data-centre-lat and -lon, a search
  // near the person) until a «maillage:centre» event ({detail: {lat, lon}}) gives another.
  function pageCentre(element) {
    var lat = parseFloat(element.dataset.centreLat);
    var lon = parseFloat(element.dataset.centreLon);
    return isNaN(lat) || isNaN(lon) ? null : { lat: lat, lon: lon };
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
    var wanted = pageCentre(element);
    var position = null;
    // The person's position, marked, in the middle; data-centre tells where the map now is.
    function centre() {
      if (position) map.removeLayer(position);
      position = L.circleMarker([wanted.lat, wanted.lon], POSITION_STYLE).addTo(map);
      map.setView([wanted.lat, wanted.lon], POSITION_ZOOM, JUMP);
      var middle = map.getCenter();
      element.dataset.centre = middle.lat.toFixed(5) + "," + middle.lng.toFixed(5);
      element.dataset.zoom = String(map.getZoom());
    }
    element.addEventListener("maillage:centre", function (event) {
      wanted = { lat: event.detail.lat, lon: event.detail.lon };
      // Before the map is drawn, its first view takes the point (see below).
      if (element.dataset.ready === "true") centre();
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
      if (wanted) {
        centre();
      } else if (features.length === 1 && element.classList.contains("map--small")) {
        var coordinates = features[0].geometry.coordinates;
        map.setView([coordinates[1], coordinates[0]], 15, JUMP);
      } else if (features.length && element.dataset.fit === "places") {
        // Results of a search: show them, not the whole territory.
        var bounds = L.latLngBounds(features.map(function (feature) {
          var point = feature.geometry.coordinates;
          return [point[1], point[0]];
        }));
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15, animate: false });
      } else {
        map.fitBounds(results[0].getBounds(), { padding: [8, 8], animate: false });
      }
      element.dataset.zoom = String(map.getZoom());
      element.dataset.ready = "true";
    }).catch(function (error) {
      element.dataset.error = String(error);
    });
  }

  document.querySelectorAll("#map").forEach(initMap);
})();
