/* Repère — small progressive enhancements. Every page works without this
   file: it only adds "Autour de moi" (the browser's position), commune
   suggestions while typing, and the map of results (Leaflet, loaded only
   when the person asks for it, to spare poor connections). */
(function () {
  'use strict';

  /* The static files' version (?v=… on this script's own address): Leaflet
     is asked for with it too, so it can be cached for a year. */
  var me = document.currentScript;
  var version = me && /[?&]v=([^&]+)/.exec(me.src) ? '?v=' + /[?&]v=([^&]+)/.exec(me.src)[1] : '';

  /* The words this script writes, in the page's language: the page gives
     them as data-t-… attributes of this script's own tag (translated by the
     server's catalogue, templates/repere_script.html); French if absent. */
  function t(name, french) {
    var v = me && me.getAttribute('data-t-' + name);
    return v || french;
  }
  var decimal = (me && me.getAttribute('data-decimal')) || ',';

  /* "Autour de moi": send the position as lat/lon, instead of "Où ?". */
  function setupGeolocation() {
    var hint = document.querySelector('.geo-hint');
    var button = document.getElementById('autour-de-moi');
    if (!hint || !button || !('geolocation' in navigator)) return;
    var form = button.form || button.closest('form');
    hint.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      button.textContent = t('locating', 'Recherche de votre position…');
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = form.querySelector('input[name=lat]');
        var lon = form.querySelector('input[name=lon]');
        lat.value = pos.coords.latitude.toFixed(5);
        lon.value = pos.coords.longitude.toFixed(5);
        lat.disabled = false;
        lon.disabled = false;
        var ou = form.querySelector('input[name=ou]');
        if (ou) ou.value = '';
        form.submit();
      }, function () {
        button.disabled = false;
        button.textContent = t('around-me', 'Autour de moi');
        var msg = document.createElement('span');
        msg.setAttribute('role', 'alert');
        msg.textContent = ' ' + t('no-position', 'Position indisponible : indiquez votre commune.');
        hint.appendChild(msg);
      }, { timeout: 10000, maximumAge: 300000 });
    });
    /* A position typed over by hand must not stick. */
    var ou = form.querySelector('input[name=ou]');
    if (ou) ou.addEventListener('input', function () {
      form.querySelectorAll('input[name=lat], input[name=lon]').forEach(function (i) { i.disabled = true; });
    });
  }

  /* Suggestions of communes while typing, in the <datalist>. */
  function setupSuggestions() {
    var input = document.getElementById('ou');
    var list = document.getElementById('ou-suggestions');
    if (!input || !list || !window.fetch) return;
    var timer = null;
    var last = '';
    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      timer = setTimeout(function () {
        last = q;
        fetch('/communes.json?q=' + encodeURIComponent(q)).then(function (r) {
          return r.ok ? r.json() : [];
        }).then(function (items) {
          list.textContent = '';
          items.forEach(function (c) {
            var o = document.createElement('option');
            o.value = c.label;
            list.appendChild(o);
          });
        }).catch(function () { /* suggestions are optional */ });
      }, 250);
    });
  }

  function loadOnce(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  /* The places of a list drawn by the server (the embed's cards carry
     data-lat/data-lon): the same GeoJSON as /lieux.geojson gives. */
  function listGeoJSON(list) {
    var features = [];
    list.querySelectorAll('li[data-lat]').forEach(function (li) {
      var link = li.querySelector('h3 a');
      var where = li.querySelector('.where');
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [Number(li.getAttribute('data-lon')), Number(li.getAttribute('data-lat'))] },
        properties: { nom: link ? link.textContent : '', url: link ? link.href : '', commune: where ? where.textContent.replace(/^.*\d{5}\s*/, '') : '' }
      });
    });
    return Promise.resolve({ type: 'FeatureCollection', features: features });
  }

  /* The map of results, on request. */
  function setupMap() {
    var box = document.getElementById('carte');
    if (!box || !window.fetch) return;
    var list = box.getAttribute('data-from') && document.getElementById(box.getAttribute('data-from'));
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button';
    button.textContent = t('show-places-map', 'Afficher les lieux sur une carte');
    box.parentNode.insertBefore(button, box);
    button.addEventListener('click', function () {
      button.disabled = true;
      var base = '/static/vendor/leaflet/';
      Promise.all([
        loadOnce('link', { rel: 'stylesheet', href: base + 'leaflet.css' + version }),
        loadOnce('script', { src: base + 'leaflet.js' + version }),
        list ? listGeoJSON(list) : fetch(box.getAttribute('data-geojson')).then(function (r) { return r.json(); })
      ]).then(function (res) {
        var data = res[2];
        box.hidden = false;
        button.remove();
        var L = window.L;
        L.Icon.Default.imagePath = base + 'images/';
        // Controls in French, markers named after their place, the popup's
        // link focused when it opens, and keyboard focus on the map once shown.
        var map = L.map(box, { zoomControl: false });
        L.control.zoom({ zoomInTitle: t('zoom-in', 'Zoomer'), zoomOutTitle: t('zoom-out', 'Dézoomer') }).addTo(map);
        map.attributionControl.setPrefix(false);
        map.on('popupopen', function (e) {
          var close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
          if (close) close.setAttribute('aria-label', t('close', 'Fermer'));
          var link = e.popup.getElement().querySelector('.leaflet-popup-content a');
          if (link) link.focus();
        });
        L.tileLayer(box.getAttribute('data-tiles'), {
          maxZoom: 19,
          attribution: t('osm', '© les contributeurs d’OpenStreetMap')
        }).addTo(map);
        var layer = L.geoJSON(data, {
          pointToLayer: function (f, latlng) {
            var name = f.properties.nom + ' — ' + f.properties.commune;
            return L.marker(latlng, { title: name, alt: name });
          },
          onEachFeature: function (f, marker) {
            var a = document.createElement('a');
            a.href = f.properties.url;
            if (list) { a.target = '_blank'; a.rel = 'noopener'; } /* as the embed's list */
            a.textContent = f.properties.nom;
            var p = document.createElement('div');
            p.appendChild(a);
            p.appendChild(document.createTextNode(' — ' + f.properties.commune));
            marker.bindPopup(p);
          }
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] });
        else map.setView([46.6, 2.4], 5);
        box.setAttribute('aria-label', t('places-map', 'Carte des lieux (flèches pour se déplacer, Tab pour les lieux)'));
        box.focus();
      }).catch(function () {
        button.disabled = false;
        button.textContent = t('places-map-failed', 'La carte n’a pas pu être chargée : la liste ci-dessous est complète.');
      });
    });
  }

  /* The territory's communes on a map, on request: drawn from the table
   * (templates/territory.html), which stays complete without it. Circles
   * are sized by population and coloured by distance to the nearest place;
   * the legend says the colours in words. */
  var DISTANCE_BANDS = [
    { max: 5, color: '#1a7f37', label: t('band-5', 'moins de 5 km') },
    { max: 10, color: '#f0c000', label: t('band-10', '5 à 10 km') },
    { max: 20, color: '#e36209', label: t('band-20', '10 à 20 km (zone blanche)') },
    { max: Infinity, color: '#b00020', label: t('band-beyond', 'plus de 20 km ou aucun lieu (zone blanche)') }
  ];
  function bandOf(km) {
    if (km === '') return DISTANCE_BANDS[DISTANCE_BANDS.length - 1];
    for (var i = 0; i < DISTANCE_BANDS.length; i++) if (Number(km) <= DISTANCE_BANDS[i].max) return DISTANCE_BANDS[i];
    return DISTANCE_BANDS[DISTANCE_BANDS.length - 1];
  }
  function setupTerritoryMap() {
    var box = document.getElementById('territory-map');
    var table = document.querySelector('table[data-map="territory-map"]');
    if (!box || !table) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button territory-map-tools';
    button.textContent = t('show-communes-map', 'Afficher les communes sur une carte');
    box.parentNode.insertBefore(button, box);
    button.addEventListener('click', function () {
      button.disabled = true;
      var base = '/static/vendor/leaflet/';
      Promise.all([
        loadOnce('link', { rel: 'stylesheet', href: base + 'leaflet.css' }),
        loadOnce('script', { src: base + 'leaflet.js' })
      ]).then(function () {
        var L = window.L;
        box.hidden = false;
        var legend = document.createElement('ul');
        legend.className = 'territory-legend';
        DISTANCE_BANDS.forEach(function (b) {
          var li = document.createElement('li');
          var dot = document.createElement('span');
          dot.style.background = b.color;
          li.appendChild(dot);
          li.appendChild(document.createTextNode(b.label));
          legend.appendChild(li);
        });
        box.parentNode.insertBefore(legend, box.nextSibling);
        button.remove();
        var map = L.map(box);
        L.tileLayer(box.getAttribute('data-tiles'), {
          maxZoom: 19,
          attribution: t('osm', '© les contributeurs d’OpenStreetMap')
        }).addTo(map);
        var bounds = [];
        table.querySelectorAll('tbody tr[data-lat]').forEach(function (tr) {
          var lat = Number(tr.getAttribute('data-lat')), lon = Number(tr.getAttribute('data-lon'));
          var pop = Number(tr.getAttribute('data-population')) || 0;
          var km = tr.getAttribute('data-km');
          var band = bandOf(km);
          var link = tr.querySelector('th a');
          var circle = L.circleMarker([lat, lon], {
            radius: Math.max(3, Math.min(30, Math.sqrt(pop) / 8)),
            color: '#333', weight: 1, fillColor: band.color, fillOpacity: 0.75
          }).addTo(map);
          var p = document.createElement('div');
          var a = document.createElement('a');
          a.href = link ? link.getAttribute('href') : '#';
          a.textContent = link ? link.textContent : '';
          p.appendChild(a);
          p.appendChild(document.createTextNode(' — ' + (km === '' ? t('no-place', 'aucun lieu') : km.replace('.', decimal) + ' km')));
          circle.bindPopup(p);
          bounds.push([lat, lon]);
        });
        if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
        else map.setView([46.6, 2.4], 5);
      }).catch(function () {
        button.disabled = false;
        button.textContent = t('communes-map-failed', 'La carte n’a pas pu être chargée : le tableau ci-dessous est complet.');
      });
    });
  }

  setupGeolocation();
  setupSuggestions();
  setupMap();
  setupTerritoryMap();
})();
