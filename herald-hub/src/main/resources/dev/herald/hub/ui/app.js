/*
 * Herald dashboard: live stats, a subscribe debugger and a publish form. Plain JS, no build step,
 * no external requests. Untrusted text (update data, ids, error bodies) only ever goes through
 * textContent, never innerHTML.
 *
 * Stable element ids (tests rely on them):
 *   header     #stat-version #stats-state #stats-dot
 *   stats auth #stats-auth (section, hidden unless needed) #stats-auth-message #stats-token #stats-connect #stats-forget
 *   overview   #stat-subscribers #stat-subscribers-by-protocol #stat-connections #stat-publish-rate
 *              #stat-published #stat-delivery-rate #stat-delivered #stat-latency-p50 #stat-latency-p99
 *              #stat-slow-disconnects #stat-replays #stat-replayed-events #stat-uptime
 *              #stat-store-kind #stat-store-size #stat-store-events #stat-store-age #stat-store-range
 *              #stat-store-retention #stat-publish-errors #stat-publish-errors-total
 *   charts     #chart-publish-rate #chart-delivery-rate #chart-subscribers (inline SVG, last 60 samples)
 *   subscribe  #sub-form #sub-topics #sub-types #sub-last-event-id #sub-token #sub-start #sub-stop #sub-clear
 *              #sub-state (connecting|open|reconnecting|closed) #sub-resume ("will resume from <id>")
 *              #sub-count #updates (ol; items li.update with .update-type .update-id .update-time .update-data)
 *   publish    #pub-form #pub-topics #pub-data #pub-id #pub-type #pub-private #pub-token #pub-send
 *              #pub-result (data-ok="true|false"; "<id>" on success, "<status> <body>" on error)
 *
 * Hub endpoints: GET /.well-known/herald/stats (SSE, event "stats", one JSON object a second),
 * GET and POST /.well-known/mercure.
 */
(function () {
  'use strict';

  var STATS_URL = '/.well-known/herald/stats';
  var HUB_URL = '/.well-known/mercure';
  var TOKEN_KEY = 'herald.statsToken';
  var HISTORY = 60;
  var MAX_UPDATES = 500;

  function $(id) { return document.getElementById(id); }
  function text(id, value) { var el = $(id); if (el) el.textContent = value; }
  function known(v) { return v !== null && v !== undefined && !(typeof v === 'number' && !isFinite(v)); }

  // ---- formatting: every unknown value renders as an em dash ----
  var DASH = '\u2014';
  var nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  function count(v) { return known(v) ? nf.format(v) : DASH; }
  function rate(v) {
    if (!known(v)) return DASH;
    if (v >= 10000) return (v / 1000).toFixed(v >= 100000 ? 0 : 1) + 'k';
    return v >= 100 ? nf.format(v) : v.toFixed(v >= 10 ? 1 : 2).replace(/\.?0+$/, '') || '0';
  }
  function millis(v) { return known(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) + ' ms' : DASH; }
  function bytes(v) {
    if (!known(v)) return DASH;
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + units[i];
  }
  function duration(s) {
    if (!known(s)) return DASH;
    s = Math.max(0, Math.floor(s));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d) return d + 'd ' + h + 'h';
    if (h) return h + 'h ' + m + 'm';
    if (m) return m + 'm ' + (s % 60) + 's';
    return s + 's';
  }

  // ---- sparklines: an area and a line in a 120x32 viewBox, scaled to the window's maximum ----
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function spark(svg, values) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var points = values.filter(known);
    if (points.length < 2) return;
    var max = Math.max.apply(null, points.concat([1e-9])), step = 120 / (HISTORY - 1);
    var start = HISTORY - values.length, coords = [];
    values.forEach(function (v, i) {
      if (known(v)) coords.push(((start + i) * step).toFixed(1) + ',' + (31 - v / max * 29).toFixed(1));
    });
    var first = coords[0].split(',')[0], last = coords[coords.length - 1].split(',')[0];
    var area = document.createElementNS(SVG_NS, 'path');
    area.setAttribute('class', 'area');
    area.setAttribute('d', 'M' + first + ',32L' + coords.join('L') + 'L' + last + ',32Z');
    var line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('class', 'line');
    line.setAttribute('points', coords.join(' '));
    var title = document.createElementNS(SVG_NS, 'title');
    title.textContent = 'max ' + rate(max) + ' over the last ' + values.length + ' s';
    svg.appendChild(title);
    svg.appendChild(area);
    svg.appendChild(line);
  }

  // ---- live stats ----
  var history = { publish: [], delivery: [], subscribers: [] };
  function push(series, v) { series.push(known(v) ? v : null); if (series.length > HISTORY) series.shift(); }

  function setStatsState(state, label) {
    $('stats-dot').setAttribute('data-state', state);
    text('stats-state', label);
  }

  function render(s) {
    text('stat-version', s.version ? 'v' + s.version : '');
    text('stat-uptime', duration(s.uptimeSeconds));
    text('stat-subscribers', count(s.subscribers));
    var by = s.subscribersByProtocol || {};
    var parts = Object.keys(by).map(function (k) { return count(by[k]) + ' ' + k.replace('http', 'HTTP/').replace('HTTP/1', 'HTTP/1.1'); });
    text('stat-subscribers-by-protocol', parts.length ? parts.join(' \u00b7 ') : DASH);
    text('stat-connections', count(s.connections));
    text('stat-publish-rate', rate(s.publishRate));
    text('stat-published', count(s.published));
    text('stat-delivery-rate', rate(s.deliveryRate));
    text('stat-delivered', count(s.delivered));
    var lat = s.appendLatencyMs || {};
    text('stat-latency-p50', millis(lat.p50));
    text('stat-latency-p99', millis(lat.p99));
    text('stat-slow-disconnects', count(s.slowDisconnects));
    text('stat-replays', count(s.replays));
    text('stat-replayed-events', count(s.replayedEvents));
    renderStore(s.store || {});
    renderErrors(s.publishErrors || {});
    renderSubscriptions(s.subscriptions);
    renderSources(s.sources || []);
    push(history.publish, s.publishRate);
    push(history.delivery, s.deliveryRate);
    push(history.subscribers, s.subscribers);
    spark($('chart-publish-rate'), history.publish);
    spark($('chart-delivery-rate'), history.delivery);
    spark($('chart-subscribers'), history.subscribers);
  }

  function renderStore(st) {
    text('stat-store-kind', st.kind || DASH);
    text('stat-store-size', bytes(st.bytes));
    text('stat-store-events', count(st.events));
    text('stat-store-age', known(st.oldestAgeSeconds) ? duration(st.oldestAgeSeconds) + ' ago' : DASH);
    text('stat-store-range', st.earliestId || st.latestId ? (st.earliestId || DASH) + ' \u2192 ' + (st.latestId || DASH) : DASH);
    // A bound of 0 means "no bound" on the hub's side.
    var r = st.retention || {}, limits = [];
    if (known(r.events) && r.events > 0) limits.push(count(r.events) + ' events');
    if (known(r.bytes) && r.bytes > 0) limits.push(bytes(r.bytes));
    if (known(r.ageSeconds) && r.ageSeconds > 0) limits.push(duration(r.ageSeconds));
    text('stat-store-retention', limits.length ? 'up to ' + limits.join(' \u00b7 ') : (st.retention ? 'no bound' : DASH));
  }

  // Active subscriptions per topic selector (herald serve --subscriptions); null: not tracked.
  function renderSubscriptions(subs) {
    $('subscriptions-card').hidden = !subs;
    if (!subs) return;
    text('stat-subscriptions-total', count(subs.total));
    var shown = (subs.byTopic || []).length;
    text('stat-subscriptions-topics', count(subs.topics) + (subs.topics === 1 ? ' topic selector' : ' topic selectors')
      + (shown < subs.topics ? ', the ' + shown + ' with the most subscriptions:' : ''));
    var list = $('stat-subscriptions-by-topic');
    list.replaceChildren();
    (subs.byTopic || []).forEach(function (entry) {
      var dt = document.createElement('dt');
      dt.className = 'mono wrapid';
      dt.textContent = entry.topic;
      var dd = document.createElement('dd');
      dd.textContent = count(entry.count);
      list.append(dt, dd);
    });
  }

  // Databases and brokers the hub consumes (herald serve --source); the card is hidden without any.
  function renderSources(sources) {
    $('sources-card').hidden = sources.length === 0;
    if (sources.length === 0) return;
    var up = sources.filter(function (src) { return src.state === 'running'; }).length;
    text('stat-sources-total', up + ' / ' + sources.length + ' running');
    var box = $('stat-sources');
    box.replaceChildren();
    sources.forEach(function (src) {
      var name = document.createElement('p');
      name.className = 'mono wrapid';
      name.textContent = src.name;
      var list = document.createElement('dl');
      list.className = 'kv';
      [['State', src.state], ['Published', count(src.published)], ['Duplicates skipped', count(src.duplicates)],
        ['Refused', count(src.refused)], ['Errors', count(src.errors)],
        ['Lag', known(src.lag) ? count(src.lag) : DASH]].forEach(function (pair) {
        var dt = document.createElement('dt'), dd = document.createElement('dd');
        dt.textContent = pair[0];
        dd.textContent = pair[1];
        list.append(dt, dd);
      });
      box.append(name, list);
      if (src.lastError) {
        var error = document.createElement('p');
        error.className = 'sub muted';
        error.textContent = 'Last error: ' + src.lastError;
        box.append(error);
      }
    });
  }

  function renderErrors(errors) {
    var list = $('stat-publish-errors'), total = 0, keys = Object.keys(errors);
    while (list.firstChild) list.removeChild(list.firstChild);
    keys.forEach(function (k) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k.replace(/_/g, ' ');
      dd.textContent = count(errors[k]);
      if (known(errors[k])) total += errors[k];
      list.appendChild(dt);
      list.appendChild(dd);
    });
    text('stat-publish-errors-total', keys.length ? count(total) : DASH);
  }

  var stats = null, retryTimer = null, retryDelay = 2000;

  function statsUrl() {
    var token = sessionStorage.getItem(TOKEN_KEY);
    return STATS_URL + (token ? '?authorization=' + encodeURIComponent(token) : '');
  }

  function connectStats() {
    clearTimeout(retryTimer);
    if (stats) stats.close();
    setStatsState('connecting', 'connecting');
    var source = stats = new EventSource(statsUrl());
    source.onopen = function () { retryDelay = 2000; $('stats-auth').hidden = true; setStatsState('open', 'live'); };
    source.addEventListener('stats', function (e) {
      try { render(JSON.parse(e.data)); } catch (err) { console.warn('bad stats event', err); }
    });
    source.onerror = function () {
      if (source !== stats) return;
      if (source.readyState === EventSource.CONNECTING) { setStatsState('connecting', 'reconnecting'); return; }
      // Closed for good: EventSource hides the status, so ask once with fetch to tell a missing
      // token (401/403) from an absent endpoint or an outage, then abort before the body streams.
      source.close();
      diagnose().then(function (status) {
        if (status === 401 || status === 403) { askForToken(status); return; }
        var why = status ? 'unavailable (HTTP ' + status + ')' : 'unreachable';
        setStatsState('error', 'stats ' + why + ', retrying in ' + Math.round(retryDelay / 1000) + ' s');
        retryTimer = setTimeout(connectStats, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      });
    };
  }

  function diagnose() {
    var abort = new AbortController();
    return fetch(statsUrl(), { signal: abort.signal, cache: 'no-store' })
      .then(function (r) { abort.abort(); return r.status; }, function () { return 0; });
  }

  function askForToken(status) {
    var had = !!sessionStorage.getItem(TOKEN_KEY);
    setStatsState('error', had ? 'token refused (' + status + ')' : 'needs a token');
    text('stats-auth-message', (had ? 'The hub refused this token (' + status + '). ' : 'The hub requires authorization for live stats (' + status + '). ')
      + 'Paste a subscriber JWT allowed to subscribe to the topic herald:stats. It is kept in this tab only (sessionStorage).');
    $('stats-auth').hidden = false;
  }

  $('stats-auth-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var token = $('stats-token').value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('stats-token').value = '';
    connectStats();
  });
  $('stats-forget').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN_KEY);
    $('stats-token').value = '';
    connectStats();
  });

  // ---- subscribe debugger ----
  var sub = null, lastSeenId = null, received = 0;

  function lines(value) { return value.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean); }

  function setSubState(state, label) {
    $('sub-dot').setAttribute('data-state', state === 'reconnecting' ? 'connecting' : state);
    text('sub-state', label || state);
    $('sub-stop').disabled = state === 'closed';
  }

  function pretty(data) {
    var t = data.trim();
    if (t.charAt(0) === '{' || t.charAt(0) === '[') {
      try { return JSON.stringify(JSON.parse(t), null, 2); } catch (e) { /* not JSON: shown as is */ }
    }
    return data;
  }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function addUpdate(e) {
    if (e.target !== sub) return;
    if (e.lastEventId) lastSeenId = e.lastEventId;
    received++;
    var item = el('li', 'update'), head = el('div', 'update-head');
    head.appendChild(el('span', 'update-type', e.type));
    head.appendChild(el('span', 'update-id', e.lastEventId || '(no id)'));
    var time = el('time', 'update-time', new Date().toLocaleTimeString());
    time.dateTime = new Date().toISOString();
    head.appendChild(time);
    item.appendChild(head);
    item.appendChild(el('pre', 'update-data', pretty(String(e.data))));
    var list = $('updates');
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_UPDATES) list.removeChild(list.lastChild);
    text('sub-count', received + (received === 1 ? ' update' : ' updates'));
  }

  function subscribe() {
    var topics = lines($('sub-topics').value);
    if (!topics.length) { setSubState('closed', 'closed: add at least one topic selector'); $('sub-topics').focus(); return; }
    stopSubscription();
    var params = new URLSearchParams();
    topics.forEach(function (t) { params.append('topic', t); });
    var token = $('sub-token').value.trim(), lastId = $('sub-last-event-id').value.trim();
    if (token) params.append('authorization', token);
    if (lastId) params.append('lastEventID', lastId);
    lastSeenId = null;
    text('sub-resume', lastId ? 'from ' + lastId : '');
    setSubState('connecting');
    var source = sub = new EventSource(HUB_URL + '?' + params.toString());
    var types = ['message'].concat($('sub-types').value.split(/[\s,]+/).filter(Boolean));
    types.filter(function (t, i) { return types.indexOf(t) === i; })
      .forEach(function (t) { source.addEventListener(t, addUpdate); });
    var reconnecting = false;
    source.onopen = function () {
      if (source !== sub) return;
      setSubState('open');
      text('sub-resume', reconnecting && lastSeenId ? 'resumed from ' + lastSeenId : '');
      reconnecting = false;
    };
    source.onerror = function () {
      if (source !== sub) return;
      if (source.readyState === EventSource.CONNECTING) {
        // The browser retries by itself and sends Last-Event-ID = the last id it saw.
        reconnecting = true;
        setSubState('reconnecting');
        var from = lastSeenId || lastId;
        text('sub-resume', from ? 'will resume from ' + from : '');
      } else {
        setSubState('closed', 'closed: refused or ended by the hub (check topics and token)');
        source.close();
      }
    };
  }

  function stopSubscription() {
    if (sub) { sub.close(); sub = null; }
    setSubState('closed');
  }

  $('sub-form').addEventListener('submit', function (e) { e.preventDefault(); subscribe(); });
  $('sub-stop').addEventListener('click', function () { stopSubscription(); text('sub-resume', ''); });
  $('sub-clear').addEventListener('click', function () {
    var list = $('updates');
    while (list.firstChild) list.removeChild(list.firstChild);
    received = 0;
    text('sub-count', '');
  });

  // ---- publish form ----
  $('pub-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var result = $('pub-result'), topics = lines($('pub-topics').value);
    var body = new URLSearchParams();
    topics.forEach(function (t) { body.append('topic', t); });
    body.append('data', $('pub-data').value);
    if ($('pub-id').value.trim()) body.append('id', $('pub-id').value.trim());
    if ($('pub-type').value.trim()) body.append('type', $('pub-type').value.trim());
    if ($('pub-private').checked) body.append('private', 'on');
    var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    var token = $('pub-token').value.trim();
    if (token) headers.Authorization = 'Bearer ' + token;
    $('pub-send').disabled = true;
    result.removeAttribute('data-ok');
    result.textContent = 'publishing\u2026';
    fetch(HUB_URL, { method: 'POST', headers: headers, body: body, credentials: 'omit' })
      .then(function (r) {
        return r.text().then(function (t) {
          result.setAttribute('data-ok', String(r.ok));
          result.textContent = r.ok ? t.trim() : r.status + ' ' + (t.trim() || r.statusText);
        });
      }, function (err) {
        result.setAttribute('data-ok', 'false');
        result.textContent = 'network error: ' + err.message;
      })
      .then(function () { $('pub-send').disabled = false; });
  });

  connectStats();
})();
