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

  /* "Autour de moi": send the position as lat/lon, instead of "Où ?". */
  function setupGeolocation() {
    var hint = document.querySelector('.geo-hint');
    var button = document.getElementById('autour-de-moi');
    if (!hint || !button || !('geolocation' in navigator)) return;
    var form = button.form || button.closest('form');
    hint.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      button.textContent = 'Recherche de votre position…';
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
        button.textContent = 'Autour de moi';
        var msg = document.createElement('span');
        msg.setAttribute('role', 'alert');
        msg.textContent = ' Position indisponible : indiquez votre commune.';
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

  /* The map of results, on request. */
  function setupMap() {
    var box = document.getElementById('carte');
    if (!box || !window.fetch) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button';
    button.textContent = 'Afficher les lieux sur une carte';
    box.parentNode.insertBefore(button, box);
    button.addEventListener('click', function () {
      button.disabled = true;
      var base = '/static/vendor/leaflet/';
      Promise.all([
        loadOnce('link', { rel: 'stylesheet', href: base + 'leaflet.css' + version }),
        loadOnce('script', { src: base + 'leaflet.js' + version }),
        fetch(box.getAttribute('data-geojson')).then(function (r) { return r.json(); })
      ]).then(function (res) {
        var data = res[2];
        box.hidden = false;
        button.remove();
        var L = window.L;
        L.Icon.Default.imagePath = base + 'images/';
        // Controls in French, markers named after their place, the popup's
        // link focused when it opens, and keyboard focus on the map once shown.
        var map = L.map(box, { zoomControl: false });
        L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
        map.attributionControl.setPrefix(false);
        map.on('popupopen', function (e) {
          var close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
          if (close) close.setAttribute('aria-label', 'Fermer');
          var link = e.popup.getElement().querySelector('.leaflet-popup-content a');
          if (link) link.focus();
        });
        L.tileLayer(box.getAttribute('data-tiles'), {
          maxZoom: 19,
          attribution: '© les contributeurs d’OpenStreetMap'
        }).addTo(map);
        var layer = L.geoJSON(data, {
          pointToLayer: function (f, latlng) {
            var name = f.properties.nom + ' — ' + f.properties.commune;
            return L.marker(latlng, { title: name, alt: name });
          },
          onEachFeature: function (f, marker) {
            var a = document.createElement('a');
            a.href = f.properties.url;
            a.textContent = f.properties.nom;
            var p = document.createElement('div');
            p.appendChild(a);
            p.appendChild(document.createTextNode(' — ' + f.properties.commune));
            marker.bindPopup(p);
          }
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] });
        else map.setView([46.6, 2.4], 5);
        box.setAttribute('aria-label', 'Carte des lieux (flèches pour se déplacer, Tab pour les lieux)');
        box.focus();
      }).catch(function () {
        button.disabled = false;
        button.textContent = 'La carte n’a pas pu être chargée : la liste ci-dessous est complète.';
      });
    });
  }

  setupGeolocation();
  setupSuggestions();
  setupMap();
})();
