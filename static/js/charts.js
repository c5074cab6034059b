// charts.js draws every chart of a page. The server renders each chart's ECharts option as JSON
// into a data-echarts attribute (through html/template, so labels from uploads are escaped), and
// this file — served by the binary, allowed by the CSP script-src 'self' — turns them into charts.
// There is no inline script anywhere.
//
// A chart whose option uses a map (series type "map" or a geo component) gets the map's outline
// from /static/maps/NAME.json, fetched once per page however many charts use it.
//
// Each chart element gets data-echarts-state: "rendered" when ECharts has drawn it, "error" when it
// could not be drawn; the end-to-end tests wait on that attribute.
(function () {
  'use strict';

  // Resolved now: document.currentScript is only set while this file first runs.
  var script = document.currentScript;
  var mapsBase = new URL('../maps/', script ? script.src : window.location.href);
  var mapNamePattern = /^[a-z0-9_-]+$/;
  var mapLoads = {};
  var charts = [];

  function asArray(v) {
    if (v === undefined || v === null) {
      return [];
    }
    return Array.isArray(v) ? v : [v];
  }

  // mapNames lists the map names an option draws on.
  function mapNames(option) {
    var names = [];
    asArray(option.series).forEach(function (s) {
      if (s && s.type === 'map' && typeof s.map === 'string') {
        names.push(s.map);
      }
    });
    asArray(option.geo).forEach(function (g) {
      if (g && typeof g.map === 'string') {
        names.push(g.map);
      }
    });
    return names;
  }

  function loadMap(name) {
    if (!mapNamePattern.test(name)) {
      return Promise.reject(new Error('charts.js: bad map name ' + JSON.stringify(name)));
    }
    if (!mapLoads[name]) {
      mapLoads[name] = fetch(new URL(name + '.json', mapsBase).href, { credentials: 'same-origin' })
        .then(function (resp) {
          if (!resp.ok) {
            throw new Error('charts.js: map ' + name + ': HTTP ' + resp.status);
          }
          return resp.json();
        })
        .then(function (geoJSON) {
          window.echarts.registerMap(name, geoJSON);
        });
    }
    return mapLoads[name];
  }

  function fail(el, err) {
    el.setAttribute('data-echarts-state', 'error');
    el.classList.add('chart-error');
    el.textContent = '图表无法显示';
    console.error(err);
  }

  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.on('finished', function () {
      el.setAttribute('data-echarts-state', 'rendered');
    });
    chart.setOption(option);
    charts.push(chart);
  }

  function start() {
    if (!window.echarts) {
      console.error('charts.js: ECharts is not loaded: include /static/vendor/echarts.min.js before charts.js');
      return;
    }
    document.querySelectorAll('[data-echarts]').forEach(function (el) {
      var option;
      try {
        option = JSON.parse(el.getAttribute('data-echarts'));
      } catch (err) {
        fail(el, new Error('charts.js: data-echarts of #' + (el.id || '?') + ' is not JSON: ' + err.message));
        return;
      }
      el.setAttribute('data-echarts-state', 'loading');
      Promise.all(mapNames(option).map(loadMap))
        .then(function () {
          draw(el, option);
        })
        .catch(function (err) {
          fail(el, err);
        });
    });

    var pending = false;
    function resizeAll() {
      pending = false;
      charts.forEach(function (c) {
        c.resize();
      });
    }
    window.addEventListener('resize', function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(resizeAll);
      }
    });
    // Print uses the A4 page width, not the window's.
    window.addEventListener('beforeprint', resizeAll);
    window.addEventListener('afterprint', resizeAll);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
